"""The PDF and EPUB editions as a reader meets them, not only as validators see them.

PDF: no line runs past the page, no blank page, no heading alone at the foot of a page, the
agreements' entries inside their appendix, running heads on one line and footers with the page
number only. EPUB: every page says its language, editorial boxes keep their border and title with
only the book's own stylesheet, no empty heading, the right date and source, a cover and
landmarks, contents named as the pages are. Each check runs on every book of the one-report and
of the two-report site.
"""

from __future__ import annotations

import datetime
import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from conftest import COMBINED_EPUB, COMBINED_PDF
from dialogue_edition.agreements import parse
from dialogue_edition.build import Layout
from dialogue_edition.checks.rendered_text import element_text, epub_spine
from dialogue_edition.source_report import SourceReport, load_reports
from dialogue_edition.sphinxext.epub import cover_lines
from lxml import etree
from lxml import html as lxml_html
from pypdf import PdfReader
from pypdf.generic import Destination

OVERFULL = re.compile(r"Overfull \\[hv]box \((\d+(?:\.\d+)?)pt too (?:wide|high)\)")
# Where the running head and the footer sit on an A4 page of Sphinx's layout (points from the
# foot of the page): the text block lies between them.
HEAD_ZONE, FOOT_ZONE = 0.915, 0.07
FOOTNOTE_SIZE = 9.0
HEADING_TAGS = " or ".join(f"local-name()='h{level}'" for level in range(1, 7))
XHTML_HEADINGS = f"//*[{HEADING_TAGS} or (local-name()='p' and contains(@class, 'rubric'))]"
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
OPS = "http://www.idpf.org/2007/ops"


@pytest.fixture(scope="module", params=["one report", "two reports"])
def site(request: pytest.FixtureRequest) -> tuple[Layout, list[SourceReport]]:
    """The real site, and the site of two reports (the fictional one imported beside it)."""
    layout: Layout = request.getfixturevalue("editions" if request.param == "one report" else "two_reports")
    return layout, load_reports(layout.docs.parent / "source_reports")


def _pdfs(site: tuple[Layout, list[SourceReport]]) -> Iterator[tuple[str, Path]]:
    layout, reports = site
    for name in [COMBINED_PDF] + [f"{report.slug}.pdf" for report in reports]:
        yield name, layout.build / name


def _epubs(site: tuple[Layout, list[SourceReport]]) -> Iterator[tuple[str, Path]]:
    layout, reports = site
    for name in [COMBINED_EPUB] + [f"{report.slug}.epub" for report in reports]:
        yield name, layout.build / name


# -- PDF -------------------------------------------------------------------------------------


def overfull_boxes(log: str) -> list[float]:
    """How far each overfull box of a LaTeX log sticks out, in points."""
    return [float(amount) for amount in OVERFULL.findall(log)]


class Line(NamedTuple):
    """One line of a PDF page: its baseline's height, its text, its largest font size."""

    y: float
    text: str
    size: float


def page_lines(page: Any) -> dict[str, list[Line]]:
    """A page's text lines, top to bottom, in the zones of the running head, the body and the foot."""
    height = float(page.mediabox.height)
    fragments: dict[float, list[tuple[str, float]]] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            y = round(tm[5] * cm[3] + cm[5], 0)
            fragments.setdefault(y, []).append((text.strip(), size * abs(tm[3] * cm[3])))

    page.extract_text(visitor_text=visit)
    zones: dict[str, list[Line]] = {"head": [], "body": [], "foot": []}
    for y in sorted(fragments, reverse=True):
        zone = "head" if y > HEAD_ZONE * height else "foot" if y < FOOT_ZONE * height else "body"
        texts = [text for text, _ in fragments[y]]
        zones[zone].append(Line(y, " ".join(texts), max(size for _, size in fragments[y])))
    return zones


def without_footnotes(lines: list[Line]) -> list[str]:
    """The lines of the text block above its footnotes (set smaller than the 10 pt text)."""
    lines = list(lines)
    while lines and lines[-1].size < FOOTNOTE_SIZE:
        lines.pop()
    return [line.text for line in lines]


