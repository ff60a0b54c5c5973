"""The PDF beyond its links: metadata, outline against contents, and no silent LaTeX fault."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dialogue_edition.build import BuildFailed, Layout, build, copy_project, silent_faults
from dialogue_edition.source_report import SourceReport
from dialogue_edition.sphinxext.epub import COMBINED_NAME
from dialogue_edition.sphinxext.pdf_index import sort_key
from pypdf import PdfReader


def test_the_pdf_metadata_is_complete(editions: Layout, report_2020: SourceReport) -> None:
    reader = PdfReader(editions.build / f"{report_2020.slug}.pdf")
    metadata = reader.metadata
    assert metadata.title == report_2020.metadata.title
    assert metadata.author.endswith("(editors)")
    assert metadata.subject == "Report of the event of 5 November 2020, online"
    assert reader.trailer["/Root"]["/Lang"] == "en"


@pytest.mark.parametrize(("document", "numbered"), [("strategic-conference-2020", 9), (COMBINED_NAME, None)])
def test_the_outline_matches_the_table_of_contents(
    editions: Layout, reports: list[SourceReport], document: str, numbered: int | None
) -> None:
    # A report's parts and the four appendices; the combined PDF: a chapter per report, the appendices.
    numbered = numbered or len(reports) + 4
    toc = editions.log(f"{document}-latex.toc").read_text(encoding="utf-8")
    chapters = re.findall(r"\\contentsline \{chapter\}\{\\numberline \{[^}]*\}(.+?)\}\{\d+\}", toc)
    reader = PdfReader(editions.build / f"{document}.pdf")
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert len(chapters) == numbered
    assert outline[: len(chapters)] == [re.sub(r"\\[a-z]+\{\}|[{}]", "", chapter) for chapter in chapters]


def test_the_log_scan_finds_missing_glyphs_and_undefined_references(tmp_path: Path) -> None:
    log = tmp_path / "x.log"
    log.write_text(
        "Missing character: There is no 이 (U+C774) in font FreeSerif:mode=node;\nscript=DFLT;language=dflt;!\n"
        "LaTeX Warning: Hyper reference `people:person-x' on page 3 undefined on input line 9.\n"
        "Invalid UTF-8 byte or sequence at line 149 replaced by U+FFFD.\n"
    )
    faults = silent_faults(log)
    assert len(faults) == 3
    assert faults[0].startswith("Hyper reference `people:person-x' on page 3 undefined")
    assert faults[1] == "Invalid UTF-8 byte or sequence at line 149 replaced by U+FFFD."


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("‘Russia–Korea Dialogue’ Forum Directorate", "Russia–Korea Dialogue’ Forum Directorate"),
        ("«Znanie» society", "Znanie» society"),
        ("Émile Zola", "Emile Zola"),
        ("(Old) Hall", "Old) Hall"),
        ("1884 treaty", "1884 treaty"),
        ("Kropachev, Nikolay", "Kropachev, Nikolay"),
        ("Кропачев", "*Кропачев"),
        ("—", "*—"),
    ],
)
def test_an_index_entry_sorts_from_its_first_letter(text: str, key: str) -> None:
    assert sort_key(text) == key


def test_the_pdf_index_lists_an_entry_under_its_first_letter(editions: Layout) -> None:
    # The organisation whose name opens with a quotation mark is under R, as in the site's index,
    # not after Z under a heading made of half a character.
    reader = PdfReader(editions.build / f"{COMBINED_NAME}.pdf")
    lines = "\n".join(page.extract_text() for page in reader.pages[-3:]).splitlines()
    entry = next(number for number, line in enumerate(lines) if line.startswith("‘Russia–Republic of Korea Dialogue’"))
    headings = [(number, line) for number, line in enumerate(lines) if len(line.strip()) == 1]
    assert [line for number, line in headings if number < entry][-1] == "R"
    letters = [line for _, line in headings]
    assert letters == sorted(letters)
    assert all(letter.isascii() and letter.isupper() for letter in letters)


def test_a_hangul_name_without_a_font_fails_the_pdf(tmp_path: Path) -> None:
    copy_project(tmp_path)
    page = tmp_path / "docs" / "reports" / "strategic-conference-2020" / "close.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("in an offline format.", "in an offline format. 이규형"),
        encoding="utf-8",
    )
    with pytest.raises(BuildFailed, match=r"Missing character: There is no 이 \(U\+C774\)"):
        build(["pdf"], Layout(docs=tmp_path / "docs", build=tmp_path / "build"))
    assert not (tmp_path / "build" / "strategic-conference-2020.pdf").exists()
