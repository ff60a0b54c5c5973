"""The registry of people and organisations named in the reports (``registry/*.yaml``).

One fact is written once: pages mark mentions with ``{person}`` and ``{org}`` roles, and the
glossaries, cards and back-references are generated from these files. A fact is either a report's
own words (a name, a position, what someone did at the event, each under the report that says it)
or an addition that names its source: every entry's ``sources`` maps each added field (a
person's name order, an organisation's country or parent, an event's date, name and agreement,
any note) to the ids of its sources, listed in ``registry/sources.yaml`` with their citations and
the facts taken from them, or to a report's slug (its text and metadata, under
``source_reports/``). An added field without a source, or an unknown source, is an error at its
line; a field that is not known is left out.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from .agreements import Agreement, entry_line, load_agreements
from .data_files import SPACES, DayOrYear, Year, confined, line_in, load_model, text_once
from .errors import InputError
from .kept_values import KeptValues

PEOPLE_FILE = "people.yaml"
ORGANISATIONS_FILE = "organisations.yaml"
EVENTS_FILE = "events.yaml"
SOURCES_FILE = "sources.yaml"
AGREEMENTS_FILE = "agreements.bib"
ID_PATTERN = r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$"

Country = Literal["Russia", "Republic of Korea", "both"]
SourceId = Annotated[str, Field(pattern=ID_PATTERN)]


class Source(BaseModel):
    """A source of added facts (``registry/sources.yaml``): how it is cited, and what was taken from it."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str = Field(pattern=ID_PATTERN)
    citation: str = Field(min_length=1, description="what readers see beside the fact it supports")
    url: HttpUrl | None = None
    facts: list[str] = Field(min_length=1, description="the facts taken from it, for contributors to check")


LONGEST_NAME_WORD = 60
"""The most characters one word of a name may have (the longest in the registry has 13; long
surnames run to some 35). The PDF's index sets each name on a narrow column and cannot break a
word of a name: a longer one ran off the page."""


def _name_text(name: str, blank: str) -> str:
    """``name``, if it is not blank (else ValueError ``blank``) and each word fits :data:`LONGEST_NAME_WORD`."""
    if not name.strip():
        raise ValueError(blank)
    # Split where TeX may break a line: a no-break space joins two words into one it cannot break.
    longest = max(re.split(f"[{SPACES}]+", name), key=len, default="")
    if len(longest) > LONGEST_NAME_WORD:
        raise ValueError(
            f"a word of {len(longest):,} characters in a name (at most {LONGEST_NAME_WORD}; it begins "
            f"{longest[:20]!r}): the PDF's index cannot set it"
        )
    return name


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    #: The fields that are not a report's words: each one present needs its ``sources``.
    ADDED: ClassVar[tuple[str, ...]] = ("note",)

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1, description="exactly as the report writes it")
    forms: list[str] = Field(default_factory=list, description="other forms the report uses")
    note: str | None = Field(default=None, description="an editorial note, shown as such")
    sources: dict[str, list[SourceId]] = Field(
        default_factory=dict, description="for each added field, the ids of its sources (sources.yaml or a report)"
    )

    @field_validator("name")
    @classmethod
    def _name_is_text(cls, name: str) -> str:
        return _name_text(name, "the name is blank")

    @field_validator("forms")
    @classmethod
    def _forms_are_text(cls, forms: list[str]) -> list[str]:
        # A blank form is found between any two words: the importer would mark a mention of the
        # entry everywhere (at the end of every paragraph), which the report never makes.
        blank = "a form is empty or blank: a form is the name as the report writes it"
        return [_name_text(form, blank) for form in forms]

    def added_fields(self) -> list[str]:
        """The added fields this entry has (each needs a source)."""
        return [name for name in self.ADDED if getattr(self, name) is not None]

    @property
    def all_forms(self) -> list[str]:
        """The name and every other form, longest first (so a longer form is matched first)."""
        return sorted({self.name, *self.forms}, key=len, reverse=True)


