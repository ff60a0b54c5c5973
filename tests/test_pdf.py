"""The PDF beyond its links: metadata, outline against contents, and no silent LaTeX fault."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT
from dialogue_edition.build import BuildFailed, Layout, build, copy_project, silent_faults
from dialogue_edition.source_report import SourceReport
from dialogue_edition.sphinxext.epub import COMBINED_NAME
from dialogue_edition.sphinxext.pdf_index import sort_key
from lxml import html as lxml_html
from pypdf import PdfReader
from sphinx.testing.util import SphinxTestApp


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
    if document != COMBINED_NAME:
        # The page the report's PDF starts from (its landing page) heads its text, unnumbered,
        # first in the contents and the outline (Sphinx printed it under the running head alone).
        start = (PROJECT_ROOT / "docs" / "reports" / document / "index.md").read_text(encoding="utf-8")
        title = start.splitlines()[0].removeprefix("# ")
        assert re.search(rf"\\contentsline \{{chapter\}}\{{{re.escape(title)}\}}\{{1\}}", toc), toc
        assert outline[0] == title
        outline = outline[1:]
    assert outline[: len(chapters)] == [re.sub(r"\\[a-z]+\{\}|[{}]", "", chapter) for chapter in chapters]


def test_the_log_scan_finds_missing_glyphs_and_undefined_references(tmp_path: Path) -> None:
    log = tmp_path / "x.log"
    log.write_text(
        "Missing character: There is no 이 (U+C774) in font FreeSerif:mode=node;\nscript=DFLT;language=dflt;!\n"
        "LaTeX Warning: Hyper reference `people:person-x' on page 3 undefined on input line 9.\n"
        "Invalid UTF-8 byte or sequence at line 149 replaced by U+FFFD.\n"
        "LaTeX Warning: Label `people::doc' multiply defined.\n"
    )
    faults = silent_faults(log)
    assert len(faults) == 4
    assert "Label `people::doc' multiply defined" in faults
    assert faults[0].startswith("Hyper reference `people:person-x' on page 3 undefined")
    assert faults[1] == "Invalid UTF-8 byte or sequence at line 149 replaced by U+FFFD."


@pytest.mark.parametrize(
    ("text", "letter", "key"),
    [
        ("‘Russia–Korea Dialogue’ Forum Directorate", "", "Russia–Korea Dialogue’ Forum Directorate"),
        ("«Znanie» society", "", "Znanie» society"),
        ("Émile Zola", "", "Emile Zola"),
        ("(Old) Hall", "", "Old) Hall"),
        ("1884 treaty", "", "1884 treaty"),
        ("Kropachev, Nikolay", "", "Kropachev, Nikolay"),
        ("Кропачев", "", "*Кропачев"),
        ("—", "", "*—"),
        ("\u0301", "", "*"),
        # With the letter the site's index gives the entry (its index key):
        ("The ceasefire in 1953 (27 July 1953)", "C", "CCeasefire in 1953 (27 July 1953)"),
        ("the communiqué of 1990", "C", "CCommunique of 1990"),
        ("The Olympic Games", "T", "T" + "The Olympic Games"),  # filed under T: sorted as written
        ("‘Dialogue’ Directorate", "D", "DDialogue’ Directorate"),
        ("Émile Zola", "é", "EEmile Zola"),
        ("Кропачев", "К", "*ККропачев"),
    ],
)
def test_an_index_entry_sorts_from_its_letter_or_first_letter(text: str, letter: str, key: str) -> None:
    assert sort_key(text, letter) == key


def _site_index(site: Path) -> list[tuple[str, str]]:
    """(group, entry) of the site's general index: each top-level entry under its heading."""
    page = lxml_html.fromstring((site / "genindex.html").read_bytes())
    return [
        (section.findtext("h2"), link.text_content())
        for section in page.xpath("//section[contains(@class, 'genindex-section')]")
        for link in section.xpath("./table//td/ul/li/a[1]")
    ]


def _pdf_index(pdf: Path, first: str) -> dict[str, str]:
    """The PDF's index, from the heading ``first``: each group's text (lines joined) by its heading."""
    lines = [line.strip() for page in PdfReader(pdf).pages[-4:] for line in page.extract_text().splitlines()]
    groups: dict[str, str] = {}
    heading = None
    for line in lines[lines.index(first) :]:
        if len(line) == 1 and line.isupper() and line.isascii():
            heading = line
            groups[heading] = ""
        elif heading:
            groups[heading] += " " + line
    return groups


