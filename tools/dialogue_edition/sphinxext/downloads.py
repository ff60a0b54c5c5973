"""The PDF and EPUB editions, downloadable from every page of the HTML site.

The HTML build runs last and copies the finished PDF and EPUB files into ``downloads/`` of the
site; the theme's announcement bar (``theme``'s page template) links to them on every page with
their sizes, and ``{edition-downloads}`` lists them with their SHA-256. A missing file is a warning
(an error under ``-W``) when the downloads are required, which they are for the published site;
a quick ``html``-only draft may leave them out.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from ..source_report import sha256_of

logger = logging.getLogger(__name__)

FOLDER = "downloads"
LABELS = {".pdf": "PDF", ".epub": "EPUB"}


def _available(app: Sphinx) -> list[Path]:
    """The configured download files that exist, warning about those that do not."""
    source = Path(app.config.edition_downloads_dir)
    found = []
    for name in app.config.edition_downloads:
        path = source / name
        if path.is_file():
            found.append(path)
        elif app.config.edition_downloads_required:
            logger.warning("download %s is missing: build the PDF and EPUB editions before the HTML site", path)
    return found


def _human_size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, round(size / 1000))} kB"


def collect(app: Sphinx) -> None:
    """Find the files once per build, before any page is written."""
    app.builder.edition_download_files = _available(app) if app.builder.name == "html" else []


def add_links(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Give each page's template the downloads, with links relative to that page."""
    files: list[Path] = getattr(app.builder, "edition_download_files", [])
    context["edition_downloads"] = [
        {
            "label": LABELS.get(path.suffix, path.suffix.lstrip(".").upper()),
            "href": context["pathto"](f"{FOLDER}/{path.name}", 1),
            "size": _human_size(path.stat().st_size),
            "name": path.name,
        }
        for path in files
    ]


class downloads_table(nodes.General, nodes.Element):
    """Where the table of downloads goes; filled in for the HTML site, dropped elsewhere."""


class DownloadsDirective(SphinxDirective):
    """``{edition-downloads}``: each downloadable edition with its size and SHA-256."""

    def run(self) -> list[nodes.Node]:
        return [downloads_table()]


def _cell(*content: nodes.Node) -> nodes.entry:
    return nodes.entry("", nodes.paragraph("", "", *content))


def fill_table(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace the placeholder by the table (HTML site) or by nothing (PDF, EPUB)."""
    files: list[Path] = getattr(app.builder, "edition_download_files", [])
    for placeholder in list(doctree.findall(downloads_table)):
        if not files:
            placeholder.parent.remove(placeholder)
            continue
        body = nodes.tbody()
        for path in files:
            href = relative_uri(app.builder.get_target_uri(docname), f"{FOLDER}/{path.name}")
            link = nodes.reference(path.name, path.name, refuri=href, internal=True)
            digest = sha256_of(path)
            checksum = nodes.literal(digest, digest)
            label = LABELS.get(path.suffix, path.suffix)
            body += nodes.row(
                "",
                _cell(nodes.Text(label)),
                _cell(link),
                _cell(nodes.Text(_human_size(path.stat().st_size))),
                _cell(checksum),
            )
        head = nodes.thead(
            "", nodes.row("", *(_cell(nodes.Text(name)) for name in ("Edition", "File", "Size", "SHA-256")))
        )
        group = nodes.tgroup("", *(nodes.colspec(colwidth=width) for width in (1, 3, 1, 6)), head, body, cols=4)
        # no-search: checksums are not words a reader looks for.
        placeholder.replace_self(nodes.table("", group, classes=["edition-downloads-table", "no-search"]))


def copy_files(app: Sphinx, exception: Exception | None) -> None:
    """Put the files into the site once it is written."""
    if exception is not None:
        return
    files: list[Path] = getattr(app.builder, "edition_download_files", [])
    if files:
        target = Path(app.outdir) / FOLDER
        target.mkdir(exist_ok=True)
        for path in files:
            shutil.copyfile(path, target / path.name)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("edition_downloads", [], "html", types=[list])
    app.add_config_value("edition_downloads_dir", "", "html", types=[str])
    app.add_config_value("edition_downloads_required", True, "html", types=[bool])
    app.connect("builder-inited", collect)
    app.connect("html-page-context", add_links)
    app.connect("build-finished", copy_files)
    app.add_node(downloads_table)
    app.add_directive("edition-downloads", DownloadsDirective)
    app.connect("doctree-resolved", fill_table)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
