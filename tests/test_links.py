"""Internal links of every edition resolve: pages, fragments, PDF destinations."""

from __future__ import annotations

import zipfile
from pathlib import Path

from conftest import COMBINED_EPUB, COMBINED_PDF, PROJECT_ROOT
from dialogue_edition.build import Layout
from dialogue_edition.checks.links import epub_problems, html_site_problems, pdf_problems, site_prefix
from dialogue_edition.source_report import SourceReport
from pypdf import PdfWriter
from pypdf.generic import NameObject, TextStringObject


def test_html_links_and_fragments_resolve(editions: Layout) -> None:
    assert html_site_problems(editions.build / "html", site_prefix(PROJECT_ROOT)) == []


def test_epub_links_and_fragments_resolve(editions: Layout, reports: list[SourceReport]) -> None:
    for name in [COMBINED_EPUB] + [f"{report.slug}.epub" for report in reports]:
        assert epub_problems(editions.build / name) == [], name


def test_pdf_link_destinations_exist(editions: Layout, reports: list[SourceReport]) -> None:
    for name in [COMBINED_PDF] + [f"{report.slug}.pdf" for report in reports]:
        assert pdf_problems(editions.build / name) == [], name


def test_a_dangling_html_link_or_fragment_is_found(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "index.html").write_text('<p id="here"><a href="sub/page.html#there">x</a><a href="#here">y</a></p>')
    (tmp_path / "sub" / "page.html").write_text('<a href="../missing.html">z</a><a href="../index.html#nowhere">w</a>')
    assert html_site_problems(tmp_path) == [
        "index.html: link 'sub/page.html#there': sub/page.html has no element with id 'there'",
        "sub/page.html: link '../missing.html' points at missing.html, which does not exist",
        "sub/page.html: link '../index.html#nowhere': index.html has no element with id 'nowhere'",
    ]


def test_a_dangling_epub_link_is_found(tmp_path: Path, editions: Layout, report_2020: SourceReport) -> None:
    original = editions.build / COMBINED_EPUB
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == f"reports/{report_2020.slug}/opening.xhtml":
                data = data.replace(b"</body>", b'<a href="close.xhtml#no-such-anchor">x</a></body>')
            target.writestr(item, data)
    assert epub_problems(broken) == [
        "reports/strategic-conference-2020/opening.xhtml: link 'close.xhtml#no-such-anchor': "
        "reports/strategic-conference-2020/close.xhtml has no element with id 'no-such-anchor'"
    ]


def test_a_pdf_link_to_a_missing_destination_is_found(
    tmp_path: Path, editions: Layout, report_2020: SourceReport
) -> None:
    writer = PdfWriter(clone_from=editions.build / f"{report_2020.slug}.pdf")
    internal = [
        annotation.get_object()
        for page in writer.pages
        for annotation in page.get("/Annots", [])
        if annotation.get_object().get("/A", {}).get("/S") == "/GoTo"
    ]
    internal[0][NameObject("/A")][NameObject("/D")] = TextStringObject("chapter.99")
    broken = tmp_path / "broken.pdf"
    writer.write(broken)
    assert pdf_problems(broken) == ["page 2: link to named destination 'chapter.99', which does not exist"]
