"""A site of two reports: the real one and the fictional fixture, imported and built as an editor would.

Every edition of each report, and the combined editions, are checked the way the one-report site
is: links, faithfulness, validators; and what only many reports have: the order of the reports,
mentions grouped by report, each report's own front matter, and links between the books.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import COMBINED_EPUB, COMBINED_PDF, FICTIONAL_METADATA, PROJECT_ROOT, require_tool
from dialogue_edition.build import Layout
from dialogue_edition.checks import validators
from dialogue_edition.checks.links import epub_problems, html_site_problems, pdf_problems, site_prefix
from dialogue_edition.checks.mentions import site_unlinked_first_mentions
from dialogue_edition.checks.rendered_text import epub_report_blocks, epub_spine, html_report_blocks
from dialogue_edition.fidelity import compare
from dialogue_edition.registry import load_registry
from dialogue_edition.report_review import report_kinds
from dialogue_edition.source_report import SourceReport, load_reports
from lxml import etree
from lxml import html as lxml_html
from pypdf import PdfReader

FICTIONAL = FICTIONAL_METADATA["slug"]
REAL = "strategic-conference-2020"
FICTIONAL_TITLE = "A fictional workshop on river ferries"
REAL_TITLE = "Strategic conference 2020: 30 years of diplomatic relations"
APPENDICES = ["people.xhtml", "organisations.xhtml", "agreements.xhtml", "timeline.xhtml"]


@pytest.fixture(scope="module")
def reports(two_reports: Layout) -> list[SourceReport]:
    return load_reports(two_reports.docs.parent / "source_reports")


def _page(layout: Layout, name: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((layout.build / "html" / name).read_bytes())


def _opf(epub: Path) -> etree._Element:
    with zipfile.ZipFile(epub) as archive:
        return etree.fromstring(archive.read("content.opf"))


def test_the_imported_draft_builds_in_every_builder_without_a_warning(two_reports: Layout) -> None:
    for builder in ("html", "epub", "latex"):
        assert two_reports.log(f"{builder}-warnings.log").read_text() == "", builder


def test_the_landing_page_lists_the_reports_newest_first(two_reports: Layout, reports: list[SourceReport]) -> None:
    items = _page(two_reports, "index.html").xpath("//ul[contains(@class, 'report-list')]/li")
    links = [item.xpath(".//a/@href")[0] for item in items]
    assert links == [f"reports/{report.slug}/index.html" for report in reports]
    assert items[links.index(f"reports/{FICTIONAL}/index.html")].text_content() == (
        f"{FICTIONAL_TITLE} — 20 May 2031, online. Published by Nobody (a test fixture) as “{FICTIONAL_TITLE}”."
    )
    dates = [report.metadata.conference_date for report in reports]
    assert dates == sorted(dates, reverse=True)
    assert links.index(f"reports/{FICTIONAL}/index.html") < links.index(f"reports/{REAL}/index.html")


def test_each_report_and_the_whole_site_have_a_pdf_and_an_epub(
    two_reports: Layout, reports: list[SourceReport]
) -> None:
    names = {path.name for path in two_reports.build.iterdir() if path.is_file()}
    expected = {f"{r.slug}.{suffix}" for r in reports for suffix in ("pdf", "epub")} | {COMBINED_EPUB, COMBINED_PDF}
    assert names == expected
    table = _page(two_reports, "index.html").xpath("//table[@id='edition-downloads']/tbody/tr/td[3]")
    assert {cell.text_content().strip() for cell in table} == expected


def test_every_link_of_every_edition_resolves(two_reports: Layout, reports: list[SourceReport]) -> None:
    assert html_site_problems(two_reports.build / "html", site_prefix(PROJECT_ROOT)) == []
    for stem in [COMBINED_EPUB.removesuffix(".epub")] + [report.slug for report in reports]:
        assert epub_problems(two_reports.build / f"{stem}.epub") == [], stem
        assert pdf_problems(two_reports.build / f"{stem}.pdf") == [], stem


def test_every_report_is_whole_in_order_and_of_its_kinds_in_every_edition_that_holds_it(
    two_reports: Layout, reports: list[SourceReport]
) -> None:
    for report in reports:
        kinds = report_kinds(report, two_reports.docs / "reports" / report.slug)
        text, blocks = html_report_blocks(two_reports.build / "html", report.slug)
        assert compare(report.blocks(), text, kinds, blocks) == []
        for epub in (COMBINED_EPUB, f"{report.slug}.epub"):
            text, blocks = epub_report_blocks(two_reports.build / epub, report.slug)
            assert compare(report.blocks(), text, kinds, blocks) == [], (report.slug, epub)


def test_a_report_epub_holds_its_own_report_and_the_appendices(two_reports: Layout) -> None:
    with zipfile.ZipFile(two_reports.build / f"{FICTIONAL}.epub") as archive:
        spine = epub_spine(archive)
        people = archive.read("people.xhtml").decode()
    # The cover, the report, the appendices; the contents (nav.xhtml) only when asked for.
    assert spine[0] == "epub-cover.xhtml"
    assert spine[-1] == "nav.xhtml"
    spine = spine[1:-1]
    assert spine[0] == f"reports/{FICTIONAL}/index.xhtml"
    assert all(page.startswith(f"reports/{FICTIONAL}/") for page in spine[:-4])
    assert spine[-4:] == APPENDICES
    # Kurbanov speaks in both reports: the other report's paragraphs are linked in the web edition.
    web = "https://russia-korea-dialogue.github.io/reports-edition/"
    assert f'href="{web}reports/{REAL}/opening.html#p' in people
    assert f'href="reports/{FICTIONAL}/opening.xhtml#p' in people


def test_each_epub_describes_the_book_it_is(two_reports: Layout, reports: list[SourceReport]) -> None:
    identifiers = set()
    for report in reports:
        opf = _opf(two_reports.build / f"{report.slug}.epub")
        assert opf.xpath("//*[local-name()='title']/text()") == [report.metadata.title]
        assert opf.xpath("//*[local-name()='publisher']/text()") == [report.metadata.publisher]
        identifiers |= set(opf.xpath("//*[local-name()='identifier']/text()"))
    combined = _opf(two_reports.build / COMBINED_EPUB)
    assert combined.xpath("//*[local-name()='title']/text()") == ["Russia–Republic of Korea Dialogue Forum: reports"]
    identifiers |= set(combined.xpath("//*[local-name()='identifier']/text()"))
    assert len(identifiers) == len(reports) + 1


def test_every_epub_passes_epubcheck(two_reports: Layout, reports: list[SourceReport]) -> None:
    require_tool(validators.EPUBCHECK_JAR, "epubcheck")
    for name in [COMBINED_EPUB] + [f"{report.slug}.epub" for report in reports]:
        counts, messages = validators.epubcheck(two_reports.build / name)
        assert (counts["FATAL"], counts["ERROR"], counts["WARNING"]) == (0, 0, 0), (name, messages)


def test_each_report_pdf_opens_with_its_own_front_matter(two_reports: Layout, reports: list[SourceReport]) -> None:
    for report in reports:
        reader = PdfReader(two_reports.build / f"{report.slug}.pdf")
        assert reader.metadata.title == report.metadata.title
        assert reader.metadata.subject.startswith(f"Report of the event of {report.metadata.conference_date.day} ")
        assert report.metadata.title.split()[0] in reader.pages[0].extract_text()


def test_the_combined_pdf_holds_each_report_once_then_the_appendices(two_reports: Layout) -> None:
    reader = PdfReader(two_reports.build / COMBINED_PDF)
    chapters = [item.title for item in reader.outline if not isinstance(item, list)]
    fictional, real = (
        "A fictional workshop on river ferries",
        "Strategic conference 2020: 30 years of diplomatic relations",
    )
    assert chapters.count(fictional) == chapters.count(real) == 1
    assert chapters.index(fictional) < chapters.index(real)
    assert chapters[-5:] == ["People", "Organisations", "Historical agreements", "Timeline", "Index"]
    assert reader.metadata.title == "Russia–Republic of Korea Dialogue Forum: reports"
    count = len(chapters) - 5
    assert reader.metadata.subject.startswith(f"Reports of {count} events, 2020–")
    title_page = reader.pages[0].extract_text()
    assert f"Combined edition of {count} reports" in title_page
    assert "A fictional workshop on river ferries (20 May 2031)" in title_page


def test_mentions_are_grouped_by_report_newest_first(two_reports: Layout) -> None:
    (entry,) = _page(two_reports, "people.html").xpath("//section[@id='person-kurbanov']")
    groups = [group.text_content() for group in entry.xpath(".//ul[contains(@class, 'mentioned-in')]/li/p")]
    fictional, real = (
        "A fictional workshop on river ferries",
        "Strategic conference 2020: 30 years of diplomatic relations",
    )
    assert groups.index(fictional) < groups.index(real)


def test_the_timeline_has_the_new_report_s_event_linked_to_its_report(two_reports: Layout) -> None:
    (entry,) = _page(two_reports, "timeline.html").xpath(f"//section[@id='event-{FICTIONAL}']")
    assert entry.xpath("string(.//h2)").startswith("20 May 2031: An imaginary workshop on river ferries")
    # Its only mention is the landing page's editorial note, which "In the report" leaves out; its
    # sources (the report, whose metadata dates it) link it to its report.
    assert entry.xpath(f".//a[@href='reports/{FICTIONAL}/index.html']")
    assert "Date: the report of 20 May 2031" in " ".join(entry.text_content().split())


def test_report_pages_offer_their_own_report_s_downloads(two_reports: Layout) -> None:
    for slug in (FICTIONAL, REAL):
        links = _page(two_reports, f"reports/{slug}/index.html").xpath("//nav[@class='edition-downloads']//a/@href")
        assert links[:2] == [f"../../downloads/{slug}.pdf", f"../../downloads/{slug}.epub"]


def test_every_pdf_gives_each_agreement_its_own_cited_in_once(two_reports: Layout) -> None:
    for name in [COMBINED_PDF, f"{FICTIONAL}.pdf", f"{REAL}.pdf"]:
        reader = PdfReader(two_reports.build / name)
        chapters = {i.title: reader.get_destination_page_number(i) for i in reader.outline if not isinstance(i, list)}
        start, end = chapters["Historical agreements"], chapters["Timeline"]
        text = "".join(page.extract_text() for page in reader.pages[start:end])
        assert text.count("Cited in:") == 4, name
        # The fictional report cites no agreement: its PDF says so under each of them.
        assert text.count("Only in other reports of this edition.") == (4 if name == f"{FICTIONAL}.pdf" else 0), name


def test_every_first_mention_on_every_page_of_both_reports_is_linked(two_reports: Layout) -> None:
    registry = load_registry(two_reports.docs.parent / "registry")
    assert site_unlinked_first_mentions(two_reports.build / "html", registry) == []
