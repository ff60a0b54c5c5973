"""Every report held to the standard of the first: the checks a reviewed report passes and a raw draft fails.

For every report under ``source_reports/`` with pages under ``docs/reports/<slug>/``:

- every person and organisation the importer's review finds by shape
  (:mod:`dialogue_edition.name_shapes`) in the report's paragraphs and captions is marked with
  ``{person}`` or ``{org}`` (and therefore registered: an unknown id fails the build), or is listed
  in the report's review file as a name that is not an entity (headings are left out: a mention is
  never marked in a heading; a registered name named again in a paragraph after its marked mention
  may stay unmarked);
- every block keeps its kind (:mod:`dialogue_edition.block_kinds`): a caption stands in a
  ``{missing-photo}`` caption, a heading is a heading, a paragraph a paragraph;
- the timeline has no event still named as the importer named it ("The event reported in …").

The review file, ``docs/reports/<slug>/review.yaml`` (optional; beside the pages it is about, as the
editors' work on the edition, never in ``source_reports/``, which holds only what was received)::

    not_entities:            # found by shape, but no person or organisation
      - text: Great Storm
        reason: a storm, not an organisation
    kinds:                   # where a block's shape misleads: its opening words and its kind
      "Speech of Professor Kim": heading

Each problem is an :class:`~dialogue_edition.errors.InputError` naming the page (or file) and line.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .block_kinds import BlockKind, block_kinds
from .data_files import line_in, load_model
from .errors import InputError
from .fidelity import normalise
from .name_shapes import LEGAL_FORMS, ORGANISATION_HEADS, Found, find_names
from .registry import Registry, form_pattern
from .source_report import SourceReport

REVIEW_FILE = "review.yaml"
PLACEHOLDER_EVENT = "The event reported in"
"""How the importer names a report's event until an editor says what it was."""
EDITORIAL_DIRECTIVES = {"editorial", "report-metadata", "toctree", "rubric", "only", "grid", "grid-item-card"}
"""Directives whose content is the editors', not the report's: not searched for names or blocks."""
ROLE = re.compile(r"\{(?P<role>[a-z:-]+)\}`(?P<content>[^`]*)`")
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.DOTALL)
ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
FENCE = re.compile(r"^(?P<fence>`{3,}|:{3,})\s*(?:\{(?P<name>[^}]+)\})?")
KIND_OF_ROLE = {"person": "person", "org": "organisation"}


class NotEntity(BaseModel):
    """Words the shape rules take for a name that name no person or organisation."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    text: str = Field(min_length=1, description="as the report writes it")
    reason: str = Field(min_length=1, description="why it is not an entity (a place, an event, a motto, ...)")


class Review(BaseModel):
    """A report's review file: what the editors decided where the shape rules cannot."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    not_entities: list[NotEntity] = Field(default_factory=list)
    kinds: dict[str, BlockKind] = Field(default_factory=dict)


@dataclass
class PageBlock:
    """A block of a page as a reader sees it: its kind, its text, and where its pieces stand."""

    path: Path
    kind: BlockKind
    line: int
    text: str = ""
    roles: list[tuple[int, int, str, str]] = field(default_factory=list)
    pieces: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, line in file)

    def add(self, piece: str, line: int) -> None:
        """Append text that starts on ``line`` of the file."""
        self.pieces.append((len(self.text), line))
        self.text += piece

    def line_at(self, offset: int) -> int:
        """The file's line of the character at ``offset`` of the block's text."""
        index = bisect.bisect_right([start for start, _ in self.pieces], offset) - 1
        start, line = self.pieces[max(index, 0)]
        return line + self.text[start:offset].count("\n")


