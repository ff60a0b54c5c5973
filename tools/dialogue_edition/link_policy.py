"""Which addresses a link of the edition may have: the web's, mail, and the site's own pages.

One rule for every link, wherever it is written: a page (``sphinxext.safety``), an agreement's
BibTeX (``agreements``). A ``javascript:`` address would run script on the site, in the EPUB,
in the PDF reader.
"""

from __future__ import annotations

import re

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
"""The only schemes a link may have; a link without one stays within the site."""

SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")
"""What browsers drop from an address before reading its scheme (``java\\tscript:`` runs)."""


def scheme_of(url: str) -> str | None:
    """The scheme of an address as a browser reads it (lower case), or None for a relative one."""
    match = SCHEME.match(IGNORED_IN_URLS.sub("", url))
    return match.group(1).lower() if match else None


LONGEST_ADDRESS = 2_000
"""The most characters an address may have: browsers and servers refuse longer ones, and TeX
stalled on an address of 100,000."""


def link_refusal(url: str) -> str | None:
    """Why a link to ``url`` is refused, or None if it is allowed."""
    if len(url) > LONGEST_ADDRESS:
        return f"link to an address of {len(url):,} characters refused (at most {LONGEST_ADDRESS:,})"
    scheme = scheme_of(url)
    if scheme is None or scheme in ALLOWED_SCHEMES:
        return None
    return f"link to {url!r} refused: only http, https and mailto addresses or pages of the site may be linked"
