"""Import a plain-text report: archive it, split it into pages, link what the registry knows.

``edition-import report.txt --slug forum-2031 --title ... --date 2031-05-20 --url ...`` stores the
text byte for byte under ``source_reports/<slug>/`` with its metadata and SHA-256, writes a MyST
page per part of the event (split at the report's section headings) and a landing page, marks every
mention of a person or organisation already in the registry, adds the report to the site's list
and its event to the timeline (``registry/events.yaml``, in date order),
and prints a review list: names and organisations found by their shape
(:mod:`dialogue_edition.name_shapes`) that the registry does not hold in full, each with its words.
The report's words and its metadata are written escaped: nothing in them becomes markup.

It never overwrites a report without ``--force`` (which says what it discards and asks, unless
``--yes``), refuses anything that is not a non-empty UTF-8 text file with one line (naming the
likely encoding of another), strips a byte-order mark from the pages (never from the archived
text), and writes all or nothing.
"""

from __future__ import annotations

import argparse
import codecs
import json
import re
import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import charset_normalizer
import yaml
from pydantic import ValidationError

from .block_kinds import shape_kind
from .data_files import (
    CONTROL_CHARACTER,
    LONGEST_WORD,
    TOO_LONG_WORD,
    read_yaml,
    right_to_left_letter,
    right_to_left_problem,
    validation_errors,
    value_problem,
)
from .errors import InputError
from .name_shapes import Found, context, find_names
from .project import add_project_option, project_of
from .registry import Person, Registry, load_registry
from .report_review import PLACEHOLDER_EVENT
from .source_report import ReportDescription, ReportMetadata, long_date, sha256_of, split_blocks

MAX_HEADING = 80
CLOSING = re.compile(r"\b(ended|closed|concluded)\b", re.IGNORECASE)
RESERVED_PAGES = {"index", "review"}
"""Page names a part may not take: the landing page, and the review file beside the pages."""


class ImportRefused(Exception):
    """The import would overwrite a report or the input is not a text report."""


@dataclass
class Part:
    """One page of the report: its heading (None where the report has none) and its blocks."""

    heading: str | None
    blocks: list[str]
    name: str = ""


def is_heading(block: str) -> bool:
    """A section heading (see :mod:`dialogue_edition.block_kinds`)."""
    return shape_kind(block) == "heading"


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
    taken = set(RESERVED_PAGES)
    for number, part in enumerate(parts):
        # Two identical headings get two pages: the second name is numbered, never overwritten.
        name = base = name_of(part, number, len(parts))
        copy = 2
        while name in taken:
            name, copy = f"{base}-{copy}", copy + 1
        part.name = name
        taken.add(name)
    return parts


def name_of(part: Part, number: int, count: int) -> str:
    """The page's file name: from its heading, else opening/close."""
    if part.heading is None:
        return "opening" if number == 0 else "close" if number == count - 1 else f"part-{number + 1}"
    words = re.findall(r"[a-z0-9]+", part.heading.lower())[:5]
    return "-".join(words) or f"part-{number + 1}"


# -- Writing report text as MyST -----------------------------------------------------------------
# The report's words, its headings and its metadata are text, never markup: every character that
# could open a construct (a role's backtick, a directive's fence, a link, an HTML tag, an entity)
# is escaped with a backslash, which CommonMark allows before any ASCII punctuation, and a line
# that could open a block (a heading, a list, a quotation, a colon fence, a comment) has its first
# character escaped too. The rendered text is the report's exactly, so fidelity is unaffected.
_INLINE_MARKUP = re.compile(r"([\\`*_\[\]<>{}$&|~^#])")
"""Characters that may open inline markup, and ``#``: at a heading's end a run of them is the
heading's closing sequence ("Agenda item #" would read "Agenda item")."""
_BLOCK_OPENER = r"([#>+\-=:%(!]|\d+(?=[.)]))"
_LINE_START = re.compile(r"(?:\A|(?<=\n))" + _BLOCK_OPENER)
_LATER_LINE_START = re.compile(r"(?<=\n)" + _BLOCK_OPENER)


def _escape_opener(match: re.Match[str]) -> str:
    opener = match.group(1)
    return opener + "\\" if opener[0].isdigit() else "\\" + opener


