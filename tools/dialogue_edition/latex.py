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

LATEX_SPECIALS = str.maketrans({char: replacement for char, replacement in tex_replacements if char.isascii()})
"""Sphinx's own replacements for the characters LaTeX gives a meaning (``\\ { } $ & % # _ ^ ~ [ ]``)."""


LONGEST_UNBROKEN = 40
"""Characters a run without a space may have before it gets break points: longer than any word
of the reports (their longest is 22 letters) and well inside a line (about 80 characters)."""

LONG_RUN = re.compile(rf"\S{{{LONGEST_UNBROKEN + 1},}}")

BREAK_POINT = r"\hspace{0pt plus 6554sp}"
"""A place to break: no width, and a little stretch (0.1 pt, written in TeX's scaled points, as
inside inline code Sphinx makes the full stop a command) so a line of one long run is justified
without spacing out the letters of a line that has spaces."""
INSIDE_WORD = r"\penalty1000"
"""Before a break point inside a word (between two letters, or before punctuation): a break there
costs more than one after a slash, a hyphen or a full stop, so that an address breaks where a
reader expects (``https://|russia-|korea``)."""


def break_point(penalised: bool, in_title: bool) -> str:
    """The break point to write: ``penalised`` inside a word, free after its punctuation.

    In a heading it is hidden from hyperref, whose PDF bookmarks take no glue with stretch and
    no penalty: it removes each with a warning, and 3,000 of them took 18 s a LaTeX pass.
    """
    point = INSIDE_WORD + BREAK_POINT if penalised else BREAK_POINT
    return rf"\texorpdfstring{{{point}}}{{}}" if in_title else point


JOINERS = {"\u200d", "\u2060"}
"""Characters that join their neighbours (zero-width joiner, word joiner): never broken around."""


def _joined_to_previous(character: str) -> bool:
    """Whether a character belongs with the one before it (a combining accent, a joiner)."""
    return unicodedata.category(character).startswith("M") or character in JOINERS


def breakable_pieces(text: str) -> list[str]:
    """``text`` cut wherever a line may break inside a run longer than ``LONGEST_UNBROKEN``.

    Joining the pieces gives ``text`` back. A cut falls between two characters of a long run, never
    before a combining mark or around a joiner, so that no letter is split from its accent.
    """
    cuts = [
        position
        for run in LONG_RUN.finditer(text)
        for position in range(run.start() + 1, run.end())
        if not (_joined_to_previous(text[position]) or text[position - 1] in JOINERS)
    ]
    bounds = [0, *cuts, len(text)]
    return [text[start:end] for start, end in itertools.pairwise(bounds)]


def with_break_points(text: str, encode: Callable[[str], str], in_title: bool = False) -> str:
    """``text`` through ``encode``, with a break point wherever :func:`breakable_pieces` cuts it."""
    pieces = breakable_pieces(text)
    written = [encode(pieces[0])]
    for before, after in itertools.pairwise(pieces):
        # Free only where punctuation ends and a letter follows: https://|russia-|korea.
        free = not before[-1].isalnum() and after[0].isalnum()
        written += [break_point(not free, in_title), encode(after)]
    return "".join(written)


def latex_text(text: str) -> str:
    r"""Text as LaTeX prints it, whatever it holds: the one way metadata and registry text enter LaTeX.

    Every character TeX would read as markup is replaced, so ``\input{...}`` prints as written
    and ``R&D 100% #1 a_b`` builds. Safe in running text and in hyperref's PDF strings alike. A
    run of characters too long for a line may break anywhere (:func:`breakable_pieces`).
    """
    return with_break_points(text, lambda piece: piece.translate(LATEX_SPECIALS), in_title=True)


def latex_url(url: str) -> str:
    r"""An address as the argument of ``\sphinxhref`` (hyperref's ``\href``), as Sphinx writes them."""
    return url.translate(LATEX_SPECIALS).replace(r"\textasciitilde{}", "~")
