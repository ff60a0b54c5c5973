"""The cite, citation-meta, JSON-LD and open-data extensions on a tiny project (``tests/roots/test-mentions``)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import dialogue_edition.citation as citation
import pytest
from dialogue_edition.work_ahead import WorkAhead, spare_cores
from lxml import html as lxml_html
from sphinx.testing.util import SphinxTestApp

PAGE = "reports/demo/index"
REPORT = {
    "slug": "demo",
    "title": "A demonstration report & its {braces}",
    "conference_date": "2021-03-04",
    "conference_format": "online",
    "original_url": "https://example.org/original",
    "language": "en",
    "publisher": "St Petersburg University",
    "organiser": "Somebody",
    "text": {"file": "report.txt", "received_as": "r.txt", "encoding": "utf-8", "sha256": "0" * 64},
}
OVERRIDES = {
    "extensions": [
        "myst_parser",
        "dialogue_edition.sphinxext.mentions",
        "dialogue_edition.sphinxext.cite",
        "dialogue_edition.sphinxext.citation_meta",
        "dialogue_edition.sphinxext.jsonld",
        "dialogue_edition.sphinxext.open_data",
        "sphinxcontrib.bibtex",
    ],
    "edition_reports": {"demo": REPORT},
    "html_baseurl": "https://example.org/edition/",
    "project": "Demo edition",
    "release": "9.9",
    "bibtex_bibfiles": [],
}


def _page(app: SphinxTestApp, name: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((Path(app.outdir) / f"{name}.html").read_bytes())


@pytest.mark.sphinx("html", testroot="mentions", confoverrides=OVERRIDES)
def test_each_paragraph_of_a_report_page_gets_an_anchor_and_a_cite_control(app: SphinxTestApp) -> None:
    app.build()
    assert app.warning.getvalue() == ""
    document = _page(app, PAGE)
    paragraphs = document.xpath("//*[@role='main']//p[not(@class)]")
    assert len(paragraphs) == 2
    for number, paragraph in enumerate(paragraphs, start=1):
        assert paragraph.xpath(f".//span[@id='p{number}']")
        assert paragraph.xpath(f".//button[@data-anchor='p{number}'][@data-number='{number}']")
    data = json.loads((Path(app.outdir) / "cite" / f"{PAGE}.json").read_text(encoding="utf-8"))
    # No author is made up (the editors come from CITATION.cff, which this project lacks).
    item = json.loads(data["page"]["csl-json"])[0]
    assert "author" not in item
    assert "editor" not in item
    assert item["title"] == REPORT["title"]
    # BibTeX keeps LaTeX's special characters as text.
    assert r"A demonstration report \& its \{braces\}" in data["page"]["bibtex"]


@pytest.mark.sphinx("html", testroot="mentions", confoverrides=OVERRIDES)
def test_a_page_outside_the_reports_is_cited_as_the_editions_page(app: SphinxTestApp) -> None:
    app.build()
    document = _page(app, "people")
    # No paragraph of it is cited (its p<N> are no permalinks), and it is no report for Zotero.
    assert not document.xpath("//button[@data-anchor]")
    assert not document.xpath("//meta[@name='citation_title']")
    data = json.loads((Path(app.outdir) / "cite" / "people.json").read_text(encoding="utf-8"))
    assert data["editorial"] is True
    assert "paragraph" not in data
    item = json.loads(data["page"]["csl-json"])[0]
    assert item == {
        "id": "edition-people",
        "type": "webpage",
        "title": "People",
        "container-title": "Demo edition",
        "version": "9.9",
        "URL": "https://example.org/edition/people.html",
        "note": "A page of the edition, written by its editors (editorial), not part of a report",
    }
    (script,) = document.xpath("//script[@type='application/ld+json']")
    graph = json.loads(script.text)["@graph"]
    assert {node["@type"] for node in graph} == {"WebPage", "Person"}


@pytest.mark.sphinx("html", testroot="mentions", confoverrides=OVERRIDES)
def test_the_mentions_table_holds_every_mention_the_build_recorded(app: SphinxTestApp) -> None:
    app.build()
    with (Path(app.outdir) / "data" / "mentions.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(row["entity_id"], row["paragraph_number"]) for row in rows] == [
        ("korean-studies", "1"),
        ("spbu", "1"),
        ("kurbanov", "1"),
        ("ko-jae-nam", "2"),
        ("kurbanov", "2"),
    ]
    # A report's landing page is the editors' page.
    assert {row["editorial"] for row in rows} == {"true"}


def _cite_data(app: SphinxTestApp) -> dict[str, str]:
    folder = Path(app.outdir) / "cite"
    return {path.relative_to(folder).as_posix(): path.read_text(encoding="utf-8") for path in folder.rglob("*.json")}


@pytest.mark.skipif(spare_cores() < 1, reason="one core only: nothing is formatted ahead")
@pytest.mark.sphinx("html", testroot="mentions", confoverrides=OVERRIDES, srcdir="cite-ahead")
def test_references_formatted_ahead_in_a_worker_are_those_the_build_would_format(
    app_params: Any, make_app: type[SphinxTestApp], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    taken: list[str] = []
    take = WorkAhead.take

    def counted(ahead: WorkAhead[Any], key: str) -> Any:
        result = take(ahead, key)
        if result is not None:
            taken.append(key)
        return result

    monkeypatch.setattr(WorkAhead, "take", counted)
    # What earlier tests formatted in this process would count as known, and not be formatted
    # ahead: each app starts with none (apps are made here, since making one starts the work).
    monkeypatch.setattr(citation, "_KNOWN", {})
    ahead = make_app(*app_params.args, **app_params.kwargs)
    ahead.build()
    data = _cite_data(ahead)
    # Each reference formatted ahead is taken once. Those the pool had already handed to the
    # worker (the first ones, at least) are waited for; one not started yet when a page asks for
    # it is formatted by the page instead: how many of each depends on the machine's speed.
    assert taken
    assert len(taken) == len(set(taken))
    monkeypatch.setattr(citation, "_KNOWN", {})
    monkeypatch.setattr(citation, "spare_cores", lambda: 0)
    taken.clear()
    here = make_app("html", srcdir=ahead.srcdir, builddir=tmp_path / "formatted-here", confoverrides=OVERRIDES)
    here.build()
    assert taken == []
    assert _cite_data(here) == data
    main = "string(//*[@role='main'])"
    assert _page(here, PAGE).xpath(main) == _page(ahead, PAGE).xpath(main)