def escape_markup(text: str, at_line_start: bool = True) -> str:
    """``text`` as MyST that renders as exactly that text.

    ``at_line_start`` is false for a piece of text that continues a line (after a role).
    """
    escaped = _INLINE_MARKUP.sub(r"\\\1", text)
    return (_LINE_START if at_line_start else _LATER_LINE_START).sub(_escape_opener, escaped)


def _stripped_lines(text: str) -> str:
    """Each line without its leading and trailing white space (indentation would make a code block)."""
    return "\n".join(line.strip() for line in text.splitlines())


def escape_line(text: str) -> str:
    """Text for a one-line construct (a title): white space folded to spaces, then escaped."""
    return escape_markup(re.sub(r"\s+", " ", text).strip())


def _forms(registry: Registry) -> list[tuple[str, str, str]]:
    found = [(form, "person", entry.id) for entry in registry.people.values() for form in entry.all_forms]
    found += [(form, "org", entry.id) for entry in registry.organisations.values() for form in entry.all_forms]
    found += [(entry.short_name, "org", entry.id) for entry in registry.organisations.values() if entry.short_name]
    return sorted(found, key=lambda item: -len(item[0]))


def _trie_pattern(words: list[str]) -> str:
    """One regular expression for many names, as a trie: matching costs the length of a name, not their number."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for character in re.sub(r"\s+", " ", word):
            node = node.setdefault(character, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        branches = [
            (r"\s+" if character == " " else re.escape(character)) + pattern(child)
            for character, child in node.items()
            if character
        ]
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")" if branches else ""
        return f"(?:{body})?" if "" in node and body else body

    return pattern(trie)


def registered_forms(registry: Registry) -> tuple[re.Pattern[str] | None, dict[str, tuple[str, str]]]:
    """A pattern for every registered name and form, and each form's (role, id)."""
    # A form that holds a backtick or angle brackets cannot stand inside a role: it is left unmarked.
    entities: dict[str, tuple[str, str]] = {}
    for form, role, entity in _forms(registry):
        if not re.search(r"[`<>]", form):
            entities.setdefault(re.sub(r"\s+", " ", form), (role, entity))
    if not entities:
        return None, entities
    return re.compile(r"(?<!\w)(?:" + _trie_pattern(list(entities)) + r")(?!\w)"), entities


def mark_mentions(text: str, registry: Registry) -> str:
    """``text`` as escaped MyST with every mention of a registered person or organisation as a role.

    One pass over the text (the longest form wins where several start at the same place).
    """
    text = _stripped_lines(text)
    pattern, entities = registered_forms(registry)
    pieces, position = [], 0
    for match in pattern.finditer(text) if pattern else ():
        role, entity = entities[re.sub(r"\s+", " ", match.group())]
        piece = escape_markup(text[position : match.start()], position == 0 or text[position - 1] == "\n")
        pieces += [piece, f"{{{role}}}`{match.group()} <{entity}>`"]
        position = match.end()
    pieces.append(escape_markup(text[position:], position == 0 or text[position - 1] == "\n"))
    return "".join(pieces)


def page_text(part: Part, number: int, count: int, registry: Registry) -> str:
    """A part's MyST page: title, an editorial note saying which part it is, the report's blocks."""
    if part.heading is None:
        title = "Opening" if number == 0 else "Close of the event"
        note = "The source has no heading here; this page's title is editorial."
        body = part.blocks
    else:
        title, note, body = escape_line(part.heading), "The heading above is the report's own.", part.blocks[1:]
    lines = [
        f"# {title}",
        "",
        "```{editorial}",
        f"Page {number + 1} of the {count} into which this edition divides the report. {note}",
        "```",
        "",
    ]
    for block in body:
        if shape_kind(block) == "caption":
            lines += ["````{missing-photo}", mark_mentions(block, registry), "````", ""]
        else:
            lines += [mark_mentions(block, registry), ""]
    return "\n".join(lines)


