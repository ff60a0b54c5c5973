r"""Text into LaTeX: the one way metadata, registry and report text enter the PDF.

Whatever a report's metadata or the registry holds is printed as written: every character TeX
would read as markup is replaced, so ``\input{...}`` prints as written and ``R&D 100% #1 a_b``
builds. TeX also runs without shell escape and with paranoid file access (``build.py``), so a
failure here could still not read or run anything.
"""

from __future__ import annotations

from sphinx.util.texescape import tex_replacements

LATEX_SPECIALS = str.maketrans({char: replacement for char, replacement in tex_replacements if char.isascii()})
"""Sphinx's own replacements for the characters LaTeX gives a meaning (``\\ { } $ & % # _ ^ ~ [ ]``)."""


def latex_text(text: str) -> str:
    r"""Text as LaTeX prints it, whatever it holds: the one way metadata and registry text enter LaTeX.

    Every character TeX would read as markup is replaced, so ``\input{...}`` prints as written
    and ``R&D 100% #1 a_b`` builds. Safe in running text and in hyperref's PDF strings alike.
    """
    return text.translate(LATEX_SPECIALS)


def latex_url(url: str) -> str:
    r"""An address as the argument of ``\sphinxhref`` (hyperref's ``\href``), as Sphinx writes them."""
    return latex_text(url).replace(r"\textasciitilde{}", "~")
