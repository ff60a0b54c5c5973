"""A photograph the source captions but that the edition cannot show.

The 2020 report carries a caption whose photograph is not available. ``{missing-photo}`` keeps
the caption as a real figure caption, in its place, and says (as an editorial remark) that the
image itself is missing, instead of dropping the caption or passing it off as a paragraph.

In the PDF the caption is printed without LaTeX's "Fig. 1:" prefix: the report numbers no
figures, and a number would be an unmarked editorial addition.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.writers.latex import LaTeXTranslator

PLACEHOLDER = "[Editorial note: the photograph is not available. The caption is reproduced as in the source.]"


class MissingPhotoDirective(SphinxDirective):
    """A figure made of the source's caption and an editorial placeholder for the image."""

    has_content = True
    option_spec = {"name": lambda argument: argument.strip()}

    def run(self) -> list[nodes.Node]:
        if not self.content:
            raise self.error("missing-photo needs the caption as its content")
        figure = nodes.figure(classes=["missing-photo"])
        self.set_source_info(figure)
        figure += nodes.paragraph(PLACEHOLDER, PLACEHOLDER, classes=["editorial", "photo-placeholder"])
        caption_text = " ".join(line.strip() for line in self.content)
        inline, messages = self.parse_inline(caption_text, lineno=self.content_offset + 1)
        caption = nodes.caption(caption_text, "", *inline)
        self.set_source_info(caption)
        figure += caption
        if "name" in self.options:
            self.add_name(figure)
        return [figure, *messages]


def _is_missing_photo_caption(node: nodes.Element) -> bool:
    return isinstance(node.parent, nodes.figure) and "missing-photo" in node.parent["classes"]


def visit_caption_latex(self: LaTeXTranslator, node: nodes.caption) -> None:
    """The missing photograph's caption as a plain paragraph (no "Fig. N:"), other captions as Sphinx writes them."""
    if _is_missing_photo_caption(node):
        self.body.append("\n\\par\\smallskip{\\small ")
        return
    LaTeXTranslator.visit_caption(self, node)


def depart_caption_latex(self: LaTeXTranslator, node: nodes.caption) -> None:
    if _is_missing_photo_caption(node):
        # The figure's labels, which LaTeX otherwise gets from \caption (links and page numbers need them).
        self.body.append("}\\par\\phantomsection" + self.hypertarget_to(node.parent) + "\n")
        return
    LaTeXTranslator.depart_caption(self, node)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("missing-photo", MissingPhotoDirective)
    app.add_node(nodes.caption, override=True, latex=(visit_caption_latex, depart_caption_latex))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