def outline(reader: PdfReader, items: list[Any] | None = None, level: int = 0) -> list[tuple[int, str, int]]:
    """Every bookmark: its level, title and page (0-based)."""
    found: list[tuple[int, str, int]] = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            found += outline(reader, item, level + 1)
        elif isinstance(item, Destination):
            number = reader.get_destination_page_number(item)
            assert number is not None, f"bookmark {item.title!r} points nowhere"
            found.append((level, str(item.title), number))
    return found


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def heading_is_followed_on_its_page(title: str, lines: list[str]) -> bool:
    """Whether the heading ``title`` (possibly wrapped) has a line of text after it on its page."""
    wanted = _normal(title)
    for last in range(len(lines)):
        for first in range(max(0, last - 3), last + 1):
            # A line broken after a dash ("Russia-" / "Republic") joins without a space.
            text = _normal(re.sub(r"([–-]) \n", r"\1", " \n".join(lines[first : last + 1])))
            if text == wanted or re.fullmatch(r"[a-z0-9]+(\.[0-9]+)* " + re.escape(wanted), text):
                return last < len(lines) - 1
    raise AssertionError(f"heading {title!r} not found on its page: {lines}")


def test_no_line_of_any_pdf_sticks_out_by_more_than_a_point(site: tuple[Layout, list[SourceReport]]) -> None:
    layout, _ = site
    for name, _ in _pdfs(site):
        log = layout.log(name.replace(".pdf", "-latex.log")).read_text(encoding="utf-8", errors="replace")
        assert [amount for amount in overfull_boxes(log) if amount > 1] == [], name


def test_no_pdf_has_a_blank_page(site: tuple[Layout, list[SourceReport]]) -> None:
    for name, path in _pdfs(site):
        reader = PdfReader(path)
        blank = [number + 1 for number, page in enumerate(reader.pages) if not page_lines(page)["body"]]
        assert blank == [], f"{name}: blank pages {blank} of {len(reader.pages)}"


def test_running_heads_are_one_line_and_footers_only_the_page_number(site: tuple[Layout, list[SourceReport]]) -> None:
    for name, path in _pdfs(site):
        for number, page in enumerate(PdfReader(path).pages, start=1):
            zones = page_lines(page)
            assert len(zones["head"]) <= 1, f"{name}, page {number}: running head on {len(zones['head'])} lines"
            assert all(re.fullmatch(r"\d+|[ivxlc]+", line.text) for line in zones["foot"]), (
                name,
                number,
                zones["foot"],
            )
            head = " ".join(line.text for line in zones["head"])
            assert "Release" not in head, (name, number)
            # Past the contents (numbered in roman), no page is headed or footed "Contents".
            if any(line.text.isdigit() for line in zones["foot"]):
                assert "contents" not in head.casefold(), (name, number, head)


WHOLE_CHAPTER_TITLE = 60
"""Characters of a chapter's title that its running head always has room for, whatever the book's title."""


def test_a_running_head_gives_its_chapters_title_whole_and_cuts_the_books_first(
    site: tuple[Layout, list[SourceReport]],
) -> None:
    # The chapter's title is what tells one page's head from another's: when the two titles do
    # not fit on the line, the book's title is cut, not both.
    for name, path in _pdfs(site):
        reader = PdfReader(path)
        chapters = sorted((number, title) for level, title, number in outline(reader) if level == 0)
        headed = 0
        for number, page in enumerate(reader.pages):
            head = " ".join(line.text for line in page_lines(page)["head"])
            current = [title for start, title in chapters if start <= number]
            if not head or not current or len(current[-1]) > WHOLE_CHAPTER_TITLE:
                continue
            headed += 1
            assert _normal(head).endswith(_normal(current[-1])), (name, number + 1, head)
        assert headed, name


