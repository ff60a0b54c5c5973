"""The sidebar: every page's navigation exactly as Sphinx and Furo made it before it was built once per site.

``navigation.py`` builds the sidebar's tree once per build and marks each page's branch, where Sphinx
and Furo resolved and parsed the whole site's tree for every page. The reader must see no difference:

- the two-report site's sidebars are compared with ``fixtures/sidebars/two-reports.json``, made
  once from the code before the change (commit fe59c74): every page's sidebar as a SHA-256, and
  the full HTML of three of them, so that a failure shows what changed;
- a tiny project whose toctrees do what the edition's do not yet (captions, three levels, a page in
  two branches, titles with markup and quotes, a link, hidden and orphan pages) is built with
  ``edition_navigation_check``, which builds every page's sidebar both ways and fails on a difference.

The reference is remade only for a deliberate change of what the sidebar shows (a page added or
renamed): build the two-report site (``two_reports`` in conftest.py) with ``edition_navigation_check =
True`` in its ``docs/conf.py``, so that every sidebar is the one Sphinx and Furo make for the page or
the build fails, and write ``{"made_from": ..., **reference(site)}`` as JSON into the fixture.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path
from typing import Any, cast

import pytest
from dialogue_edition.build import Layout
from dialogue_edition.sphinxext import navigation_cache
from dialogue_edition.sphinxext.navigation import SiteNavigation, site_navigation
from dialogue_edition.sphinxext.navigation_cache import CACHE_FILE, Toctree
from sphinx.environment import BuildEnvironment
from sphinx.testing.util import SphinxTestApp

REFERENCE = Path(__file__).parent / "fixtures" / "sidebars" / "two-reports.json"
TREE_START = '<div class="sidebar-tree">'
TREE_END = '<ul class="edition-general-index">'
"""Furo's tree stands between these (or the element's end, in Furo's own template); the general
index after it is the edition's template's, not the navigation's."""
EXAMPLES = ["reports/fictional-workshop-2031/opening.html", "reports/strategic-conference-2020/index.html", "404.html"]
"""Pages whose whole sidebar the reference keeps: a report's part, a landing page, the 404 page."""


def sidebar(page: str) -> str | None:
    """The navigation tree Furo put in a page's sidebar, or None for a page without a sidebar."""
    start = page.find(TREE_START)
    if start < 0:
        return None
    start += len(TREE_START)
    ends = [end for end in (page.find(TREE_END, start), page.find("</div>", start)) if end >= 0]
    return page[start : min(ends)].strip()


def sidebars(site: Path) -> dict[str, str | None]:
    """Every HTML page of a site and its sidebar's tree."""
    return {
        path.relative_to(site).as_posix(): sidebar(path.read_text("utf-8")) for path in sorted(site.rglob("*.html"))
    }


def digest(tree: str | None) -> str | None:
    """A sidebar's SHA-256 (None stays None: a page without a sidebar)."""
    return None if tree is None else hashlib.sha256(tree.encode()).hexdigest()


def reference(site: Path) -> dict[str, object]:
    """The fixture's content for a built site: every page's sidebar digest and a few sidebars in full."""
    trees = sidebars(site)
    return {
        "sha256": {page: digest(tree) for page, tree in trees.items()},
        "examples": {page: trees[page] for page in EXAMPLES},
    }


def test_every_page_of_the_two_report_site_has_the_sidebar_it_had(two_reports: Layout) -> None:
    expected = json.loads(REFERENCE.read_text("utf-8"))
    found = sidebars(two_reports.build / "html")
    assert sorted(found) == sorted(expected["sha256"])
    for page, tree in expected["examples"].items():
        assert found[page] == tree, page
    changed = [page for page, tree in found.items() if digest(tree) != expected["sha256"][page]]
    assert changed == []


