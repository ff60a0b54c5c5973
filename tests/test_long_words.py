"""Runs of characters too long for a line, and LaTeX that fails or runs on.

The PDF still builds, or stops with the page it was at (``long_words``, ``latex_log``,
``build.compile_latex``).
"""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pytest
from dialogue_edition import build as build_module
from dialogue_edition.build import BuildFailed, Layout, build, compile_latex, copy_project, latex_errors
from dialogue_edition.data_files import LONGEST_WORD
from dialogue_edition.latex import LONGEST_UNBROKEN, breakable_pieces, latex_text
from dialogue_edition.latex_log import failure_place
from dialogue_edition.sphinxext.mentions.nodes import _underlined_word
from sphinx.testing.util import SphinxTestApp

BREAK = re.compile(r"\\edition(?:word)?break\{\}")


@pytest.mark.parametrize(
    "text",
    [
        "ordinary words stay whole",
        "x" * (LONGEST_UNBROKEN + 1),
        "e\u0301" * 40 + "\u200d" * 3 + "a" * 40,
        "before " + "z" * 100 + " after " + "w" * 60,
    ],
)
def test_pieces_give_the_text_back_and_never_part_a_letter_from_its_mark(text: str) -> None:
    pieces = breakable_pieces(text)
    assert "".join(pieces) == text
    assert (len(pieces) > 1) == (max(len(run) for run in text.split()) > LONGEST_UNBROKEN)
    for piece in pieces[1:]:
        assert not unicodedata.category(piece[0]).startswith("M")
        assert piece[0] != "\u200d"
    for piece in pieces[:-1]:
        assert piece[-1] != "\u200d"


def test_metadata_text_breaks_too_but_an_address_given_to_hyperref_does_not() -> None:
    title = "A" * 200
    assert latex_text(title).count(r"\editionwordbreak{}") == 199
    assert latex_text("The 30th anniversary") == "The 30th anniversary"


@pytest.mark.sphinx("latex", testroot="long-words")
def test_long_runs_get_break_points_and_ordinary_words_none(app: SphinxTestApp) -> None:
    app.build()
    tex = (Path(app.outdir) / "long-words.tex").read_text(encoding="utf-8")
    assert "A short line with ordinary words." in tex
    body = next(line for line in tex.splitlines() if line.startswith("A run of "))
    assert len(BREAK.findall(body)) == 999
    assert BREAK.sub("", body) == "A run of " + "x" * 1000 + " ends here."
    # An address breaks freely after its punctuation, at a cost between two letters.
    address = next(line for line in tex.splitlines() if line.startswith("An address"))
    assert r"/\editionbreak{}r\editionwordbreak{}u" in address
    assert r"\sphinxhyphen{}\editionbreak{}k" in address
    # No break between a letter and its accent.
    assert "e\\hspace" not in tex.split("Accents stay")[1].split("\n")[0].replace("e\u0301\\", "")
    heading = next(line for line in tex.splitlines() if line.startswith(r"\section{Heading"))
    assert r"y\editionwordbreak{}y" in heading
    assert r"\pdfstringdefDisableCommands{\def\editionbreak{}\def\editionwordbreak{}}" in tex
    assert app.warning.getvalue() == ""


