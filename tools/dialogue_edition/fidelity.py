"""Faithfulness of an edition to its source: every block, whole, in the source's order, of its kind.

The only normalisation allowed is of white space (including no-break spaces) and of the style of
quotation marks, because the source's typography is inconsistent and the edition may not be.
Everything else (a word, a letter, a dash) must match exactly, and a block keeps its kind: a
heading of the report is a heading of the edition, a caption a caption, a paragraph a paragraph
(the kinds of the source's blocks: :mod:`dialogue_edition.block_kinds`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})


def normalise(text: str) -> str:
    """Fold white space (no-break spaces too) to single spaces and quotation marks to straight ones."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip()


@dataclass(frozen=True)
class Discrepancy:
    """One block of the source that the edition does not carry faithfully."""

    index: int
    block: str
    problem: str

    def __str__(self) -> str:
        preview = self.block if len(self.block) <= 80 else self.block[:77] + "..."
        return f"source block {self.index + 1} ({preview!r}): {self.problem}"


def _divergence(block: str, rendered: str) -> str:
    """Describe where the longest prefix of ``block`` found in ``rendered`` stops matching."""
    low, high = 0, len(block)
    while low < high:
        middle = (low + high + 1) // 2
        if block[:middle] in rendered:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return "not found in the edition"
    before, after = block[max(0, low - 40) : low], block[low : low + 40]
    return f"not found whole: the edition has {before!r} but then not {after!r}"


def _occurrences(block: str, text: str) -> list[int]:
    """Every position at which ``block`` stands in ``text``."""
    positions, start = [], text.find(block)
    while start >= 0:
        positions.append(start)
        start = text.find(block, start + 1)
    return positions


def _placement(occurrences: list[list[int]]) -> dict[int, int]:
    """For the longest chain of blocks found in increasing positions: block index to position.

    A block may stand more than once (a section heading repeated on a landing page); the chain
    may use any occurrence, so a repeat elsewhere never makes a faithful edition look reordered.
    """
    chains: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for index, positions in enumerate(occurrences):
        for position in positions:
            earlier = [chain for (_, end), chain in chains.items() if end < position and chain[-1][0] < index]
            longest: list[tuple[int, int]] = max(earlier, key=len, default=[])
            chains[index, position] = [*longest, (index, position)]
    best: list[tuple[int, int]] = max(chains.values(), key=len, default=[])
    return dict(best)


def compare(
    blocks: list[str],
    rendered: str,
    kinds: list[str] | None = None,
    rendered_blocks: list[tuple[str, str]] | None = None,
) -> list[Discrepancy]:
    """Every source block that is missing from ``rendered``, altered, out of the source's order, or of another kind.

    ``kinds`` are the source blocks' kinds and ``rendered_blocks`` the edition's (kind, text)
    blocks; given both, a block found whole must also stand whole in an edition block of its kind.
    """
    text = normalise(rendered)
    normalised = [normalise(block) for block in blocks]
    occurrences = [_occurrences(block, text) for block in normalised]
    kept = _placement(occurrences)
    problems = []
    for index, (raw, block) in enumerate(zip(blocks, normalised, strict=True)):
        if not occurrences[index]:
            problems.append(Discrepancy(index, raw, _divergence(block, text)))
        elif index not in kept:
            problems.append(Discrepancy(index, raw, "present, but out of the source's order"))
        elif kinds is not None and rendered_blocks is not None:
            same_kind = [normalise(text) for kind, text in rendered_blocks if kind == kinds[index]]
            if not any(block in text for text in same_kind):
                kind = kinds[index]
                problems.append(
                    Discrepancy(index, raw, f"present, but not as a {kind} (the source's block is a {kind})")
                )
    return problems
