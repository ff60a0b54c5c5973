"""The registry of people and organisations named in the reports (``registry/*.yaml``).

One fact is written once: pages mark mentions with ``{person}`` and ``{org}`` roles, and the
glossaries, cards and back-references are generated from these files. Facts come only from the
reports and the verified notes in ``shared/facts``; a field that is not known is left out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .data_files import line_in, read_yaml, validation_errors
from .errors import InputError

PEOPLE_FILE = "people.yaml"
ORGANISATIONS_FILE = "organisations.yaml"
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


class _PeopleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    people: list[Person]


class _OrganisationsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    organisations: list[Organisation]


@dataclass(frozen=True)
class Registry:
    """People and organisations by id, with where each entry is written (for error messages)."""

    folder: Path
    people: dict[str, Person]
    organisations: dict[str, Organisation]
    digest: str

    def entries(self, kind: str) -> dict[str, Person] | dict[str, Organisation]:
        """The entries of one kind: ``person`` or ``organisation``."""
        return self.people if kind == "person" else self.organisations

    def location(self, kind: str, entry_id: str) -> str:
        """``file:line`` of an entry's id, for messages about it."""
        name, key = (PEOPLE_FILE, "people") if kind == "person" else (ORGANISATIONS_FILE, "organisations")
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


def _check_references(path: Path, key: str, items: Iterable[tuple[int, str, tuple],], known: dict) -> None:
    for index, target, location in items:
        if target is not None and target not in known:
            line = line_in(path, (key, index, *location))
            raise InputError(path, line, f"unknown organisation id {target!r}")


def _digest(*paths: Path) -> str:
    return hashlib.sha256(b"".join(path.read_bytes() for path in paths)).hexdigest()


def load_registry(folder: Path) -> Registry:
    """Load and cross-check the registry; the first problem is raised as an InputError."""
    people_path, organisations_path = folder / PEOPLE_FILE, folder / ORGANISATIONS_FILE
    organisations = dict(
        _unique(
            organisations_path, "organisations", _load_list(organisations_path, _OrganisationsFile, "organisations")
        )
    )
    people = dict(_unique(people_path, "people", _load_list(people_path, _PeopleFile, "people")))
    parents = ((index, org.parent, ("parent",)) for index, org in enumerate(organisations.values()))
    _check_references(organisations_path, "organisations", parents, organisations)
    positions = (
        (index, position.organisation, ("positions", number, "organisation"))
        for index, person in enumerate(people.values())
        for number, position in enumerate(person.positions)
    )
    _check_references(people_path, "people", positions, organisations)
    return Registry(folder, people, organisations, _digest(people_path, organisations_path))