def landing_text(metadata: ReportMetadata, parts: list[Part], registry: Registry) -> str:
    """The report's landing page: what it is (organiser and publisher marked where known), its metadata, its parts."""
    held_by = f"held by the {metadata.organiser}, as published by {metadata.publisher},"
    headed = sum(part.heading is not None for part in parts)
    return "\n".join(
        [
            f"# {escape_line(metadata.title)}",
            "",
            "```{editorial} About this report",
            f"The report of the {{event}}`event of {long_date(metadata.conference_date)} <{metadata.slug}>` "
            + mark_mentions(re.sub(r"\s+", " ", held_by), registry),
            f"reproduced in full and in order. The report has {headed} headed section{'s' * (headed != 1)}; "
            f"this edition divides it into {len(parts)} page{'s' * (len(parts) != 1)}, "
            "and the title of a page where the report has no heading is the editors'. "
            "Everything in these boxes is the editors'. Imported as a draft: review it.",
            "```",
            "",
            f"```{{report-metadata}} {metadata.slug}",
            "```",
            "",
            "```{toctree}",
            ":maxdepth: 1",
            "",
            # Page names only: each part's title is its page's heading, so no heading text (which may
            # hold angle brackets) is ever parsed as a toctree entry.
            *(part.name for part in parts),
            "```",
            "",
        ]
    )


def events_text(project: Path, record: ReportMetadata, registry: Registry) -> str | None:
    """``registry/events.yaml`` with the report's event in date order (None: it is there already)."""
    if record.slug in registry.events:
        return None
    path = project / "registry" / "events.yaml"
    date = record.conference_date
    name = json.dumps(f"{PLACEHOLDER_EVENT} “{record.title}” ({record.conference_format})", ensure_ascii=False)
    # The date and the name come from the report's metadata: the report is their source.
    sources = f"{{date: [{record.slug}], name: [{record.slug}]}}"
    entry = f"  - id: {record.slug}\n    name: {name}\n    date: {date.isoformat()}\n    sources: {sources}\n"
    text = path.read_text(encoding="utf-8") if path.exists() else "events:\n"
    day = (date.year, date.month, date.day)
    later = next((event for event in registry.events.values() if event.sort_key > day), None)
    place = re.search(rf"^  - id: {re.escape(later.id)}$", text, re.MULTILINE) if later else None
    if place:
        return text[: place.start()] + entry + "\n" + text[place.start() :]
    return text.rstrip("\n") + ("\n\n" if registry.events else "\n") + entry


def index_text(project: Path, record: ReportMetadata) -> str:
    """The site's list of reports (the toctree under "## Reports") with this one, newest first."""
    from .source_report import load_reports

    index = project / "docs" / "index.md"
    text = index.read_text(encoding="utf-8")
    # The first report of a project is the first of its folder, which the import makes.
    folder = project / "source_reports"
    known = load_reports(folder) if folder.is_dir() else []
    reports = [(r.metadata.conference_date, r.slug) for r in known if r.slug != record.slug]
    reports.append((record.conference_date, record.slug))
    entries = "\n".join(f"reports/{slug}/index" for _, slug in sorted(reports, reverse=True))
    pattern = re.compile(r"(## Reports\n\n```\{toctree\}\n(?::[^\n]*\n)*\n)(.*?)(\n```)", re.DOTALL)
    return pattern.sub(lambda m: m.group(1) + entries + m.group(3), text, count=1)


# -- The review list -------------------------------------------------------------------------------


def review_list(blocks: list[str], registry: Registry) -> list[str]:
    """Every name found by its shape that is not, exactly, a registered name or form; each with its words.

    A found name is known only when it is a registered name or form in full: a fragment of a
    registered name ("Centre" of "Centre for Korean Studies") never hides a new one.
    """
    known = {re.sub(r"\s+", " ", form) for form, _, _ in _forms(registry)}
    people = {re.sub(r"\s+", " ", form): person for person in registry.people.values() for form in person.all_forms}
    found: dict[str, str] = {}
    names_by_block = [(block, find_names(block)) for block in blocks]
    new_people = [
        re.sub(r"\s+", " ", name.text)
        for _, names in names_by_block
        for name in names
        if name.kind == "person" and not name.form_of
    ]
    for block, names in names_by_block:
        for name in names:
            text = re.sub(r"\s+", " ", name.text)
            label = _candidate(name, text, known, people, new_people)
            if label and label not in found:
                found[label] = context(block, name.start, name.end)
    return [f"{candidate}\n    in: {words}" for candidate, words in found.items()]


