"""Names of people and organisations found by their shape, not by a list of known names.

The importer's review list and the data check of every report both ask the same question: where
in a text does something stand that looks like the name of a person or an organisation? A report
the registry has never seen must be read without knowing its names, so the answer comes from how
names are built in English-language reports of this kind:

- an organisation is a run of capitalised words that ends in, or opens with, a word such
  organisations are named by (``… Company``, ``… University``, ``Centre for …``, ``Institute of
  …``: :data:`ORGANISATION_HEADS`), or a run followed by its short form in brackets
  (``Korea Institute for Economic Policy (KIEP)``), or a run after a legal form (``JSC …``);
- a person is a run of capitalised words next to a title (``Professor Mirae Testova``,
  ``Olaf Fictus, Director of …``, ``Director of the … Foundation Olaf Fictus``), in either name
  order; an honorific with a single name (``Mr Ryu``, ``Dr Han``) is a form of a person.

Everything is found in one pass over the text (a regular expression that cannot backtrack across
a run, then work proportional to each run's length), so the cost is linear in the input.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

Kind = Literal["person", "organisation"]

ORGANISATION_HEADS = frozenset(
    [
        "Academy", "Agency", "Alliance", "Assembly", "Association", "Authority", "Bank", "Board", "Bureau",
        "Centre", "Center", "Chamber", "Club", "College", "Commission", "Committee", "Company", "Consortium",
        "Corporation", "Council", "Department", "Directorate", "Foundation", "Forum", "Fund", "Group", "Holdings",
        "Inc", "Institute", "Institution", "Laboratory", "Library", "Ltd", "LLC", "Ministry", "Museum", "Network",
        "Observatory", "Office", "Organisation", "Organization", "Partnership", "Press", "Secretariat", "Service",
        "School", "Society", "Trust", "Union", "University"
    ]
)  # fmt: skip
"""Words that end or open the name of an organisation (a state's "Federation" or "Republic" is not one)."""
LEGAL_FORMS = frozenset({"JSC", "PJSC", "OJSC", "CJSC", "LLC", "Ltd", "PLC", "Inc"})
"""Legal forms written before a company's name (``JSC 'Russian Railways'``)."""
HONORIFICS = frozenset({"Mr", "Mrs", "Ms", "Miss", "Dr", "Prof", "Professor", "Sir", "Madam", "Academician"})
"""Titles that stand before a bare family name (``Mr Ryu``, ``Professor Kurbanov``)."""
TITLES = HONORIFICS | frozenset(
    [
        "Ambassador", "Chair", "Chairman", "Chairwoman", "Chancellor", "Consul", "Dean", "Deputy", "Director",
        "Editor-in-Chief", "Governor", "Head", "Mayor", "Minister", "President", "Presidents", "Professors",
        "Rector", "Researcher", "Secretary", "Senator", "Vice-Chairman", "Vice-President", "Vice-Rector",
        "Associate", "Assistant", "Senior", "Chief", "Executive", "Speaker", "Envoy"
    ]
)  # fmt: skip
"""Words of a person's title or position; ``Associate`` and the like open a longer title."""
TITLE_TAILS = frozenset({"General", "Extraordinary", "Plenipotentiary", "Emeritus", "Research", "Fellow"})
"""Words that continue a title rather than begin a name (``Consul General``, ``Director General``)."""
STOP_WORDS = frozenset(
    [
        "A", "About", "According", "After", "Also", "Although", "Among", "An", "And", "As", "At", "Before", "Both",
        "But", "By", "During", "Each", "For", "From", "He", "Her", "His", "However", "In", "It", "Its", "Many",
        "Moreover", "Most", "Nevertheless", "Of", "On", "Our", "She", "Since", "So", "Some", "That", "The", "Their",
        "Then", "These", "They", "This", "Those", "Thus", "To", "Today", "Under", "We", "When", "While", "With",
        "Yesterday", "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
        "Sunday"
    ]
)  # fmt: skip
"""Capitalised words that open sentences or name dates, never part of a name."""
CONNECTORS = frozenset({"of", "the", "and", "for", "on", "&"})
"""Lower-case words that may stand inside a name (``Institute of Foreign Affairs and National Security``)."""

_UPPER = "A-ZÀ-ÖØ-Þ"
_WORD = rf"(?:(?:Mr|Mrs|Ms|Dr|Prof|St|Jr)\.|[‘'\"“]?[{_UPPER}][\w'’]*(?:[-–][\w'’]+)*[’'\"”]?)"
_GAP = r"[ \u00a0]+"
RUN = re.compile(
    rf"{_WORD}(?:{_GAP}(?:(?:of|the|and|for|on|&){_GAP})*{_WORD})*"
    rf"(?P<short>{_GAP}\((?P<acronym>[{_UPPER}][A-Za-z&]*[{_UPPER}][A-Za-z&]*)\))?"
)
"""A run of capitalised words with the connectors names contain, and a short form in brackets after it."""
_TOKEN = re.compile(r"\S+")
_QUOTES = "‘'\"“’”"


@dataclass(frozen=True)
class Found:
    """A name found by its shape: its kind, its text and where it stands (``start``, ``end``).

    ``form_of`` is set for an honorific form (``Mr Ryu``): the bare name it is a form of.
    ``short_form_of`` is set for a short form in brackets: the full name it abbreviates.
    """

    kind: Kind
    text: str
    start: int
    end: int
    form_of: str | None = None
    short_form_of: str | None = None


@dataclass(frozen=True)
class _Word:
    """What the rules need to know about a word; computed once per distinct word (see :func:`_facts`)."""

    bare: str
    connector: bool
    head: bool
    title: bool
    name_like: bool
    org_word: bool


@functools.lru_cache(maxsize=65536)
def _facts(text: str) -> _Word:
    bare = text.strip(_QUOTES).rstrip(".")
    connector = text in CONNECTORS
    head = bare in ORGANISATION_HEADS
    unprefixed = re.sub(r"^(?:Ex|Former|Acting)-", "", bare)
    title = unprefixed in TITLES or unprefixed in TITLE_TAILS
    capitalised = bool(re.match(rf"[{_UPPER}]", bare))
    name_like = (
        not connector
        and not head
        and not title
        and bare not in STOP_WORDS
        and bare not in LEGAL_FORMS
        and not (bare.isupper() and len(bare) > 1)
        and bool(re.match(rf"[{_UPPER}][a-zà-ÿ]", bare))
        and not text.startswith(tuple(_QUOTES))
        and not text.endswith(tuple(_QUOTES))
    )
    org_word = not connector and not title and bare not in STOP_WORDS and capitalised
    return _Word(bare, connector, head, title, name_like, org_word)


class _Token:
    """A word of a run and where it stands; its facts are shared by every occurrence of the word."""

    __slots__ = ("bare", "connector", "end", "head", "name_like", "org_word", "start", "text", "title")

    def __init__(self, text: str, start: int, end: int) -> None:
        facts = _facts(text)
        self.text, self.start, self.end = text, start, end
        self.bare, self.connector, self.head = facts.bare, facts.connector, facts.head
        self.title, self.name_like, self.org_word = facts.title, facts.name_like, facts.org_word


def _span(text: str, tokens: list[_Token]) -> tuple[str, int, int]:
    start, end = tokens[0].start, tokens[-1].end
    return text[start:end], start, end


def _titled_names(tokens: list[_Token]) -> set[int]:
    """Indexes of the words right after a title ("Director Kim"): a person's, never an organisation's."""
    names: set[int] = set()
    for index, token in enumerate(tokens):
        if token.title:
            following = index + 1
            while following < len(tokens) and following - index <= 4 and tokens[following].name_like:
                names.add(following)
                following += 1
    return names


def _organisations(text: str, tokens: list[_Token]) -> Iterator[tuple[int, int]]:
    """(first, last) token indexes of each organisation in a run, left to right, never overlapping."""
    personal = _titled_names(tokens)
    claimed = -1
    index = 0
    while index < len(tokens):
        token = tokens[index]
        legal = token.bare in LEGAL_FORMS and index + 1 < len(tokens) and not tokens[index + 1].connector
        if not (token.head or legal) or index <= claimed:
            index += 1
            continue
        first = index
        if not legal:
            # Leftwards over capitalised words and connectors, never into a title, a sentence's
            # opening word, an earlier organisation or another organisation's head.
            while first - 1 > claimed:
                before = tokens[first - 1]
                if (before.connector or before.org_word) and first - 1 not in personal:
                    first -= 1
                else:
                    break
            while tokens[first].connector:
                first += 1
        last = index + 1 if legal else index
        if legal:
            while last + 1 < len(tokens) and not tokens[last + 1].connector and not tokens[last + 1].title:
                last += 1
        else:
            # "Forum Directorate": heads one after the other are one name.
            while last + 1 < len(tokens) and tokens[last + 1].head:
                last += 1
            # Rightwards: "of Foreign Affairs and National Security", group by group; a group with
            # a head of its own, a title or a sentence word is the next name, not this one's tail.
            cursor = last + 1
            while cursor < len(tokens) and tokens[cursor].connector:
                group_end = cursor
                while group_end < len(tokens) and tokens[group_end].connector:
                    group_end += 1
                words_end = group_end
                while words_end < len(tokens) and not tokens[words_end].connector:
                    words_end += 1
                group = tokens[group_end:words_end]
                joined_by = {token.text for token in tokens[cursor:group_end]}
                if (
                    not group
                    or joined_by == {"the"}
                    or any(word.head or word.title or word.bare in STOP_WORDS for word in group)
                ):
                    break
                last, cursor = words_end - 1, words_end
        if last > first:  # one word alone ("'Trust", "Directorate") is not a name
            yield first, last
        claimed = last
        index = last + 1


def _people(tokens: list[_Token], taken: set[int]) -> Iterator[tuple[list[_Token], _Token | None]]:
    """Names next to a title in a run: (the name's tokens, the honorific before a single word)."""
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if not token.title or index in taken:
            index += 1
            continue
        while index + 1 < len(tokens) and tokens[index + 1].title:
            index += 1
        title = tokens[index]
        names: list[list[_Token]] = [[]]
        cursor = index + 1
        while cursor < len(tokens) and cursor not in taken:
            word = tokens[cursor]
            if word.name_like and len(names[-1]) < 4:
                names[-1].append(word)
            elif word.text == "and" and names[-1] and title.bare.endswith("s"):
                names.append([])  # "Presidents Roh Tae-woo and Boris Yeltsin"
            else:
                break
            cursor += 1
        for name in names:
            if name:
                yield name, (title if len(name) == 1 and title.bare in HONORIFICS else None)
        index = cursor


def find_names(text: str) -> list[Found]:
    """Every person and organisation ``text`` names by shape, in the order they stand."""
    found: list[Found] = []
    previous_end = 0
    previous_name: list[_Token] = []
    for run in RUN.finditer(text):
        run_start = run.start()
        short = run.group("short")
        body = text[run_start : run.start("short") if short else run.end()]
        if not short and " " not in body and "\u00a0" not in body:
            # One word alone (most runs: a sentence's first word, a place) names nobody by itself,
            # unless it is the title after "Ko Jae Nam, ".
            if previous_name and _facts(body).title and text[previous_end:run_start].strip() == ",":
                found.append(Found("person", *_span(text, previous_name)))
            previous_name, previous_end = [], run.end()
            continue
        tokens = [
            _Token(match.group(), run_start + match.start(), run_start + match.end()) for match in _TOKEN.finditer(body)
        ]
        # "Ko Jae Nam, Head of …": a name right before a comma and a title.
        if previous_name and tokens[0].title and text[previous_end:run_start].strip() == ",":
            found.append(Found("person", *_span(text, previous_name)))
        taken: set[int] = set()
        organisations = list(_organisations(text, tokens))
        for first, last in organisations:
            taken.update(range(first, last + 1))
            name, start, end = _span(text, tokens[first : last + 1])
            found.append(Found("organisation", name, start, end))
        if run.group("short"):
            acronym = run.group("acronym")
            if organisations and organisations[-1][1] == len(tokens) - 1:
                full = found[-1].text
            else:
                # A run of capitalised words with its short form after it is an organisation's name.
                words = [token for token in tokens if not token.title and token.bare not in STOP_WORDS]
                while words and words[0].connector:
                    words.pop(0)
                full = _span(text, words)[0] if len(words) > 1 else ""
                if full:
                    found.append(Found("organisation", full, words[0].start, words[-1].end))
            if full:
                found.append(
                    Found("organisation", acronym, run.start("acronym"), run.end("acronym"), short_form_of=full)
                )
        for person, honorific in _people(tokens, taken):
            bare_name, start, end = _span(text, person)
            if honorific is not None:
                form = text[honorific.start : end]
                found.append(Found("person", form, honorific.start, end, form_of=bare_name))
            else:
                found.append(Found("person", bare_name, start, end))
        # "Director of the … Foundation Olaf Fictus", "Professor at … University Konstantin Khudoley":
        # a name right after the organisation of a title given just before.
        titled = any(token.title for token in tokens[: organisations[0][0]]) if organisations else False
        if organisations and (titled or _title_before(text, run.start())):
            after = tokens[organisations[-1][1] + 1 :]
            if 2 <= len(after) <= 4 and all(token.name_like for token in after):
                found.append(Found("person", *_span(text, after)))
        trailing: list[_Token] = []
        for token in reversed(tokens):
            if not token.name_like:
                break
            trailing.insert(0, token)
        previous_name = trailing[-4:] if len(trailing) >= 2 else []
        previous_end = run.end()
    found.sort(key=lambda item: item.start)
    return _unique_spans(found)


_POSITION_WORDS = re.compile(
    r"\b(?:" + "|".join(sorted(word.lower() for word in TITLES)) + r"|member|co-head|specialist|expert)\b"
)


def _title_before(text: str, start: int) -> bool:
    """Whether a title stands in the few words before ``start``, in the same sentence and clause."""
    before = re.split(r"[.;,:!?]", text[max(0, start - 40) : start])[-1]
    return bool(_POSITION_WORDS.search(before.lower()))


def _unique_spans(found: list[Found]) -> list[Found]:
    seen: set[tuple[str, int, int]] = set()
    unique = []
    for item in found:
        if (item.kind, item.start, item.end) not in seen:
            seen.add((item.kind, item.start, item.end))
            unique.append(item)
    return unique


def context(text: str, start: int, end: int, width: int = 100) -> str:
    """The words around ``text[start:end]``, at most ``width`` characters each side, on one line."""
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    cut_before = before.rsplit(". ", 1)[-1] if ". " in before else before
    cut_after = after.split(". ", 1)[0] + ("." if ". " in after else "")
    return re.sub(r"\s+", " ", cut_before + text[start:end] + cut_after).strip()