def test_no_heading_is_the_last_line_of_its_page(site: tuple[Layout, list[SourceReport]]) -> None:
    for name, path in _pdfs(site):
        reader = PdfReader(path)
        lines = {}
        for level, title, number in outline(reader):
            if level == 0:
                continue  # a chapter opens a page
            if number not in lines:
                lines[number] = without_footnotes(page_lines(reader.pages[number])["body"])
            assert heading_is_followed_on_its_page(title, lines[number]), f"{name}, page {number + 1}: {title!r}"


def field_labels(site: Path) -> set[str]:
    """The labels of the glossaries' fields ("Sources", "Mentioned in"), as the site shows them."""
    labels = set()
    for page in ("people", "organisations", "agreements", "timeline"):
        tree = lxml_html.fromstring((site / f"{page}.html").read_bytes())
        labels |= {" ".join(term.text_content().split()).rstrip(":") for term in tree.xpath("//article//dl/dt")}
    return {label for label in labels if label}


def test_no_label_of_a_field_is_the_last_line_of_its_page(site: tuple[Layout, list[SourceReport]]) -> None:
    # A glossary entry's "Sources" or "Mentioned in" was left at the foot of a page, what it
    # labels on the next (conf.py: needspace before each label).
    labels = field_labels(site[0].build / "html")
    assert {"Sources", "Mentioned in"} <= labels
    for name, path in _pdfs(site):
        for number, page in enumerate(PdfReader(path).pages):
            body = without_footnotes(page_lines(page)["body"])
            assert not body or body[-1].strip() not in labels, f"{name}, page {number + 1}: {body[-1]!r}"


MENTIONED_AT = re.compile(r"¶(\d+)\s*\(p\.\s*(\d+)\)")
"""A "Mentioned in" entry of a PDF: a paragraph's number and the page it is printed on."""


def test_every_paragraph_a_pdf_s_mentioned_in_gives_shows_its_number_on_that_page(
    site: tuple[Layout, list[SourceReport]],
) -> None:
    # "¶4 (p. 3)" sends the reader to page 3: the paragraph's number is printed there.
    for name, path in _pdfs(site):
        reader = PdfReader(path)
        labels = list(reader.page_labels)
        texts = [page.extract_text() for page in reader.pages]
        given = {(number, page) for text in texts for number, page in MENTIONED_AT.findall(text)}
        assert given, name
        for number, page in sorted(given):
            printed = " ".join(texts[labels.index(page)].split())
            assert re.search(rf"¶{number}(?!\d)", printed), f"{name}: ¶{number} is not on page {page}"


def test_the_agreements_are_printed_in_their_own_appendix(site: tuple[Layout, list[SourceReport]]) -> None:
    layout, _ = site
    _, data = parse(layout.docs.parent / "registry" / "agreements.bib")
    titles = [_normal(entry.fields["title"]) for entry in data.entries.values()]
    for name, path in _pdfs(site):
        reader = PdfReader(path)
        chapters = [(title, number) for level, title, number in outline(reader) if level == 0]
        assert "Bibliography" not in [title for title, _ in chapters], name
        start = next(index for index, (title, _) in enumerate(chapters) if title == "Historical agreements")
        first, last = chapters[start][1], chapters[start + 1][1]
        text = _normal(" ".join(reader.pages[number].extract_text() for number in range(first, last + 1)))
        assert "in this pdf the entries follow" not in text, name
        assert [title for title in titles if title not in text] == [], name


def test_each_report_pdf_s_bookmarks_name_its_pages_as_their_headings(site: tuple[Layout, list[SourceReport]]) -> None:
    """One title per page: a report's chapters in the PDF bookmarks read as its pages' headings on the site."""
    layout, reports = site
    for report in reports:
        pages = sorted((layout.build / "html" / "reports" / report.slug).glob("*.html"))
        headings = {
            _normal(element_text(lxml_html.fromstring(page.read_bytes()).xpath("//h1")[0]))
            for page in pages
            if page.name != "index.html"
        }
        chapters = {_normal(title) for level, title, _ in outline(PdfReader(layout.build / f"{report.slug}.pdf"))}
        assert headings, report.slug
        assert headings <= chapters, (report.slug, sorted(headings - chapters))