def test_the_longest_word_a_page_may_hold_builds_the_pdf_inside_its_lines(tmp_path: Path) -> None:
    """Without break points a 1,000-letter run sticks out of the page; some 3,000 TeX cannot measure."""
    project = copy_project(tmp_path)
    page = project / "docs" / "reports" / "strategic-conference-2020" / "close.md"
    run = "x" * LONGEST_WORD
    page.write_text(page.read_text(encoding="utf-8") + f"\nA run of {run} ends here.\n", encoding="utf-8")
    layout = Layout(docs=project / "docs", build=project / "build")
    build(["pdf"], layout)
    text = subprocess.run(
        ["pdftotext", str(layout.build / "strategic-conference-2020.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert re.sub(r"\s+", "", text).count(run) == 1
    assert "Overfull \\hbox" not in layout.log("strategic-conference-2020-latex.log").read_text(encoding="utf-8")


def test_latex_that_runs_on_is_stopped_with_the_page_it_was_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_module, "LATEX_SECONDS", 3)
    monkeypatch.setattr(build_module, "LATEX_SECONDS_PER_MEGABYTE", 0)
    docs, texdir = tmp_path / "docs", tmp_path / "latex"
    (docs / "reports").mkdir(parents=True)
    (docs / "reports" / "page.md").write_text("# Page\n", encoding="utf-8")
    texdir.mkdir()
    # TeX writes its log in blocks: the lines it logs before running on reach the file.
    (texdir / "loop.tex").write_text(
        "\\documentclass{article}\\begin{document}\\newcount\\n\n"
        "\\label{\\detokenize{reports/page:p4}}Text.\n"
        "\\def\\lines{\\typeout{A line logged on input line 3.}\\advance\\n by 1 "
        "\\ifnum\\n<3000 \\expandafter\\lines\\fi}\\lines\n"
        "\\def\\forever{\\forever}\\forever\n\\end{document}\n",
        encoding="utf-8",
    )
    layout = Layout(docs=docs, build=tmp_path / "build")
    (layout.build / "logs").mkdir(parents=True)
    with pytest.raises(BuildFailed, match=r"did not finish loop.tex in 3 s \(near docs/reports/page.md, paragraph 4\)"):
        compile_latex(texdir, layout)
    assert not _processes_naming("loop.tex")


def _processes_naming(word: str) -> list[str]:
    """Command lines of running processes that hold ``word`` (read from ``/proc``: no ``pgrep`` needed)."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        if cmdline.parent.name == str(os.getpid()):
            continue
        try:
            command = cmdline.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:  # the process ended while it was read
            continue
        if word in command:
            found.append(command)
    return found


def test_a_latex_error_names_the_page_and_paragraph(tmp_path: Path) -> None:
    docs, texdir = tmp_path / "docs", tmp_path / "latex"
    (docs / "reports" / "a").mkdir(parents=True)
    (docs / "reports" / "a" / "close.md").write_text("# Close\n", encoding="utf-8")
    texdir.mkdir()
    tex = texdir / "book.tex"
    tex.write_text(
        "\\label{\\detokenize{reports/a/close::doc}}\n"
        "\\label{\\detokenize{reports/a/close:p2}}Fine.\n"
        "\\label{\\detokenize{reports/a/close:p3}}\\undefined\n"
        "\\label{\\detokenize{reports/a/close:p4}}Later.\n",
        encoding="utf-8",
    )
    (texdir / "book.log").write_text("./book.tex:3: Undefined control sequence.\n", encoding="utf-8")
    assert failure_place(tex, docs) == " (near docs/reports/a/close.md, paragraph 3)"
    # Without -file-line-error TeX gives the line as "l.N"; its warnings wrap at 79 characters.
    (texdir / "book.log").write_text("! Undefined control sequence.\nl.3 \\undefined\n", encoding="utf-8")
    assert failure_place(tex, docs) == " (near docs/reports/a/close.md, paragraph 3)"
    warning = "LaTeX Warning: Reference `x' on page 1 undefined on input line 4."
    (texdir / "book.log").write_text(f"l.2 Fine.\n{warning[:79]}\n{warning[79:]}\n", encoding="utf-8")
    assert failure_place(tex, docs) == " (near docs/reports/a/close.md, paragraph 4)"
    (texdir / "book.log").write_text("no line named\n", encoding="utf-8")
    assert failure_place(tex, docs) == ""


def test_a_long_word_of_a_mention_is_underlined_in_pieces_a_line_can_break_between() -> None:
    """An underlined word is a box, which no line breaks: a long one is boxed piece by piece."""
    translator = SimpleNamespace(encode=lambda text: text, in_title=0)
    assert _underlined_word(translator, "Kurbanov") == r"\editionmentionword{Kurbanov}"
    underlined = _underlined_word(translator, "z" * 3000)
    assert underlined.count(r"\editionmentionword{z}") == 3000
    assert underlined.count(r"\editionwordbreak{}") == 2999


def test_an_error_only_the_terminal_saw_is_given_when_the_log_has_none(tmp_path: Path) -> None:
    log = tmp_path / "book.log"
    log.write_text("This is XeTeX\n(./book.tex\n", encoding="utf-8")
    output = "Latexmk: applying rule 'xelatex'...\n! Unable to read an entire line---bufsize=200000.\nLatexmk: Errors\n"
    assert "! Unable to read an entire line---bufsize=200000." in latex_errors(log, output)
    assert latex_errors(log) == "no error line found in the log"
