"""Import a plain-text report: archive it, split it into pages, link what the registry knows.

``edition-import report.txt --slug forum-2031 --title ... --date 2031-05-20 --url ...`` stores the
text byte for byte under ``source_reports/<slug>/`` with its metadata and SHA-256, writes a MyST
page per part of the event (split at the report's section headings) and a landing page, marks every
mention of a person or organisation already in the registry, adds the report to the site's list
and its event to the timeline (``registry/events.yaml``, in date order),
and prints a review list: names and organisations that look new, each with its sentence. It never
overwrites a report without ``--force`` and refuses input that is not UTF-8 text.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .data_files import read_yaml, validation_errors
from .errors import InputError
from .project import add_project_option, project_of
from .registry import Registry, form_pattern, load_registry
from .source_report import ReportDescription, ReportMetadata, long_date, sha256_of, split_blocks

MAX_HEADING = 80
CLOSING = re.compile(r"\b(ended|closed|concluded)\b", re.IGNORECASE)
TITLE_WORDS = (
    "Professor|Associate Professor|Director|Head|Chairman|President|Vice-President|Ambassador|Rector|"
    "Editor-in-Chief|Deputy Head|Consul General|Mr|Ms|Dr"
)
TITLES = rf"(?:{TITLE_WORDS})"
NAME = r"(?:[A-Z][a-z]+(?:-[A-Za-z]+)?)(?:[ \u00a0][A-Z][a-zA-Z]+(?:-[a-z]+)?){1,3}"
ORGANISATION_WORDS = (
    r"(?:University|Institute|Academy|Council|Foundation|Committee|Corporation|Centre|Center|Ministry|"
    r"Assembly|Agency|Association|Society)"
)
CAPITALISED = r"[A-Z][\w'’-]*"
ORGANISATION = re.compile(
    rf"(?:the )?(?:{CAPITALISED}[ ](?:of[ ](?:the[ ])?|and[ ]|for[ ])?)*{ORGANISATION_WORDS}"
    rf"(?:[ ]of(?:[ ]the)?(?:[ ]{CAPITALISED})+)?"
)


class ImportRefused(Exception):
    """The import would overwrite a report or the input is not a text report."""


@dataclass
class Part:
    """One page of the report: its heading (None where the report has none) and its blocks."""

    heading: str | None
    blocks: list[str]
    name: str = ""


def is_heading(block: str) -> bool:
    """A section heading: one short line with no closing punctuation."""
    return "\n" not in block and len(block) <= MAX_HEADING and not re.search(r"[.!?:;,)\"'’”]$", block)


def split_parts(blocks: list[str]) -> list[Part]:
    """Opening blocks, then one part per heading.

    A report that ends with a paragraph saying the event ended gets that paragraph on a page of
    its own, as the 2020 report's close.
    """
    parts = [Part(None, [])]
    for block in blocks:
        if is_heading(block):
            parts.append(Part(block, [block]))
        else:
            parts[-1].blocks.append(block)
    if parts[0].blocks == []:
        parts.pop(0)
    last = parts[-1]
    if len(last.blocks) > 2 and CLOSING.search(last.blocks[-1]) and not is_heading(last.blocks[-1]):
        parts.append(Part(None, [last.blocks.pop()]))
    for number, part in enumerate(parts):
        part.name = name_of(part, number, len(parts))
    return parts


def name_of(part: Part, number: int, count: int) -> str:
    """The page's file name: from its heading, else opening/close."""
    if part.heading is None:
        return "opening" if number == 0 else "close" if number == count - 1 else f"part-{number + 1}"
    words = re.findall(r"[a-z0-9]+", part.heading.lower())[:5]
    return "-".join(words) or f"part-{number + 1}"


def _forms(registry: Registry) -> list[tuple[str, str, str]]:
    found = [(form, "person", entry.id) for entry in registry.people.values() for form in entry.all_forms]
    found += [(form, "org", entry.id) for entry in registry.organisations.values() for form in entry.all_forms]
    found += [(entry.short_name, "org", entry.id) for entry in registry.organisations.values() if entry.short_name]
    return sorted(found, key=lambda item: -len(item[0]))


def mark_mentions(text: str, registry: Registry) -> str:
    """Every mention of a registered person or organisation as a role (longest forms first)."""
    taken: list[tuple[int, int, str, str]] = []
    for form, role, entity in _forms(registry):
        for match in form_pattern(form).finditer(text):
            if all(match.end() <= start or match.start() >= end for start, end, _, _ in taken):
                taken.append((match.start(), match.end(), role, entity))
    for start, end, role, entity in sorted(taken, reverse=True):
        text = f"{text[:start]}{{{role}}}`{text[start:end]} <{entity}>`{text[end:]}"
    return text