def test_the_pdf_index_groups_every_entry_as_the_site_s_index_does(editions: Layout) -> None:
    # An entry that opens with a quotation mark (the Forum's Directorate) is under R, and an
    # event the site lists by the word after "The" under that word's letter: not under a heading
    # of half a character, nor under T.
    entries = _site_index(editions.build / "html")
    listed = [(group, entry) for group, entry in entries if group.isascii() and group.isalpha()]
    assert len(listed) > 50
    for document in (COMBINED_NAME, "strategic-conference-2020"):
        groups = _pdf_index(editions.build / f"{document}.pdf", listed[0][0])
        wrong = [(group, entry) for group, entry in listed if f"{entry}," not in groups.get(group, "")]
        assert wrong == [], document
        # And in the site's order within each group ("The ceasefire …" among the Cs, not after them).
        found: dict[str, int] = {}
        for group, entry in listed:
            at = groups[group].find(f"{entry},", found.get(group, 0))
            assert at >= 0, (document, group, entry)
            found[group] = at + len(entry)
        assert list(groups) == sorted(groups), document


def test_a_hangul_name_without_a_font_fails_the_pdf(tmp_path: Path) -> None:
    copy_project(tmp_path)
    page = tmp_path / "docs" / "reports" / "strategic-conference-2020" / "close.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("in an offline format.", "in an offline format. 이규형"),
        encoding="utf-8",
    )
    with pytest.raises(BuildFailed, match=r"Missing character: There is no 이 \(U\+C774\)") as failed:
        build(["pdf"], Layout(docs=tmp_path / "docs", build=tmp_path / "build"))
    assert not (tmp_path / "build" / "strategic-conference-2020.pdf").exists()
    # The page and line that hold it come first: LaTeX names only the character and the font.
    line = page.read_text(encoding="utf-8")[: page.read_text(encoding="utf-8").index("이")].count("\n") + 1
    said = f"{page}:{line}: the character '이' (U+C774) is in no font of the PDF (FreeSerif)"
    assert any(row.startswith(said) for row in str(failed.value).splitlines()), str(failed.value)


@pytest.mark.sphinx("latex", testroot="pdf-index")
def test_index_sort_keys_start_at_a_letter_and_the_entries_print_as_sphinx_prints_them(
    app: SphinxTestApp, make_app: Callable[..., SphinxTestApp], tmp_path: Path
) -> None:
    app.build()
    plain = make_app(
        "latex", srcdir=app.srcdir, builddir=tmp_path / "plain", confoverrides={"extensions": ["myst_parser"]}
    )
    plain.build()
    ours, sphinx = (_index_commands(Path(built.outdir) / "index.tex") for built in (app, plain))
    # The same entries, printed the same: only the sort keys (before the first unquoted @) differ.
    assert [printed for _, printed in ours] == [printed for _, printed in sphinx]
    assert len(ours) == 6  # a pair is two entries
    keys = [key for key, _ in ours]
    assert all(re.match(r"[A-Za-z0-9*]", key) for key in keys), keys
    assert keys[0].startswith("Quoted")  # the quotation mark gone from the key, not from the entry
    assert keys[0] != sphinx[0][0]
    assert [key for key, _ in ours][3] == sphinx[3][0]  # "Kropachev": nothing to change
    assert app.warning.getvalue() == ""


def _index_commands(tex: Path) -> list[tuple[str, str]]:
    r"""Each ``\index{key@printed}`` of a LaTeX file: its top-level sort key, and the rest."""
    found = []
    for command in re.findall(r"\\index\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}", tex.read_text(encoding="utf-8")):
        at = re.search(r'(?<!")(?:"")*@', command)  # the first @ that makeindex's quote (") does not escape
        assert at is not None, command
        found.append((command[: at.end() - 1], command[at.end() :]))
    return found


def test_right_to_left_text_is_refused_before_tex_sets_it_reversed(tmp_path: Path) -> None:
    # The last check, for whatever way such text reaches the LaTeX (the pages and data files are
    # checked as they are read): named where the project writes it.
    from dialogue_edition.build import _refuse_right_to_left

    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "page.md").write_text("# A page\n\nPeace: سلام.\n", encoding="utf-8")
    tex = tmp_path / "book.tex"
    tex.write_text("\\chapter{A page}\nPeace: سلام.\n", encoding="utf-8")
    with pytest.raises(BuildFailed, match=r"page\.md:3: 'س' \(U\+0633 ARABIC LETTER SEEN\) is written right to left"):
        _refuse_right_to_left([tex], project)
    tex.write_text("\\chapter{A page}\nPeace.\n", encoding="utf-8")
    _refuse_right_to_left([tex], project)
