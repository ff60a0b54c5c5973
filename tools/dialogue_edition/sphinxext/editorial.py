"""Editorial notes: anything the editors add to the report is visibly marked as theirs.

``{editorial}`` is an admonition titled "Editorial note" (or the given title) with the class
``editorial``, so readers of every edition can tell the editors' words from the report's.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

DEFAULT_TITLE = "Editorial note"


class EditorialDirective(SphinxDirective):
    """An admonition that marks its content as an editorial addition."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        title = self.arguments[0] if self.arguments else DEFAULT_TITLE
        admonition = nodes.admonition("", classes=["editorial", *self.options.get("class", [])])
        self.set_source_info(admonition)
        textnodes, messages = self.parse_inline(title, lineno=self.lineno)
        admonition += nodes.title(title, "", *textnodes)
        admonition += self.parse_content_to_nodes()
        return [admonition, *messages]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("editorial", EditorialDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
