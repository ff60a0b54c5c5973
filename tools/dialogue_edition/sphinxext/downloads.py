"""The PDF and EPUB editions, downloadable from every page of the HTML site.

Downloads come in groups (``edition_downloads``): each report's own PDF and EPUB, and the
combined edition of the whole site. The HTML build runs last and copies the finished files into
``downloads/`` of the site; the theme's announcement bar (``theme``'s page template) offers each
page the groups that hold it (a report's pages: that report and the combined edition; other
pages: the combined edition) with their sizes, and ``{edition-downloads}`` lists every file with
its SHA-256. A missing file is a warning (an error under ``-W``) when the downloads are required,
which they are for the published site; a quick ``html``-only draft may leave them out.
"""

from __future__ import annotations

import shutil
import weakref
from pathlib import Path
from typing import Any

from docutils import nodes
from pydantic import BaseModel, ConfigDict, ValidationError
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from ..source_report import sha256_of

logger = logging.getLogger(__name__)

FOLDER = "downloads"
TABLE_ID = "edition-downloads"
FORMATS = {".pdf": "PDF", ".epub": "EPUB"}


class DownloadGroup(BaseModel):
    """Files that hold the same content: one report, or the whole site, in each format."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    title: str
    """What the files hold, as the table of downloads names it (unless ``page`` is given)."""
    page: str = ""
    """The page that presents what the files hold (a report's landing page): the table names the
    group by that page's own title, the one the sidebar and the page's heading give it, and links it."""
    label: str
    """The same, short, for the announcement bar: "This report", "All reports"."""
    files: tuple[str, ...]
    scope: str = ""
    """The pages (a docname prefix) whose bar offers the group; empty for every page."""


class Download(BaseModel):
    """One file of a group, found in the downloads folder."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    group: DownloadGroup
    path: Path

    @property
    def format(self) -> str:
        """PDF or EPUB."""
        return FORMATS.get(self.path.suffix, self.path.suffix.lstrip(".").upper())


def _groups(app: Sphinx) -> list[DownloadGroup]:
    try:
        return [DownloadGroup.model_validate(group) for group in app.config.edition_downloads]
    except ValidationError as error:
        raise ConfigError(f"edition_downloads in conf.py: {error}") from None


def _available(app: Sphinx) -> list[Download]:
    """The configured download files that exist, warning about those that do not."""
    source = Path(app.config.edition_downloads_dir)
    found = []
    for group in _groups(app):
        for name in group.files:
            path = source / name
            if path.is_file():
                found.append(Download(group=group, path=path))
            elif app.config.edition_downloads_required:
                logger.warning("download %s is missing: build the PDF and EPUB editions before the HTML site", path)
    return found


def _human_size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, round(size / 1000))} kB"


FOUND: weakref.WeakKeyDictionary[Builder, list[Download]] = weakref.WeakKeyDictionary()
"""The downloads each builder found, once per build."""


def _files(app: Sphinx) -> list[Download]:
    return FOUND.get(app.builder, [])


def collect(app: Sphinx) -> None:
    """Find the files once per build, before any page is written."""
    FOUND[app.builder] = _available(app) if app.builder.name == "html" else []


