"""An EPUB that validates and is byte-for-byte reproducible.

Sphinx's EPUB builder writes the NCX ``dtb:uid`` from ``epub_uid`` (an XML id) instead of the
book's identifier, which epubcheck rejects (NCX-001), and zips files with their modification
times in file-system order, so two builds of one commit differ. This builder fixes both: the NCX
carries ``epub_identifier``, and the archive is written with ``mimetype`` first and stored, the
other files sorted, every timestamp set from ``SOURCE_DATE_EPOCH``.
"""

from __future__ import annotations

import html
import os
import time
import zipfile
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.epub3 import Epub3Builder

COMBINED_NAME = "dialogue-forum-reports"
"""The EPUB holds the whole site, every report: the combined edition, named for the site."""
FIRST = ("mimetype", "META-INF/container.xml", "content.opf", "toc.ncx")
EARLIEST_ZIP_TIME = 315532800  # 1980-01-01, the earliest time a zip file can record


def zip_time() -> tuple[int, int, int, int, int, int]:
    """The timestamp every file in the archive gets: SOURCE_DATE_EPOCH, else now."""
    seconds = max(int(os.environ.get("SOURCE_DATE_EPOCH", time.time())), EARLIEST_ZIP_TIME)
    return time.gmtime(seconds)[:6]


def rewrite_reproducibly(path: os.PathLike[str]) -> None:
    """Rewrite an EPUB with a fixed order, fixed timestamps and fixed permissions."""
    with zipfile.ZipFile(path) as source:
        contents = {info.filename: source.read(info) for info in source.infolist()}
    names = [name for name in FIRST if name in contents] + sorted(set(contents) - set(FIRST))
    stamp = zip_time()
    with zipfile.ZipFile(path, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            target.writestr(info, contents[name])


class ReproducibleEpubBuilder(Epub3Builder):
    """Sphinx's EPUB 3 builder, with a valid NCX identifier and a reproducible archive."""

    def toc_metadata(self, level: int, navpoints: list[Any]) -> dict[str, Any]:
        metadata = super().toc_metadata(level, navpoints)
        metadata["uid"] = html.escape(self.config.epub_identifier)
        return metadata

    def build_epub(self) -> None:
        super().build_epub()
        rewrite_reproducibly(self.outdir / f"{self.config.epub_basename}.epub")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_builder(ReproducibleEpubBuilder, override=True)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
