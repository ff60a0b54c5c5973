"""The edition's Sphinx extensions, each built as a tiny project (``tests/roots/test-<case>``)."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import pytest
from conftest import ROOTS
from dialogue_edition.sphinxext.missing_photo import PLACEHOLDER
from docutils import nodes
from lxml import html as lxml_html
from sphinx.testing.util import SphinxTestApp

FILES = ROOTS / "test-downloads" / "files"


@pytest.mark.sphinx("html", testroot="editorial")
def test_editorial_notes_are_marked_admonitions(app: SphinxTestApp) -> None:
    app.build()
    doctree = app.env.get_doctree("index")
    notes = [node for node in doctree.findall(nodes.admonition) if "editorial" in node["classes"]]
    assert [note[0].astext() for note in notes] == ["Editorial note", "Note on names"]
    assert notes[1][1].astext() == "Family names come first."
    assert app.warning.getvalue() == ""


@pytest.mark.sphinx("html", testroot="editorial")
def test_a_missing_photo_keeps_its_caption_as_a_caption(app: SphinxTestApp) -> None:
    app.build()
    (figure,) = app.env.get_doctree("index").findall(nodes.figure)
    assert figure["ids"] == ["photo-chair"]
    assert figure[0].astext() == PLACEHOLDER
    assert "editorial" in figure[0]["classes"]
    assert isinstance(figure[1], nodes.caption)
    assert figure[1].astext() == "Chairman of the committee, Rector"
    page = lxml_html.fromstring((Path(app.outdir) / "index.html").read_bytes())
    assert page.xpath("//figure[@id='photo-chair']/figcaption")[0].text_content().strip().startswith("Chairman")


def _download_links(outdir: Path, page: str) -> list[str]:
    document = lxml_html.fromstring((outdir / page).read_bytes())
    return document.xpath("//nav[@class='edition-downloads']//a/@href")


@pytest.mark.sphinx("html", testroot="downloads", confoverrides={"edition_downloads_dir": str(FILES)})
def test_each_page_offers_the_downloads_that_hold_it_and_the_files_are_copied(app: SphinxTestApp) -> None:
    app.build()
    outdir = Path(app.outdir)
    assert _download_links(outdir, "sub/page.html") == ["../downloads/report.pdf", "../downloads/report.epub"]
    assert _download_links(outdir, "index.html") == ["downloads/report.epub", "#edition-downloads"]
    assert (outdir / "downloads" / "report.pdf").read_bytes() == b"%PDF-1.4 test"
    assert app.warning.getvalue() == ""


@pytest.mark.sphinx("html", testroot="downloads", confoverrides={"edition_downloads_dir": str(FILES)})
def test_the_table_lists_every_file_with_what_it_holds_and_its_checksum(app: SphinxTestApp) -> None:
    app.build()
    page = lxml_html.fromstring((Path(app.outdir) / "index.html").read_bytes())
    rows = [
        [cell.text_content().strip() for cell in row.xpath("td")]
        for row in page.xpath("//table[@id='edition-downloads']//tbody/tr")
    ]
    assert [row[:4] for row in rows] == [
        ["The report in sub/", "PDF", "report.pdf", "1 kB"],
        ["The whole site", "EPUB", "report.epub", "1 kB"],
    ]
    assert rows[0][4] == hashlib.sha256((FILES / "report.pdf").read_bytes()).hexdigest()


@pytest.mark.sphinx("html", testroot="downloads", confoverrides={"edition_downloads_dir": str(FILES / "none")})
def test_a_missing_required_download_is_a_warning(app: SphinxTestApp) -> None:
    app.build()
    assert "report.pdf is missing" in app.warning.getvalue()
    assert _download_links(Path(app.outdir), "index.html") == []


def test_the_anchor_script_is_published_and_its_temporary_folder_goes(
    rootdir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without edition-build's scratch folder the script is written to a temporary folder of its
    # own (sphinxext/redirects.py), which the build removes once Sphinx has copied it.
    temporary = tmp_path / "temporary"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    source = shutil.copytree(rootdir / "test-redirects", tmp_path / "source")
    app = SphinxTestApp("html", srcdir=source, builddir=tmp_path / "build")
    try:
        assert [path.name[:18] for path in temporary.iterdir()] == ["edition-redirects-"]
        app.build()
    finally:
        app.cleanup()
    script = (Path(app.outdir) / "_static" / "redirects.js").read_text(encoding="utf-8")
    assert '"index.html#old": "index.html#new"' in script
    assert not list(temporary.iterdir())
