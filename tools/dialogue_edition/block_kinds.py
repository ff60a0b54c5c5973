"""The kind of each block of a plain-text report: paragraph, heading or caption.

A plain-text report carries no markup, so a block's kind is read from its shape, one rule for the
importer (which writes each kind as such), the data check (which refuses a caption or heading kept
as a paragraph) and the fidelity check (which compares kinds in the editions):

- a *paragraph* ends with closing punctuation (a full stop, a question mark, a closing quotation
  mark after one) or runs over more than one line;
- a *heading* is one short line (at most :data:`MAX_HEADING` characters) without closing
  punctuation that names no person;
- a *caption* is any other line without closing punctuation: too long for a heading, or naming a
  person ("Chairman of …, Rector of St Petersburg University Nikolay Kropachev"), which is what a
  photograph's caption does and a section heading does not.

Where the shape misleads, a report's review file (``docs/reports/<slug>/review.yaml``, key
``kinds``) gives the kind of a block by its opening words; see :mod:`dialogue_edition.report_review`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from .name_shapes import find_names

BlockKind = Literal["paragraph", "heading", "caption"]
MAX_HEADING = 80
_CLOSING = re.compile(r"[.!?:;,)\"'’”…]$")


def shape_kind(block: str) -> BlockKind:
    """The kind of ``block`` by its shape alone (see the module's rules)."""
    if "\n" in block or _CLOSING.search(block):
        return "paragraph"
    names_a_person = any(found.kind == "person" for found in find_names(block))
    if len(block) <= MAX_HEADING and not names_a_person:
        return "heading"
    return "caption"


def block_kinds(blocks: list[str], overrides: Mapping[str, BlockKind] | None = None) -> list[BlockKind]:
    """The kind of every block: an override whose key opens the block wins over the block's shape."""
    kinds: list[BlockKind] = []
    for block in blocks:
        given = next((kind for start, kind in (overrides or {}).items() if block.startswith(start)), None)
        kinds.append(given or shape_kind(block))
    return kinds
