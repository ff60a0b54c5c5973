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

LINK_TAG = re.compile(r"<a\b[^>]*>")
EXTERNAL = re.compile(r'\bhref="https?://')
REL = re.compile(r'\brel="([^"]*)"')


class EditionHTMLTranslator(HTML5Translator):
    """Sphinx's HTML5 writer, with bibliography entries as list items."""

    def visit_citation(self, node: nodes.citation) -> None:
        super().visit_citation(node)
        self.body[-1] = self.body[-1].replace('role="doc-biblioentry"', 'role="listitem"')


def _secure(match: re.Match[str]) -> str:
    """One ``<a ...>`` tag, with noopener and noreferrer added to its rel if it leaves the site."""
    tag = match.group(0)
    if not EXTERNAL.search(tag):
        return tag
    rel = REL.search(tag)
    if rel is None:
        return '<a rel="noopener noreferrer"' + tag[2:]
    values = rel.group(1).split()
    values += [value for value in ("noopener", "noreferrer") if value not in values]
    return tag[: rel.start()] + f'rel="{" ".join(values)}"' + tag[rel.end() :]


def secure_external_links(app: Sphinx, exception: Exception | None) -> None:
    """Add ``rel="noopener noreferrer"`` to every external link of the finished site."""
    if exception is not None or app.builder.name != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        secured = LINK_TAG.sub(_secure, text)
        if secured != text:
            page.write_text(secured, encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.set_translator("html", EditionHTMLTranslator, override=True)
    app.connect("build-finished", secure_external_links)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
