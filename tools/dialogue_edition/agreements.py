"""The historical agreements (``registry/agreements.bib``): parsed by pybtex, checked by pydantic.

An agreement is a BibTeX entry of the project's own type ``@agreement``, because no standard
type carries what matters for one: its parties, and the place and date of signature. Every
problem (a syntax error, an unknown type, a missing date of signature) is reported as
``file:line: entry 'key': ...``.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import latexcodec  # noqa: F401 (registers the "ulatex" codec)
from pybtex.database import BibliographyData, Entry, parse_string
from pybtex.exceptions import PybtexError
from pybtex.scanner import PybtexSyntaxError
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .data_files import INVISIBLE, LONGEST_VALUE, IsoDate, longest_word_problem, read_text, right_to_left_problem
from .errors import InputError
from .link_policy import link_refusal
from .pybtex_plugins import register_parser

ENTRY_TYPE = "agreement"


class Agreement(BaseModel):
    """The fields of an ``@agreement`` entry: the first six are required."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    kind: str = Field(min_length=1, description="treaty, armistice agreement, joint communiqué, ...")
    title: str = Field(min_length=1)
    date: IsoDate = Field(description="the date of signature, YYYY-MM-DD")
    location: str = Field(min_length=1, description="the place of signature")
    parties: str = Field(min_length=1)
    sources: str = Field(min_length=1, description="where the facts were checked")
    shorttitle: str | None = None
    datenote: str | None = None
    signatories: str | None = None
    note: str | None = None


def entry_line(text: str, key: str) -> int | None:
    """The line on which the entry ``key`` starts."""
    match = re.search(r"@\w+\s*\{\s*" + re.escape(key) + r"\s*,", text)
    return text[: match.start()].count("\n") + 1 if match else None


def field_line(text: str, key: str, field: str) -> int | None:
    """The line of ``field`` inside the entry ``key`` (or the entry's line)."""
    start = entry_line(text, key)
    if start is None:
        return None
    lines = text.splitlines()[start - 1 :]
    for offset, line in enumerate(lines):
        if offset and line.lstrip().startswith("@"):
            break
        if re.match(rf"\s*{re.escape(field)}\s*=", line, re.IGNORECASE):
            return start + offset
    return start


def parse(path: Path) -> tuple[str, BibliographyData]:
    """The file's text and its entries; a BibTeX syntax error names file and line."""
    text = read_text(path)
    register_parser()
    try:
        return text, parse_string(text, "bibtex")
    except PybtexSyntaxError as error:
        raise InputError(path, error.lineno, f"BibTeX syntax error: {str(error).split(': ', 1)[-1]}") from None
    except PybtexError as error:
        key = re.search(r"entry:? (\S+)", str(error))
        line = entry_line(text, key.group(1).strip("'\"")) if key else None
        raise InputError(path, line, f"BibTeX error: {error}") from None


def _fields(entry: Entry) -> dict[str, str]:
    """The entry's fields as plain text (BibTeX's ``--`` an en dash, ``{...}`` unwrapped)."""
    return {name.lower(): codecs.decode(value, "ulatex") for name, value in entry.fields.items()}


LINK = re.compile(r"\\(?:url|href)\s*")
"""A link written in a field (``\\url{…}``, ``\\href{…}{…}``): the bibliography makes it a link."""
PERCENT = re.compile(r"(?<!\\)%")
"""A percent sign not written ``\\%``: LaTeX and the bibliography read the rest of the line as a comment."""


def _braced(text: str) -> str:
    """The group ``{…}`` at the start of ``text`` (braces inside it kept), or ``text`` if there is none."""
    depth = 0
    for index, character in enumerate(text):
        depth += {"{": 1, "}": -1}.get(character, 0)
        if depth == 0:
            return text[: index + 1]
    return text


def _field_problem(name: str, value: str) -> str | None:
    """What is wrong with one field's raw value, or None."""
    if len(value) > LONGEST_VALUE:
        return f"{len(value):,} characters (at most {LONGEST_VALUE:,}): shorten it"
    invisible = INVISIBLE.search(value)
    if invisible:
        return f"invisible character U+{ord(invisible.group()):04X}: remove it"
    long_word = longest_word_problem(value) if name.lower() not in ("url", "doi") else None
    if long_word:
        return long_word
    right_to_left = right_to_left_problem(value)
    if right_to_left:
        return right_to_left
    if PERCENT.search(value):
        return "write a percent sign as \\%"
    addresses = [_braced(value[match.end() :]) for match in LINK.finditer(value)]
    if name.lower() in ("url", "doi"):
        addresses.append(value)
    for address in addresses:
        # Braces are LaTeX's grouping, not part of the address: "java{}script:" is "javascript:".
        refusal = link_refusal(re.sub(r"[{}]", "", address))
        if refusal:
            return refusal
    return None


def _check_fields(path: Path, text: str, key: str, entry: Entry) -> None:
    """Refuse, at its field's line, a value the edition cannot print safely or a link it does not allow."""
    for name, value in entry.fields.items():
        problem = _field_problem(name, value)
        if problem:
            raise InputError(path, field_line(text, key, name.lower()), f"entry {key!r}: {name}: {problem}")


def load_agreements(path: Path) -> dict[str, Agreement]:
    """Every agreement in the file by key, each validated; the first problem is raised."""
    text, data = parse(path)
    agreements = {}
    for key, entry in data.entries.items():
        if entry.type != ENTRY_TYPE:
            raise InputError(
                path, entry_line(text, key), f"entry {key!r} is @{entry.type}; agreements are @{ENTRY_TYPE}"
            )
        _check_fields(path, text, key, entry)
        try:
            agreements[key] = Agreement.model_validate(_fields(entry))
        except ValidationError as error:
            problem = error.errors()[0]
            field = str(problem["loc"][0])
            hint = " (the date of signature)" if field == "date" else ""
            line = field_line(text, key, field)
            raise InputError(path, line, f"entry {key!r}: {field}{hint}: {problem['msg']}") from None
    return agreements
