r"""Where in the pages a LaTeX failure is: from a line of the ``.tex`` file to the page and paragraph.

TeX names the line of the ``.tex`` file Sphinx wrote, which a contributor never sees. Sphinx
writes a ``\label{\detokenize{<page>:<anchor>}}`` for every page and, in this edition, every
paragraph (``p1``, ``p2`` …), so the last label at or before that line names the page's source
file and the paragraph that TeX was setting.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

LABEL = re.compile(r"\\label\{\\detokenize\{([^}:]+):([^}]*)\}\}")
LOG_LINE = re.compile(r"(?:\.tex:(\d+): |^l\.(\d+) |on input line (\d+)\.)", re.MULTILINE)
PARAGRAPH = re.compile(r"p(\d+)")


LOG_WIDTH = 79
"""TeX wraps its log at this many characters (``max_print_line``): a full line goes on below."""


def unwrapped(log_text: str) -> str:
    """A TeX log with its wrapped lines joined again, so that each message is one line."""
    lines = log_text.split("\n")
    joined = [lines[0]]
    for previous, line in itertools.pairwise(lines):
        # TeX counts bytes: a line of accented letters wraps with fewer characters.
        wrapped = len(previous.encode("utf-8")) >= LOG_WIDTH
        joined[-1:] = [joined[-1] + line] if wrapped else [joined[-1], line]
    return "\n".join(joined)


def last_line_reached(log: Path) -> int | None:
    """The last line of the ``.tex`` file the log names: where TeX failed, or where it stalled."""
    text = unwrapped(log.read_text(encoding="utf-8", errors="replace")) if log.exists() else ""
    numbers = [int(next(group for group in match.groups() if group)) for match in LOG_LINE.finditer(text)]
    return numbers[-1] if numbers else None


def page_at(tex: Path, line: int, docs: Path) -> str | None:
    """``docs/<page>.md, paragraph N`` (or the page alone) for a line of ``tex``; ``None`` if unknown."""
    try:
        lines = tex.read_text(encoding="utf-8", errors="replace").splitlines()[:line]
    except OSError:
        return None
    for text in reversed(lines):
        labels = LABEL.findall(text)
        if labels:
            page, anchor = labels[-1]
            sources = sorted(docs.glob(f"{page}.*")) if ".." not in page else []
            where = str(sources[0].relative_to(docs.parent)) if sources else page
            paragraph = PARAGRAPH.fullmatch(anchor)
            return f"{where}, paragraph {paragraph.group(1)}" if paragraph else where
    return None


def failure_place(tex: Path, docs: Path) -> str:
    """`` (near docs/<page>.md, paragraph N)`` for the log of ``tex``, or nothing if it is not known."""
    line = last_line_reached(tex.with_suffix(".log"))
    place = page_at(tex, line, docs) if line else None
    return f" (near {place})" if place else ""