def test_the_overfull_box_scan_reads_latex_s_log() -> None:
    log = "Overfull \\hbox (372.83209pt too wide) in paragraph at lines 135--138\nOverfull \\vbox (0.5pt too high)"
    assert overfull_boxes(log) == [372.83209, 0.5]


def test_a_heading_at_the_foot_of_a_page_is_seen() -> None:
    assert not heading_is_followed_on_its_page(
        "Opening and welcome addresses", ["text", "1.1 Opening and welcome addresses"]
    )
    foot = [Line(180, "1.1 Opening", 14.3), Line(155, "https://example.org/a-footnote", 7.97)]
    assert without_footnotes(foot) == ["1.1 Opening"]
    assert heading_is_followed_on_its_page(
        "Long heading over two lines", ["A.1 Long heading over", "two lines", "text"]
    )


# -- EPUB ------------------------------------------------------------------------------------


def _documents(archive: zipfile.ZipFile) -> list[str]:
    return [name for name in archive.namelist() if name.endswith(".xhtml")]


def test_every_report_paragraph_of_an_epub_ends_with_the_number_mentioned_in_gives(
    site: tuple[Layout, list[SourceReport]],
) -> None:
    for name, path in _epubs(site):
        with zipfile.ZipFile(path) as archive:
            pages = {
                document: lxml_html.fromstring(archive.read(document))
                for document in _documents(archive)
                if document.startswith("reports/")
            }
            for document, page in pages.items():
                numbers = [int(text.lstrip("¶")) for text in page.xpath("//span[@class='paragraph-number']/text()")]
                assert numbers == list(range(1, len(numbers) + 1)), (name, document)
            links = [
                (document, link)
                for document in _documents(archive)
                for link in lxml_html.fromstring(archive.read(document)).xpath("//a[contains(@class, 'paragraph-ref')]")
            ]
        assert links, name
        for document, link in links:
            target, _, anchor = posixpath.normpath(
                posixpath.join(posixpath.dirname(document), link.get("href"))
            ).partition("#")
            if target not in pages:
                continue  # another report's paragraph, on the web (a report's own book)
            element = pages[target].xpath(f"//*[@id='{anchor}']")[0]
            block = element.xpath(".//figcaption")[0] if element.tag == "figure" else element.getparent()
            shown = block.xpath("./span[@class='paragraph-number']/text()") or block.xpath(
                ".//span[@class='paragraph-number']/text()"
            )
            assert shown[-1] == link.text_content().strip(), (name, target, anchor)


def test_every_epub_page_says_its_language(site: tuple[Layout, list[SourceReport]]) -> None:
    _, reports = site
    languages = {report.slug: report.metadata.language for report in reports}
    for name, path in _epubs(site):
        with zipfile.ZipFile(path) as archive:
            for document in _documents(archive):
                root = etree.fromstring(archive.read(document))
                slug = document.split("/")[1] if document.startswith("reports/") else None
                expected = languages.get(slug or "", reports[0].metadata.language)
                lang = root.get("{http://www.w3.org/XML/1998/namespace}lang")
                assert (lang, root.get("lang")) == (expected, expected), (name, document)


def test_no_epub_page_has_an_empty_heading(site: tuple[Layout, list[SourceReport]]) -> None:
    for name, path in _epubs(site):
        with zipfile.ZipFile(path) as archive:
            for document in _documents(archive):
                headings = etree.fromstring(archive.read(document)).xpath(XHTML_HEADINGS)
                empty = [etree.tostring(heading, encoding="unicode")[:80] for heading in headings if _empty(heading)]
                assert empty == [], (name, document)


def _empty(heading: etree._Element) -> bool:
    """A heading without text, or a "Footnotes" heading without footnotes after it."""
    text = "".join(heading.itertext()).strip()
    if text != "Footnotes":
        return not text
    return not any("footnote" in (sibling.get("class") or "") for sibling in heading.itersiblings())


