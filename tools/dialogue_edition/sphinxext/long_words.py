"""Long unbroken words in the PDF: places where TeX may break them.

TeX breaks a line only at a space or a hyphenation point, and hyphenates no word of more than 63
letters. A longer run of characters without a space (a pasted hash, an address written out as
text, a name from the registry, or an attack) is one box as wide as the whole run. Past 16,383 pt
(some 3,000 letters) that width overflows TeX's arithmetic: the PDF build then stopped with
"Missing number" at a later heading, or xelatex ran on without end; shorter ones ran off the page.

So in the PDF every run of more than ``LONGEST_UNBROKEN`` characters may break between any two of
its characters: a zero-width space that stretches a little, so a justified line that ends in the
middle of such a run is still filled. Shorter words, and so every ordinary word, are untouched, as
are addresses set as links (``xurl`` already breaks those). The HTML and EPUB editions wrap such
runs with CSS (``overflow-wrap``), so they are left as they are.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.writers.latex import LaTeXTranslator

from ..latex import BREAK_MACROS, with_break_points


class EditionLaTeXTranslator(LaTeXTranslator):
    """Sphinx's LaTeX writer, with break points in runs of characters too long for a line."""

    def visit_Text(self, node: nodes.Text) -> None:
        self.body.append(with_break_points(node.astext(), self.encode))


def define_break_points(app: Sphinx, config: Config) -> None:
    """Put the break points' commands in every LaTeX document's preamble."""
    elements = dict(config.latex_elements)
    elements["preamble"] = BREAK_MACROS + elements.get("preamble", "")
    config.latex_elements = elements


def setup(app: Sphinx) -> dict[str, Any]:
    app.set_translator("latex", EditionLaTeXTranslator, override=True)
    app.connect("config-inited", define_break_points)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