class Position(BaseModel):
    """A position as one report states it: held at the time of its event, unless ``context`` says when."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    title: str = Field(min_length=1, description="as the report states it")
    organisation: str | None = Field(default=None, pattern=ID_PATTERN)
    context: str | None = Field(
        default=None,
        min_length=1,
        description="where the report gives the post for another time than its event, that time in its words",
    )


class Participation(BaseModel):
    """What one report says of a person: the posts it gives and what the person did (its words)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    report: str = Field(pattern=ID_PATTERN)
    positions: list[Position] = Field(default_factory=list)
    roles: list[str] = Field(
        min_length=1,
        description="free text, as the report says it: 'opened the session', 'moderated the first session'",
    )

    @field_validator("roles")
    @classmethod
    def _roles_are_text(cls, roles: list[str]) -> list[str]:
        if any(not role.strip() for role in roles):
            raise ValueError("a role is empty")
        return roles


class Person(_Entry):
    """A person named in a report; positions and roles belong to the report that states them."""

    ADDED = ("name_order", "note")

    family_name: str = Field(min_length=1)
    given_name: str | None = None
    name_order: Literal["family-first", "given-first"]
    events: list[Participation] = Field(min_length=1, description="one per report that names the person")

    @model_validator(mode="after")
    def _names_split_the_name(self) -> Person:
        """The family and given names are the name's words, in the order ``name_order`` says."""
        words = self.name.split()
        family = self.family_name.split()
        given = [] if self.given_name is None else self.given_name.split()
        expected = family + given if self.name_order == "family-first" else given + family
        if words != expected:
            raise ValueError(
                f"family_name {self.family_name!r} and given_name {self.given_name!r} do not split the name "
                f"{self.name!r} {self.name_order}"
            )
        return self

    @property
    def positions(self) -> list[Position]:
        """Every post any report gives, once each, in the order of the reports (for lists across reports)."""
        found: dict[tuple[str, str | None, str | None], Position] = {}
        for event in self.events:
            for position in event.positions:
                found.setdefault((position.title, position.organisation, position.context), position)
        return list(found.values())

    def in_report(self, slug: str) -> Participation | None:
        """What the report ``slug`` says of the person, if it names them."""
        return next((event for event in self.events if event.report == slug), None)

    @property
    def sort_key(self) -> tuple[str, str]:
        """Family name, then given name: the glossary's order."""
        return (self.family_name.casefold(), (self.given_name or "").casefold())


class Organisation(_Entry):
    """An organisation named in a report (states are not organisations)."""

    ADDED = ("country", "parent", "note")

    short_name: str | None = None
    country: Country | None = None
    parent: str | None = Field(default=None, pattern=ID_PATTERN)

    @field_validator("short_name")
    @classmethod
    def _short_name_is_text(cls, short_name: str | None) -> str | None:
        # Matched in the reports as a form is: a blank one would be found everywhere.
        blank = "the short name is blank: leave it out, or write it as the report does"
        return None if short_name is None else _name_text(short_name, blank)

    @property
    def sort_key(self) -> tuple[str, str]:
        """The name, ignoring quotation marks and case."""
        return (self.name.strip("'‘’\"").casefold(), self.id)


class Event(_Entry):
    """A dated event a report names; ``name`` says what happened, in the report's words where it has them."""

    date: DayOrYear = Field(description="the day, or only the year where no day is known")
    until: Year | None = Field(default=None, description="the last year of a period")
    agreement: str | None = Field(default=None, description="the key of the agreement in agreements.bib")

    ADDED = ("date", "name", "agreement", "note")

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
    model_config = ConfigDict(extra="forbid", defer_build=True)
    people: list[Person]


class _OrganisationsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    organisations: list[Organisation]


class _EventsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    events: list[Event]


class _SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    sources: list[Source]


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
    sources: dict[str, Source] = field(default_factory=dict)

    def entries(self, kind: str) -> Mapping[str, Person | Organisation | Event]:
        """The entries of one kind: ``person``, ``organisation`` or ``event`` (agreements: ``agreements``)."""
        by_kind: dict[str, Mapping[str, Person | Organisation | Event]] = {
            "person": self.people,
            "organisation": self.organisations,
            "event": self.events,
        }
        return by_kind[kind]

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


EntryModel = TypeVar("EntryModel", bound=_Entry)


