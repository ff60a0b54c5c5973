r"""The PDF's index groups each entry under the letter the site's index lists it under.

Sphinx writes an index entry's text as its makeindex sort key too (``\index{text@\spxentry{text}}``),
and makeindex reads bytes: an entry that starts with a quotation mark or a letter outside ASCII
(the organisation "‘Russia–Republic of Korea Dialogue’ Forum Directorate") got a group of its own
after Z, headed by the first byte of a UTF-8 character, which XeTeX printed as a replacement glyph;
and an entry the site lists under another letter than its first (the timeline's "The ceasefire
in 1953", under C) stood under that first letter. Here each top-level sort key (the text before
``@``) starts with the letter the site groups the entry under (its index key: the glossaries and
the timeline give one), or else at its first letter or digit, accents folded (É sorts as E), and
goes on with the words it is filed under (``index_filing``: "C" then "Ceasefire …"); the printed
text is unchanged. A key that still starts outside ASCII (a Cyrillic name) goes to
makeindex's "Symbols" group: makeindex cannot head a group with such a letter.
``build.silent_faults`` fails any PDF whose LaTeX input holds a byte that is not UTF-8, so
another way to such a heading cannot pass.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.index_entries import split_index_msg
from sphinx.writers.latex import LaTeXTranslator

from .index_filing import filing_key

SYMBOLS = "*"
"""Put before a sort key that starts with a letter outside ASCII: makeindex lists it under "Symbols"."""


def sort_key(text: str, letter: str = "") -> str:
    """The makeindex sort key of an index entry's text: its filing key (``index_filing.filing_key``).

    ``letter``: the group the site's index lists the entry under (the entry's index key), if it
    has one. A key that starts outside ASCII goes under makeindex's "Symbols" (:data:`SYMBOLS`).
    """
    key = filing_key(text, letter)
    return key if key[:1].isascii() and key[:1].isalnum() else SYMBOLS + key


def escaped(translator: LaTeXTranslator, value: str) -> str:
    """An index entry's text as Sphinx's ``LaTeXTranslator.visit_index`` escapes it (Sphinx 9.0; tested)."""
    value = translator.encode(value)
    value = value.replace(r"\{", r"\sphinxleftcurlybrace{}").replace(r"\}", r"\sphinxrightcurlybrace{}")
    value = value.replace('"', '""').replace("@", '"@').replace("!", '"!')
    return value.replace("|", r"\textbar{}")


def visit_index(self: LaTeXTranslator, node: addnodes.index) -> None:
    """Sphinx's index entries, each top-level sort key replaced by :func:`sort_key`'s."""
    start = len(self.body)
    try:
        LaTeXTranslator.visit_index(self, node)
    finally:
        keys = {}
        for kind, text, _target, _main, letter in node["entries"]:
            try:
                parts = split_index_msg(kind, text)
            except ValueError:
                continue  # Sphinx warned of it and wrote nothing
            for number, part in enumerate(parts):
                old = escaped(self, part)
                # The site groups a single entry by its key; the other kinds' entries by their text.
                group = (letter or "") if kind == "single" and not number else ""
                new = escaped(self, sort_key(part, group))
                if new != old:
                    keys[rf"\index{{{old}@"] = rf"\index{{{new}@"
        for position in range(start, len(self.body)) if keys else ():
            for old, new in keys.items():
                self.body[position] = self.body[position].replace(old, new)


def depart_index(self: LaTeXTranslator, node: addnodes.index) -> None:
    """Never called: Sphinx's visitor skips the node."""
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(addnodes.index, override=True, latex=(visit_index, depart_index))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
