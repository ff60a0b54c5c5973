"""What a reader downloads to search: the index and the search page's own script, for one query.

Measured in Chromium (Debian's, through Playwright) against the site served on 127.0.0.1: the
search page is opened with a query, and every response from ``pagefind/`` or of the page's
``edition-search`` files counts, twice: as stored (the local server compresses nothing), and as
transferred by a static host that compresses text (GitHub Pages, Read the Docs): gzip for the
script, stylesheet and JSON; Pagefind's index files and WebAssembly are stored compressed already.
The test suite holds the one-report site to its budget; ``nox -s bench`` records the figures for
archives of 1, 10 and 50 reports (``search_download_kb``).
"""

from __future__ import annotations

import gzip
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from ..search import BUNDLE
from .validators import CHROMIUM, CHROMIUM_FLAGS, served

if TYPE_CHECKING:
    from playwright.sync_api import Page, Response

SEARCH_FILES = (f"/{BUNDLE}/", "/_static/edition-search.")


GZIP_MAGIC = b"\x1f\x8b"


def transferred(body: bytes) -> int:
    """Bytes on the wire from a host that gzips text: files stored compressed go as they are."""
    return len(body) if body.startswith(GZIP_MAGIC) else len(gzip.compress(body, mtime=0))


def downloads_for_query(page: Page, origin: str, query: str) -> dict[str, tuple[int, int]]:
    """Each search file the page fetches to answer ``query``: URL to (bytes stored, bytes transferred)."""
    sizes: dict[str, tuple[int, int]] = {}

    def note(response: Response) -> None:
        if response.ok and any(part in response.url for part in SEARCH_FILES):
            body = response.body()
            sizes[response.url] = (len(body), transferred(body))

    page.on("response", note)
    page.goto(f"{origin}search.html?{urlencode({'q': query})}")
    page.wait_for_selector("body[data-search-done]")
    # Playwright hands a response to ``note`` on its own time: the search may be done before the
    # last fragments' responses were handed over. The page knows what it fetched; wait for those.
    fetched = page.evaluate("performance.getEntriesByType('resource').map((entry) => entry.name)")
    wanted = {url for url in fetched if any(part in url for part in SEARCH_FILES)}
    deadline = time.monotonic() + RESPONSES_WAIT
    while not wanted <= sizes.keys() and time.monotonic() < deadline:
        page.wait_for_timeout(20)
    page.remove_listener("response", note)
    return sizes


RESPONSES_WAIT = 10.0
"""Seconds to wait for the responses a finished search fetched to be handed over (a few milliseconds, as a rule)."""


def search_download_kb(site: Path, query: str = "Kurbanov") -> dict[str, float]:
    """Kilobytes (1000 bytes) of index and search script for one query, stored and transferred."""
    from playwright.sync_api import sync_playwright

    with served(site) as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        sizes = downloads_for_query(browser.new_page(), origin, query)
        browser.close()
    return {
        "stored_kb": round(sum(stored for stored, _ in sizes.values()) / 1000, 1),
        "transferred_kb": round(sum(sent for _, sent in sizes.values()) / 1000, 1),
    }