def _unique(path: Path, key: str, entries: list[EntryModel]) -> Iterator[tuple[str, EntryModel]]:
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        if entry.id in seen:
            raise InputError(path, line_in(path, (key, index, "id")), f"duplicate id {entry.id!r}")
        seen.add(entry.id)
        yield entry.id, entry


def _check_references(
    path: Path,
    key: str,
    items: Iterable[tuple[int, str | None, tuple[str | int, ...]]],
    known: Mapping[str, Any],
    what: str,
) -> None:
    for index, target, location in items:
        if target is not None and target not in known:
            line = line_in(path, (key, index, *location))
            raise InputError(path, line, f"unknown {what} {target!r}")


def _check_no_parent_loop(path: Path, organisations: Mapping[str, Organisation]) -> None:
    """No organisation is its own parent, however far up: the glossary walks each up to the top."""
    for index, (organisation_id, organisation) in enumerate(organisations.items()):
        chain = [organisation_id]
        parent = organisation.parent
        while parent is not None and parent in organisations:
            if parent == organisation_id:
                loop = " → ".join([*chain, parent])
                raise InputError(
                    path,
                    line_in(path, ("organisations", index, "parent")),
                    f"organisation {organisation_id!r} is its own parent ({loop}): one of these parents is wrong",
                )
            if parent in chain:
                break  # a loop above this organisation: reported at an organisation within it
            chain.append(parent)
            parent = organisations[parent].parent


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


def report_slugs(project: Path) -> set[str]:
    """The slugs of the reports under ``project/source_reports`` (each a source the registry may cite)."""
    folder = project / "source_reports"
    if not folder.is_dir():
        return set()
    return {path.name for path in folder.iterdir() if (path / "metadata.yaml").is_file()}


def _check_sources(path: Path, key: str, entries: Iterable[_Entry], known: set[str], kind: str) -> set[str]:
    """Every added field has a source, every source is known; return the ids cited."""
    cited: set[str] = set()
    for index, entry in enumerate(entries):
        added = entry.added_fields()
        for name in added:
            if not entry.sources.get(name):
                line = line_in(path, (key, index, name))
                raise InputError(
                    path,
                    line,
                    f"{kind} {entry.id!r}: {name} is not the report's words and has no source: add "
                    f"`sources: {{{name}: [...]}}` with ids from {SOURCES_FILE} or a report's slug",
                )
        for name, ids in entry.sources.items():
            if name not in added:
                line = line_in(path, (key, index, "sources", name))
                what = "has no such field" if name not in entry.ADDED else f"has no {name}"
                raise InputError(path, line, f"{kind} {entry.id!r}: sources.{name}: the entry {what}")
            for number, source in enumerate(ids):
                if source not in known:
                    line = line_in(path, (key, index, "sources", name, number))
                    raise InputError(
                        path,
                        line,
                        f"{kind} {entry.id!r}: unknown source {source!r} (not in {SOURCES_FILE}, not a report)",
                    )
                cited.add(source)
    return cited


def _load_sources(path: Path, reports: set[str]) -> dict[str, Source]:
    """The sources of ``sources.yaml`` by id (none if there is no such file)."""
    if not path.exists():
        return {}
    found: dict[str, Source] = {}
    for index, source in enumerate(load_model(path, _SourcesFile).sources):
        if source.id in found or source.id in reports:
            line = line_in(path, ("sources", index, "id"))
            why = "duplicate id" if source.id in found else "a report's slug (a report is cited by its slug)"
            raise InputError(path, line, f"source {source.id!r}: {why}")
        found[source.id] = source
    return found


def _digest(*paths: Path) -> str:
    return hashlib.sha256(b"".join(path.read_bytes() for path in paths)).hexdigest()


RegistryKey = tuple[Path, frozenset[str], tuple[tuple[Path, bytes | None], ...]]
"""What a registry is loaded from: its folder, the report slugs it may cite, each file's path and bytes."""

KEPT_REGISTRIES = 8
_LOADED: KeptValues[RegistryKey, Registry] = KeptValues(KEPT_REGISTRIES)
"""Registries loaded in this process (or handed over, :func:`keep_loaded`), by what they were loaded from.

A build loads the registry more than once (the data check, the mentions extension): the same
files' bytes give the same registry, validated once.
"""