def test_each_epub_is_dated_by_its_report_and_names_its_source(site: tuple[Layout, list[SourceReport]]) -> None:
    _, reports = site
    books = {COMBINED_EPUB: reports} | {f"{report.slug}.epub": [report] for report in reports}
    for name, path in _epubs(site):
        with zipfile.ZipFile(path) as archive:
            opf = etree.fromstring(archive.read("content.opf"))
        held = books[name]
        assert opf.xpath("//dc:date/text()", namespaces=OPF) == [
            max(report.metadata.conference_date for report in held).isoformat()
        ], name
        assert opf.xpath("//dc:source/text()", namespaces=OPF) == [str(r.metadata.original_url) for r in held], name
        modified = opf.xpath("//opf:meta[@property='dcterms:modified']/text()", namespaces=OPF)[0]
        datetime.datetime.strptime(modified, "%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("Report of the event of 5 November 2020 (online)", 36, ["Report of the event of", "5 November 2020 (online)"]),
        ("text as published by St Petersburg University", 24, ["text as published by", "St Petersburg University"]),
        ("by St. Petersburg State University", 18, ["by St. Petersburg", "State University"]),
        (
            "An event of 30 September 2020 in a long title",
            12,
            ["An event of", "30 September", "2020 in a", "long title"],
        ),
    ],
)
def test_a_cover_line_cuts_neither_a_date_nor_a_name_after_a_short_title(
    text: str, width: int, lines: list[str]
) -> None:
    # Joined by no-break spaces; a group longer than a line may break as any other words.
    assert [line.replace("\u00a0", " ") for line in cover_lines(text, width)] == lines


def test_each_epub_has_a_cover_and_landmarks(site: tuple[Layout, list[SourceReport]]) -> None:
    for name, path in _epubs(site):
        with zipfile.ZipFile(path) as archive:
            opf = etree.fromstring(archive.read("content.opf"))
            cover = opf.xpath("//opf:item[@properties='cover-image']/@href", namespaces=OPF)
            assert len(cover) == 1, name
            lines = [text.text for text in etree.fromstring(archive.read(cover[0])).xpath("//*[local-name()='text']")]
            assert lines, name
            # No line ends in the middle of a date or of "St Petersburg" (cover_lines).
            assert not [line for line in lines if re.search(r"(\bSt|\d [A-Z][a-z]+)$", line)], (name, lines)
            first_page = epub_spine(archive)[0]
            assert archive.read(first_page).decode().count(f'src="{cover[0]}"') == 1, name
            navigation = etree.fromstring(archive.read("nav.xhtml"))
            landmarks = navigation.xpath(
                "//*[local-name()='nav'][@*[local-name()='type']='landmarks']//*[local-name()='a']"
            )
            kinds = {link.get(f"{{{OPS}}}type"): link.get("href") for link in landmarks}
            assert set(kinds) == {"cover", "toc", "bodymatter"}, name
            for href in kinds.values():
                page, _, fragment = href.partition("#")
                assert page in archive.namelist(), (name, href)
                if fragment:
                    assert etree.fromstring(archive.read(page)).xpath(f"//*[@id='{fragment}']"), (name, href)


def test_the_epub_contents_name_each_page_as_its_heading(site: tuple[Layout, list[SourceReport]]) -> None:
    for name, path in _epubs(site):
        with zipfile.ZipFile(path) as archive:
            navigation = etree.fromstring(archive.read("nav.xhtml"))
            toc = navigation.xpath("//*[local-name()='nav'][@*[local-name()='type']='toc']//*[local-name()='a']")
            for link in toc:
                href = link.get("href")
                if "#" in href:
                    continue
                heading = lxml_html.fromstring(archive.read(href)).xpath("//h1")[0]
                assert _normal(link.text) == _normal(element_text(heading)), (name, href)


def test_the_combined_epub_speaks_of_itself_not_of_the_site(site: tuple[Layout, list[SourceReport]]) -> None:
    layout, _ = site
    with zipfile.ZipFile(layout.build / COMBINED_EPUB) as archive:
        for document in _documents(archive):
            text = _normal(element_text(lxml_html.fromstring(archive.read(document)).xpath("//body")[0]))
            assert "this site" not in text, document
            assert "checksum" not in text, document


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium, the system's (no downloaded browser), without network."""
    from playwright.sync_api import sync_playwright

    if not Path("/usr/bin/chromium").exists():
        pytest.skip("chromium is not installed: run ./bootstrap tests")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        yield browser
        browser.close()


