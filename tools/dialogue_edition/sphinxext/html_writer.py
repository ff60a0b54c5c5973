"""The edition's HTML writer: Sphinx's, with safe external links and accessible bibliographies.

- Every external link of the site, whether the text or the theme's templates made it, carries
  ``rel="noopener noreferrer"``: a page it opens cannot reach back. (Set on the finished pages,
  because the theme's footer links never pass through the writer.)
- Sphinx writes a bibliography as ``role="list"`` holding ``role="doc-biblioentry"`` items, a role
  ARIA has deprecated, which leaves the list without list items (axe: aria-required-children,
  aria-deprecated-role). Entries are written as ``role="listitem"``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.writers.html5 import HTML5Translator

EXTERNAL_LINK = re.compile(r'<a (?![^>]*\brel=)(?=[^>]*\bhref="https?://)')


class EditionHTMLTranslator(HTML5Translator):
    """Sphinx's HTML5 writer, with bibliography entries as list items."""

    def visit_citation(self, node: nodes.citation) -> None:
        super().visit_citation(node)
        self.body[-1] = self.body[-1].replace('role="doc-biblioentry"', 'role="listitem"')


def secure_external_links(app: Sphinx, exception: Exception | None) -> None:
    """Add ``rel="noopener noreferrer"`` to every external link of the finished site."""
    if exception is not None or app.builder.name != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        secured = EXTERNAL_LINK.sub('<a rel="noopener noreferrer" ', text)
        if secured != text:
            page.write_text(secured, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.set_translator("html", EditionHTMLTranslator, override=True)
    app.connect("build-finished", secure_external_links)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