def _candidate(name: Found, text: str, known: set[str], people: dict[str, Person], new_people: list[str]) -> str | None:
    """The review list's line for a found name, or None when the registry knows it as it stands."""
    if text in known:
        return None
    if name.kind == "organisation":
        # "National Assembly of the Republic of Korea Lee Sang Don": a registered name and a new
        # person's after it are two names, and only the person is new.
        prefix = next((form for form in sorted(known, key=len, reverse=True) if text.startswith(form + " ")), None)
        if prefix:
            rest = text[len(prefix) + 1 :]
            return None if rest in known else f"person: {rest}"
        if name.short_form_of:
            full = re.sub(r"\s+", " ", name.short_form_of)
            return f"organisation: {text} (short form of {full})"
        return f"organisation: {text}"
    if name.form_of:
        family = name.form_of
        registered = [p for p in people.values() if p.family_name == family or family in p.name.split()]
        if registered:
            return f"person: {text} (a form of {registered[0].name} <{registered[0].id}>, registered)"
        new = [n for n in new_people if family in n.split()]
        return (
            f"person: {text} (a form of {new[0]}, new)"
            if new
            else f"person: {text} (a form of a person not named in full)"
        )
    return f"person: {text}"


# -- Reading the input -----------------------------------------------------------------------------


