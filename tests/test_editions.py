"""The editions as files: zero warnings, PDF bookmarks and fonts, EPUB metadata, HTML downloads."""

from __future__ import annotations

import hashlib
import pickle
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

from conftest import COMBINED_EPUB, COMBINED_PDF, PROJECT_ROOT
from dialogue_edition.build import EDITIONS, Layout
from dialogue_edition.checks.links import link_target, site_prefix
from dialogue_edition.checks.rendered_text import element_text, epub_spine
from dialogue_edition.source_report import SourceReport, long_date
from lxml import etree
from lxml import html as lxml_html
from pypdf import PdfReader

BUILDERS = {"html": "html", "pdf": "latex", "epub": "epub"}
DOWNLOAD_LINKS = "//nav[@class='edition-downloads']//a/@href"


def test_every_builder_ran_without_a_single_warning(editions: Layout) -> None:
    for edition in EDITIONS:
        log = editions.log(f"{BUILDERS[edition]}-warnings.log")
        assert log.exists(), f"{edition} was not built"
        assert log.read_text() == "", f"{edition}: {log.read_text()}"


def test_the_books_do_not_read_the_pages_of_the_web_site_alone(editions: Layout) -> None:
    # The open data page describes files of the site: the site reads it, the books leave it unread.
    assert (editions.doctrees("html") / "data.doctree").is_file()
    for builder in ("epub", "latex"):
        assert (editions.doctrees(builder) / "index.doctree").is_file(), builder
        assert not (editions.doctrees(builder) / "data.doctree").exists(), builder


def test_the_books_load_no_extension_of_the_web_site_alone(editions: Layout) -> None:
    # docs/conf.py (WEB_ONLY_EXTENSIONS): the sidebar, the search, the copy buttons and the other
    # extensions only the site uses are not loaded for a book, and leave nothing in it.
    loaded, configs = {}, {}
    for builder in BUILDERS.values():
        with (editions.doctrees(builder) / "environment.pickle").open("rb") as pickled:
            configs[builder] = pickle.load(pickled).config
        loaded[builder] = set(configs[builder].extensions)
    assert {"sphinx_copybutton", "dialogue_edition.sphinxext.navigation"} <= loaded["html"] - loaded["epub"]
    assert loaded["epub"] == loaded["latex"]
    assert loaded["epub"] < loaded["html"]
    # Not set up by another extension either: the values they add are the site's alone.
    for value in ("edition_search_ahead", "edition_navigation_check", "edition_redirects_file"):
        assert value in configs["html"]
        assert value not in configs["epub"]
        assert value not in configs["latex"]
    with zipfile.ZipFile(editions.build / COMBINED_EPUB) as book:
        assert not [name for name in book.namelist() if "copybutton" in name]


def _outline_titles(outline: list) -> list[str]:
    return [item.title for item in outline if not isinstance(item, list)]


def _page_headings(epub: Path, slug: str) -> list[str]:
    """The headings of the pages a report's PDF holds, in reading order.

    Its parts, then the glossaries; the EPUB spine follows the same toctrees.
    """
    with zipfile.ZipFile(epub) as archive:
        spine = epub_spine(archive)
        parts = [name for name in spine if name.startswith(f"reports/{slug}/") and not name.endswith("/index.xhtml")]
        pages = [*parts, "people.xhtml", "organisations.xhtml", "agreements.xhtml", "timeline.xhtml"]
        headings = [lxml_html.fromstring(archive.read(name)).xpath("//h1")[0] for name in pages]
    return [element_text(heading).strip() for heading in headings]


def test_the_pdf_has_one_bookmark_per_page(
    editions: Layout, reports: list[SourceReport], report_2020: SourceReport
) -> None:
    assert len(_page_headings(editions.build / COMBINED_EPUB, report_2020.slug)) == 5 + 4
    for report in reports:
        headings = _page_headings(editions.build / COMBINED_EPUB, report.slug)
        # The agreements' entries are printed in their appendix; the general index closes the PDF.
        # The start page (the report's landing page) heads the PDF, unnumbered (pdf_front_matter).
        start = (editions.docs / "reports" / report.slug / "index.md").read_text(encoding="utf-8").splitlines()[0]
        outline = _outline_titles(PdfReader(editions.build / f"{report.slug}.pdf").outline)
        assert outline == [start.removeprefix("# "), *headings, "Index"]


