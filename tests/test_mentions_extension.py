"""The mentions extension on a tiny project (``tests/roots/test-mentions``): doctree and HTML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from dialogue_edition.sphinxext.mentions.nodes import mention
from docutils import nodes
from lxml import html as lxml_html
from sphinx.testing.util import SphinxTestApp

PAGE = "reports/demo/index"


def _page(app: SphinxTestApp, name: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((Path(app.outdir) / f"{name}.html").read_bytes())


@pytest.mark.sphinx("html", testroot="mentions")
def test_only_the_first_mention_per_page_links(app: SphinxTestApp) -> None:
    app.build()
    doctree = app.env.get_and_resolve_doctree(PAGE, app.builder, tags=app.builder.tags)
    found = [
        (node["entity"], node["first"], bool(list(node.findall(nodes.reference)))) for node in doctree.findall(mention)
    ]
    assert found == [
        ("kurbanov", True, True),
        ("korean-studies", True, True),
        ("spbu", True, True),
        ("kurbanov", False, False),
        ("ko-jae-nam", True, True),
    ]
    assert app.warning.getvalue() == ""


@pytest.mark.sphinx("html", testroot="mentions")
def test_a_first_mention_carries_a_card_built_at_build_time(app: SphinxTestApp) -> None:
    app.build()
    page = _page(app, PAGE)
    (link,) = page.xpath("//span[@class='mention']/a[@href='../../people.html#person-kurbanov']")
    card = page.xpath(f"//*[@id='{link.get('aria-describedby')}']")[0]
    assert card.get("role") == "tooltip"
    assert card.get("hidden") is not None
    assert "Sergei Kurbanov" in card.text_content()
    assert "Head of the Department of Korean Studies at St Petersburg University" in card.text_content()
    assert page.xpath("//script[contains(@src, 'mentions.js')]")
    assert (Path(app.outdir) / "_static" / "mentions.css").exists()


@pytest.mark.sphinx("html", testroot="mentions")
def test_glossary_entries_are_objects_with_index_entries_and_backrefs(app: SphinxTestApp) -> None:
    app.build()
    objects = {
        (name, kind): (doc, anchor) for name, _, kind, doc, anchor, _ in app.env.get_domain("forum").get_objects()
    }
    assert objects[("kurbanov", "person")] == ("people", "person-kurbanov")
    assert objects[("spbu", "organisation")] == ("organisations", "org-spbu")
    people = _page(app, "people")
    # Headed as sorted: family name first (a name written family name first stays as written).
    assert [h.text_content().rstrip("¶") for h in people.xpath("//section[contains(@class, 'glossary-entry')]/h3")] == [
        "Ko Jae Nam",
        "Kurbanov, Sergei",
    ]
    assert people.xpath("//p[@class='glossary-jump-bar']/a/@href") == ["#letter-k"]
    backrefs = people.xpath("//section[@id='person-kurbanov']//ul[contains(@class, 'mentioned-in')]//a/@href")
    assert backrefs == [
        "reports/demo/index.html",
        "reports/demo/index.html",
        "reports/demo/index.html#p1",
        "reports/demo/index.html#p2",
    ]
    organisations = _page(app, "organisations")
    assert organisations.xpath("//section[@id='org-spbu']//a[@href='#org-korean-studies']")
    assert organisations.xpath("//section[@id='org-korean-studies']//a[@href='people.html#person-kurbanov']")
    genindex = (Path(app.outdir) / "genindex.html").read_text()
    assert "Kurbanov, Sergei" in genindex
    # Written family name first, the name is indexed as written, not inverted ("Ko, Jae Nam").
    assert "Ko Jae Nam" in genindex
    assert "Ko, Jae Nam" not in genindex


@pytest.mark.sphinx("html", testroot="mentions", srcdir="mentions-unknown-id")
def test_an_unknown_id_is_an_error_at_the_page_line(app: SphinxTestApp) -> None:
    page = Path(app.srcdir) / PAGE
    text = page.with_suffix(".md").read_text()
    page.with_suffix(".md").write_text(text.replace("<ko-jae-nam>", "<ko-jae-nan>"))
    app.build()
    warnings = app.warning.getvalue()
    assert "reports/demo/index.md:5: WARNING: unknown person id 'ko-jae-nan'; did you mean ko-jae-nam?" in warnings


@pytest.mark.sphinx("html", testroot="mentions", srcdir="mentions-orphan")
def test_an_entry_no_page_mentions_is_an_error_at_its_registry_line(app: SphinxTestApp) -> None:
    page = Path(app.srcdir) / f"{PAGE}.md"
    page.write_text(page.read_text().replace(", and {person}`Ko Jae Nam <ko-jae-nam>`", ""))
    app.build()
    assert (
        "registry/people.yaml:15: WARNING: person 'ko-jae-nam' is in the registry but no page mentions it"
        in app.warning.getvalue()
    )


@pytest.mark.sphinx("html", testroot="mentions", srcdir="mentions-incremental")
def test_backrefs_follow_an_incremental_build(app: SphinxTestApp, make_app: Callable[..., SphinxTestApp]) -> None:
    app.build()
    assert "#p2" in " ".join(_page(app, "people").xpath("//section[@id='person-kurbanov']//a/@href"))
    page = Path(app.srcdir) / f"{PAGE}.md"
    page.write_text(page.read_text().replace("{person}`Professor Kurbanov <kurbanov>` again", "someone else"))
    app = make_app("html", srcdir=app.srcdir)
    app.build()
    hrefs = _page(app, "people").xpath("//section[@id='person-kurbanov']//a/@href")
    assert "reports/demo/index.html#p1" in hrefs
    assert "reports/demo/index.html#p2" not in hrefs
    assert "reports/demo/index.html#p2" in _page(app, "people").xpath("//section[@id='person-ko-jae-nam']//a/@href")


@pytest.mark.sphinx("html", testroot="mentions", srcdir="mentions-registry-change")
def test_a_registry_change_rereads_every_page(app: SphinxTestApp, make_app: Callable[..., SphinxTestApp]) -> None:
    app.build()
    registry = Path(app.srcdir) / "registry" / "people.yaml"
    renamed = registry.read_text().replace("name: Ko Jae Nam", "name: Ko Jae-nam")
    registry.write_text(renamed.replace("given_name: Jae Nam", "given_name: Jae-nam"))
    app = make_app("html", srcdir=app.srcdir)
    app.build()
    assert "Ko Jae-nam" in _page(app, "people").xpath("//section[@id='person-ko-jae-nam']/h3")[0].text_content()
    assert "Ko Jae-nam" in " ".join(_page(app, PAGE).xpath("//span[@class='mention']//strong/text()"))
