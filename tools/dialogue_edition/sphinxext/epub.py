"""EPUB editions that validate, are byte-for-byte reproducible, and come one per report too.

Sphinx's EPUB builder makes one book from ``root_doc``: here the combined edition of the whole
site. After it, this builder makes each report's own book from the same written pages: the
report's pages and the appendices (``edition_appendices``: the glossaries, agreements and
timeline), with that report's title, publisher, language and identifier. A link from those
pages to a page the book does not hold (another report's paragraph in "Mentioned in") goes to
the same place in the web edition (``html_baseurl``) instead of nowhere.

What a reader of either book meets, beyond Sphinx's defaults: every page says its language
(``lang`` and ``xml:lang``, the report's for a report's pages); a cover, drawn at build time as
an SVG from the book's own title and dates (text only, no artwork, the same every build), and
landmarks navigation (cover, contents, start of the text); ``dc:date`` is the report's
conference date (the combined book's, its newest report's: the date its contents run to) and
``dc:source`` names each original page; the pages of links shown as footnotes carry a "Footnotes"
heading only when there are footnotes, numbered 1, 2, ...; a stylesheet of its own
(``epub_static/edition-epub.css``), since the site's relies on the HTML theme's variables; and
the site's download section, with its checksum table, stays on the web.

Two fixes to Sphinx's builder as well: the NCX ``dtb:uid`` carries the book's identifier (Sphinx
writes ``epub_uid``, an XML id, which epubcheck rejects: NCX-001), and the archive is written
with ``mimetype`` first and stored, the other files sorted, every timestamp set from
``SOURCE_DATE_EPOCH``, so two builds of one commit are identical.
"""

from __future__ import annotations

import contextlib
import datetime
import html
import os
import posixpath
import re
import shutil
import tempfile
import textwrap
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from docutils import nodes
from lxml import etree
from sphinx.application import Sphinx
from sphinx.builders._epub_base import FOOTNOTE_LABEL_TEMPLATE, FOOTNOTES_RUBRIC_NAME, ssp
from sphinx.builders.epub3 import Epub3Builder
from sphinx.config import Config

from ..source_report import ReportMetadata, long_date
from .downloads import downloads_table
from .reading_order import pages_in_reading_order
from .report_metadata import reports_of

COMBINED_NAME = "dialogue-forum-reports"
"""The combined edition, every report with the glossaries: named for the site, not one report."""
FIRST = ("mimetype", "META-INF/container.xml", "content.opf", "toc.ncx")
GENERATED = {*FIRST, "nav.xhtml"}
EARLIEST_ZIP_TIME = 315532800  # 1980-01-01, the earliest time a zip file can record
COVER_IMAGE = "cover.svg"
"""Each book's cover, written into the book's top folder (not ``_static``, which books share)."""
COVER_TEMPLATE = "edition-cover.html"
STATIC = Path(__file__).parent / "epub_static"
TEMPLATES = Path(__file__).parent / "epub_templates"
STYLESHEET = "edition-epub.css"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"


@dataclass(frozen=True)
class EpubEdition:
    """One book: the page it opens with and what its package document says about it."""

    basename: str
    root: str
    title: str
    author: str
    publisher: str
    language: str
    description: str
    identifier: str
    rights: str
    date: str
    """``dc:date``, ISO 8601: the report's conference date; the newest report's for the combined book."""
    subtitle: str
    """The cover's second line: which event, or how many reports."""
    sources: tuple[str, ...]
    """``dc:source``: the original page of each report the book holds."""


def combined_edition(config: Config) -> EpubEdition:
    """The whole site as one book, described by the ``epub_*`` settings."""
    reports = reports_of(config)
    count = f"{len(reports)} report{'s' * (len(reports) != 1)}"
    return EpubEdition(
        basename=config.epub_basename,
        root=config.root_doc,
        title=config.epub_title,
        # No report states an author: no book has a dc:creator (see ``without_empty_creator``).
        author="",
        publisher=config.epub_publisher,
        language=config.epub_language,
        description=config.epub_description,
        identifier=config.epub_identifier,
        rights=config.epub_copyright,
        date=max((report.conference_date for report in reports), default=build_time()).isoformat(),
        subtitle=f"Combined edition of {count}",
        sources=tuple(str(report.original_url) for report in reports),
    )