EDITORIAL_BOX = """() => [...document.querySelectorAll('div.admonition.editorial')].map(box => {
  const style = getComputedStyle(box), title = box.querySelector('.admonition-title');
  const titleStyle = title ? getComputedStyle(title) : null;
  return {
    border: Math.max(...['Top', 'Right', 'Bottom', 'Left'].map(side =>
      style[`border${side}Style`] === 'none' ? 0 : parseFloat(style[`border${side}Width`]))),
    borderColour: style.borderLeftColor, background: style.backgroundColor, text: style.color,
    title: title ? title.innerText.trim() : '', titleShown: !!titleStyle && titleStyle.display !== 'none'
      && titleStyle.visibility !== 'hidden' && title.getBoundingClientRect().height > 0,
  };
})"""


def test_every_static_file_of_an_epub_is_named_by_a_page_or_a_stylesheet(
    site: tuple[Layout, list[SourceReport]],
) -> None:
    """Sphinx copies the site's static files (search, icons, scripts) into the book: only used ones stay."""
    for name, path in _epubs(site):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            texts = [archive.read(item).decode("utf-8") for item in names if item.endswith((".xhtml", ".css"))]
        static = [item for item in names if item.startswith("_static/")]
        unused = [item for item in static if not any(posixpath.basename(item) in text for text in texts)]
        assert static, name
        assert not unused, (name, unused)


MISSING_PHOTO = """() => Array.from(document.querySelectorAll("figure.missing-photo")).map(figure => [
  getComputedStyle(figure.querySelector(".photo-placeholder")).borderTopStyle,
  getComputedStyle(figure.querySelector("figcaption")).textAlign,
])"""


INDEX_COLUMNS = """new Set(Array.from(document.querySelectorAll("table.genindextable td > ul > li"))
    .map(entry => Math.round(entry.getBoundingClientRect().left))).size"""
"""How many columns the index's entries stand in (the left edges of its top-level entries)."""


def test_every_epub_page_fits_a_phone_and_keeps_its_editorial_boxes_with_only_its_own_stylesheets(
    site: tuple[Layout, list[SourceReport]], browser: Any, tmp_path: Path
) -> None:
    _, reports = site
    shown = indexed = 0
    for name, path in _epubs(site):
        folder = tmp_path / name
        with zipfile.ZipFile(path) as archive:
            archive.extractall(folder)
            pages = epub_spine(archive)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        # Nothing outside the unzipped book may load: the book's own stylesheets only.
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        seen = placeholders = indexes = 0
        for document in pages:
            page.goto((folder / document).as_uri())
            for box in page.evaluate(EDITORIAL_BOX):
                seen += 1
                assert box["border"] >= 1, (name, document, box)
                assert box["borderColour"] not in (box["background"], "rgba(0, 0, 0, 0)"), (name, document, box)
                assert box["title"], (name, document, box)
                assert box["titleShown"], (name, document, box)
            text = page.evaluate("document.body.innerText")
            assert "::" not in text, (name, document)
            assert "[[" not in text, (name, document)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (name, document, overflow)
            if document.endswith("genindex.xhtml"):
                # One column of entries: Sphinx's columns left a phone a few words a line.
                indexes += 1
                assert page.evaluate(INDEX_COLUMNS) == 1, (name, document)
            for frame, caption in page.evaluate(MISSING_PHOTO):
                placeholders += 1
                assert frame == "dashed", (name, document)  # drawn, not lost with the site's colour variables
                assert caption == "center", (name, document)
        page.close()
        indexed += indexes
        assert seen >= len([r for r in reports if f"{r.slug}.epub" in (name, COMBINED_EPUB)]), name
        shown += placeholders
    assert shown  # the missing photograph of the 2020 report, in its book and the combined one
    assert indexed  # the combined book's index
