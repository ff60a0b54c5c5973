"""schema.org JSON-LD: on every page it parses (extruct), expands (pyld, no network) and links only within the site."""

from __future__ import annotations

import posixpath
import tomllib
from pathlib import Path
from typing import Any

import extruct
import pytest
from conftest import PROJECT_ROOT
from dialogue_edition.build import Layout
from lxml import html as lxml_html
from pyld import jsonld

SITE = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["urls"]["Homepage"]
SCHEMA = "https://schema.org/"
LOCAL_CONTEXT = {"@context": {"@vocab": SCHEMA}}
"""The schema.org context, reduced to what expansion needs: every term is a schema.org term."""


def local_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A document loader that serves the schema.org context from here and refuses anything else."""
    if url.rstrip("/") + "/" not in (SCHEMA, "http://schema.org/"):
        raise jsonld.JsonLdError(f"no network in the tests: {url}", "loading document failed")
    return {"contextUrl": None, "documentUrl": url, "document": LOCAL_CONTEXT}


def expanded_graph(page: Path) -> list[dict[str, Any]]:
    data = extruct.extract(page.read_text(encoding="utf-8"), syntaxes=["json-ld"], uniform=False)["json-ld"]
    assert len(data) == 1, page
    return jsonld.expand(data[0], {"documentLoader": local_loader})


def ids(node: Any) -> list[str]:
    """Every @id in an expanded document."""
    if isinstance(node, list):
        return [found for item in node for found in ids(item)]
    if isinstance(node, dict):
        own = [node["@id"]] if "@id" in node else []
        return own + [found for key, value in node.items() if key != "@id" for found in ids(value)]
    return []


def types_of(graph: list[dict[str, Any]]) -> set[str]:
    return {kind.removeprefix(SCHEMA) for node in graph for kind in node.get("@type", [])}


def resolves(site: Path, url: str, cache: dict[str, lxml_html.HtmlElement]) -> bool:
    """Whether a permalink of the site names a page of the build, and its fragment an element of it."""
    path, _, fragment = url.removeprefix(SITE).partition("#")
    path = posixpath.normpath(path or "index.html")
    if not (site / path).is_file():
        return False
    if not fragment:
        return True
    if path not in cache:
        cache[path] = lxml_html.fromstring((site / path).read_bytes())
    return bool(cache[path].xpath(f"//*[@id='{fragment}']"))


@pytest.mark.parametrize("fixture", ["editions", "two_reports"])
def test_json_ld_on_every_page_parses_expands_and_resolves(fixture: str, request: pytest.FixtureRequest) -> None:
    layout: Layout = request.getfixturevalue(fixture)
    site = layout.build / "html"
    cache: dict[str, lxml_html.HtmlElement] = {}
    pages = [path for path in site.rglob("*.html") if "_static" not in path.parts and path.name not in ("404.html",)]
    pages = [page for page in pages if 'http-equiv="refresh"' not in page.read_text(encoding="utf-8")]
    assert len(pages) > 10
    for page in pages:
        if page.name in ("genindex.html", "search.html"):
            continue
        graph = expanded_graph(page)
        assert "WebPage" in types_of(graph), page
        for found in ids(graph):
            if found.startswith(SITE):
                assert resolves(site, found, cache), (page, found)
            else:
                assert found.startswith(("https://schema.org/", "https://orient.spbu.ru/", "https://", "http://")), (
                    found
                )


def test_a_report_page_describes_the_report_its_event_people_organisations_and_agreements(editions: Layout) -> None:
    graph = expanded_graph(editions.build / "html" / "reports" / "strategic-conference-2020" / "first-session.html")
    assert {"WebPage", "Report", "Event", "Person", "Organization", "Legislation"} <= types_of(graph)
    by_id = {node["@id"]: node for node in graph if "@id" in node}
    report = by_id[f"{SITE}reports/strategic-conference-2020/index.html"]
    assert report[f"{SCHEMA}publisher"][0]["@id"] == f"{SITE}organisations.html#org-spbu"
    assert "author" not in " ".join(report)
    people = [node for node in graph if f"{SCHEMA}Person" in node.get("@type", [])]
    assert people
    assert all(f"{SCHEMA}name" in person for person in people)


def test_organisations_carry_their_parent(editions: Layout) -> None:
    graph = expanded_graph(editions.build / "html" / "organisations.html")
    by_id = {node["@id"]: node for node in graph if "@id" in node}
    working_group = by_id[f"{SITE}organisations.html#org-working-group-politics"]
    assert working_group[f"{SCHEMA}parentOrganization"] == [{"@id": f"{SITE}organisations.html#org-dialogue-forum"}]


def test_a_closing_script_tag_in_the_data_cannot_end_the_element() -> None:
    from dialogue_edition.sphinxext.jsonld import script

    text = script({"name": "</script><script>alert(1)</script>"})
    assert text.count("</script>") == 1
    assert "\\u003c/script\\u003e" in text