def test_every_pdf_font_is_embedded(editions: Layout, reports: list[SourceReport]) -> None:
    for name in [COMBINED_PDF] + [f"{report.slug}.pdf" for report in reports]:
        reader = PdfReader(editions.build / name)
        fonts = {}
        for page in reader.pages:
            for font in page.get("/Resources", {}).get("/Font", {}).values():
                font = font.get_object()
                descriptor = font.get("/FontDescriptor") or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                descriptor = descriptor.get_object()
                fonts[font["/BaseFont"]] = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
        assert fonts, "no fonts found"
        assert [name for name, embedded in fonts.items() if not embedded] == []


def test_the_pdf_carries_the_report_metadata(editions: Layout, reports: list[SourceReport]) -> None:
    for report in reports:
        metadata = PdfReader(editions.build / f"{report.slug}.pdf").metadata
        assert metadata.title == report.metadata.title
        # The report states no author: the PDF's Author is the edition's editors (test_integrity.py).
        assert metadata.author != report.metadata.organiser
        first_page = PdfReader(editions.build / f"{report.slug}.pdf").pages[0].extract_text()
        assert long_date(report.metadata.conference_date) in first_page


def test_the_epub_has_complete_metadata_and_navigation(
    editions: Layout, reports: list[SourceReport], report_2020: SourceReport
) -> None:
    metadata = report_2020.metadata
    with zipfile.ZipFile(editions.build / COMBINED_EPUB) as archive:
        assert archive.namelist()[0] == "mimetype"
        opf = etree.fromstring(archive.read("content.opf"))
        spine = epub_spine(archive)
        navigation = archive.read("nav.xhtml").decode()
    dc = {"dc": "http://purl.org/dc/elements/1.1/"}
    values = {
        name: opf.xpath(f"//dc:{name}/text()", namespaces=dc)
        for name in ("title", "language", "publisher", "identifier", "date")
    }
    # The EPUB is the combined edition: the site's title, every report's publisher.
    assert values["title"] == ["Russia–Republic of Korea Dialogue Forum: reports"]
    assert values["language"] == [metadata.language]
    assert values["publisher"] == ["; ".join(sorted({report.metadata.publisher for report in reports}))]
    assert values["identifier"][0].startswith("urn:uuid:")
    assert len(values["date"]) == 1
    assert "unknown" not in etree.tostring(opf, encoding="unicode")
    for part in ("opening", "first-session", "second-session", "culture", "close"):
        assert f"reports/{metadata.slug}/{part}.xhtml" in spine
        assert f"reports/{metadata.slug}/{part}.xhtml" in navigation


def test_every_html_page_offers_the_downloads_that_hold_it(editions: Layout, reports: list[SourceReport]) -> None:
    site, prefix = editions.build / "html", site_prefix(PROJECT_ROOT)
    combined = {(f"downloads/{name}", "") for name in (COMBINED_EPUB, COMBINED_PDF)}
    for page in sorted(site.rglob("*.html")):
        name = page.relative_to(site).as_posix()
        links = [urlsplit(link) for link in lxml_html.fromstring(page.read_bytes()).xpath(DOWNLOAD_LINKS)]
        targets = {(link_target(name, link.path, prefix), link.fragment) for link in links}
        report = next((r.slug for r in reports if name.startswith(f"reports/{r.slug}/")), None)
        own = {(f"downloads/{report}.{suffix}", "") for suffix in ("pdf", "epub")} if report else set()
        offered = own | combined
        # Files the page does not offer (other reports') are a link away, in the table.
        table = {("index.html", "edition-downloads")} if len(offered) < 2 * len(reports) + 2 else set()
        assert targets == offered | table, name
        assert all((site / target).is_file() for target, _ in targets), name


def test_the_landing_page_lists_every_download_with_its_checksum(editions: Layout, reports: list[SourceReport]) -> None:
    document = lxml_html.fromstring((editions.build / "html" / "index.html").read_bytes())
    rows = document.xpath("//table[@id='edition-downloads']/tbody/tr")
    names = [f"{report.slug}.{suffix}" for report in reports for suffix in ("pdf", "epub")]
    names += [COMBINED_EPUB.replace(".epub", ".pdf"), COMBINED_EPUB]
    assert [row.xpath("td[3]")[0].text_content().strip() for row in rows] == names
    for row, name in zip(rows, names, strict=True):
        checksum = row.xpath("td[5]")[0].text_content().strip()
        assert checksum == hashlib.sha256((editions.build / name).read_bytes()).hexdigest()


def test_the_search_index_knows_the_report(editions: Layout) -> None:
    index = (editions.build / "html" / "searchindex.js").read_text(encoding="utf-8")
    assert "kropachev" in index
    assert (editions.build / "html" / "search.html").exists()