def report_edition(config: Config, report: ReportMetadata) -> EpubEdition:
    """One report's book, described from the report's metadata."""
    landing = f"reports/{report.slug}/"
    return EpubEdition(
        basename=report.slug,
        root=landing + "index",
        title=report.title,
        author="",
        publisher=report.publisher,
        language=report.language,
        description=(
            f"Digital edition of the report of the event of {long_date(report.conference_date)} organised by "
            f"the {report.organiser}, as published by {report.publisher}, with glossaries of people and organisations, "
            "historical agreements and a timeline."
        ),
        identifier=uuid.uuid5(uuid.NAMESPACE_URL, urljoin(config.html_baseurl, landing)).urn,
        rights=f"report text: {report.publisher}, its original publisher",
        date=report.conference_date.isoformat(),
        subtitle=f"Report of the event of {long_date(report.conference_date)} ({report.conference_format})",
        sources=(str(report.original_url),),
    )


def build_time() -> datetime.date:
    """The build's date (SOURCE_DATE_EPOCH, else today): the combined book's date when there is no report."""
    return datetime.datetime.fromtimestamp(zip_seconds(), tz=datetime.UTC).date()


UNBROKEN = re.compile(
    r"\b\d{1,2} (?:January|February|March|April|May|June|July|August|September|October|November|December)"
    r" \d{3,4}\b|\b(?:St|Mt|Mr|Mrs|Ms|Dr|No)\.? \w+"
)
"""Words a cover's line never breaks between: a date ("5 November 2020"), a short title or
abbreviation and the word after it ("St Petersburg")."""


