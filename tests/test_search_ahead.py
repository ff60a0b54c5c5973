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
from dialogue_edition.sphinxext.content_security import template_scripts, with_policy
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
        assert with_policy(content.decode(), _allowed(app)) == content.decode(), f"{url} was written with its policy"
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


def _allowed(app: SphinxTestApp) -> frozenset[str]:
    return template_scripts(list(getattr(app.builder.templates, "pathchain", [])))


def _secured(app: SphinxTestApp, url: str) -> bool:
    page = (Path(app.outdir) / url).read_text(encoding="utf-8")
    return len(POLICY.findall(page)) == 1 and with_policy(page, _allowed(app)) == page


@needs_a_spare_core
@pytest.mark.sphinx("html", testroot="search-ahead", srcdir="search-ahead-few")
def test_nothing_is_read_ahead_for_a_few_pages(app: SphinxTestApp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_ahead, "AHEAD_FROM", 6)
    app.build()
    assert all(search_ahead.take(url) is None for url, _ in site_pages(Path(app.outdir)))


@needs_a_spare_core
@pytest.mark.sphinx(
    "html", testroot="search-ahead", srcdir="search-ahead-not-asked", confoverrides={"edition_search_ahead": False}
)
def test_a_build_that_indexes_nothing_afterwards_reads_nothing_ahead(app: SphinxTestApp) -> None:
    app.build()
    assert all(search_ahead.take(url) is None for url, _ in site_pages(Path(app.outdir)))
    assert all(_secured(app, url) for url, _ in site_pages(Path(app.outdir)))


@needs_a_spare_core
@pytest.mark.sphinx("html", testroot="search-ahead", srcdir="search-ahead-parallel", parallel=2)
def test_pages_sphinx_writes_in_processes_of_its_own_carry_their_policy_and_are_read_afterwards(
    app: SphinxTestApp,
) -> None:
    app.build()
    pages = site_pages(Path(app.outdir))
    # Sphinx writes the pages in forked writers (the first in its own process, to warm up):
    # no worker is forked for them.
    assert not search_ahead.running()
    assert all(_secured(app, url) for url, _ in pages)


@pytest.mark.sphinx(
    "html",
    testroot="search-ahead",
    srcdir="search-ahead-other-writer",
    confoverrides={"edition_test_other_writer": True},
)
def test_a_page_another_writer_wrote_or_replaced_gets_its_policy_too(app: SphinxTestApp) -> None:
    app.build()
    for name in ("second.html", "added.html", "first.html"):
        assert _secured(app, name), name
    replaced = (Path(app.outdir) / "second.html").read_text(encoding="utf-8")
    assert "'sha256-" not in replaced, "the replacing writer's script is in no template: it may not run"


@pytest.mark.sphinx(
    "html",
    testroot="search-ahead",
    srcdir="search-ahead-carriage-returns",
    confoverrides={"edition_test_carriage_returns": True},
)
def test_a_page_is_written_with_the_line_ends_it_always_had(app: SphinxTestApp) -> None:
    # Before the policy was set as pages are rendered, every page was read back (universal
    # newlines) and written again: a carriage return, alone or before a line feed, ended a line.
    app.build()
    page = (Path(app.outdir) / "first.html").read_bytes()
    assert b"\r" not in page
    assert b"</title>\n\n" in page
    assert _secured(app, "first.html")
