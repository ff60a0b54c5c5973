"""The registry of people and organisations named in the reports (``registry/*.yaml``).

One fact is written once: pages mark mentions with ``{person}`` and ``{org}`` roles, and the
glossaries, cards and back-references are generated from these files. Facts come only from the
reports and the verified notes in ``shared/facts``; a field that is not known is left out.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .agreements import Agreement, entry_line, load_agreements
from .data_files import line_in, read_yaml, text_once, validation_errors
from .errors import InputError

PEOPLE_FILE = "people.yaml"
ORGANISATIONS_FILE = "organisations.yaml"
EVENTS_FILE = "events.yaml"
AGREEMENTS_FILE = "agreements.bib"
ID_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"

Role = Literal["opened", "welcome-address", "moderator", "speaker", "discussant", "pictured", "mentioned"]
ROLE_LABELS: dict[str, str] = {
    "opened": "opened the conference",
    "welcome-address": "gave a welcome address",
    "moderator": "moderator",
    "speaker": "speaker",
    "discussant": "discussant",
    "pictured": "pictured (photo caption)",
    "mentioned": "mentioned in the report",
}
Country = Literal["Russia", "Republic of Korea", "both"]


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, description="exactly as the report writes it")
    forms: list[str] = Field(default_factory=list, description="other forms the report uses")
    note: str | None = Field(default=None, description="an editorial note, shown as such")

    @property
    def all_forms(self) -> list[str]:
        """The name and every other form, longest first (so a longer form is matched first)."""
        return sorted({self.name, *self.forms}, key=len, reverse=True)


class Position(BaseModel):
    """A position the report states: at the time of the event, unless ``at_event`` is false."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, description="as the report states it")
    organisation: str | None = Field(default=None, pattern=ID_PATTERN)
    at_event: bool = True


class Participation(BaseModel):
    """What a person did at the event one report describes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    report: str = Field(pattern=ID_PATTERN)
    roles: list[Role] = Field(min_length=1)


class Person(_Entry):
    """A person named in a report."""

    family_name: str = Field(min_length=1)
    given_name: str | None = None
    name_order: Literal["family-first", "given-first"]
    positions: list[Position] = Field(default_factory=list)
    events: list[Participation] = Field(min_length=1)

    @property
    def sort_key(self) -> tuple[str, str]:
        """Family name, then given name: the glossary's order."""
        return (self.family_name.casefold(), (self.given_name or "").casefold())


class Organisation(_Entry):
    """An organisation named in a report (states are not organisations)."""

    short_name: str | None = None
    country: Country | None = None
    parent: str | None = Field(default=None, pattern=ID_PATTERN)

    @property
    def sort_key(self) -> tuple[str, str]:
        """The name, ignoring quotation marks and case."""
        return (self.name.strip("'‘’\"").casefold(), self.id)


class Event(_Entry):
    """A dated event a report names; ``name`` says what happened, in the report's words where it has them."""

    date: datetime.date | int = Field(description="the day, or only the year where no day is known")
    until: int | None = Field(default=None, description="the last year of a period")
    agreement: str | None = Field(default=None, description="the key of the agreement in agreements.bib")
    source: Literal["report", "facts", "metadata"] = Field(
        description="where the date comes from: the report's text, verified facts, or the report's metadata"
    )

    @property
    def sort_key(self) -> tuple[int, int, int]:
        """Year, month, day (0 where unknown): the timeline's order."""
        if isinstance(self.date, datetime.date):
            return (self.date.year, self.date.month, self.date.day)
        return (self.date, 0, 0)

    @property
    def when(self) -> str:
        """The date as a reader writes it: ``7 July 1884``, ``1988``, ``2003–2009``."""
        if isinstance(self.date, datetime.date):
            return f"{self.date.day} {self.date:%B %Y}"
        return f"{self.date}–{self.until}" if self.until else str(self.date)


class _PeopleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    people: list[Person]


class _OrganisationsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organisations: list[Organisation]


class _EventsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    events: list[Event]


FILES = {
    "person": (PEOPLE_FILE, "people"),
    "organisation": (ORGANISATIONS_FILE, "organisations"),
    "event": (EVENTS_FILE, "events"),
}


