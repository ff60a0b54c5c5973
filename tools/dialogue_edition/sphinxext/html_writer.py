"""The edition's HTML writer: Sphinx's, with accessible bibliographies.

Sphinx writes a bibliography as ``role="list"`` holding ``role="doc-biblioentry"`` items, a role
ARIA has deprecated, which leaves the list without list items (axe: aria-required-children,
aria-deprecated-role). Entries are written as ``role="listitem"``.

(No link of the site opens a new window, so none needs ``rel="noopener"``: a page it opens
replaces ours and cannot reach back into it. tests/test_safety.py keeps it that way.)
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator


class EditionHTMLTranslator(HTML5Translator):
    """Sphinx's HTML5 writer, with bibliography entries as list items."""

    def visit_citation(self, node: nodes.citation) -> None:
        super().visit_citation(node)
        self.body[-1] = self.body[-1].replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app: Sphinx) -> dict[str, Any]:
    app.set_translator("html", EditionHTMLTranslator, override=True)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
