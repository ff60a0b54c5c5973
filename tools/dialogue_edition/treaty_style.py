"""A pybtex style for agreements between states, labelled and sorted by their date of signature.

sphinxcontrib-bibtex formats entries with pybtex styles; the stock ones know books and
articles, so an agreement would read like a book with a missing author. ``pybtex_plugins``
registers these styles with pybtex under ``pybtex.style.formatting`` (``agreement``),
``pybtex.style.labels`` (``year``) and ``pybtex.style.sorting`` (``date``) at run time, so a
plain checkout finds them without installed entry points.

A reference reads: *Title* (kind), known as the Short Title. Signed at Place, 7 July 1884 (note).
Parties: .... Signatories: .... Note. Sources: .... The short title is the name the timeline
links an agreement by, so a reader who follows that link finds it here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from pybtex.database import Entry
from pybtex.richtext import Text
from pybtex.style.formatting import BaseStyle, toplevel
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import Node, field, join, optional, sentence, tag, words

from .source_report import long_date


def known_as(short_title: Text) -> Text:
    """``known as the Russia–Korea Treaty of 1884``: the name an agreement also goes by."""
    article = "" if str(short_title).casefold().startswith("the ") else "the "
    return Text(f"known as {article}", short_title)


class YearLabelStyle(BaseLabelStyle):
    """Labels a reader understands: the year of signature, with a, b, ... where years repeat."""

    def format_labels(self, sorted_entries: Iterable[Entry]) -> Iterator[str]:
        """One label per entry, in the entries' order."""
        entries = list(sorted_entries)
        years = [str(entry.fields.get("date", "????"))[:4] for entry in entries]
        repeated = {year for year, count in Counter(years).items() if count > 1}
        seen: Counter[str] = Counter()
        for year in years:
            if year in repeated:
                yield year + "abcdefghijklmnopqrstuvwxyz"[seen[year]]
                seen[year] += 1
            else:
                yield year


class DateSortingStyle(BaseSortingStyle):
    """Entries in the order they were signed (ISO dates sort as text)."""

    def sorting_key(self, entry: Entry) -> str:
        """The date of signature."""
        return str(entry.fields.get("date", ""))


class AgreementStyle(BaseStyle):
    """Formats ``@agreement`` entries, in the order they were signed."""

    # The classes themselves, which pybtex takes as well as names: no look-up needed.
    default_label_style = YearLabelStyle
    default_sorting_style = DateSortingStyle

    def get_agreement_template(self, entry: Entry) -> Node:
        """Title, kind and short title, signature, parties, signatories, note and sources."""
        signed = join[
            field("date", raw=True, apply_func=lambda value: Text(long_date(str(value)))),
            optional[" (", field("datenote"), ")"],
        ]
        return toplevel[
            sentence[
                words[tag("em")[field("title")], join["(", field("kind"), ")"]],
                optional[field("shorttitle", apply_func=known_as)],
            ],
            sentence[join["Signed at ", field("location"), ", ", signed]],
            sentence[join["Parties: ", field("parties")]],
            optional[sentence[join["Signatories: ", field("signatories")]]],
            optional[sentence[field("note")]],
            sentence[join["Sources: ", field("sources")]],
        ]
