"""Sphinx's search index, the site's search when opened from disk: right anchors, no stale words.

The site's search is Pagefind's (``dialogue_edition.search``); browsers refuse its requests from
``file://``, where the search page loads Sphinx's ``searchindex.js`` instead. Three repairs, made as
Sphinx writes it:

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
from typing import Any, Protocol, TextIO

from sphinx.application import Sphinx

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
    """Write out every anchor Sphinx shortened to ``-``, which its script would rebuild wrongly.

    ``data``'s entries as Sphinx freezes them (tuples) or as JSON gives them back (lists); its
    object types keyed by text (:func:`prune`).
    """
    docnames, objtypes = data.get("docnames", []), data.get("objtypes", {})
    queues = {key: list(found) for key, found in anchors.items()}
    for prefix, entries in data.get("objects", {}).items():
        for position, entry in enumerate(entries):
            document, objtype, priority, anchor, name = entry
            kind = objtypes.get(str(objtype))
            # Sphinx writes names HTML-escaped into the index.
            display = html.unescape(f"{prefix}.{name}" if prefix else name)
            queue = queues.get((docnames[document], kind, display))
            if queue:
                full = queue.pop(0)
                if anchor == "-":
                    entries[position] = [document, objtype, priority, full, name]


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


def prune(data: dict[str, Any], anchors: Anchors | None = None) -> dict[str, Any]:
    """The index's data (as Sphinx freezes it) without words no page uses any more, every anchor in full.

    Object types and their names are keyed by text, as JSON reads them back: Sphinx's numbers
    would sort 10 before 2 no more, and the index's bytes would depend on how it was written.
    """
    for key in ("objtypes", "objnames"):
        if key in data:
            data[key] = {str(number): value for number, value in data[key].items()}
    for key in ("terms", "titleterms"):
        data[key] = {word: pages for word, pages in data.get(key, {}).items() if pages != []}
    if anchors:
        restore_anchors(data, anchors)
        drop_repeats(data)
    return data


class IndexFormat(Protocol):
    """A search index's file format, as Sphinx's HTML builder uses it (``sphinx.search.js_index``)."""

    def dumps(self, data: dict[str, Any]) -> str: ...
    def dump(self, data: dict[str, Any], stream: TextIO) -> None: ...
    def loads(self, text: str) -> dict[str, Any]: ...
    def load(self, stream: TextIO) -> dict[str, Any]: ...


class PrunedIndexFormat:
    """Sphinx's own ``searchindex.js`` format (``sphinx.search.js_index``), pruned as it is written.

    The HTML builder writes its index through its ``indexer_format``: pruning the data there,
    before they are written, spares reading back and parsing the written file (a megabyte at 200
    reports: 0.05 s of every build). What is read, and the text written, are the format's own.
    """

    def __init__(self, app: Sphinx, written: IndexFormat) -> None:
        self._app, self._written = app, written

    def dumps(self, data: dict[str, Any]) -> str:
        """The index's text: the format's text of the pruned data."""
        return self._written.dumps(prune(data, object_anchors(self._app)))

    def dump(self, data: dict[str, Any], stream: TextIO) -> None:
        """Write the index's text to ``stream``."""
        stream.write(self.dumps(data))

    def loads(self, text: str) -> dict[str, Any]:
        """The data of a written index (the previous build's: Sphinx keeps the unchanged pages' share)."""
        return self._written.loads(text)

    def load(self, stream: TextIO) -> dict[str, Any]:
        """The data of the written index in ``stream``."""
        return self._written.load(stream)


def prune_as_written(app: Sphinx) -> None:
    """Have the HTML builder write its search index pruned (:class:`PrunedIndexFormat`)."""
    builder = app.builder
    if builder.name == "html" and hasattr(builder, "indexer_format"):
        builder.indexer_format = PrunedIndexFormat(app, builder.indexer_format)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", prune_as_written)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
