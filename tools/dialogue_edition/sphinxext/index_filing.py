"""How the index files an entry: under the letter of its first word after a leading article, and in its order.

The timeline's events are filed as titles are in an index: "The ceasefire in 1953" under C, and
among the C entries as "ceasefire in 1953", not after every other C (Sphinx sorts the entries of
a letter by their whole text, "The …" after "Consulate …"). The glossaries give each entry its
letter (:func:`index_letter`, the entry's index key); this orders each letter's entries of the
site's general index by :func:`filing_key`, the key ``pdf_index`` gives the PDF's index. The
words printed are the entry's own.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sphinx.application import Sphinx

LEADING = re.compile(r"^[\W_]+")
"""What comes before an entry's first letter or digit: quotation marks, brackets, dashes, spaces."""

LEADING_ARTICLES = frozenset({"the", "a"})
"""Articles an index passes over at the start of an event's name, as it files titles. Not "An":
it is also a Korean family name ("An Jung-geun …" is filed under A)."""


def filed_under(text: str) -> str:
    """The words ``text`` is filed under: after a leading article ("The ceasefire …": "ceasefire …")."""
    first, _, rest = text.partition(" ")
    return rest if first.casefold() in LEADING_ARTICLES and rest.strip() else text


def index_letter(text: str) -> str:
    """The letter an index files ``text`` under: its first word's, after a leading article."""
    return filed_under(text)[:1].upper()


def folded(text: str) -> str:
    """``text`` with accents taken off its letters (É: E)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(character for character in decomposed if not unicodedata.combining(character))


def filing_key(text: str, letter: str = "") -> str:
    """How an index sorts an entry's text: from its first letter or digit, accents folded.

    ``letter``: the group the index lists the entry under (the entry's index key), if it has one:
    the key starts with it, and goes on with the words the entry is filed under there (after a
    leading article: "C" then "Ceasefire …").
    """
    key = LEADING.sub("", folded(text)) or folded(text)
    group = LEADING.sub("", folded(letter))[:1].upper()
    if not group:
        return key
    filed = LEADING.sub("", folded(filed_under(text)))
    if key[:1].upper() != group and filed[:1].upper() == group:
        key = filed[:1].upper() + filed[1:]
    return group + key


def order_general_index(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: object
) -> None:
    """Each letter's entries of the general index in the order of the words they are filed under."""
    if not pagename.startswith("genindex"):
        return
    for letter, entries in context.get("genindexentries") or []:
        group = letter if len(letter) == 1 else ""  # not "Symbols"
        entries.sort(key=lambda entry: (filing_key(entry[0], group).casefold(), entry[0]))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", order_general_index)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