def _add_markup(block: PageBlock, raw: str, line: int) -> None:
    """Append a line of MyST: roles become their text (a mention's span is kept), escapes are undone."""
    position = 0
    for match in ROLE.finditer(raw):
        block.add(ESCAPE.sub(r"\1", raw[position : match.start()]), line)
        role, content = match.group("role"), match.group("content")
        if role.startswith("cite"):
            pass  # a citation's label is editorial
        else:
            explicit = EXPLICIT.match(content)
            text = explicit.group("text") if explicit else content
            start = len(block.text)
            block.add(text, line)
            if role in KIND_OF_ROLE:
                target = explicit.group("target") if explicit else content
                block.roles.append((start, len(block.text), KIND_OF_ROLE[role], target))
        position = match.end()
    block.add(ESCAPE.sub(r"\1", raw[position:]), line)


def page_blocks(path: Path) -> list[PageBlock]:
    """The report's blocks on a MyST page: headings, paragraphs, and captions of ``{missing-photo}``.

    What the editors wrote (notes, metadata, the table of contents) is left out.
    """
    blocks: list[PageBlock] = []
    current: PageBlock | None = None
    fences: list[tuple[str, str]] = []  # open directives: (fence, name)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        opening = FENCE.match(stripped)
        if fences and re.fullmatch(re.escape(fences[-1][0][0]) + f"{{{len(fences[-1][0])},}}", stripped):
            fences.pop()
            current = None
            continue
        if opening and (opening.group("name") or not fences):
            fences.append((opening.group("fence"), (opening.group("name") or "").strip()))
            current = None
            continue
        inside = fences[-1][1] if fences else None
        if inside is not None and (inside != "missing-photo" or any(n in EDITORIAL_DIRECTIVES for _, n in fences)):
            continue
        if inside == "missing-photo" and stripped.startswith(":") and current is None:
            continue  # an option (":name: photo-…")
        if not stripped or stripped.startswith("%") or re.fullmatch(r"\(.+\)=", stripped):
            current = None
            continue
        if stripped.startswith("#") and inside is None:
            heading = PageBlock(path, "heading", number)
            _add_markup(heading, stripped.lstrip("#").strip(), number)
            blocks.append(heading)
            current = None
            continue
        if current is None:
            current = PageBlock(path, "caption" if inside == "missing-photo" else "paragraph", number)
            blocks.append(current)
        else:
            current.add("\n", number)
        _add_markup(current, stripped, number)
    return blocks


def _key_spans(found: Found) -> list[tuple[int, int]]:
    """The words of a found name that a mark must cover: an organisation's head words, a person's name."""
    if found.kind == "organisation" and not found.short_form_of:
        spans = [
            (found.start + word.start(), found.start + word.end())
            for word in re.finditer(r"[\w-]+", found.text)
            if word.group() in ORGANISATION_HEADS or word.group() in LEGAL_FORMS
        ]
        if spans:
            return spans
    if found.form_of:
        return [(found.end - len(found.form_of), found.end)]
    return [(found.start, found.end)]


def _covered(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)


def _registered(text: str, kind: str, registry: Registry) -> str | None:
    """The id of the registered entry ``text`` is a form of (a found name is never matched by a fragment)."""
    wanted = normalise(text)
    forms: list[tuple[str, str]] = []
    if kind == "person":
        forms = [(form, person.id) for person in registry.people.values() for form in person.all_forms]
    else:
        for organisation in registry.organisations.values():
            short = [organisation.short_name] if organisation.short_name else []
            forms += [(form, organisation.id) for form in [*organisation.all_forms, *short]]
    return next((entity for form, entity in forms if normalise(form) == wanted), None)