@dataclass(frozen=True)
class Registry:
    """People and organisations by id, with where each entry is written (for error messages)."""

    folder: Path
    people: dict[str, Person]
    organisations: dict[str, Organisation]
    events: dict[str, Event]
    agreements: dict[str, Agreement]
    digest: str

    def entries(self, kind: str) -> dict:
        """The entries of one kind: ``person``, ``organisation``, ``event`` or ``agreement``."""
        return {"person": self.people, "organisation": self.organisations, "event": self.events}.get(
            kind, self.agreements
        )

    def location(self, kind: str, entry_id: str) -> str:
        """``file:line`` of an entry, for messages about it."""
        if kind == "agreement":
            path = self.folder / AGREEMENTS_FILE
            return f"{path}:{entry_line(text_once(path), entry_id)}"
        name, key = FILES[kind]
        index = list(self.entries(kind)).index(entry_id)
        return f"{self.folder / name}:{line_in(self.folder / name, (key, index, 'id'))}"

    def children(self, organisation_id: str) -> list[Organisation]:
        """The organisations whose parent is ``organisation_id``."""
        return sorted(
            (org for org in self.organisations.values() if org.parent == organisation_id), key=lambda o: o.sort_key
        )

    def members(self, organisation_id: str) -> list[Person]:
        """The people with a position in ``organisation_id``."""
        found = (p for p in self.people.values() if any(pos.organisation == organisation_id for pos in p.positions))
        return sorted(found, key=lambda person: person.sort_key)


def form_pattern(form: str) -> re.Pattern[str]:
    """A name or form as it may stand in running text: whole words, any white space between them.

    The report has no-break spaces inside names.
    """
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(word) for word in form.split()) + r"(?!\w)")


def name_words(registry: Registry) -> list[str]:
    """Every word of every name and form of the people and organisations, in lower case.

    The spell check's project word list (``.codespell-words.txt``) is exactly this list, so that
    names such as Nam or TaeRim are never "corrected".
    """
    words = {
        word.lower()
        for entries in (registry.people, registry.organisations)
        for entry in entries.values()
        for form in entry.all_forms
        for word in re.findall(r"[A-Za-z]+", form)
        if word[0].isupper()
    }
    return sorted(words)


def _load_list(path: Path, model: type[BaseModel], key: str) -> list:
    data, node = read_yaml(path)
    try:
        return getattr(model.model_validate(data), key)
    except ValidationError as error:
        raise validation_errors(path, node, error)[0] from None


def _unique(path: Path, key: str, entries: list[_Entry]) -> Iterator[tuple[str, _Entry]]:
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if entry.id in seen:
            raise InputError(path, line_in(path, (key, index, "id")), f"duplicate id {entry.id!r}")
        seen.add(entry.id)
        yield entry.id, entry


def _check_references(
    path: Path, key: str, items: Iterable[tuple[int, str | None, tuple]], known: dict, what: str
) -> None:
    for index, target, location in items:
        if target is not None and target not in known:
            line = line_in(path, (key, index, *location))
            raise InputError(path, line, f"unknown {what} {target!r}")


def _check_order(path: Path, events: list[Event]) -> None:
    """Dates in order, and no period that ends before it starts."""
    for index, event in enumerate(events):
        if event.until is not None and event.until < event.sort_key[0]:
            raise InputError(
                path, line_in(path, ("events", index, "until")), f"event {event.id!r} ends before it starts"
            )
        earlier = events[index - 1] if index else None
        if earlier is not None and event.sort_key < earlier.sort_key:
            line = line_in(path, ("events", index, "date"))
            order = f"comes after {earlier.id!r} ({earlier.when}) but is dated {event.when}"
            raise InputError(path, line, f"event {event.id!r} {order}: keep the events in date order")


def _digest(*paths: Path) -> str:
    return hashlib.sha256(b"".join(path.read_bytes() for path in paths)).hexdigest()


def load_registry(folder: Path) -> Registry:
    """Load and cross-check the registry; the first problem is raised as an InputError."""
    paths = {kind: folder / name for kind, (name, _) in FILES.items()}
    organisations = dict(
        _unique(
            paths["organisation"],
            "organisations",
            _load_list(paths["organisation"], _OrganisationsFile, "organisations"),
        )
    )
    people = dict(_unique(paths["person"], "people", _load_list(paths["person"], _PeopleFile, "people")))
    # Events and agreements are optional: a report may name none.
    event_list = _load_list(paths["event"], _EventsFile, "events") if paths["event"].exists() else []
    events = dict(_unique(paths["event"], "events", event_list))
    agreements_path = folder / AGREEMENTS_FILE
    agreements = load_agreements(agreements_path) if agreements_path.exists() else {}
    parents = ((index, org.parent, ("parent",)) for index, org in enumerate(organisations.values()))
    _check_references(paths["organisation"], "organisations", parents, organisations, "organisation id")
    positions = (
        (index, position.organisation, ("positions", number, "organisation"))
        for index, person in enumerate(people.values())
        for number, position in enumerate(person.positions)
    )
    _check_references(paths["person"], "people", positions, organisations, "organisation id")
    cited = ((index, event.agreement, ("agreement",)) for index, event in enumerate(event_list))
    _check_references(paths["event"], "events", cited, agreements, f"agreement (no such key in {AGREEMENTS_FILE})")
    _check_order(paths["event"], event_list)
    digest = _digest(*(path for path in [*paths.values(), agreements_path] if path.exists()))
    return Registry(folder, people, organisations, events, agreements, digest)
