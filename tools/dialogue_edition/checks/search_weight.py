"""What a reader downloads to search: the index and the search page's own script, for one query.

Measured in Chromium (Debian's, through Playwright) against the site served on 127.0.0.1: the
search page is opened once (Pagefind's script, its WebAssembly, the filters) and then with a
query, and every response from ``pagefind/`` or of the page's ``edition-search`` files counts.
The test suite holds the one-report site to its budget; ``nox -s bench`` records the figure for
an archive of 50 reports (``search_download_kb``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from ..search import BUNDLE
from .validators import CHROMIUM, CHROMIUM_FLAGS, served

if TYPE_CHECKING:
    from playwright.sync_api import Page, Response

SEARCH_FILES = (f"/{BUNDLE}/", "/_static/edition-search.")


def downloads_for_query(page: Page, origin: str, query: str) -> dict[str, int]:
    """Bytes of each search file the page fetches to answer ``query`` (URL to size), in a fresh page."""
    sizes: dict[str, int] = {}

    def note(response: Response) -> None:
        if response.ok and any(part in response.url for part in SEARCH_FILES):
            sizes[response.url] = len(response.body())

    page.on("response", note)
    page.goto(f"{origin}search.html?{urlencode({'q': query})}")
    page.wait_for_selector("body[data-search-done]")
    page.remove_listener("response", note)
    return sizes


def search_download_kb(site: Path, query: str = "Kurbanov") -> float:
    """Kilobytes (1000 bytes) of index and search script fetched for one query, in a fresh browser."""
    from playwright.sync_api import sync_playwright

    with served(site) as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        sizes = downloads_for_query(browser.new_page(), origin, query)
        browser.close()
    return round(sum(sizes.values()) / 1000, 1)