def test_the_404_pages_sidebar_is_collapsed_with_absolute_addresses(two_reports: Layout) -> None:
    # sphinx-notfound-page's toctree() expanded every report's every page on the 404 page
    # (navigation.collapse_added_navigation); its addresses stay absolute, as it is served anywhere.
    tree = sidebar((two_reports.build / "html" / "404.html").read_text("utf-8"))
    assert tree is not None
    addresses = re.findall(r'href="([^"]*)"', tree)
    assert len(addresses) == tree.count('class="toctree-l1') > 2  # the reports and the glossaries, no more
    assert all(address.startswith("/") for address in addresses)


@pytest.mark.sphinx("html", testroot="navigation")
def test_sidebars_built_once_per_site_are_furos_on_every_page(app: SphinxTestApp) -> None:
    app.build()  # edition_navigation_check: a page whose sidebar differs fails the build
    assert app.warning.getvalue() == ""
    # Built once per site for every page but the one in two branches (a/two: report A's and B's).
    assert site_navigation(app).left_to_furo == ["a/two"]
    leaf = sidebar((Path(app.outdir) / "a" / "deep" / "leaf.html").read_text("utf-8"))
    assert leaf is not None
    assert '<li class="toctree-l3 current current-page"><a class="current reference internal" href="#">Leaf</a>' in leaf
    assert 'href="../../special.html">The "special" &amp; co</a>' in leaf