def load_registry(folder: Path, reports: set[str] | None = None) -> Registry:
    """Load and cross-check the registry; the first problem is raised as an InputError.

    ``reports`` are the slugs of the reports an entry may cite as a source (by default those of
    the project that holds ``folder``).
    """
    reports = report_slugs(folder.parent) if reports is None else reports
    files = [*(folder / name for name, _ in FILES.values()), folder / AGREEMENTS_FILE, folder / SOURCES_FILE]
    for path in (folder, *files):
        confined(path, folder.parent)
    contents = tuple((path, path.read_bytes() if path.is_file() else None) for path in files)
    key = (folder, frozenset(reports), contents)
    kept = _LOADED.get(key)
    if kept is not None:
        return kept
    registry = _load_registry(folder, frozenset(reports))
    if any((path.read_bytes() if path.is_file() else None) != data for path, data in contents):
        # A file changed while it was read: the registry may not be these bytes'.
        raise InputError(folder, None, "changed while it was being read: build again")
    _LOADED.put(key, registry)
    return registry


def loaded_registries() -> list[tuple[RegistryKey, Registry]]:
    """The registries this process loaded, with what each was loaded from (for :func:`keep_loaded`)."""
    return _LOADED.items()


def keep_loaded(loaded: Iterable[tuple[RegistryKey, Registry]]) -> None:
    """Take registries loaded elsewhere (the data check's process): the same bytes are not loaded again.

    Only a process of this very code may hand them over: a registry is taken as its key says.
    """
    _LOADED.take(loaded)


def _load_registry(folder: Path, reports: frozenset[str]) -> Registry:
    """:func:`load_registry` of the files in ``folder``, uncached."""
    paths = {kind: folder / name for kind, (name, _) in FILES.items()}
    organisations = dict(
        _unique(
            paths["organisation"],
            "organisations",
            load_model(paths["organisation"], _OrganisationsFile).organisations,
        )
    )
    people = dict(_unique(paths["person"], "people", load_model(paths["person"], _PeopleFile).people))
    # Events and agreements are optional: a report may name none.
    event_list = load_model(paths["event"], _EventsFile).events if paths["event"].exists() else []
    events = dict(_unique(paths["event"], "events", event_list))
    agreements_path = folder / AGREEMENTS_FILE
    agreements = load_agreements(agreements_path) if agreements_path.exists() else {}
    parents = ((index, org.parent, ("parent",)) for index, org in enumerate(organisations.values()))
    _check_references(paths["organisation"], "organisations", parents, organisations, "organisation id")
    _check_no_parent_loop(paths["organisation"], organisations)
    positions = (
        (index, position.organisation, ("events", report, "positions", number, "organisation"))
        for index, person in enumerate(people.values())
        for report, event in enumerate(person.events)
        for number, position in enumerate(event.positions)
    )
    _check_references(paths["person"], "people", positions, organisations, "organisation id")
    agreement_links = ((index, event.agreement, ("agreement",)) for index, event in enumerate(event_list))
    _check_references(
        paths["event"], "events", agreement_links, agreements, f"agreement (no such key in {AGREEMENTS_FILE})"
    )
    _check_order(paths["event"], event_list)
    sources_path = folder / SOURCES_FILE
    sources = _load_sources(sources_path, set(reports))
    known = set(sources) | reports
    cited: set[str] = set()
    by_kind: dict[str, Mapping[str, Person | Organisation | Event]] = {
        "person": people,
        "organisation": organisations,
        "event": events,
    }
    for kind, (name, key) in FILES.items():
        entries = list(by_kind[kind].values())
        cited |= _check_sources(folder / name, key, entries, known, kind)
    for index, source_id in enumerate(sources):
        if source_id not in cited:
            line = line_in(sources_path, ("sources", index, "id"))
            raise InputError(sources_path, line, f"source {source_id!r} is cited by no entry: cite it or remove it")
    paths_read = [*paths.values(), agreements_path, sources_path]
    digest = _digest(*(path for path in paths_read if path.exists()))
    return Registry(folder, people, organisations, events, agreements, digest, sources)
