"""Sphinx's search index, the site's search when opened from disk: right anchors, no stale words.

The site's search is Pagefind's (``dialogue_edition.search``); browsers refuse its requests from
``file://``, where the search page loads Sphinx's ``searchindex.js`` instead. Two repairs, once
the site is written:

- Anchors. Sphinx shortens an object's anchor ``<type>-<name>`` to ``-``, and its script rebuilds
  it from the *display* name: ``people.html#person-Sergei Kurbanov``, an anchor that does not
  exist. Each shortened anchor is written out in full again, from the domain's own objects.
- Repeats. A glossary entry is an object, a section title and an index entry: three results
  for one place. The object stays.
- Stale words. When a page is read again, Sphinx drops it from the index but keeps every word the
  page alone used, with an empty list of pages; a clean build has no such words. They are removed,
  so that incremental and clean builds of the same sources give the same bytes.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

INDEX = re.compile(r"^(Search\.setIndex\()(.*)(\))\s*$", re.DOTALL)


Anchors = dict[tuple[str, str, str], list[str]]
"""The full anchors of objects by page, object type (``domain:type``) and display name, in index order."""


def object_anchors(app: Sphinx) -> Anchors:
    """Every object's anchor as Sphinx lists them in the index (sorted by full name)."""
    anchors: Anchors = {}
    for domain in app.env.domains.sorted():
        for _, display, kind, docname, anchor, _ in sorted(domain.get_objects()):
            anchors.setdefault((docname, f"{domain.name}:{kind}", display), []).append(anchor)
    return anchors


def restore_anchors(data: dict[str, Any], anchors: Anchors) -> None:
    """Write out every anchor Sphinx shortened to ``-``, which its script would rebuild wrongly."""
    docnames, objtypes = data.get("docnames", []), data.get("objtypes", {})
    queues = {key: list(found) for key, found in anchors.items()}
    for prefix, entries in data.get("objects", {}).items():
        for entry in entries:
            document, objtype, _, anchor, name = entry
            # Sphinx writes names HTML-escaped into the index.
            display = html.unescape(f"{prefix}.{name}" if prefix else name)
            queue = queues.get((docnames[document], objtypes[str(objtype)], display))
            if queue:
                full = queue.pop(0)
                if anchor == "-":
                    entry[3] = full


def drop_repeats(data: dict[str, Any]) -> None:
    """Leave each glossary entry one result: its object, not also its title and its index entry."""
    objects = {(entry[0], entry[3]) for entries in data.get("objects", {}).values() for entry in entries}
    for key in ("alltitles", "indexentries"):
        kept = {}
        for word, places in data.get(key, {}).items():
            remaining = [place for place in places if (place[0], place[1]) not in objects]
            if remaining:
                kept[word] = remaining
        data[key] = kept


def prune(index_js: str, anchors: Anchors | None = None) -> str:
    """``searchindex.js`` without words that no page uses any more, with every anchor in full."""
    match = INDEX.match(index_js)
    if match is None:
        return index_js
    data = json.loads(match.group(2))
    for key in ("terms", "titleterms"):
        data[key] = {word: pages for word, pages in data.get(key, {}).items() if pages != []}
    if anchors:
        restore_anchors(data, anchors)
        drop_repeats(data)
    return match.group(1) + json.dumps(data, separators=(",", ":"), sort_keys=True) + match.group(3)


def prune_index(app: Sphinx, exception: Exception | None) -> None:
    """Prune the finished site's search index."""
    path = Path(app.outdir) / "searchindex.js"
    if exception is None and app.builder.name == "html" and path.exists():
        path.write_text(prune(path.read_text(encoding="utf-8"), object_anchors(app)), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("build-finished", prune_index)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
