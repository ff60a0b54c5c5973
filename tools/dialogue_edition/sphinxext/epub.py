"""EPUB editions that validate, are byte-for-byte reproducible, and come one per report too.

Sphinx's EPUB builder makes one book from ``root_doc``: here the combined edition of the whole
site. After it, this builder makes each report's own book from the same written pages: the
report's pages and the appendices (``edition_appendices``: the glossaries, agreements and
timeline), with that report's title, publisher, language and identifier. A link from those
pages to a page the book does not hold (another report's paragraph in "Mentioned in") goes to
the same place in the web edition (``html_baseurl``) instead of nowhere.

Two fixes to Sphinx's builder as well: the NCX ``dtb:uid`` carries the book's identifier (Sphinx
writes ``epub_uid``, an XML id, which epubcheck rejects: NCX-001), and the archive is written
with ``mimetype`` first and stored, the other files sorted, every timestamp set from
``SOURCE_DATE_EPOCH``, so two builds of one commit are identical.
"""

from __future__ import annotations

import contextlib
import html
import os
import posixpath
import re
import shutil
import tempfile
import time
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree
from sphinx.application import Sphinx
from sphinx.builders._epub_base import ssp
from sphinx.builders.epub3 import Epub3Builder
from sphinx.config import Config

from ..source_report import ReportMetadata, long_date
from .reading_order import pages_in_reading_order
from .report_metadata import reports_of

COMBINED_NAME = "dialogue-forum-reports"
"""The combined edition, every report with the glossaries: named for the site, not one report."""
FIRST = ("mimetype", "META-INF/container.xml", "content.opf", "toc.ncx")
GENERATED = {*FIRST, "nav.xhtml"}
EARLIEST_ZIP_TIME = 315532800  # 1980-01-01, the earliest time a zip file can record


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


def combined_edition(config: Config) -> EpubEdition:
    """The whole site as one book, described by the ``epub_*`` settings."""
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
    )


def zip_time() -> tuple[int, int, int, int, int, int]:
    """The timestamp every file in the archive gets: SOURCE_DATE_EPOCH, else now."""
    seconds = max(int(os.environ.get("SOURCE_DATE_EPOCH", time.time())), EARLIEST_ZIP_TIME)
    return time.gmtime(seconds)[:6]


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


def point_outside_links_to_the_web(page: str, data: bytes, pages: set[str], web: str) -> tuple[bytes, set[str]]:
    """Send links to pages the book lacks to the web edition; return the page and the files it uses."""
    tree = etree.ElementTree(etree.fromstring(data, etree.XMLParser(resolve_entities=False)))
    used, changed = set(), False
    for element in tree.iter(etree.Element):
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if not value or value.startswith("#") or urlsplit(value).scheme:
                continue
            path, _, fragment = value.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
            if target.endswith(".xhtml") and target not in pages:
                address = urljoin(web, target.removesuffix(".xhtml") + ".html")
                element.set(attribute, f"{address}#{fragment}" if fragment else address)
                changed = True
            else:
                used.add(target)
    if changed:
        data = etree.tostring(tree, xml_declaration=True, encoding="utf-8", doctype=tree.docinfo.doctype)
    return data, used


def copy_book(site: Path, book: Path, pages: set[str], web: str) -> None:
    """Copy one book's pages (links rewritten), the static files, and the images its pages use."""
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
        ):
            metadata[key] = html.escape(value)
        return metadata

    def build_content(self) -> None:
        super().build_content()
        opf = Path(self.outdir) / "content.opf"
        opf.write_text(without_empty_creator(opf.read_text(encoding="utf-8")), encoding="utf-8")

    def toc_metadata(self, level: int, navpoints: list[Any]) -> dict[str, Any]:
        metadata = super().toc_metadata(level, navpoints)
        metadata["uid"] = html.escape(self.edition.identifier)
        metadata["title"] = html.escape(self.edition.title)
        return metadata

    def navigation_doc_metadata(self, navlist: list[Any]) -> dict[str, Any]:
        metadata = super().navigation_doc_metadata(navlist)
        metadata["lang"] = html.escape(self.edition.language)
        return metadata

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


def setup(app: Sphinx) -> dict[str, Any]:
    # Each report's book describes itself from the report's metadata (edition_reports).
    app.setup_extension("dialogue_edition.sphinxext.report_metadata")
    app.add_config_value("edition_appendices", [], "epub", types=[list])
    app.add_builder(ReproducibleEpubBuilder, override=True)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
