"""The search index in parts: each a Pagefind bundle of some reports, written again only when they change.

Pagefind has no incremental build: given a site's records, it reads and writes them all (50
reports: 2,103 records, about 1.4 s; 200 reports: about 6 s), so a one-word edit would cost as
much as indexing the whole archive. So the index is split into parts, each a whole Pagefind
bundle of its own over some of the records, and the search page merges them
(``pagefind.mergeIndex``: the parts share the first part's script and WebAssembly, and each adds
its own metadata and the chunks a query needs):

- the *units* are the site's own pages (glossaries, agreements, timeline, landing pages) and
  each report's pages (``reports/<slug>/``), in that order, then by slug;
- a site of up to ``UNITS_PER_PART`` units (nine reports) has one part, exactly the bundle one
  index would have; a larger one has a part of the site's own pages, then parts of
  ``UNITS_PER_PART`` reports each (50 reports: six parts);
- the first part is the bundle's own folder (``pagefind/``, with Pagefind's script); part *n* is
  ``pagefind/part-<n>/``, which holds only its index (metadata, fragments, chunks, filters);
- a part's *digest* covers everything its bytes come from: its records as Pagefind is given them,
  the language, the code that writes and reorders the bundle, and the Pagefind binary. The parts
  file (``edition-parts.json``, in the first part) lists each part's folder and digest: the
  search page reads the folders, and the next build reuses a published part whose digest is the
  same (its files linked, not written again), so an edit writes only the part of its report.

A part's bytes depend only on its records, so an edit's index equals a clean build's, byte for
byte. Within a part, records keep the order of the whole site (the order of its pages), so the
one-part index of a small site is the same as before the index had parts.

Ranking: Pagefind ranks a query's hits in each part by that part's own word statistics and then
merges them by score, so hits compare as in one index only approximately, within a part as
across parts (three agreements that all hold "the" may come in another order).

Reports are grouped in the order of their slugs, so a report added, removed or renamed writes
again every part from its own on (once); an edit writes only its own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from .search import Record

Item = TypeVar("Item")

UNITS_PER_PART = 10
"""Units (the site's own pages count as one, each report as one) per part of the index. Ten keeps
an edit's indexing to about 400 records (about 0.3 s, against 1.4 s for 50 reports at once) and
a query's requests to about three per part (entry, metadata, a chunk): 21 parts at 200 reports."""
REPORTS_FOLDER = "reports"
"""The site's folder of reports: ``reports/<slug>/`` holds one report's pages."""
SITE_UNIT = ""
"""The unit of the site's own pages (glossaries, agreements, timeline, landing pages)."""
PARTS_FILE = "edition-parts.json"
"""In the first part's folder: each part's folder (relative to it) and digest, in order."""
PART_FOLDER = "part-{number}"


Document = tuple[str, str]
"""A record as Pagefind is given it: its small HTML document, and its URL."""


@dataclass
class IndexPart:
    """One part of the search index: its folder in the bundle, its records as Pagefind gets them, their digest."""

    folder: str
    """Relative to the bundle: ``""`` for the first part, else ``part-<n>``."""
    documents: list[Document]
    digest: str


def unit_of(url: str) -> str:
    """The unit a record belongs to: ``reports/<slug>`` for a report's pages, ``SITE_UNIT`` for the site's own."""
    parts = PurePosixPath(url.split("#", 1)[0]).parts
    return "/".join(parts[:2]) if len(parts) > 2 and parts[0] == REPORTS_FOLDER else SITE_UNIT


def part_digest(documents: list[Document], language: str, writer: str) -> str:
    """What a part's bytes come from: ``writer`` (the code and binary that write it) and its documents."""
    digest = hashlib.sha256(f"{writer}\0{language}\0".encode())
    for html, url in documents:
        digest.update(f"{url}\0{html}\0".encode())
    return digest.hexdigest()


def part_numbers(units: set[str]) -> dict[str, int]:
    """The part of each unit that gives records, and of ``SITE_UNIT``: 0 for the first, then 1, 2 and on.

    Up to ``UNITS_PER_PART`` units make one part. More make a part of the site's own pages, then
    parts of ``UNITS_PER_PART`` reports each: the glossaries grow with the archive, and an edit
    of a report then rewrites only reports. The site's own pages are a part of their own only if
    they give records: Pagefind writes no index for none.
    """
    every = sorted(units | {SITE_UNIT})
    if len(every) <= UNITS_PER_PART:
        return dict.fromkeys(every, 0)
    first = 1 if SITE_UNIT in units else 0
    reports = [unit for unit in every if unit != SITE_UNIT]
    return {SITE_UNIT: 0} | {unit: first + position // UNITS_PER_PART for position, unit in enumerate(reports)}


def part_folder(number: int) -> str:
    """A part's folder in the bundle: ``""`` for the first, else ``part-<n>``."""
    return PART_FOLDER.format(number=number) if number else ""


def by_part(items: list[Item], url_of: Callable[[Item], str]) -> list[tuple[str, list[Item]]]:
    """Each part's folder and its ``items`` (records, or the pages that give them), in their order.

    An item belongs to the part of its URL's unit (:func:`part_numbers`).
    """
    number_of = part_numbers({unit_of(url_of(item)) for item in items})
    grouped: list[list[Item]] = [[] for _ in range(max(number_of.values()) + 1)]
    for item in items:
        grouped[number_of[unit_of(url_of(item))]].append(item)
    return [(part_folder(number), members) for number, members in enumerate(grouped)]


def index_part(folder: str, found: list[Record], language: str, writer: str) -> IndexPart:
    """The part in ``folder`` of the records ``found``, as Pagefind's documents, and their digest."""
    documents = [(record.html(language), record.url) for record in found]
    return IndexPart(folder, documents, part_digest(documents, language, writer))


def split_into_parts(found: list[Record], language: str, writer: str) -> list[IndexPart]:
    """The index's parts, records in their site order in each (:func:`by_part`, :func:`index_part`)."""
    return [index_part(folder, records, language, writer) for folder, records in by_part(found, attrgetter("url"))]


def parts_data(digests: dict[str, str]) -> dict[str, Any]:
    """The parts file's content: each part's folder (``""`` or ``part-<n>/``) and digest, in order."""
    return {
        "parts": [{"folder": f"{folder}/" if folder else "", "digest": digest} for folder, digest in digests.items()]
    }


def published_digests(bundle: Path | None) -> dict[str, str]:
    """Each part's digest by folder, as the parts file of a published bundle gives them (none if unreadable)."""
    if bundle is None:
        return {}
    try:
        data = json.loads((bundle / PARTS_FILE).read_text(encoding="utf-8"))
        return {str(part["folder"]).rstrip("/"): str(part["digest"]) for part in data["parts"]}
    except (OSError, ValueError, KeyError, TypeError, RecursionError):  # RecursionError: nested past json's depth
        return {}