def name_problems(block: PageBlock, registry: Registry, not_entities: list[str], review_file: Path) -> list[InputError]:
    """Names found by shape in ``block`` that are neither marked nor reviewed as not entities."""
    problems = []
    excused = [
        (match.start(), match.end()) for text in not_entities for match in form_pattern(text).finditer(block.text)
    ]
    for found in find_names(block.text):
        kind = "person" if found.kind == "person" else "organisation"
        marks = [(start, end) for start, end, role, _ in block.roles if role == kind]
        keys = _key_spans(found)
        if all(_covered(key, marks) or _covered(key, excused) for key in keys):
            continue
        line = block.line_at(found.start)
        entity = _registered(found.text, kind, registry)
        if entity:
            earlier = [start for start, _, role, target in block.roles if (role, target) == (kind, entity)]
            if earlier and min(earlier) < found.start:
                continue  # named again after its marked first mention in the same paragraph
            message = f"{found.text!r} is {kind} {entity!r} in the registry but is not marked here"
        else:
            what = "a person" if kind == "person" else "an organisation"
            message = (
                f"{found.text!r} looks like the name of {what} but is not marked: register and mark it, "
                f"or list it under not_entities in {review_file}"
            )
        problems.append(InputError(block.path, line, message))
    return problems


KIND_ADVICE = {
    "caption": "is a caption in the report (a line without closing punctuation that names a person or is too "
    "long for a heading): write it in a ```{missing-photo}``` directive",
    "heading": "is a heading in the report: make it the page's heading",
    "paragraph": "is a paragraph in the report: write it as a paragraph",
}


def review_problems(report: SourceReport, pages: Path, registry: Registry) -> list[InputError]:
    """Everything a report's pages still need before they meet the standard (empty: they do)."""
    review_path = pages / REVIEW_FILE
    review = load_model(review_path, Review) if review_path.exists() else Review()
    problems: list[InputError] = []
    text = normalise(report.text)
    for index, item in enumerate(review.not_entities):
        if normalise(item.text) not in text:
            line = line_in(review_path, ("not_entities", index, "text"))
            problems.append(InputError(review_path, line, f"{item.text!r} is not in the report: remove it"))
    blocks = report.blocks()
    for start in review.kinds:
        if not any(block.startswith(start) for block in blocks):
            line = line_in(review_path, ("kinds", start))
            problems.append(InputError(review_path, line, f"no block of the report opens with {start!r}"))
    kinds = dict(zip(map(normalise, blocks), block_kinds(blocks, review.kinds), strict=False))
    not_entities = [item.text for item in review.not_entities]
    for page in sorted(pages.glob("*.md")):
        if page.name == "index.md":
            continue  # the landing page is the editors' throughout
        for block in page_blocks(page):
            expected = kinds.get(normalise(block.text))
            if expected and expected != block.kind:
                problems.append(InputError(page, block.line, f"this {block.kind} {KIND_ADVICE[expected]}"))
            if block.kind != "heading":
                problems += name_problems(block, registry, not_entities, review_path)
    return problems


def report_kinds(report: SourceReport, pages: Path) -> list[BlockKind]:
    """The kind of each of the report's blocks: by shape, unless its review file says otherwise."""
    review_path = pages / REVIEW_FILE
    review = load_model(review_path, Review) if review_path.exists() else Review()
    return block_kinds(report.blocks(), review.kinds)


def event_problems(registry: Registry) -> list[InputError]:
    """Events still named as the importer named them."""
    return [
        InputError(
            registry.location("event", event.id).rsplit(":", 1)[0],
            int(registry.location("event", event.id).rsplit(":", 1)[1]),
            f"event {event.id!r} still has the importer's name ({PLACEHOLDER_EVENT} …): "
            "say what the event was, in the report's words",
        )
        for event in registry.events.values()
        if event.name.startswith(PLACEHOLDER_EVENT)
    ]


def all_problems(
    project: Path, reports: list[SourceReport], registry: Registry, skip: set[str] | frozenset[str] = frozenset()
) -> list[InputError]:
    """The review problems of every report present (but those in ``skip``), then the timeline's."""
    problems = []
    for report in reports:
        if report.slug in skip:
            continue
        pages = project / "docs" / "reports" / report.slug
        if pages.is_dir():
            problems += review_problems(report, pages, registry)
    return problems + event_problems(registry)
