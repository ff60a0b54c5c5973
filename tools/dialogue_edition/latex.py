r"""Text into LaTeX: the one way metadata, registry and report text enter the PDF.

Whatever a report's metadata or the registry holds is printed as written: every character TeX
would read as markup is replaced, so ``\input{...}`` prints as written and ``R&D 100% #1 a_b``
builds. TeX also runs without shell escape and with paranoid file access (``build.py``), so a
failure here could still not read or run anything.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable

from sphinx.util.texescape import tex_replacements

from .data_files import SPACES

LATEX_SPECIALS = str.maketrans({char: replacement for char, replacement in tex_replacements if char.isascii()})
"""Sphinx's own replacements for the characters LaTeX gives a meaning (``\\ { } $ & % # _ ^ ~ [ ]``)."""


LONGEST_UNBROKEN = 30
"""Characters a run without a space may have before it gets break points: longer than any word
of the reports (their longest is 22 letters) and short enough for a narrow column."""

LONG_RUN = re.compile(rf"[^{SPACES}]{{{LONGEST_UNBROKEN + 1},}}")

BREAK_POINT = r"\editionbreak{}"
"""A place to break after a word's punctuation (``https://|russia-|korea``): free."""
INSIDE_WORD = r"\editionwordbreak{}"
"""A place to break between two letters, or before punctuation: it costs more."""
BREAK_MACROS = r"""
% Break points in runs of characters too long for a line (dialogue_edition.latex): no width, a
% little stretch (0.1 pt, in scaled points: inside inline code Sphinx makes "." a command), and
% between letters a penalty; one robust command each, so that a heading's mark and its running
% head hold one token per break point; nothing in the PDF's bookmarks.
\DeclareRobustCommand{\editionbreak}{\hspace{0pt plus 6554sp}}
\DeclareRobustCommand{\editionwordbreak}{\penalty1000\hspace{0pt plus 6554sp}}
\pdfstringdefDisableCommands{\def\editionbreak{}\def\editionwordbreak{}}
"""
"""The LaTeX preamble the break points need (``long_words`` adds it to every document)."""


JOINERS = {"\u200d", "\u2060"}
"""Characters that join their neighbours (zero-width joiner, word joiner): never broken around."""


def _holds_on(character: str) -> bool:
    """Whether no break may fall beside ``character``: a joiner, or a no-break or other special space."""
    return character in JOINERS or unicodedata.category(character) == "Zs"


def _may_break_between(before: str, after: str) -> bool:
    """Whether a line may break between two characters of a long run (never before an accent)."""
    return not (_holds_on(before) or _holds_on(after) or unicodedata.category(after).startswith("M"))


def breakable_pieces(text: str) -> list[str]:
    """``text`` cut wherever a line may break inside a run longer than ``LONGEST_UNBROKEN``.

    Joining the pieces gives ``text`` back. A cut falls between two characters of a long run, never
    before a combining mark or beside a joiner or a no-break space, so that no letter is split from
    its accent and what is held together stays so.
    """
    cuts = [
        position
        for run in LONG_RUN.finditer(text)
        for position in range(run.start() + 1, run.end())
        if _may_break_between(text[position - 1], text[position])
    ]
    bounds = [0, *cuts, len(text)]
    return [text[start:end] for start, end in itertools.pairwise(bounds)]


def with_break_points(text: str, encode: Callable[[str], str]) -> str:
    """``text`` through ``encode``, with a break point wherever :func:`breakable_pieces` cuts it."""
    pieces = breakable_pieces(text)
    written = [encode(pieces[0])]
    for before, after in itertools.pairwise(pieces):
        # Free only where punctuation ends and a letter follows: https://|russia-|korea.
        free = not before[-1].isalnum() and after[0].isalnum()
        written += [BREAK_POINT if free else INSIDE_WORD, encode(after)]
    return "".join(written)


def latex_text(text: str) -> str:
    r"""Text as LaTeX prints it, whatever it holds: the one way metadata and registry text enter LaTeX.

    Every character TeX would read as markup is replaced, so ``\input{...}`` prints as written
    and ``R&D 100% #1 a_b`` builds. Safe in running text and in hyperref's PDF strings alike. A
    run of characters too long for a line may break anywhere (:func:`breakable_pieces`).
    """
    return with_break_points(text, lambda piece: piece.translate(LATEX_SPECIALS))


def latex_url(url: str) -> str:
    r"""An address as the argument of ``\sphinxhref`` (hyperref's ``\href``), as Sphinx writes them."""
    return url.translate(LATEX_SPECIALS).replace(r"\textasciitilde{}", "~")
