"""Pages read for the search index while Sphinx writes them (``dialogue_edition.search_ahead``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dialogue_edition.search as search
import pytest
from dialogue_edition import search_ahead
from dialogue_edition.search import RecordCache, page_key, page_parts_data, site_pages
from dialogue_edition.work_ahead import spare_cores
from sphinx.testing.util import SphinxTestApp

POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">')

needs_a_spare_core = pytest.mark.skipif(spare_cores() < 1, reason="one core only: nothing is read ahead")


@pytest.fixture(autouse=True)
def _no_worker_left() -> Iterator[None]:
    yield
    search_ahead.stop()


@needs_a_spare_core
@pytest.mark.sphinx("html", testroot="search-ahead")
def test_every_page_written_is_read_ahead_as_the_index_reads_its_file(app: SphinxTestApp) -> None:
    app.build()
    pages = site_pages(Path(app.outdir))
    assert len(pages) == 5
    records = 0
    for url, file in pages:
        content = Path(file).read_bytes()
        assert POLICY.search(content.decode()), f"{url} was written with its policy"
        ahead = search_ahead.take(url)
        assert ahead is not None, f"{url} was not read ahead"
        # The key of the page's file as written (policy included), and the parts it gives.
        assert ahead == (page_key(url, content), page_parts_data((content, url)))
        records += len(ahead[1]["records"])
    assert records >= 4 * 2, "each page's paragraphs are records"
    assert search_ahead.take("search.html") is None, "tool pages are never indexed, so never read"


@needs_a_spare_core
@pytest.mark.sphinx("html", testroot="search-ahead", srcdir="search-ahead-changed")
def test_a_page_changed_after_it_was_read_ahead_is_read_again(
    app: SphinxTestApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    app.build()
    changed = Path(app.outdir) / "third.html"
    changed.write_text(changed.read_text(encoding="utf-8").replace("third words", "changed words"), encoding="utf-8")
    read_here: list[str] = []
    read_pages = search._read_pages

    def counted(pages: list[tuple[bytes, str]]) -> list[dict[str, Any]]:
        read_here.extend(url for _, url in pages)
        return read_pages(pages)

    monkeypatch.setattr(search, "_read_pages", counted)
    pages = RecordCache(None).pages(site_pages(Path(app.outdir)))
    assert read_here == ["third.html"]
    third = next(page for page in pages if page.url == "third.html")
    assert third.key == page_key("third.html", changed.read_bytes())


@pytest.mark.sphinx("html", testroot="search-ahead", srcdir="search-ahead-few")
def test_nothing_is_read_ahead_for_a_few_pages(app: SphinxTestApp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_ahead, "AHEAD_FROM", 6)
    app.build()
    assert all(search_ahead.take(url) is None for url, _ in site_pages(Path(app.outdir)))


@pytest.mark.sphinx(
    "html",
    testroot="search-ahead",
    srcdir="search-ahead-other-writer",
    confoverrides={"edition_test_other_writer": True},
)
def test_a_page_another_writer_wrote_or_replaced_gets_its_policy_too(app: SphinxTestApp) -> None:
    app.build()
    for name in ("second.html", "added.html", "first.html"):
        page = (Path(app.outdir) / name).read_text(encoding="utf-8")
        assert len(POLICY.findall(page)) == 1, name
    replaced = (Path(app.outdir) / "second.html").read_text(encoding="utf-8")
    assert "'sha256-" not in replaced, "the replacing writer's script is in no template: it may not run"
