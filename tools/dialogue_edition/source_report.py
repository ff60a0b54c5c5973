"""The archival source reports under ``source_reports/<slug>/``: metadata, checksum and blocks.

A report is kept exactly as received. Its ``metadata.yaml`` records what is known about it and
the SHA-256 of the text, so that any change to the bytes is caught before an edition is built.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl

from .data_files import IsoDate, confined, line_in, load_model
from .errors import InputError

METADATA_FILE = "metadata.yaml"
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def long_date(date: datetime.date | str) -> str:
    """``2020-11-05`` as ``5 November 2020``, the form the edition uses in prose."""
    date = datetime.date.fromisoformat(date) if isinstance(date, str) else date
    return f"{date.day} {date:%B %Y}"


LINE_OR_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""What one line of metadata never holds: line breaks, tabs, NUL and other control characters, and
the bidirectional overrides that make text read differently from how it is stored."""

URL_CHARACTERS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+$")
"""The characters RFC 3986 allows in a URL; anything else (braces, backslashes, quotes, spaces) must
be percent-encoded, so that no address can carry markup into a page or into LaTeX."""


def _one_line(value: str) -> str:
    match = LINE_OR_CONTROL.search(value)
    if match:
        raise ValueError(f"must be one line of text without control characters (found U+{ord(match.group()):04X})")
    if value != value.strip():
        raise ValueError("must not begin or end with white space")
    return value


def _sane_url(value: HttpUrl) -> HttpUrl:
    text = str(value)
    if not URL_CHARACTERS.match(text):
        raise ValueError("may hold only the characters a URL allows (percent-encode the others)")
    if value.username or value.password:
        raise ValueError("must not carry a user name or password")
    return value


OneLine = Annotated[str, Field(min_length=1), AfterValidator(_one_line)]
"""Metadata text: one line, printable, no leading or trailing white space."""
WebAddress = Annotated[HttpUrl, AfterValidator(_sane_url)]
"""An http or https address made only of the characters a URL allows."""


class TextFile(BaseModel):
    """Where the report's text is kept and how its integrity is checked."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    file: str = Field(pattern=r"^[^./\\][^/\\]*$")
    received_as: OneLine
    encoding: Literal["utf-8"]
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class ReportDescription(BaseModel):
    """What is known about one report from its provenance, as an editor gives it to the importer."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    slug: str = Field(pattern=SLUG_PATTERN)
    title: OneLine
    conference_date: IsoDate
    conference_format: Literal["online", "in person", "hybrid"]
    original_url: WebAddress
    language: str = Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")
    publisher: OneLine
    organiser: OneLine


class ReportMetadata(ReportDescription):
    """What is known about one report, and its text's checksum; only facts, no guessed fields."""

    text: TextFile


@dataclass(frozen=True)
class SourceReport:
    """A report as received: its folder, its metadata and its verified text."""

    folder: Path
    metadata: ReportMetadata
    text: str

    @property
    def slug(self) -> str:
        """The report's stable identifier, used in paths and file names."""
        return self.metadata.slug

    @property
    def text_path(self) -> Path:
        """The archival text file."""
        return self.folder / self.metadata.text.file

    def blocks(self) -> list[str]:
        """The non-empty blocks of the text (paragraphs, headings, captions), in order."""
        return split_blocks(self.text)


def split_blocks(text: str) -> list[str]:
    """Split plain text into blocks separated by one or more blank lines.

    A line ends as Markdown ends it, at a line feed, a carriage return or both: a report saved with
    an old Mac's line endings (carriage returns alone) has its blocks too, as the pages show them.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n")
    return [block.strip() for block in re.split(r"\n\s*\n", lines) if block.strip()]


def sha256_of(path: Path) -> str:
    """The hex SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_report(folder: Path) -> SourceReport:
    """Load and verify one report folder; raise :class:`InputError` on anything amiss."""
    metadata_path = folder / METADATA_FILE
    if not metadata_path.is_file():
        raise InputError(folder, None, f"report folder has no {METADATA_FILE}")
    metadata = load_model(metadata_path, ReportMetadata)
    if metadata.slug != folder.name:
        line = line_in(metadata_path, ("slug",))
        raise InputError(metadata_path, line, f"slug {metadata.slug!r} differs from the folder name {folder.name!r}")
    text_path = folder / metadata.text.file
    if text_path.is_symlink() or folder.resolve() not in text_path.resolve().parents:
        raise InputError(
            metadata_path,
            line_in(metadata_path, ("text", "file")),
            f"text file {metadata.text.file!r} must be a file of the report's folder, not a link",
        )
    if not text_path.is_file():
        raise InputError(
            metadata_path, line_in(metadata_path, ("text", "file")), f"text file {metadata.text.file!r} is missing"
        )
    data = text_path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != metadata.text.sha256:
        raise InputError(
            text_path,
            None,
            f"SHA-256 is {actual}, but {METADATA_FILE} records {metadata.text.sha256}: the archival text "
            "has changed. Source reports are never edited; put corrections in the edition.",
        )
    try:
        # A byte-order mark is kept in the archived bytes but is not part of the report's text.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(text_path, line, f"not valid UTF-8 ({error.reason})") from None
    return SourceReport(folder=folder, metadata=metadata, text=text)


def load_reports(root: Path) -> list[SourceReport]:
    """All reports under ``root``, newest conference first."""
    if not root.is_dir():
        raise InputError(root, None, "no such folder: a project keeps each report in source_reports/<slug>/")
    folders = sorted(path for path in root.iterdir() if path.is_dir() and not path.name.startswith("."))
    for folder in folders:
        confined(folder / METADATA_FILE, root.parent)
    reports = [load_report(folder) for folder in folders]
    return sorted(reports, key=lambda report: report.metadata.conference_date, reverse=True)
