"""Mentions in the PDF: a linked mention is underlined word by word, so two adjacent names stay two.

Italic and colour alone ran "the Republic of Korea" and "Lee Sang Don" together; the thin rule
under each word and each space of one mention, and none between two mentions, shows where one
ends and the next begins, while the line can still break between the words.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

WORD, SPACE = r"\editionmentionword", r"\editionmentionspace{}"


def _tex(app: SphinxTestApp) -> str:
    (tex,) = Path(app.outdir).glob("*.tex")
    return tex.read_text(encoding="utf-8")


@pytest.mark.sphinx("latex", testroot="mentions")
def test_a_linked_mention_is_underlined_word_by_word(app: SphinxTestApp) -> None:
    app.build()
    tex = _tex(app)
    underlined = f"{WORD}{{Department}}{SPACE}{WORD}{{of}}{SPACE}{WORD}{{Korean}}{SPACE}{WORD}{{Studies}}"
    assert rf"\hyperref[\detokenize{{organisations:org-korean-studies}}]{{{underlined}}}" in tex
    # A mention after the first on its page is plain text: no link, no rule.
    assert "again, and" in tex
    assert f"{WORD}{{Professor}}" not in tex
    # Every link of the report's page is a mention, and every one is marked.
    start = tex.index("First paragraph")
    page = tex[start : tex.index("\n\n", tex.index("Second paragraph"))]
    marked = re.findall(r"\\hyperref\[[^]]*\]\{(\\editionmention)?", page)
    assert len(marked) == 4
    assert all(marked), marked
    assert app.warning.getvalue() == ""