@pytest.mark.sphinx("html", testroot="navigation", srcdir="navigation-kept")
def test_the_pieces_are_rendered_again_only_when_what_they_show_changes(
    app: SphinxTestApp, make_app: type[SphinxTestApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pieces are kept between builds while the pages keep their titles and tables of contents
    # (navigation_cache); edition_navigation_check fails any build whose sidebars are not Furo's.
    rendered: list[str] = []
    render_entries = SiteNavigation.render_entries

    def counted(navigation: SiteNavigation) -> list[Toctree]:
        rendered.append("rendered")
        return render_entries(navigation)

    monkeypatch.setattr(SiteNavigation, "render_entries", counted)
    digested: list[str] = []
    page_share = navigation_cache.page_share

    def digested_page(env: BuildEnvironment, docname: str) -> bytes:
        digested.append(docname)
        return page_share(env, docname)

    monkeypatch.setattr(navigation_cache, "page_share", digested_page)
    app.build()
    page = Path(app.srcdir) / "a" / "one.md"

    def edited(old: str, new: str, **options: Any) -> str:
        page.write_text(page.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        later = time.time() + 10  # newer than the last build's reading, whatever the clock's grain
        os.utime(page, (later, later))
        again = make_app("html", srcdir=app.srcdir, builddir=Path(app.outdir).parent, **options)
        again.build()  # a sidebar that is not Furo's raises here
        return (Path(again.outdir) / "a" / "one.html").read_text("utf-8")  # the edited page, rewritten

    assert rendered == ["rendered"]
    assert sorted(digested) == sorted(app.env.all_docs)
    digested.clear()
    edited("Text.", "Other words.")
    assert rendered == ["rendered"]  # a paragraph: the last build's pieces
    assert digested == ["a/one"]  # the digest of the pieces' inputs: only the page read again
    branch = edited("# One, first part", "# One, renamed")
    assert rendered == ["rendered", "rendered"]  # a title: rendered again
    assert "One, renamed" in (sidebar(branch) or "")
    rendered.clear()
    cache = Path(app.doctreedir) / CACHE_FILE
    kept = json.loads(cache.read_text(encoding="utf-8"))
    damaged_files = [
        "{not json",
        '{"inputs": 1}',
        "[" * 100_000,
        json.dumps({**kept, "toctrees": [{"bogus": 1}]}),  # the same inputs, pieces of another shape
        json.dumps({**kept, "branches": {"a/one": [[1e400, 0]]}}),
    ]
    for damaged in damaged_files:  # rendered again
        cache.write_text(damaged, encoding="utf-8")
        edited("Other words.", "Other words.")
        assert rendered.pop() == "rendered"
    # Rendered again, though no page changed: in a build that reads every page afresh (the
    # pipeline asks for one when its code changed), and after a change of the configuration
    # that Sphinx reads every page again for (the language translates generated entries).
    edited("Other words.", "Other words.")
    assert rendered == []
    edited("Other words.", "Other words.", freshenv=True)
    assert rendered.pop() == "rendered"
    titled = {"html_title": "A title the language does not change"}
    edited("Other words.", "Other words.", confoverrides=titled)
    rendered.clear()
    edited("Other words.", "Other words.", confoverrides={**titled, "language": "de"})
    assert rendered.pop() == "rendered"


WITH_404_PAGE = {
    "extensions": ["myst_parser", "dialogue_edition.sphinxext.navigation", "notfound.extension"],
    "edition_navigation_check": False,  # the check makes every sidebar Furo's way, kept or not
}


@pytest.mark.sphinx("html", testroot="navigation", srcdir="navigation-404", confoverrides=WITH_404_PAGE)
def test_the_404_pages_sidebar_is_kept_while_the_pieces_are(
    app: SphinxTestApp, make_app: type[SphinxTestApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    # sphinx-notfound-page's toctree() resolves the whole site's tree, which Furo then parses: the
    # sidebar Furo made is kept with the pieces' inputs and taken while they are the same.
    import furo

    parsed: list[str] = []  # the 404 page's toctree, each time Furo parses it
    get_navigation_tree = furo.get_navigation_tree

    def counted(toctree_html: str) -> str:
        if 'href="/' in toctree_html:  # the 404 page's addresses are absolute, every other page's relative
            parsed.append(toctree_html)
        return cast(str, get_navigation_tree(toctree_html))

    monkeypatch.setattr(furo, "get_navigation_tree", counted)
    app.build()
    not_found = Path(app.outdir) / "404.html"
    made = not_found.read_bytes()
    assert len(parsed) == 1

    def edited(name: str, old: str, new: str) -> bytes:
        page = Path(app.srcdir) / name
        page.write_text(page.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        later = time.time() + 10  # newer than the last build's reading, whatever the clock's grain
        os.utime(page, (later, later))
        parsed.clear()
        again = make_app("html", srcdir=app.srcdir, builddir=Path(app.outdir).parent, confoverrides=WITH_404_PAGE)
        again.build()
        return not_found.read_bytes()

    assert edited("a/one.md", "Text.", "Other words.") == made
    assert parsed == []  # a paragraph: the kept sidebar, the same bytes
    renamed = edited("a/index.md", "# Report *A*", "# Report *A*, renamed")  # a title the 404 page shows
    assert len(parsed) == 1  # Furo's again
    assert b"</em>, renamed" in renamed


def test_every_page_s_sidebar_links_the_open_data_page(editions: Layout) -> None:
    site = editions.build / "html"
    pages = [path for path in sorted(site.rglob("*.html")) if TREE_START in path.read_text("utf-8")]
    assert len(pages) > 10
    for path in pages:
        text = path.read_text("utf-8")
        extra = text[text.index(TREE_END) : text.index("</ul>", text.index(TREE_END))]
        [(classes, link_classes, href)] = re.findall(
            r'<li class="([^"]*)"><a class="([^"]*)" href="([^"]*)">Open data</a></li>', extra
        )
        if path == site / "data.html":
            assert (href, "current-page" in classes, "current" in link_classes.split()) == ("#", True, True)
        elif href.startswith("/"):  # the 404 page, served at any address, links from the site's root
            index = re.findall(r'href="([^"]*)">Index</a>', extra)
            assert index == [href.removesuffix("data.html") + "genindex.html"], path
        else:
            assert (path.parent / href).resolve() == (site / "data.html").resolve(), path
            assert "current" not in classes + link_classes, path


def test_a_site_without_an_open_data_page_links_none() -> None:
    from types import SimpleNamespace

    from dialogue_edition.sphinxext.theme import link_open_data

    context: dict[str, Any] = {}
    link_open_data(cast(Any, SimpleNamespace(env=SimpleNamespace(titles={}))), "index", "page.html", context, None)
    assert "edition_open_data" not in context