def add_links(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Give each page's template the groups that hold it (most specific first), links relative to it."""
    bar: dict[DownloadGroup, list[dict[str, str]]] = {}
    for download in _files(app):
        if pagename.startswith(download.group.scope):
            bar.setdefault(download.group, []).append(
                {
                    "format": download.format,
                    "href": context["pathto"](f"{FOLDER}/{download.path.name}", 1),
                    "size": _human_size(download.path.stat().st_size),
                }
            )
    groups = sorted(bar, key=lambda group: -len(group.scope))
    context["edition_downloads"] = [{"label": group.label, "files": bar[group]} for group in groups]
    context["edition_downloads_table"] = (
        context["pathto"](app.config.root_doc).rstrip("#") + f"#{TABLE_ID}"
        if len(_files(app)) > sum(map(len, bar.values()))
        else ""
    )


class downloads_table(nodes.General, nodes.Element):
    """Where the table of downloads goes; filled in for the HTML site, dropped elsewhere."""


class DownloadsDirective(SphinxDirective):
    """``{edition-downloads}``: each downloadable file with what it holds, its size and SHA-256."""

    def run(self) -> list[nodes.Node]:
        return [downloads_table()]


def _cell(*content: nodes.Node) -> nodes.entry:
    return nodes.entry("", nodes.paragraph("", "", *content))


def _edition(app: Sphinx, docname: str, group: DownloadGroup) -> nodes.Node:
    """What a group holds: its page's title, linked, or the group's title."""
    title = app.env.titles.get(group.page)
    if title is None:
        return nodes.Text(group.title)
    uri = relative_uri(app.builder.get_target_uri(docname), app.builder.get_target_uri(group.page))
    return nodes.reference("", title.astext(), refuri=uri, internal=True)


def _row(app: Sphinx, docname: str, download: Download, href: str) -> nodes.row:
    name, digest = download.path.name, sha256_of(download.path)
    return nodes.row(
        "",
        _cell(_edition(app, docname, download.group)),
        _cell(nodes.Text(download.format)),
        _cell(nodes.reference(name, name, refuri=href, internal=True)),
        _cell(nodes.Text(_human_size(download.path.stat().st_size))),
        _cell(nodes.literal(digest, digest)),
    )


def fill_table(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace the placeholder by the table (HTML site) or by nothing (PDF, EPUB)."""
    files = _files(app)
    for placeholder in list(doctree.findall(downloads_table)):
        if not files:
            placeholder.parent.remove(placeholder)
            continue
        page = app.builder.get_target_uri(docname)
        body = nodes.tbody(
            "", *(_row(app, docname, item, relative_uri(page, f"{FOLDER}/{item.path.name}")) for item in files)
        )
        columns = ("Edition", "Format", "File", "Size", "SHA-256")
        head = nodes.thead("", nodes.row("", *(_cell(nodes.Text(name)) for name in columns)))
        # The checksum breaks anywhere (edition.css): 64 characters would not fit a phone.
        widths = (4, 1, 4, 1, 6)
        group = nodes.tgroup("", *(nodes.colspec(colwidth=width) for width in widths), head, body, cols=len(columns))
        # no-search: checksums are not words a reader looks for.
        table = nodes.table("", group, ids=[TABLE_ID], classes=["edition-downloads-table", "no-search"])
        placeholder.replace_self(table)


def note_table(app: Sphinx, doctree: nodes.document) -> None:
    """Remember the pages that hold a table of downloads (they show the files' checksums)."""
    if any(doctree.findall(downloads_table)):
        _tables(app.env).add(app.env.docname)


def forget_page(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _tables(env).discard(docname)


def merge_tables(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _tables(env).update(_tables(other) & docnames)


def _tables(env: BuildEnvironment) -> set[str]:
    if not hasattr(env, "edition_download_tables"):
        env.edition_download_tables = set()  # type: ignore[attr-defined]  # this extension's own record
    tables: set[str] = env.edition_download_tables  # type: ignore[attr-defined]
    return tables


def pages_showing_changed_files(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Pages to write again because the files they show changed since the last build.

    Every page's bar gives the files' sizes, and the table their checksums: an edit that changes
    a PDF changes them, though no page that shows them was read again.
    """
    shown = {item.path.name: (_human_size(item.path.stat().st_size), sha256_of(item.path)) for item in _files(app)}
    before: dict[str, tuple[str, str]] = getattr(env, "edition_downloads_shown", {})
    env.edition_downloads_shown = shown  # type: ignore[attr-defined]  # this extension's own record
    if {name: size for name, (size, _) in shown.items()} != {name: size for name, (size, _) in before.items()}:
        return sorted(env.found_docs)
    return sorted(_tables(env)) if shown != before else []


def copy_files(app: Sphinx, exception: Exception | None) -> None:
    """Put the files into the site once it is written."""
    if exception is not None or not _files(app):
        return
    target = Path(app.outdir) / FOLDER
    target.mkdir(exist_ok=True)
    for download in _files(app):
        shutil.copyfile(download.path, target / download.path.name)


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
    app.connect("doctree-read", note_table)
    app.connect("env-purge-doc", forget_page)
    app.connect("env-merge-info", merge_tables)
    app.connect("env-updated", pages_showing_changed_files)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