def page_text(part: Part, number: int, count: int, registry: Registry) -> str:
    """A part's MyST page: title, an editorial note saying which part it is, the report's blocks."""
    if part.heading is None:
        title = "Opening" if number == 0 else "Close of the event"
        note = "The source has no heading here; this page's title is editorial."
        body = part.blocks
    else:
        title, note, body = part.heading, "The heading above is the report's own.", part.blocks[1:]
    lines = [f"# {title}", "", "```{editorial}", f"Part {number + 1} of {count} of the report. {note}", "```", ""]
    for block in body:
        lines += [mark_mentions(block, registry), ""]
    return "\n".join(lines)


def landing_text(metadata: ReportMetadata, parts: list[Part], registry: Registry) -> str:
    """The report's landing page: what it is (organiser and publisher marked where known), its metadata, its parts."""
    entries = [
        f"{part.heading or ('Opening' if i == 0 else 'Close of the event')} <{part.name}>"
        for i, part in enumerate(parts)
    ]
    return "\n".join(
        [
            f"# {metadata.title}",
            "",
            "```{editorial} About this report",
            f"The report of the {{event}}`event of {long_date(metadata.conference_date)} <{metadata.slug}>` "
            + mark_mentions(f"held by the {metadata.organiser}, as published by {metadata.publisher},", registry),
            f"reproduced in full in {len(parts)} parts that follow its own structure. Imported as a draft: review it.",
            "```",
            "",
            f"```{{report-metadata}} {metadata.slug}",
            "```",
            "",
            "```{toctree}",
            ":maxdepth: 1",
            "",
            *entries,
            "```",
            "",
        ]
    )


def add_event(project: Path, record: ReportMetadata, registry: Registry) -> None:
    """Put the report's event on the timeline: an entry in ``registry/events.yaml``, in date order."""
    if record.slug in registry.events:
        return
    path = project / "registry" / "events.yaml"
    date = record.conference_date
    name = json.dumps(f"The event reported in “{record.title}” ({record.conference_format})", ensure_ascii=False)
    entry = f"  - id: {record.slug}\n    name: {name}\n    date: {date.isoformat()}\n    source: metadata\n"
    text = path.read_text(encoding="utf-8") if path.exists() else "events:\n"
    day = (date.year, date.month, date.day)
    later = next((event for event in registry.events.values() if event.sort_key > day), None)
    place = re.search(rf"^  - id: {re.escape(later.id)}$", text, re.MULTILINE) if later else None
    if place:
        text = text[: place.start()] + entry + "\n" + text[place.start() :]
    else:
        text = text.rstrip("\n") + ("\n\n" if registry.events else "\n") + entry
    path.write_text(text, encoding="utf-8")


def list_reports(project: Path) -> None:
    """Rewrite the site's list of reports (the toctree under "## Reports"), newest first."""
    from .source_report import load_reports

    index = project / "docs" / "index.md"
    text = index.read_text(encoding="utf-8")
    entries = "\n".join(f"reports/{report.slug}/index" for report in load_reports(project / "source_reports"))
    pattern = re.compile(r"(## Reports\n\n```\{toctree\}\n(?::[^\n]*\n)*\n)(.*?)(\n```)", re.DOTALL)
    index.write_text(pattern.sub(lambda m: m.group(1) + entries + m.group(3), text, count=1), encoding="utf-8")


def review_list(blocks: list[str], registry: Registry) -> list[str]:
    """Names with a title beside them, and organisations, that the registry does not know."""
    known = {re.sub(r"\s+", " ", form) for form, _, _ in _forms(registry)}
    sentences = [s for block in blocks for s in re.split(r"(?<=[.!?])\s+", block.replace("\u00a0", " "))]
    found: dict[str, str] = {}
    person = re.compile(
        rf"{TITLES}[ ]({NAME})|({NAME}),[ ]{TITLES}"
        rf"|{TITLES}[ ]of[ ](?:the[ ])?(?:{CAPITALISED}[ ])+?{ORGANISATION_WORDS}[ ]({NAME})"
    )
    for sentence in sentences:
        for match in person.finditer(sentence):
            name = match.group(1) or match.group(2) or match.group(3)
            if name not in known and not any(name in form for form in known):
                found.setdefault(f"person: {name}", sentence)
        for match in ORGANISATION.finditer(sentence):
            organisation = re.sub(rf"^(?:the |{TITLES} of (?:the )?)", "", match.group(0))
            if organisation not in known and not any(organisation in form or form in organisation for form in known):
                found.setdefault(f"organisation: {organisation}", sentence)
    return [f"{candidate}\n    in: {sentence}" for candidate, sentence in found.items()]