def cover_lines(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, as ``textwrap`` breaks them, no date or "St X" cut.

    Such a group is joined by no-break spaces, at which ``textwrap`` never breaks, unless it
    is longer than a line itself.
    """
    joined = UNBROKEN.sub(lambda match: match[0].replace(" ", "\u00a0") if len(match[0]) <= width else match[0], text)
    return textwrap.wrap(joined, width)


def cover_svg(edition: EpubEdition) -> str:
    """The book's cover: its author, title and subtitle as text on a plain ground, 1200 by 1920."""
    y = 420
    # No report states an author: the cover names one only where a book has one.
    lines = [f'<text x="600" y="260" class="small">{html.escape(edition.author)}</text>'] if edition.author else []
    for line in cover_lines(edition.title, 22):
        lines.append(f'<text x="600" y="{y}" class="title">{html.escape(line)}</text>')
        y += 100
    y += 60
    lines.append(f'<rect x="450" y="{y - 80}" width="300" height="4" fill="#d9a441"/>')
    for line in cover_lines(edition.subtitle, 36):
        lines.append(f'<text x="600" y="{y}" class="small">{html.escape(line)}</text>')
        y += 70
    y = max(y + 60, 1700)
    for line in cover_lines(f"Digital edition; text as published by {edition.publisher}", 40):
        lines.append(f'<text x="600" y="{y}" class="small">{html.escape(line)}</text>')
        y += 70
    body = "\n  ".join(lines)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="1200" height="1920" viewBox="0 0 1200 1920">
  <title>{html.escape(edition.title)}</title>
  <style>
    text {{ fill: #ffffff; font-family: serif; text-anchor: middle; }}
    .title {{ font-size: 80px; font-weight: bold; }}
    .small {{ font-size: 48px; }}
  </style>
  <rect width="1200" height="1920" fill="#1f3a5f"/>
  {body}
</svg>
"""


def zip_seconds() -> int:
    """The build time: SOURCE_DATE_EPOCH, else now (never before a zip file can record)."""
    return max(int(os.environ.get("SOURCE_DATE_EPOCH", time.time())), EARLIEST_ZIP_TIME)


def zip_time() -> tuple[int, int, int, int, int, int]:
    """The timestamp every file in the archive gets: SOURCE_DATE_EPOCH, else now."""
    return time.gmtime(zip_seconds())[:6]


def finish_package(opf: Path, edition: EpubEdition) -> None:
    """``content.opf`` beyond Sphinx's template: the sources, the modification time, the cover image.

    Sphinx writes one date as both ``dc:date`` and ``dcterms:modified``; the book's date is the
    report's, the modification time the build's.
    """
    tree = etree.parse(str(opf), etree.XMLParser(resolve_entities=False))
    namespaces = {"opf": OPF, "dc": DC}
    date = tree.find(".//dc:date", namespaces)
    for source in reversed(edition.sources):
        element = etree.Element(f"{{{DC}}}source")
        element.text, element.tail = source, date.tail
        date.addnext(element)
    modified = tree.find(".//opf:meta[@property='dcterms:modified']", namespaces)
    modified.text = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(zip_seconds()))
    for item in tree.iterfind(f".//opf:item[@href='{COVER_IMAGE}']", namespaces):
        item.set("properties", "cover-image")
    # The landmarks point at the contents in nav.xhtml, which must then be in the spine (read
    # only when asked for: linear="no").
    spine = tree.find(".//opf:spine", namespaces)
    last = spine[-1]
    navigation = etree.SubElement(spine, f"{{{OPF}}}itemref", {"idref": "nav", "linear": "no"})
    navigation.tail, last.tail = last.tail, spine.text
    tree.write(str(opf), xml_declaration=True, encoding="utf-8")


def add_landmarks(navigation: Path, start: str) -> None:
    """Landmarks navigation in ``nav.xhtml``: the cover, the contents, where the text starts."""
    tree = etree.parse(str(navigation), etree.XMLParser(resolve_entities=False))
    toc = tree.find(f".//{{{XHTML}}}nav[@{{{OPS}}}type='toc']")
    toc.set("id", "toc")
    landmarks = etree.Element(f"{{{XHTML}}}nav", {f"{{{OPS}}}type": "landmarks", "hidden": "hidden"})
    heading = etree.SubElement(landmarks, f"{{{XHTML}}}h2")
    heading.text = "Landmarks"
    entries = etree.SubElement(landmarks, f"{{{XHTML}}}ol")
    for kind, href, label in (
        ("cover", "epub-cover.xhtml", "Cover"),
        ("toc", "nav.xhtml#toc", "Contents"),
        ("bodymatter", start, "Start of the text"),
    ):
        link = etree.SubElement(etree.SubElement(entries, f"{{{XHTML}}}li"), f"{{{XHTML}}}a")
        link.set(f"{{{OPS}}}type", kind)
        link.set("href", href)
        link.text = label
    landmarks.tail = toc.tail
    toc.addnext(landmarks)
    tree.write(str(navigation), xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")


def write_reproducibly(epub: Path, folder: Path, names: Iterable[str]) -> None:
    """Zip ``names`` from ``folder`` with a fixed order, fixed timestamps and fixed permissions."""
    names = set(names)
    ordered = [name for name in FIRST if name in names] + sorted(names - set(FIRST))
    stamp = zip_time()
    with zipfile.ZipFile(epub, "w") as target:
        for name in ordered:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            target.writestr(info, (folder / name).read_bytes())


def _local_references(tree: etree._ElementTree, page: str) -> Iterator[tuple[etree._Element, str, str, str]]:
    """(element, attribute, file in the book, fragment) of each ``href`` and ``src`` naming a file of the book."""
    for element in tree.iter(etree.Element):
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if not value or value.startswith("#") or urlsplit(value).scheme:
                continue
            path, _, fragment = value.partition("#")
            yield element, attribute, posixpath.normpath(posixpath.join(posixpath.dirname(page), path)), fragment


def _parse_page(data: bytes) -> etree._ElementTree:
    return etree.ElementTree(etree.fromstring(data, etree.XMLParser(resolve_entities=False)))


def point_outside_links_to_the_web(page: str, data: bytes, pages: set[str], web: str) -> tuple[bytes, set[str]]:
    """Send links to pages the book lacks to the web edition; return the page and the files it uses."""
    tree = _parse_page(data)
    used, changed = set(), False
    for element, attribute, target, fragment in _local_references(tree, page):
        if target.endswith(".xhtml") and target not in pages:
            address = urljoin(web, target.removesuffix(".xhtml") + ".html")
            element.set(attribute, f"{address}#{fragment}" if fragment else address)
            changed = True
        else:
            used.add(target)
    if changed:
        data = etree.tostring(tree, xml_declaration=True, encoding="utf-8", doctype=tree.docinfo.doctype)
    return data, used


CSS_REFERENCE = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
"""A file a stylesheet loads: ``url(...)`` (images, fonts) or ``@import "..."``."""


def files_in_use(folder: Path, referenced: set[str]) -> set[str]:
    """``referenced`` (files the pages name) and every file the stylesheets among them load in turn."""
    used = set(referenced)
    sheets = [name for name in used if name.endswith(".css")]
    while sheets:
        sheet = sheets.pop()
        path = folder / sheet
        text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        for match in CSS_REFERENCE.finditer(text):
            reference = match.group(1) or match.group(2)
            if urlsplit(reference).scheme or reference.startswith(("#", "/")):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(sheet), urlsplit(reference).path))
            if target not in used:
                used.add(target)
                if target.endswith(".css"):
                    sheets.append(target)
    return used


def page_references(folder: Path, page: str) -> set[str]:
    """The files of the book one page links to or loads (stylesheets, images), by their names in the book."""
    return {target for _, _, target, _ in _local_references(_parse_page((folder / page).read_bytes()), page)}


def remove_unused_static_files(folder: Path) -> None:
    """Remove from ``_static/`` what no page of the book uses (the site's search, icons, scripts)."""
    pages = [path.relative_to(folder).as_posix() for path in folder.rglob("*.xhtml")]
    used = files_in_use(folder, set().union(*(page_references(folder, page) for page in pages)))
    for path in (folder / "_static").rglob("*"):
        if path.is_file() and path.relative_to(folder).as_posix() not in used:
            path.unlink()


def copy_book(site: Path, book: Path, pages: set[str], web: str) -> None:
    """Copy one book's pages (links rewritten), the static files, and the images its pages use.

    The static files are those the combined book kept (:func:`remove_unused_static_files`): the
    cover page Sphinx writes into each book links every stylesheet of the site.
    """
    used: set[str] = set()
    for page in sorted(pages):
        data, page_uses = point_outside_links_to_the_web(page, (site / page).read_bytes(), pages, web)
        (book / page).parent.mkdir(parents=True, exist_ok=True)
        (book / page).write_bytes(data)
        used |= page_uses
    for path in sorted(site.rglob("*")):
        name = path.relative_to(site).as_posix()
        shared = name.startswith("_static/") or name in used
        if path.is_file() and shared and not name.endswith(".xhtml") and name not in GENERATED:
            (book / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, book / name)


def without_empty_creator(opf: str) -> str:
    """The package document without an empty ``dc:creator``.

    Sphinx's template always writes one; EPUB 3 requires none, and a book whose text states no
    author has none to give (an empty element would be invalid).
    """
    return re.sub(r"\n[ \t]*<dc:creator>\s*</dc:creator>", "", opf)


class ReproducibleEpubBuilder(Epub3Builder):
    """Sphinx's EPUB 3 builder: a valid NCX identifier, reproducible archives, one book per report."""

    edition: EpubEdition
    _naming_refnodes = False

    def init(self) -> None:
        super().init()
        self.edition = combined_edition(self.config)

    def content_metadata(self) -> dict[str, Any]:
        metadata = super().content_metadata()
        edition = self.edition
        for key, value in (
            ("title", edition.title),
            ("author", edition.author),
            ("publisher", edition.publisher),
            ("lang", edition.language),
            ("description", edition.description),
            ("id", edition.identifier),
            ("copyright", edition.rights),
            ("date", edition.date),
        ):
            metadata[key] = html.escape(value)
        return metadata

    def toc_metadata(self, level: int, navpoints: list[Any]) -> dict[str, Any]:
        metadata = super().toc_metadata(level, navpoints)
        metadata["uid"] = html.escape(self.edition.identifier)
        metadata["title"] = html.escape(self.edition.title)
        return metadata

    def navigation_doc_metadata(self, navlist: list[Any]) -> dict[str, Any]:
        metadata = super().navigation_doc_metadata(navlist)
        metadata["lang"] = html.escape(self.edition.language)
        return metadata

    def page_language(self, pagename: str) -> str:
        """A report's pages speak its language; the other pages the site's."""
        for report in reports_of(self.config):
            if pagename.startswith(f"reports/{report.slug}/"):
                return str(report.language)
        return str(self.config.language)

    def handle_page(
        self,
        pagename: str,
        addctx: dict[str, Any],
        templatename: str = "page.html",
        *,
        outfilename: Path | None = None,
        event_arg: object = None,
    ) -> None:
        language = html.escape(self.page_language(pagename))
        addctx["html_tag"] = self.html_tag.replace("<html ", f'<html lang="{language}" xml:lang="{language}" ', 1)
        if templatename == COVER_TEMPLATE:
            addctx["title"] = self.edition.title
        super().handle_page(pagename, addctx, templatename, outfilename=outfilename, event_arg=event_arg)

    def add_visible_links(self, tree: nodes.document, show_urls: str = "inline") -> None:
        """Sphinx's links shown as footnotes, numbered 1, 2, ..., headed "Footnotes" only if any."""
        super().add_visible_links(tree, show_urls)
        for rubric in list(tree.findall(nodes.rubric)):
            if rubric.astext() != FOOTNOTES_RUBRIC_NAME:
                continue
            following = rubric.parent.children[rubric.parent.index(rubric) + 1 :]
            if not any(isinstance(node, nodes.footnote) for node in following):
                rubric.parent.remove(rubric)
        prefix = FOOTNOTE_LABEL_TEMPLATE.split("%", 1)[0]
        for node in list(tree.findall(nodes.footnote_reference)) + list(tree.findall(nodes.label)):
            text = node.astext()
            if prefix and text.startswith(prefix) and text[len(prefix) :].isdigit():
                node.children = []
                node.append(nodes.Text(text[len(prefix) :]))

    def build_content(self) -> None:
        (Path(self.outdir) / COVER_IMAGE).write_text(cover_svg(self.edition), encoding="utf-8")
        # Sphinx copies every static file of the site (search, icons, scripts) into the combined
        # book; each report's book then takes what the combined one kept (copy_book).
        if self.edition.basename == self.config.epub_basename:
            remove_unused_static_files(Path(self.outdir))
        super().build_content()
        opf = Path(self.outdir) / "content.opf"
        opf.write_text(without_empty_creator(opf.read_text(encoding="utf-8")), encoding="utf-8")
        finish_package(opf, self.edition)

    def build_navigation_doc(self) -> None:
        super().build_navigation_doc()
        add_landmarks(Path(self.outdir) / "nav.xhtml", self.refnodes[0]["refuri"])

    def build_epub(self) -> None:
        names = [*FIRST, *self.files]
        write_reproducibly(self.outdir / f"{self.edition.basename}.epub", Path(self.outdir), names)

    def handle_finish(self) -> None:
        super().handle_finish()
        for report in reports_of(self.config):
            self.build_report_edition(report_edition(self.config, report))

    def report_pages(self, edition: EpubEdition) -> list[str]:
        """The report's pages in reading order, then the appendices."""
        order = pages_in_reading_order(self.env, edition.root)
        return order + [name for name in self.config.edition_appendices if name not in order]

    def get_refnodes(self, doctree: nodes.Node, result: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Sphinx's contents entries, each page named by its own heading.

        A toctree may give a page another label ("First session: ..."); the book's contents name
        each page as the page itself does, as the PDF's bookmarks do.
        """
        if self._naming_refnodes:  # Sphinx's recursion into a toctree's entries
            return super().get_refnodes(doctree, result)
        self._naming_refnodes = True
        try:
            refnodes = super().get_refnodes(doctree, result)
        finally:
            self._naming_refnodes = False
        # Once, for the whole list: at each level of Sphinx's recursion this was quadratic in the pages.
        titles = {html.escape(self.get_target_uri(name)): name for name in self.env.titles}
        for item in refnodes:
            name = titles.get(item["refuri"])
            if name is not None:
                item["text"] = ssp(html.escape(self.env.titles[name].astext()))
        return refnodes

    def refnode(self, docname: str) -> dict[str, Any]:
        """A table-of-contents entry for a whole page."""
        title = html.escape(self.env.titles[docname].astext())
        return {"level": 1, "refuri": html.escape(self.get_target_uri(docname)), "text": ssp(title)}

    def report_refnodes(self, edition: EpubEdition) -> list[dict[str, Any]]:
        """The book's contents: the landing page, the report's parts as in its toctree, the appendices."""
        doctree = self.env.get_and_resolve_doctree(
            edition.root, self, tags=self.tags, prune_toctrees=False, includehidden=True
        )
        folder = Path(edition.root).parent
        parts = self.get_refnodes(doctree, [])
        for item in parts:
            item["refuri"] = (folder / item["refuri"]).as_posix()
        # The parts' addresses are relative to the landing page until now: name them again.
        parts = self.get_refnodes(nodes.container(), parts)
        appendices = [self.refnode(name) for name in self.config.edition_appendices]
        return [self.refnode(edition.root), *parts, *appendices]

    def build_report_edition(self, edition: EpubEdition) -> None:
        """Write one report's book from the pages already written for the combined edition."""
        site = Path(self.outdir)
        pages = {self.get_target_uri(name) for name in self.report_pages(edition)}
        with tempfile.TemporaryDirectory(prefix=f"{edition.basename}-", dir=site.parent) as scratch:
            book = Path(scratch)
            copy_book(site, book, pages, self.config.html_baseurl)
            with self.writing(edition, book):
                steps: list[Callable[[], None]] = [
                    self.build_mimetype,
                    self.build_container,
                    self.build_content,
                    self.build_navigation_doc,
                    self.build_toc,
                    self.build_epub,
                ]
                for step in steps:
                    step()
            shutil.move(book / f"{edition.basename}.epub", site / f"{edition.basename}.epub")

    @contextlib.contextmanager
    def writing(self, edition: EpubEdition, book: Path) -> Iterator[None]:
        """While a report's book is written, the builder's output, contents and description are that book's."""
        saved = (self.outdir, self.refnodes, self.edition, self.domain_indices, self.use_index, self.playorder)
        self.outdir, self.edition = book, edition
        self.refnodes = self.report_refnodes(edition)
        # The general and domain indices cover the whole site: only the combined book has them.
        self.domain_indices, self.use_index = [], False
        # The NCX numbers its entries from 1 in each book.
        self.playorder = 0
        try:
            yield
        finally:
            self.outdir, self.refnodes, self.edition, self.domain_indices, self.use_index, self.playorder = saved


def use_cover_template(app: Sphinx, config: Config) -> None:
    """The cover page's template (the cover image with the book's title as its text alternative)."""
    config.templates_path = [*config.templates_path, str(TEMPLATES)]


def use_epub_stylesheet(app: Sphinx) -> None:
    """The EPUB's own stylesheet, last, for the books only: the site keeps its theme's."""
    if app.builder.name == "epub":
        app.config.html_static_path = [*app.config.html_static_path, str(STATIC)]
        app.add_css_file(STYLESHEET, priority=900)


def leave_downloads_to_the_web(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A book has no download table: the section that holds it stays on the web site."""
    if app.builder.name != "epub":
        return
    for placeholder in list(doctree.findall(downloads_table)):
        section = placeholder.parent
        while section is not None and not isinstance(section, nodes.section):
            section = section.parent
        (section or placeholder).parent.remove(section or placeholder)


def setup(app: Sphinx) -> dict[str, Any]:
    # Each report's book describes itself from the report's metadata (edition_reports).
    app.setup_extension("dialogue_edition.sphinxext.report_metadata")
    app.setup_extension("dialogue_edition.sphinxext.downloads")
    app.add_config_value("edition_appendices", [], "epub", types=[list])
    app.add_builder(ReproducibleEpubBuilder, override=True)
    app.connect("config-inited", use_cover_template)
    app.connect("builder-inited", use_epub_stylesheet)
    # Before the downloads extension drops the empty table (priority 500).
    app.connect("doctree-resolved", leave_downloads_to_the_web, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
