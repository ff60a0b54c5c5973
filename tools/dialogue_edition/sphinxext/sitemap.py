"""``sitemap.xml``: every page of the site at its published address.

Written from the list of all pages after each build, so an incremental build (which rewrites
only some pages) still lists them all; sphinx-sitemap lists only the pages a build rewrote.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from sphinx.application import Sphinx

NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap_xml(base_url: str, addresses: list[str]) -> str:
    """The sitemap of the given site-relative addresses."""
    urls = "".join(f"  <url><loc>{escape(base_url.rstrip('/') + '/' + address)}</loc></url>\n" for address in addresses)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{NAMESPACE}">\n{urls}</urlset>\n'


def write_sitemap(app: Sphinx, exception: Exception | None) -> None:
    """Write the sitemap of the finished HTML site."""
    if exception is not None or app.builder.name != "html" or not app.config.html_baseurl:
        return
    addresses = sorted(app.builder.get_target_uri(docname) for docname in app.env.found_docs)
    (Path(app.outdir) / "sitemap.xml").write_text(sitemap_xml(app.config.html_baseurl, addresses), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", write_sitemap)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