def read_text(path: Path) -> str:
    """The input as text; binary or non-UTF-8 input is refused with the place of the first bad byte."""
    data = path.read_bytes()
    if b"\x00" in data:
        raise InputError(
            path, data[: data.index(b"\x00")].count(b"\n") + 1, "binary data (a NUL byte): not a text report"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(path, line, f"not UTF-8 text ({error.reason} at byte {error.start})") from None


def import_report(
    source: Path, metadata: dict[str, Any], project: Path, force: bool = False
) -> tuple[list[Part], list[str]]:
    """Archive, split and write one report; return its parts and the review list."""
    text = read_text(source)
    slug = metadata["slug"]
    folder, pages = project / "source_reports" / slug, project / "docs" / "reports" / slug
    if (folder.exists() or pages.exists()) and not force:
        raise ImportRefused(f"report {slug!r} exists ({folder} or {pages}); use --force to replace it")
    registry = load_registry(project / "registry")
    record = ReportMetadata.model_validate(
        {
            **metadata,
            "text": {
                "file": "report.txt",
                "received_as": source.name,
                "encoding": "utf-8",
                "sha256": sha256_of(source),
            },
        }
    )
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(pages, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copyfile(source, folder / "report.txt")
    (folder / "metadata.yaml").write_text(
        "# Written by edition-import; check every value against the report's provenance.\n"
        + yaml.safe_dump(record.model_dump(mode="json"), allow_unicode=True, sort_keys=False, width=1000),
        encoding="utf-8",
    )
    blocks = split_blocks(text)
    parts = split_parts(blocks)
    pages.mkdir(parents=True)
    for number, part in enumerate(parts):
        (pages / f"{part.name}.md").write_text(page_text(part, number, len(parts), registry), encoding="utf-8")
    (pages / "index.md").write_text(landing_text(record, parts, registry), encoding="utf-8")
    add_event(project, record, registry)
    list_reports(project)
    return parts, review_list(blocks, registry)


OPTIONS = {
    "slug": "--slug",
    "title": "--title",
    "conference_date": "--date",
    "conference_format": "--format",
    "original_url": "--url",
    "language": "--language",
    "publisher": "--publisher",
    "organiser": "--organiser",
}
"""Each field of the report's description and the option that gives it."""
DEFAULTS = {"conference_format": "online", "language": "en", "organiser": "Russia–Republic of Korea Dialogue Forum"}


def description(options: argparse.Namespace) -> dict[str, Any]:
    """The report's description: the ``--metadata`` file, then the options (which win), then defaults."""
    data: dict[str, Any] = dict(DEFAULTS)
    node = None
    if options.metadata:
        loaded, node = read_yaml(options.metadata)
        if not isinstance(loaded, dict):
            raise InputError(options.metadata, 1, "expected the report's fields (slug, title, ...), one a line")
        data.update(loaded)
    given = {key: value for key in OPTIONS if (value := getattr(options, key)) is not None}
    data.update(given)
    try:
        return ReportDescription.model_validate(data).model_dump(mode="json")
    except ValidationError as error:
        item = error.errors()[0]
        field = str(item["loc"][0]) if item["loc"] else ""
        if options.metadata and field not in given:
            raise validation_errors(options.metadata, node, error)[0] from None
        raise InputError("command line", None, f"{OPTIONS.get(field, field)}: {item['msg']}") from None


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(prog="edition-import", description=__doc__.splitlines()[0])
    parser.add_argument("text", type=Path, help="the report as received (plain UTF-8 text)")
    parser.add_argument("--metadata", type=Path, help="a YAML file with the fields below (slug, title, ...)")
    parser.add_argument("--slug", dest="slug")
    parser.add_argument("--title", dest="title", help="the title as published")
    parser.add_argument("--date", dest="conference_date", help="date of the event, YYYY-MM-DD")
    parser.add_argument("--format", dest="conference_format", help="online, in person or hybrid (default: online)")
    parser.add_argument("--url", dest="original_url", help="the original page")
    parser.add_argument("--language", dest="language", help="default: en")
    parser.add_argument("--publisher", dest="publisher")
    parser.add_argument("--organiser", dest="organiser", help=f"default: {DEFAULTS['organiser']}")
    add_project_option(parser)
    parser.add_argument("--force", action="store_true", help="replace an existing report")
    options = parser.parse_args(argv)
    try:
        metadata = description(options)
        parts, review = import_report(options.text, metadata, project_of(options.project), options.force)
    except (InputError, ImportRefused) as error:
        print(f"edition-import: {error}", file=sys.stderr)
        return 1
    print(f"imported {metadata['slug']}: {len(parts)} pages: " + ", ".join(part.name for part in parts))
    print(f"review list ({len(review)}): names and organisations not in the registry yet")
    for item in review:
        print(f"  {item}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