def read_text(path: Path) -> tuple[str, bool]:
    """The input as text and whether it opened with a byte-order mark.

    Anything that is not a readable, non-empty UTF-8 text file is refused with one line: a missing
    file, a folder, binary data, another encoding (named, with the command that converts it).
    """
    if not path.exists():
        raise InputError(path, None, "no such file")
    if path.is_dir():
        raise InputError(path, None, "is a folder: give the report's text file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(path, None, f"cannot be read ({error.strerror})") from None
    if b"\x00" in data:
        raise InputError(
            path, data[: data.index(b"\x00")].count(b"\n") + 1, "binary data (a NUL byte): not a text report"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            path, line, f"not UTF-8 text ({error.reason} at byte {error.start}){_conversion(path, data)}"
        ) from None
    bom = text.startswith("\ufeff")
    control = CONTROL_CHARACTER.search(text)
    if control:
        line = line_of(text, control.start())
        raise InputError(
            path, line, f"control character U+{ord(control.group()):04X}: no page of the edition may hold it"
        )
    letter = right_to_left_letter(text)
    if letter:
        raise InputError(path, line_of(text, text.index(letter)), str(right_to_left_problem(letter)))
    long_word = TOO_LONG_WORD.search(text)
    if long_word:
        line = line_of(text, long_word.start())
        raise InputError(
            path,
            line,
            f"a word of {len(long_word.group()):,} characters without a space (it begins {long_word.group()[:20]!r}):"
            f" no page of the edition may hold more than {LONGEST_WORD:,} (the PDF cannot set it)",
        )
    if not text.removeprefix("\ufeff").strip():
        raise InputError(path, None, "empty: no text to import" if not data else "only white space: no text to import")
    return text.removeprefix("\ufeff"), bom


def line_of(text: str, position: int) -> int:
    """The line (1-based) of ``position`` in ``text``, lines ending as Markdown ends them (LF, CR or CR LF)."""
    return len(re.findall(r"\r\n|\r|\n", text[:position])) + 1


def _conversion(path: Path, data: bytes) -> str:
    """What the bytes probably are and the command that converts them to UTF-8 (charset-normalizer's guess)."""
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return ""
    encoding = best.encoding.replace("_", "-").upper()
    source = shlex.quote(str(path))
    target = shlex.quote(str(path.with_suffix(".utf8.txt")))
    return f"; it looks like {encoding}: convert it with iconv -f {encoding} -t UTF-8 {source} > {target}"


# -- The import, all or nothing ---------------------------------------------------------------------


def existing(project: Path, slug: str) -> list[Path]:
    """What a report ``slug`` already has in the project: its archive folder and its pages."""
    return [path for path in (project / "source_reports" / slug, project / "docs" / "reports" / slug) if path.exists()]


def import_report(
    source: Path, metadata: dict[str, Any], project: Path, force: bool = False
) -> tuple[list[Part], list[str]]:
    """Archive, split and write one report; return its parts and the review list.

    Everything is prepared before anything is written; if writing fails, what was written is removed
    and the files changed are put back, so the project is as before.
    """
    text, _ = read_text(source)
    slug = metadata["slug"]
    folder, pages = project / "source_reports" / slug, project / "docs" / "reports" / slug
    if existing(project, slug) and not force:
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
    blocks = split_blocks(text)
    parts = split_parts(blocks)
    files = {
        folder / "metadata.yaml": "# Written by edition-import; check every value against the report's provenance.\n"
        + yaml.safe_dump(record.model_dump(mode="json"), allow_unicode=True, sort_keys=False, width=1000),
        **{
            pages / f"{part.name}.md": page_text(part, number, len(parts), registry)
            for number, part in enumerate(parts)
        },
        pages / "index.md": landing_text(record, parts, registry),
        project / "docs" / "index.md": index_text(project, record),
    }
    events = events_text(project, record, registry)
    if events is not None:
        files[project / "registry" / "events.yaml"] = events
    review = review_list(blocks, registry)
    _write_all(project, source, folder, pages, files)
    return parts, review


def _write_all(project: Path, source: Path, folder: Path, pages: Path, files: dict[Path, str]) -> None:
    """Write the prepared files; on any failure, leave the project exactly as it was."""
    with tempfile.TemporaryDirectory(prefix=".import-", dir=project) as scratch:
        backup = Path(scratch)
        moved = []
        for old in (folder, pages):
            if old.exists():
                target = backup / old.parent.name
                shutil.move(old, target)
                moved.append((target, old))
        changed = {path: path.read_bytes() for path in files if path.exists() and path.parent not in (folder, pages)}
        try:
            folder.mkdir(parents=True)
            pages.mkdir(parents=True)
            shutil.copyfile(source, folder / "report.txt")
            for path, content in files.items():
                path.write_text(content, encoding="utf-8")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(pages, ignore_errors=True)
            for target, old in moved:
                shutil.move(target, old)
            for path, before in changed.items():
                path.write_bytes(before)
            raise


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
DEFAULTS = {"language": "en"}
"""Only the edition's language has a default. Who organised an event and in what form are facts of
each report, given by the editor with its source: never guessed (a default would be an invented fact)."""


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
    for key, value in given.items():
        # Held to the data files' rule now, not when the written metadata.yaml is next read.
        problem = value_problem(value) if isinstance(value, str) else None
        if problem:
            raise InputError("command line", None, f"{OPTIONS.get(key, key)}: {problem}")
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
    parser.add_argument(
        "--format", dest="conference_format", help="online, in person or hybrid, as the report or its source says"
    )
    parser.add_argument("--url", dest="original_url", help="the original page")
    parser.add_argument("--language", dest="language", help="default: en")
    parser.add_argument("--publisher", dest="publisher")
    parser.add_argument("--organiser", dest="organiser", help="who organised the event, as the report names it")
    add_project_option(parser)
    parser.add_argument("--force", action="store_true", help="replace an existing report (asks first; see --yes)")
    parser.add_argument("--yes", action="store_true", help="with --force: replace without asking")
    options = parser.parse_args(argv)
    try:
        metadata = description(options)
        project = project_of(options.project)
        read_text(options.text)
        if options.force and not confirmed(project, metadata["slug"], options.yes):
            return 1
        parts, review = import_report(options.text, metadata, project, options.force)
    except (InputError, ImportRefused) as error:
        print(f"edition-import: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(
            f"edition-import: {error.filename or project}: cannot write ({error.strerror}); nothing was changed",
            file=sys.stderr,
        )
        return 1
    print(f"imported {metadata['slug']}: {len(parts)} pages: " + ", ".join(part.name for part in parts))
    if options.text.read_bytes().startswith(codecs.BOM_UTF8):
        print(
            "note: the file opens with a UTF-8 byte-order mark: kept in the archived report.txt, left out of the pages"
        )
    print(f"review list ({len(review)}): names and organisations not in the registry yet")
    for item in review:
        print(f"  {item}")
    return 0


def confirmed(project: Path, slug: str, yes: bool) -> bool:
    """Say what ``--force`` discards and ask, unless ``--yes``; refuse when nobody can answer."""
    found = existing(project, slug)
    if not found:
        return True
    pages = sorted(path.name for folder in found for path in folder.glob("*") if folder.parent.name == "reports")
    print(f"--force replaces report {slug!r} and discards:", file=sys.stderr)
    for folder in found:
        what = (
            "its pages, reviewed or not: " + ", ".join(pages)
            if folder.parent.name == "reports"
            else "its archived text and metadata"
        )
        print(f"  {folder} ({what})", file=sys.stderr)
    if yes:
        return True
    if not sys.stdin.isatty():
        print(
            "edition-import: --force needs --yes when no one can answer (standard input is not a terminal); "
            "nothing was changed",
            file=sys.stderr,
        )
        return False
    answer = input("Discard them? [y/N] ")
    if answer.strip().lower() not in {"y", "yes"}:
        print("edition-import: not confirmed; nothing was changed", file=sys.stderr)
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
