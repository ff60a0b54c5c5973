"""The site's search index: one Pagefind record per paragraph, glossary entry, agreement and event.

Pagefind (``pagefind[bin]``, its binary in the wheel) indexes whole pages and splits them on
headings; a documentary edition's reader wants the paragraph, the person or the agreement, each
with its own anchor and filters of its own ("paragraphs that mention Sergei Kurbanov"). So the
finished site is read here, each unit is cut out as a small HTML document of its own (its words,
weighted; its filters and metadata in ``data-pagefind-*`` elements) and handed to Pagefind's
indexing service (``pagefind_service``) under the URL of its anchor. Hover cards, BibTeX,
navigation and "Mentioned in" lists never reach the index. The bundle goes into the site being
built (``pagefind/``), so it is part of the same staged output as the pages (written in memory
first where possible, and sharing unchanged files with the published bundle: ``search_scratch``);
``search_bundle`` then makes it reproducible, and only the files the search page uses are kept.

Units and their kinds:

- a paragraph or caption of a report page: ``Report text`` (inside an editorial box, or on a
  page that is not part of a report's text: ``Editorial text``), with the report (title and
  year), the year, and the people and organisations it mentions as filters;
- a heading of a report's pages: ``Report text`` where the report has it, else ``Editorial text``;
- an entry of the glossaries and the timeline: ``Person``, ``Organisation``, ``Event``;
- an entry of the bibliography: ``Agreement``.

Ranking follows from weights (Pagefind's scale, 0 to 10, quadratic): an entry's name outweighs
any other words, so an exact name puts its entry first; an agreement's title, place and date
outweigh an event's title, so "Panmunjom" or "1992" finds the agreement before the timeline.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import stat
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from copy import deepcopy
from dataclasses import dataclass, field
from html import escape
from importlib.metadata import PackageNotFoundError, version
from operator import attrgetter
from pathlib import Path
from typing import Any, cast

from lxml import etree as lxml_etree
from lxml import html as lxml_html

from . import page_furniture, pagefind_service, search_ahead, search_bundle
from .check_ahead import end_with_parent
from .file_links import link_or_copy, remove, write_whole
from .page_furniture import FURNITURE_CLASSES, compiled, drop, has_class, with_any_class
from .pagefind_service import PagefindService, PagefindServiceError
from .search_bundle import BundleFormatError, stabilise
from .search_bundle import read as read_bundle_file
from .search_parts import PARTS_FILE, Document, IndexPart, by_part, index_part, parts_data, published_digests
from .search_scratch import place, room_for, scratch_folder
from .work_ahead import usable_cores

BUNDLE = "pagefind"
"""The folder of the site that holds the index and Pagefind's script."""
SKIPPED_PAGES = {"search.html", "genindex.html", "404.html"}
"""Pages that are tools, not content: never search results."""
REPORT_META = "edition-search-report"
YEAR_META = "edition-search-year"
"""The report a page belongs to and its year, written into each page by the search_page extension."""
ENTRY_FILE = "pagefind-entry.json"
KEPT_FILES = ("pagefind.js", ENTRY_FILE)
"""Of Pagefind's own files, those the edition's search page uses (besides the index and wasm)."""
DROPPED = (*FURNITURE_CLASSES, "cite-this", "mentioned-in", "cited-in")
"""What a record never holds: the page furniture (cards, pilcrows, citation labels, Cite controls),
an agreement's BibTeX (``cite-this``) and the glossaries' back-references."""
SKIPPED_FIELDS = {"Name", "Date from", "Mentioned in", "At the event"}
"""Fields that would only add the same words to every entry ("family name", "given name",
"verified sources"), or links elsewhere."""
SKIPPED_LISTS = ("mentioned-in", "entry-sources")
"""Fields whose list is of links elsewhere or of the editors' sources: whatever their label says,
not what an entry is about (a source's title is not a word of the person's)."""
FIELDS_META = "fields"
"""The meta field of an entry's fields (JSON: ``[[label, value], ...]``), which the search page shows as
the result's description: Pagefind's excerpt of an entry is its values run together ("Russia. JSC
Russian Railways. Aleksei Astafev."). Meta fields are not searched (the search page weighs none):
a query for a label ("Country") finds no entry by it.
"""
FORM_FIELDS = {"Also written", "Short name"}
"""Fields that hold other forms of the name itself ("Also written" lists them, ``;`` between):
weighted almost as the name, and a query that is exactly one of them puts the entry first."""

WEIGHT_NAME = 10.0
WEIGHT_NAME_FORM = 8.0
WEIGHT_AGREEMENT = 7.0
WEIGHT_EVENT_TITLE = 2.0
WEIGHT_HEADING = 3.0
WEIGHT_TEXT = 1.0

KIND_REPORT = "Report text"
KIND_EDITORIAL = "Editorial text"
ENTRY_KINDS = {"person": "Person", "organisation": "Organisation", "event": "Event"}
KIND_AGREEMENT = "Agreement"
YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
YEARS = re.compile(rf"^{YEAR.pattern}\s*[–-]\s*{YEAR.pattern}")
"""A period at the head of a timeline entry's title ("1970–1989: …")."""


def event_years(title: str) -> list[str]:
    """The years a timeline entry's title dates it to: its year, or every year of its period.

    A reader who filters by 1980 finds what went on from 1970 to 1989.
    """
    period = YEARS.match(title)
    if period and int(period.group(1)) <= int(period.group(2)):
        return [str(year) for year in range(int(period.group(1)), int(period.group(2)) + 1)]
    year = YEAR.search(title)
    return [year.group(1)] if year else []


class SearchIndexFailed(Exception):
    """Pagefind could not index the site; the message says why."""


@dataclass
class Record:
    """One search result: where it leads, what it says, how it is found and filtered."""

    url: str
    title: str
    kind: str
    context: str = ""
    parts: list[tuple[str, float]] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    """An entry's name and its other forms: a query that is exactly one of them puts it first."""
    mentioned: dict[str, list[str]] = field(default_factory=dict)
    """The entities a paragraph mentions, by filter (``person``: ids); named once all pages are read."""
    fields: list[tuple[str, str]] = field(default_factory=list)
    """An entry's fields as its glossary shows them (label, value), in order: the result's
    description (``FIELDS_META``). Their values are among the record's words; their labels are not."""

    def add(self, text: str, weight: float = WEIGHT_TEXT) -> None:
        """Add words to the record, with their weight in the ranking."""
        text = " ".join(text.split())
        if text:
            self.parts.append((text, weight))

    def html(self, language: str) -> str:
        """The record as the small HTML document Pagefind indexes."""
        body = "".join(
            f'<p data-pagefind-weight="{weight:g}">{escape(text)}</p>'
            if weight != WEIGHT_TEXT
            else f"<p>{escape(text)}</p>"
            for text, weight in self.parts
        )
        hidden = [("meta", "title", self.title), ("meta", "kind", self.kind), ("filter", "kind", self.kind)]
        if self.context:
            hidden.append(("meta", "context", self.context))
        if self.names:
            hidden.append(("meta", "names", " | ".join(self.names)))
        if self.fields:
            hidden.append(("meta", FIELDS_META, json.dumps(self.fields, ensure_ascii=False, separators=(",", ":"))))
        hidden += [("filter", name, value) for name, values in sorted(self.filters.items()) for value in values]
        data = "".join(f'<span data-pagefind-{what}="{name}">{escape(value)}</span>' for what, name, value in hidden)
        return f'<html lang="{escape(language)}"><body>{body}<div data-pagefind-ignore>{data}</div></body></html>'


def text_of(element: lxml_html.HtmlElement) -> str:
    """The words a reader sees in an element, without cards, pilcrows, BibTeX or labels."""
    copy = deepcopy(element)  # what is dropped goes from the copy; the page stays whole
    drop(copy, DROPPED)
    for item in compiled(".//li[following-sibling::li]")(copy):
        item.tail = "; " + (item.tail or "")  # list items read as a list, not run together
    for before in compiled(".//li/*[following-sibling::*[1][self::ul or self::ol]]")(copy):
        before.tail = "; " + (before.tail or "")  # and an item's own list is not run into its words
    return " ".join(copy.text_content().split())


def _meta(tree: lxml_html.HtmlElement, name: str) -> str:
    found = compiled(f'//meta[@name="{name}"]/@content')(tree)
    return str(found[0]) if found else ""


def _main(tree: lxml_html.HtmlElement) -> lxml_html.HtmlElement | None:
    found = compiled('//*[@role="main"]')(tree)
    return found[0] if found else None


def _anchor_of(block: lxml_html.HtmlElement) -> str | None:
    """The id a paragraph (its leading target) or a caption (its figure) is linked by."""
    if block.tag == "figcaption":
        figure = block.getparent()
        anchor = figure.get("id") if figure is not None else None
    else:
        targets = compiled('./span[@class="target"][@id]')(block)
        anchor = targets[0].get("id") if targets else block.get("id")
    return str(anchor) if anchor else None


NOT_PARAGRAPHS = {"glossary-entry", "citation", "glossary-jump", "report-metadata", "sidebar", "sd-card"}
"""Blocks inside these are not a page's paragraphs: entries (which have records of their own),
jump lists, the report's metadata, sidebars and cards."""


def classes_around(block: lxml_html.HtmlElement) -> set[str]:
    """The classes of the block and of every element it sits inside (one walk up, for every question)."""
    return {name for element in (block, *block.iterancestors()) for name in (element.get("class") or "").split()}


def page_names(tree: lxml_html.HtmlElement) -> tuple[dict[str, str], dict[str, str]]:
    """A page's glossary entries' names, and the names its mention cards give, by ``kind:id``."""
    names, written = {}, {}
    for entry in compiled(f"//section[{has_class('glossary-entry')}]")(tree):
        kind = next(kind for kind in ENTRY_KINDS if kind in entry.get("class", "").split())
        entity = entry.get("id", "").split("-", 1)[-1]
        heading = compiled("./*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")(entry)
        if heading:
            names[f"{kind}:{entity}"] = text_of(heading[0])
    # A glossary heads a person as it sorts them ("Khudoley, Konstantin"); a filter names them
    # as the reports write them, which their mention cards give.
    for card in compiled(f"//*[@data-kind][@data-entity]//*[{has_class('mention-card-name')}]")(tree):
        mention = next(card.iterancestors("span"), None)
        while mention is not None and mention.get("data-entity") is None:
            mention = next(mention.iterancestors("span"), None)
        if mention is not None:
            written[f"{mention.get('data-kind')}:{mention.get('data-entity')}"] = " ".join(card.text_content().split())
    return names, written


def _entry_records(url: str, main: lxml_html.HtmlElement) -> Iterator[Record]:
    """Glossary and timeline entries, and the bibliography's agreements."""
    for entry in compiled(f".//section[{has_class('glossary-entry')}]")(main):
        kind = next((kind for kind in ENTRY_KINDS if kind in entry.get("class", "").split()), None)
        heading = compiled("./*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")(entry)
        if kind is None or not heading or not entry.get("id"):
            continue
        title = text_of(heading[0])
        record = Record(f"{url}#{entry.get('id')}", title, ENTRY_KINDS[kind], names=[title])
        if kind == "event":
            record.add(title, WEIGHT_EVENT_TITLE)
            years = event_years(title)
            if years:
                record.filters["year"] = years
        else:
            record.add(title, WEIGHT_NAME)
        for term in compiled(f"./dl[{has_class('glossary-fields')}]/dt")(entry):
            label = text_of(term).rstrip(":").strip()
            definition = term.getnext()
            if definition is None or label in SKIPPED_FIELDS or compiled(with_any_class(SKIPPED_LISTS))(definition):
                continue
            value = text_of(definition)
            record.add(value, WEIGHT_NAME_FORM if label in FORM_FIELDS else WEIGHT_TEXT)
            if value:
                record.fields.append((label, value))
            if label in FORM_FIELDS:
                record.names += [form.strip() for form in value.split(";") if form.strip()]
        yield record
    for citation in compiled(f".//div[{has_class('citation')}][starts-with(@id, 'agreement-')]")(main):
        description = compiled("./p[not(@class)]")(citation)
        if not description:
            continue
        emphasis = compiled(".//em")(description[0])
        text = text_of(description[0])
        title = text_of(emphasis[0]) if emphasis else text.split(".")[0]
        label = " ".join(compiled('./span[@class="label"]//text()')(citation)).replace(" ", "")
        record = Record(f"{url}#{citation.get('id')}", f"{label} {title}".strip(), KIND_AGREEMENT, names=[title])
        # The label is the agreement's year ([1992]): as strong as its title.
        record.add(f"{title} {label.strip('[]')}", WEIGHT_NAME)
        signed, rest = _agreement_sentences(text.removeprefix(title).strip())
        record.add(signed, WEIGHT_AGREEMENT)
        record.add(rest)
        year = YEAR.search(label) or YEAR.search(text)
        if year:
            record.filters["year"] = [year.group(1)]
        yield record


PARTIES, SOURCES = ". Parties: ", ". Sources: "
"""Where an agreement's description (``treaty_style``) leaves its signature and its editors' sources."""


def _agreement_sentences(description: str) -> tuple[str, str]:
    """An agreement's kind and signature (place, date), and its parties, signatories and note.

    The sources are left out: a source's title ("Great Soviet Encyclopedia") is not a word of
    the agreement's, and would find it for "Soviet Union".
    """
    described = description.rpartition(SOURCES)[0] + "." if SOURCES in description else description
    signed, parties, rest = described.partition(PARTIES)
    return (signed + ".", parties.removeprefix(". ") + rest) if parties else (described, "")


HEADINGS = "./*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6]"


def _block_title(page_title: str, block: lxml_html.HtmlElement) -> str:
    """A block's title in the results, as the page shows it.

    A paragraph with a ¶ number shown beside it is "Page, ¶4"; a caption "Page, ¶7 (caption)".
    Elsewhere (the glossaries' and the data page's prose, whose paragraphs show no number) the
    block is named by where it stands: its section's heading, the title of the box it is in
    ("About these data"), the term it defines in a list of definitions ("Open data › Organisations
    › country"); never by a number the page does not show.
    """
    # The number of the block's ¶ link ("¶4"), which every paragraph of a report's page has; the
    # editors' notes there have it without a Cite button.
    shown = [link.lstrip("¶") for link in compiled(f".//a[{has_class('paragraph-link')}]/text()")(block)]
    if block.tag == "figcaption":  # never the page heading's own title, which has a record too
        return f"{page_title}, ¶{shown[0]} (caption)" if shown else f"{page_title}, caption"
    if shown:
        return f"{page_title}, ¶{shown[0]}"
    steps = [page_title]
    in_sections = (compiled(HEADINGS)(section) for section in block.iterancestors("section"))
    headings: list[lxml_html.HtmlElement] = next((found for found in in_sections if found), [])
    if headings:
        steps.append(text_of(headings[0]))
    box = next((box for box in block.iterancestors("div") if "admonition" in (box.get("class") or "").split()), None)
    box_title = compiled(f"./p[{has_class('admonition-title')}]")(box) if box is not None else []
    if box_title:
        steps.append(text_of(box_title[0]))
    parent = block.getparent()
    term = parent.getprevious() if parent is not None and parent.tag == "dd" else None
    if term is not None and term.tag == "dt":
        # A field of the data dictionary is named by its name ("country"), not its type's notes.
        named = compiled("./code")(term)
        steps.append(text_of(named[0] if named else term))
    return " › ".join(step for step in steps if step)


def _block_titles(page_title: str, blocks: list[lxml_html.HtmlElement]) -> list[str]:
    """Each block's title (:func:`_block_title`), told apart where blocks would share one.

    Their place among those that share it is added ("…, paragraph 2"), which a reader can count.
    """
    titles = [_block_title(page_title, block) for block in blocks]
    shared = {title for title, count in Counter(titles).items() if count > 1}
    seen: Counter[str] = Counter()
    numbered = []
    for title in titles:
        seen[title] += 1
        numbered.append(f"{title}, paragraph {seen[title]}" if title in shared else title)
    return numbered


def _paragraph_records(url: str, main: lxml_html.HtmlElement, report: str, year: str) -> Iterator[Record]:
    """Each anchored paragraph and caption outside the entries: report text or editorial text."""
    headings = compiled(".//h1")(main)
    page_title = text_of(headings[0]) if headings else ""
    in_report_text = bool(report) and not url.endswith("/index.html")
    blocks = []
    for block in compiled(".//p | .//figcaption")(main):
        around = classes_around(block)
        if around & NOT_PARAGRAPHS:
            continue
        if "admonition-title" in (block.get("class") or "").split() or "rubric" in (block.get("class") or ""):
            continue
        anchor = _anchor_of(block)
        text = text_of(block)
        if anchor and text:
            blocks.append((block, around, anchor, text))
    titles = _block_titles(page_title, [block for block, *_ in blocks])
    for (block, around, anchor, text), title in zip(blocks, titles, strict=True):
        editorial = not in_report_text or "editorial" in around
        record = Record(f"{url}#{anchor}", title, KIND_EDITORIAL if editorial else KIND_REPORT, context=report)
        record.add(text)
        if report:
            record.filters["report"] = [report]
        if year:
            record.filters["year"] = [year]
        # "Paragraphs that mention X" are the reports' own, as the glossaries' "Mentioned in" lists
        # them: the editors' notes name people too, but are not the reports' mentions.
        for kind, name in () if editorial else (("person", "person"), ("organisation", "organisation")):
            mentioned = {
                f"{kind}:{node.get('data-entity', '')}"
                for node in compiled(
                    f".//*[@data-kind='{kind}'][{has_class('mention')} or {has_class('mention-text')}]"
                )(block)
            }
            if mentioned:
                record.mentioned[name] = sorted(mentioned)
        yield record


def _heading_records(url: str, main: lxml_html.HtmlElement, report: str, year: str) -> Iterator[Record]:
    """The headings of a report's pages: the report's own (``report-heading``) or the editors'."""
    if not report:
        return
    for heading in compiled("./section//*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6]")(main):
        section = heading.getparent()
        text = text_of(heading)
        if section.tag != "section" or not section.get("id") or not text:
            continue
        kind = KIND_REPORT if "report-heading" in (heading.get("class") or "").split() else KIND_EDITORIAL
        record = Record(f"{url}#{section.get('id')}", text, kind, context=report)
        record.add(text, WEIGHT_HEADING)
        record.filters.update(report=[report], year=[year] if year else [])
        yield record


def site_pages(site: Path) -> list[tuple[str, str]]:
    """The site's pages that hold content, each as its URL in the site and its file, in a stable order.

    The order is that of their paths' parts (``a/x.html`` before ``a-b/x.html``). Names, not path
    objects, and Sphinx's folders and the search index are not walked: an edit lists the pages of
    the whole site (1,206 at 200 reports, beside 7,840 files of the index).
    """
    found: list[tuple[str, str]] = []
    pending = [("", str(site))]
    while pending:
        within, folder = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                url = within + entry.name
                if not within and entry.name.startswith(("_", BUNDLE)):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    pending.append((f"{url}/", entry.path))
                elif entry.name.endswith(".html") and url not in SKIPPED_PAGES:
                    found.append((url, entry.path))
    return sorted(found, key=lambda page: page[0].split("/"))


@dataclass
class PageParts:
    """What one page gives the index: its language, names by ``kind:id``, and its records."""

    language: str = ""
    names: dict[str, str] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)


def _page_parser() -> lxml_etree.HTMLParser:
    """An HTML parser that makes every element an :class:`lxml.html.HtmlElement`.

    ``lxml.html``'s own parser asks a Python function which class each element gets (a form's
    fields get their own): a tenth of reading a page, for classes the index never uses.
    """
    parser = lxml_etree.HTMLParser()
    parser.set_element_class_lookup(
        lxml_etree.ElementDefaultClassLookup(
            element=lxml_html.HtmlElement,
            comment=lxml_html.HtmlComment,
            pi=lxml_html.HtmlProcessingInstruction,
            entity=lxml_html.HtmlEntity,
        )
    )
    return parser


PAGE_PARSER = _page_parser()


def page_parts(page: bytes, url: str) -> PageParts:
    """Read one built page: its names and records (a redirect stub or a tool page gives none)."""
    tree = lxml_html.document_fromstring(page, parser=PAGE_PARSER)
    names, written = page_names(tree)
    parts = PageParts(tree.get("lang") or "", names, written)
    main = _main(tree)
    if main is None or compiled('//meta[@http-equiv="refresh"]')(tree):
        return parts
    report, year = _meta(tree, REPORT_META), _meta(tree, YEAR_META)
    parts.records += _entry_records(url, main)
    parts.records += _heading_records(url, main, report, year)
    parts.records += _paragraph_records(url, main, report, year)
    return parts


def _code_digest() -> str:
    """A digest of what reads a page into its parts: this module, the furniture list and lxml's version.

    The record cache is keyed by it, so that a cache written by other code (records that held the
    Cite controls' words, say) is never taken for this code's.
    """
    digest = hashlib.sha256(str(lxml_etree.LXML_VERSION).encode())  # the parser the records come from
    for module in (__file__, page_furniture.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()


CACHE_VERSION = _code_digest()
"""What a cached page's parts were read by; parts read by other code are read again."""


@dataclass
class CachedPage:
    """A page as the record cache knows it: its digest, what it names, and its records (read when wanted)."""

    path: Path
    url: str
    key: str
    """A digest of this code's version, the page's URL and its bytes: the same key, the same parts."""
    identity: list[int]
    """The file's identity when its key was taken (:func:`_identity`)."""
    language: str
    names: dict[str, str]
    written: dict[str, str]
    count: int
    """How many records the page gives."""
    records: list[Record] | None = None
    """``None`` until wanted: an edit needs the records of the changed parts of the index only."""


RECORD_FILES = "{stem}-records"
"""The folder, beside the cache file, of one JSON file of records a page (``<key>.json``)."""
KEY = re.compile(r"[0-9a-f]{64}")
"""A page's key as this code writes it; any other (a damaged cache) never names a file."""
ENTRY_FIELDS = {"language", "names", "written", "count"}
"""A page's entry in the cache file: what it names (for every part's filters) and how many records it gives."""


class RecordCache:
    """What each page gave the index in the last build, kept in ``cache`` (a file of the build's cache).

    The file maps a digest of each page's URL and bytes (and this module's version of the parts)
    to what the page names and how many records it gives; the records are in a file a page
    beside it (:data:`RECORD_FILES`), read only for the parts of the index that changed. Reading
    and digesting every page took 0.16 s at 200 reports, and an edit's staged site links the
    published site's unchanged pages: so the cache also keeps each page's file identity (device,
    inode, size, modification time) with its digest, and a page whose file is the one the digest
    was taken from is not read again (:func:`_known_key`). It also keeps, for each part of the
    index, the digest of what the part was written from and the part's own (``parts``). The file
    starts with a digest of the rest: a value changed by damage, even of the right type, makes the
    whole cache as good as none.
    """

    def __init__(self, cache: Path | None) -> None:
        self.cache = cache
        self.folder = cache.parent / RECORD_FILES.format(stem=cache.stem) if cache else None
        self.entries: dict[str, Any] = {}
        self.identities: dict[str, Any] = {}
        self.parts: dict[str, tuple[str, str]] = {}
        self.saved_ns = 0
        self.unchanged: dict[str, tuple[list[int], CachedPage]] = {}
        """Pages known by their files (:func:`_known_key`), with the file's identity: taken again for
        the same file without a look at the cache (:meth:`known_pages`, then :meth:`pages`)."""
        if cache and cache.is_file():
            # Any other shape (an older cache, a damaged file, nesting past json's depth) is as good as none.
            with contextlib.suppress(
                OSError, ValueError, TypeError, AttributeError, KeyError, RecursionError, OverflowError
            ):
                data = cast(dict[str, Any], unsealed(cache.read_text(encoding="utf-8")))
                entries, identities, saved_ns = dict(data["pages"]), dict(data["files"]), int(data["saved_ns"])
                parts = {_text(folder): _pair(value) for folder, value in dict(data["parts"]).items()}
                if data["version"] == CACHE_VERSION:  # else digests taken by other code: every page is read again
                    self.entries, self.identities, self.saved_ns, self.parts = entries, identities, saved_ns, parts

    def pages(self, pages: list[tuple[str, str]]) -> list[CachedPage]:
        """The ``pages`` (URL and file, :func:`site_pages`): taken from the cache where it knows them, else read now."""
        known: dict[int, CachedPage] = {}
        unread: list[tuple[int, str, str, list[int], bytes]] = []
        paths = [Path(file) for _, file in pages]
        for index, ((url, _), path) in enumerate(zip(pages, paths, strict=True)):
            identity = _identity(path.stat())
            page = self._unchanged_page(url, path, identity)
            if page is None:
                with path.open("rb") as handle:
                    identity, content = _identity(os.fstat(handle.fileno())), handle.read()
                key = page_key(url, content)
                page = self._known_page(path, url, key, identity) or self._read_ahead(path, url, key, identity)
                if page is None:
                    unread.append((index, url, key, identity, content))
                    continue
            known[index] = page
        read = _read_pages([(content, url) for _, url, _, _, content in unread])
        for (index, url, key, identity, _), data in zip(unread, read, strict=True):
            known[index] = self._remember(CachedPage(paths[index], url, key, identity, "", {}, {}, 0), data)
        return [known[index] for index in range(len(paths))]

    def known_pages(self, pages: list[tuple[str, str]]) -> list[CachedPage]:
        """Those of ``pages`` the cache knows by their files, none read: what can be known before they are final.

        They are kept (:attr:`unchanged`): :meth:`pages` takes each again for the same file.
        """
        found = []
        for url, file in pages:
            path = Path(file)
            with contextlib.suppress(OSError):  # gone meanwhile: the final listing says
                page = self._unchanged_page(url, path, _identity(path.stat()))
                if page is not None:
                    found.append(page)
        return found

    def _unchanged_page(self, url: str, path: Path, identity: list[int]) -> CachedPage | None:
        """The page in the file of this ``identity``, if the cache knows it by that file (:func:`_known_key`)."""
        kept = self.unchanged.get(url)
        if kept is not None and kept[0] == identity:
            return kept[1]
        key = _known_key(identity, self.identities.get(url), self.saved_ns)
        page = self._known_page(path, url, key, identity) if key else None
        if page is not None:
            # A file known by its identity was written before the last build saved: one written
            # since, even in the same place, has another modification time.
            self.unchanged[url] = (identity, page)
        return page

    def _read_ahead(self, path: Path, url: str, key: str, identity: list[int]) -> CachedPage | None:
        """The page as read while it was written (``search_ahead``), if what was read is this file's bytes."""
        ahead = search_ahead.take(url)
        if ahead is None or ahead[0] != key:
            return None
        return self._remember(CachedPage(path, url, key, identity, "", {}, {}, 0), ahead[1])

    def _known_page(self, path: Path, url: str, key: str, identity: list[int]) -> CachedPage | None:
        """The page under ``key`` as the cache has it, or ``None`` if it has no entry of this shape."""
        entry = self.entries.get(key)
        if not isinstance(entry, dict) or set(entry) != ENTRY_FIELDS or not KEY.fullmatch(key):
            return None
        try:
            language, count = _text(entry["language"]), _count(entry["count"])
            names, written = _names_by_key(entry["names"]), _names_by_key(entry["written"])
        except (TypeError, ValueError, AttributeError):
            return None
        return CachedPage(path, url, key, identity, language, names, written, count)

    def _remember(self, page: CachedPage, data: dict[str, Any]) -> CachedPage:
        """``page`` as just read (``data``, a page's parts as data), kept for the next builds."""
        parts = _parts_from(data)
        page.language, page.names, page.written = parts.language, parts.names, parts.written
        page.count, page.records = len(parts.records), parts.records
        self.entries[page.key] = {
            "language": page.language,
            "names": page.names,
            "written": page.written,
            "count": page.count,
        }
        if self.folder:
            if not _own_folder(self.folder):
                remove(self.folder)
                self.folder.mkdir(parents=True)
            written = self.folder / f"{page.key}.json"
            remove(written)  # a new file: never through a link (or into anything else) found in its place
            written.write_text(json.dumps(data["records"]), encoding="utf-8")
        return page

    def records(self, page: CachedPage) -> list[Record]:
        """A page's records: from its file in the cache, or read from the page again if that is not whole."""
        if page.records is None and self.folder and _own_folder(self.folder):
            with contextlib.suppress(OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
                found = _records_from(json.loads(_read_own_file(self.folder / f"{page.key}.json")))
                own = all(record.url.startswith(f"{page.url}#") for record in found)  # not another page's
                page.records = found if own and len(found) == page.count else None
        if page.records is None:
            content = page.path.read_bytes()
            if page_key(page.url, content) != page.key:
                if self.cache:
                    remove(self.cache)  # the next build digests every page afresh
                raise SearchIndexFailed(f"{page.path} changed while the search index was written: build again")
            self._remember(page, _read_pages([(content, page.url)])[0])
        return cast(list[Record], page.records)

    def save(self, pages: list[CachedPage], parts: dict[str, tuple[str, str]]) -> None:
        """Keep what ``pages`` gave and the ``parts``' digests for the next build; drop the rest."""
        if not self.cache:
            return
        keys = {page.key for page in pages}
        data = {
            "version": CACHE_VERSION,
            "pages": {key: self.entries[key] for key in sorted(keys)},
            "files": {page.url: [*page.identity, page.key] for page in pages},
            "parts": parts,
            "saved_ns": time.time_ns(),
        }
        self.cache.parent.mkdir(parents=True, exist_ok=True)
        write_whole(self.cache, sealed(data))  # never through a link found in its place
        self.identities, self.saved_ns = cast(dict[str, Any], data["files"]), cast(int, data["saved_ns"])
        for path in self.folder.iterdir() if self.folder and _own_folder(self.folder) else ():
            if path.name.removesuffix(".json") not in keys:
                remove(path)


def sealed(data: object) -> str:
    """``data`` as JSON, after a line with the digest of that JSON (see :func:`unsealed`)."""
    body = json.dumps(data)
    return f"{hashlib.sha256(body.encode()).hexdigest()}\n{body}"


def unsealed(text: str) -> object:
    """What :func:`sealed` wrote; ``ValueError`` if the text is not what it wrote (damaged, even in a value)."""
    seal, _, body = text.partition("\n")
    if seal != hashlib.sha256(body.encode()).hexdigest():
        raise ValueError("not the text that was written")
    return json.loads(body)


def _own_folder(folder: Path) -> bool:
    """Whether ``folder`` is a folder of its own (not a link to one, nor anything else)."""
    return folder.is_dir() and not folder.is_symlink()


def _read_own_file(path: Path) -> bytes:
    """A plain file's bytes; a link, a pipe or anything else is an ``OSError`` (and is never waited on)."""
    handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(handle, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise OSError(f"{path} is not a plain file")
        return file.read()


def page_key(url: str, content: bytes) -> str:
    """A page's key in the cache: a digest of the code that reads it, its URL and its bytes."""
    return hashlib.sha256(f"{CACHE_VERSION}\0{url}\0".encode() + content).hexdigest()


def _identity(status: os.stat_result) -> list[int]:
    return [status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns]


RACY_NS = 2_000_000_000
"""A file changed this close to the cache's writing may have changed again within the same tick
of the file system's clock (a few milliseconds), keeping its identity: it is read again."""


def _known_key(identity: list[int], known: object, saved_ns: int) -> str | None:
    """The digest of a page, if its file (``identity``) is the one the cache took it from; else ``None``.

    The same device, inode, size and modification time, well before the cache was written: the
    staged site's pages are links to the published ones, and a page is only ever written as a new
    file, never in place (``sphinxext.staged_site``).
    """
    if not isinstance(known, list) or len(known) != 5 or not isinstance(known[4], str):
        return None
    if identity != known[:4] or identity[3] > saved_ns - RACY_NS:
        return None
    return str(known[4])


PARALLEL_FROM = 100
"""Pages to read from which they are read by one process per core (a cold build of about 17
reports or more): forking costs a few hundredths of a second, a page about 5 ms."""


def page_parts_data(page: tuple[bytes, str]) -> dict[str, Any]:
    """:func:`page_parts` of a page ``(content, url)``, as data (to pass between processes and to keep).

    What :func:`dataclasses.asdict` gives, without its deep copy (a sixth of reading a page): the
    parts are made afresh for each call, and nothing else holds them.
    """
    parts = page_parts(*page)
    return {**vars(parts), "records": [vars(record) for record in parts.records]}


def _read_pages(pages: list[tuple[bytes, str]]) -> list[dict[str, Any]]:
    """What each page ``(content, url)`` gives the index, as data; in order, whoever reads it.

    Many pages (a cold build of a large archive) are shared among processes forked from this one,
    one per core: the parts are the same, only sooner. Each ends with this process, however it
    ends (the child that writes the index, ``index_ahead``, is killed when a build fails).
    """
    cores = usable_cores()
    if len(pages) < PARALLEL_FROM or cores < 2:
        return [page_parts_data(page) for page in pages]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=cores, mp_context=context, initializer=end_with_parent) as pool:
        return list(pool.map(page_parts_data, pages, chunksize=16))


def _parts_from(data: dict[str, Any]) -> PageParts:
    """A page's parts from their data, each value of the type it was written as (else ``TypeError``)."""
    names, written = _names_by_key(data["names"]), _names_by_key(data["written"])
    return PageParts(_text(data["language"]), names, written, _records_from(data["records"]))


def _records_from(data: list[Any]) -> list[Record]:
    """Records from their JSON, each value of the type it was written as (else ``TypeError``)."""
    return [
        Record(
            url=_text(record["url"]),
            title=_text(record["title"]),
            kind=_text(record["kind"]),
            context=_text(record["context"]),
            parts=[(_text(text), _number(weight)) for text, weight in record["parts"]],
            filters=_lists_by_name(record["filters"]),
            names=[_text(name) for name in record["names"]],
            mentioned=_lists_by_name(record["mentioned"]),
            fields=[(_text(label), _text(value)) for label, value in record["fields"]],
        )
        for record in data
    ]


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"not text: {value!r}")
    return value


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"not a number: {value!r}")
    return value


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(f"not a count: {value!r}")
    return value


def _pair(value: object) -> tuple[str, str]:
    if not isinstance(value, list) or len(value) != 2:
        raise TypeError(f"not a pair: {value!r}")
    return _text(value[0]), _text(value[1])


def _names_by_key(value: dict[str, Any]) -> dict[str, str]:
    return {_text(key): _text(name) for key, name in value.items()}


def _lists_by_name(value: dict[str, Any]) -> dict[str, list[str]]:
    return {_text(name): [_text(item) for item in items] for name, items in value.items()}


def _language(pages: list[CachedPage]) -> str:
    """The site's language: the last page's that states one."""
    return next((page.language for page in reversed(pages) if page.language), "en")


def _all_names(pages: list[CachedPage]) -> dict[str, str]:
    """Every entity's name by ``kind:id``: as the reports write it (mention cards), else as its glossary heads it."""
    names = {key: name for page in pages for key, name in page.names.items()}
    names.update({key: name for page in pages for key, name in page.written.items()})
    return names


def _named(found: list[Record], names: dict[str, str]) -> list[Record]:
    """``found``, the people and organisations each mentions named in its filters (once every page is read)."""
    for record in found:
        for filter_name, entities in record.mentioned.items():
            record.filters[filter_name] = sorted({names.get(key, key.split(":", 1)[1]) for key in entities})
    duplicates = sorted(url for url, count in Counter(record.url for record in found).items() if count > 1)
    if duplicates:
        raise SearchIndexFailed(f"two search records share an anchor: {', '.join(duplicates[:5])}")
    return found


def records(site: Path, cache: Path | None = None) -> tuple[str, list[Record]]:
    """The site's language, and every record of its search index, in a stable order.

    Each page is read once (or taken from ``cache``); the people and organisations a paragraph
    mentions are named once every page is read, as the glossaries and mention cards name them.
    """
    kept = RecordCache(cache)
    pages = kept.pages(site_pages(site))
    found = _named([record for page in pages for record in kept.records(page)], _all_names(pages))
    kept.save(pages, kept.parts)
    return _language(pages), found


def _write_index(bundle: Path, language: str, documents: list[Document], *, first: bool = True) -> None:
    """Pagefind's bundle of ``documents`` in ``bundle``; ``first``: with the script and WebAssembly.

    The bundle is checked again once Pagefind has exited, and written again if a file no longer
    reads whole (``WRITE_ATTEMPTS``).
    """
    for _attempt in range(WRITE_ATTEMPTS):
        _pagefind_write(bundle, language, documents, first=first)
        if bundle_complete(bundle, language, first=first):
            return
        _remove_unread(bundle, language, first=first)
    raise SearchIndexFailed(f"Pagefind's files in {bundle} were incomplete once it had exited ({WRITE_ATTEMPTS} times)")


WRITE_ATTEMPTS = 3
"""How many times a bundle is written before the build fails, should a file still not read whole
once Pagefind has exited (an index chunk was once found empty: ``bundle_complete`` had taken an
empty file, just created, for a whole one)."""


def _pagefind_write(bundle: Path, language: str, documents: list[Document], *, first: bool) -> None:
    """One Pagefind service writes ``documents`` into ``bundle``, and is waited for until every file reads whole."""
    with PagefindService({"force_language": language}) as service:
        service.add_html_files(documents)
        service.write_files(bundle)
        # Pagefind answers "written" while its last writes may still be on their way to the disk,
        # and the service stops as soon as its input closes: wait until every file reads whole.
        deadline, interval = time.monotonic() + WRITE_WAIT, FIRST_WRITE_CHECK_INTERVAL
        while not bundle_complete(bundle, language, first=first):
            if time.monotonic() > deadline:
                raise SearchIndexFailed(f"Pagefind's files in {bundle} were still incomplete after writing")
            time.sleep(interval)
            interval = min(interval * 2, LAST_WRITE_CHECK_INTERVAL)


WRITE_WAIT = 10.0
"""How long Pagefind's files may take to read whole after it answered "written" (seconds)."""
FIRST_WRITE_CHECK_INTERVAL = 0.002
LAST_WRITE_CHECK_INTERVAL = 0.05
"""The checks start often (the last writes usually land within milliseconds) and slow down."""


def _named_files(bundle: Path, language: str, *, first: bool) -> list[Path]:
    """A bundle's entry and metadata files, and every file they name (``first``: and the WebAssembly and script)."""
    return [bundle / name for name in _named_names(bundle, language, first=first)]


def _named_names(bundle: Path, language: str, *, first: bool) -> list[str]:
    """:func:`_named_files` as names relative to ``bundle`` (thousands of files: no path objects)."""
    entry = json.loads((bundle / ENTRY_FILE).read_text(encoding="utf-8"))
    meta_name = f"pagefind.{entry['languages'][language]['hash']}.pf_meta"
    # [version, pages [[fragment, words]], chunks [[from, to, index]], filters [[name, file]], ...]
    meta: Any = read_bundle_file(bundle / meta_name)
    named = [ENTRY_FILE, meta_name]
    named += [f"fragment/{page[0]}.pf_fragment" for page in meta[1]]
    named += [f"index/{chunk[2]}.pf_index" for chunk in meta[2]]
    named += [f"filter/{item[1]}.pf_filter" for item in meta[3]]
    return [*named, f"wasm.{language}.pagefind", "pagefind.js"] if first else named


NAMED_FILE_PROBLEMS = (OSError, EOFError, ValueError, KeyError, IndexError, TypeError, BundleFormatError)


def bundle_complete(bundle: Path, language: str, *, first: bool = True) -> bool:
    """Whether every file the bundle's entry and metadata name is there and reads whole.

    ``first``: also the WebAssembly and the script, which only the index's first part has.
    """
    try:
        return all(_reads_whole(path) for path in _named_files(bundle, language, first=first))
    except NAMED_FILE_PROBLEMS:
        return False


def _reads_whole(path: Path) -> bool:
    """Whether one of Pagefind's files reads whole (a missing one raises, as ``NAMED_FILE_PROBLEMS``)."""
    if path.suffix == ".js":
        return b"export{" in path.read_bytes()[-400:]
    if path.suffix == ".json":
        return True
    # Pagefind's other files are gzip streams, never empty: an empty one (created, not yet
    # written) decompresses to nothing without an error, and was once passed for whole.
    data = path.read_bytes()
    if not data:
        return False
    gzip.decompress(data)
    return True


def _remove_unread(bundle: Path, language: str, *, first: bool) -> None:
    """Remove the bundle's files that do not read whole: Pagefind leaves a file it finds there as it is."""
    with contextlib.suppress(*NAMED_FILE_PROBLEMS):
        for path in _named_files(bundle, language, first=first):
            try:
                whole = _reads_whole(path)
            except NAMED_FILE_PROBLEMS:
                whole = False
            if not whole:
                path.unlink(missing_ok=True)


@dataclass
class PublishedPart:
    """A published part that can be reused: the files it names, and whether its folder holds nothing else."""

    names: list[str]
    """Relative to the part's folder: every file its entry and metadata name, each a plain file."""
    alone: bool
    """The folder holds these files and their folders and nothing else: nothing found beside a
    part's files (a stray file, a link, an empty folder) is carried into the new site with it."""


def _published_part(bundle: Path, language: str, *, first: bool) -> PublishedPart | None:
    """A published part's files (relative to it), if every one its entry and metadata name is a plain file.

    A published bundle was read whole before it was placed, and its files are never written
    again: that they are all there is enough to reuse them. Only the files the part names are
    taken (never a link, a folder or anything else found beside them); ``None`` if any is not.
    """
    try:
        names = _named_names(bundle, language, first=first)
        steps = [name.split("/") for name in names]
        folders = {"/".join(parts[:depth]) for parts in steps for depth in range(1, len(parts))}
        files, alone = _plain_files(bundle, folders)
    except NAMED_FILE_PROBLEMS:
        return None
    return PublishedPart(names, alone and files == set(names)) if files.issuperset(names) else None


def _writer_version() -> str:
    """What, besides its records, a part's bytes come from: this code and Pagefind's version."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    for module in (search_bundle.__file__, pagefind_service.__file__):
        digest.update(Path(module).read_bytes())
    try:
        pagefind = version("pagefind_bin")
    except PackageNotFoundError:
        pagefind = str(pagefind_service.pagefind_executable())
    return f"{digest.hexdigest()}:pagefind {pagefind}"


@dataclass
class PreparedIndex:
    """What writing the index works out before the site's pages are final (:func:`prepare_index`).

    The record cache with the pages it knows by their files, the writer's version, the published
    parts' digests and each published part's files: none of it changes while Sphinx writes.
    """

    kept: RecordCache
    writer: str
    published: dict[str, str]
    published_parts: dict[tuple[str, str], PublishedPart | None] = field(default_factory=dict)

    @classmethod
    def unprepared(cls, cache: Path | None, previous: Path | None) -> PreparedIndex:
        """Only what every index needs read: the record cache, the writer's version, the published digests."""
        return cls(RecordCache(cache), _writer_version(), published_digests(previous))

    def published_part(self, previous: Path, folder: str, language: str) -> PublishedPart | None:
        """:func:`_published_part` of ``folder``, worked out once (the published bundle is never written)."""
        if (folder, language) not in self.published_parts:
            self.published_parts[folder, language] = _published_part(previous / folder, language, first=not folder)
        return self.published_parts[folder, language]


def prepare_index(site: Path, cache: Path | None, previous: Path | None) -> PreparedIndex:
    """Work out ahead what writing the index of ``site`` needs and its pages' changes leave as it is.

    The pages are read as they are (their files' identities only, none parsed); each published
    part's files are listed for the language those pages state.
    """
    prepared = PreparedIndex.unprepared(cache, previous)
    pages = prepared.kept.known_pages(site_pages(site)) if site.is_dir() else []
    if previous is not None:
        language = _language(pages)
        for folder in prepared.published:
            prepared.published_part(previous, folder, language)
    return prepared


@dataclass
class WrittenIndex:
    """What :func:`index_site` did: the records indexed, and the parts left for the placing to carry over."""

    records: int
    carried: list[str] = field(default_factory=list)
    """Folders of unchanged parts (``part-<n>``, relative to the bundle) that are not in the new bundle:
    they are to be moved into it from the published bundle when the new site replaces the old."""
    pages: dict[str, str] = field(default_factory=dict)
    """The key of each page the index was written from, by URL (:func:`page_key`)."""
    files: dict[str, Any] = field(default_factory=dict)
    saved_ns: int = 0
    """Each page's file as the record cache saved it, and when (:func:`current_keys`)."""


def index_site(
    site: Path,
    cache: Path | None = None,
    previous: Path | None = None,
    *,
    carry: bool = False,
    prepared: PreparedIndex | None = None,
) -> WrittenIndex:
    """Write the search index of the built site into ``site/pagefind/``.

    The index is in parts (``search_parts``): a part whose digest the published bundle
    ``previous`` lists is linked from there, the others are written by Pagefind (the site is
    staged, so a failure leaves the published one as it was); only the files the search page
    uses are kept. ``cache``, a file outside the site, keeps what each page gave the last build,
    so that only pages that changed are read again. Written parts also share the files that did
    not change with ``previous`` (``search_scratch``).

    ``carry``: an unchanged part other than the first, whose published folder holds its files and
    nothing else, is not linked at all but listed in :attr:`WrittenIndex.carried`. The build moves
    such folders from the published site into the new one when it places it (``build.place_all``):
    one rename a part, where linking and then removing the old site's copy cost two file
    operations a file (7,840 files at 200 reports).

    ``prepared``: what :func:`prepare_index` worked out for these arguments before the pages
    were final.
    """
    prepared = prepared or PreparedIndex.unprepared(cache, previous)
    kept = prepared.kept
    pages = kept.pages(site_pages(site))
    language, names, writer = _language(pages), _all_names(pages), prepared.writer
    shared = json.dumps([writer, language, sorted(names.items())])
    bundle = site / BUNDLE
    shutil.rmtree(bundle, ignore_errors=True)
    digests: dict[str, tuple[str, str]] = {}
    changed, carried = [], []
    for folder, members in by_part([page for page in pages if page.count], attrgetter("url")):
        # What the part is written from: its pages (by key) and what every part shares.
        inputs = hashlib.sha256((shared + "".join(f"\0{page.key}" for page in members)).encode()).hexdigest()
        known = kept.parts.get(folder)
        digest = known[1] if known and known[0] == inputs else ""
        reused = _reusable(previous, folder, language, digest, prepared)
        if reused is None:  # its documents are needed: to compare with the published part's, or to write
            found = _named([record for page in members for record in kept.records(page)], names)
            part = index_part(folder, found, language, writer)
            digest = part.digest
            reused = _reusable(previous, folder, language, digest, prepared)
            if reused is None:
                changed.append(part)
        if previous and reused is not None:
            if carry and folder and reused.alone and _movable(previous, folder):
                carried.append(folder)
            else:
                _link_files(previous / folder, reused.names, bundle / folder)
        digests[folder] = (inputs, digest)
    if changed:
        _write_parts(changed, bundle, language, previous)
    listing = parts_data({folder: digest for folder, (_, digest) in digests.items()})
    (bundle / PARTS_FILE).write_text(json.dumps(listing, separators=(",", ":")), encoding="utf-8")
    kept.save(pages, digests)
    keys = {page.url: page.key for page in pages}
    return WrittenIndex(sum(page.count for page in pages), carried, keys, kept.identities, kept.saved_ns)


PageFile = tuple[str, Path, os.stat_result]
"""A page of the site: its URL, its file, and the file's status when it was listed."""


def page_files(site: Path) -> list[PageFile]:
    """Each page of ``site`` with its file's status now (what :func:`current_keys` compares)."""
    return [(url, path, path.stat()) for url, path in ((url, Path(file)) for url, file in site_pages(site))]


def current_keys(pages: list[PageFile], written: WrittenIndex) -> dict[str, str]:
    """The key of each page listed (:func:`page_files`), by URL: by its file where ``written`` read it, else digested.

    What the record cache ``written`` saved would say (:func:`_known_key`), without reading it;
    no page is parsed: this tells whether the pages are still those the index was written from.
    """
    found = {}
    for url, path, status in pages:
        known = _known_key(_identity(status), written.files.get(url), written.saved_ns)
        found[url] = known or page_key(url, path.read_bytes())
    return found


def _reusable(
    previous: Path | None, folder: str, language: str, digest: str, prepared: PreparedIndex
) -> PublishedPart | None:
    """The files of the published part in ``folder``, if its digest is ``digest`` and they are whole."""
    if previous is None or not digest or prepared.published.get(folder) != digest:
        return None
    return prepared.published_part(previous, folder, language)


def _movable(previous: Path, folder: str) -> bool:
    """Whether the published part's folder is the site's own: neither it nor the site nor its index a link.

    A folder reached through a link may be another site's (a web server's root): it is never moved.
    """
    return not any(path.is_symlink() for path in (previous.parent, previous, previous / folder))


def _plain_files(folder: Path, subfolders: set[str]) -> tuple[set[str], bool]:
    """The plain files in ``folder`` and in its ``subfolders`` (names relative to it), and whether that is all.

    Anything else there (a link, a folder not among ``subfolders``, a pipe) makes it not all. One
    listing a folder, no call a file: a part of a large archive holds hundreds of files.
    """
    files: set[str] = set()
    alone = True
    pending = [""]
    while pending:
        relative = pending.pop()
        with os.scandir(folder / relative) as entries:
            for entry in entries:
                name = f"{relative}/{entry.name}" if relative else entry.name
                if entry.is_dir(follow_symlinks=False) and name in subfolders:
                    pending.append(name)
                elif entry.is_file(follow_symlinks=False):
                    files.add(name)
                else:
                    alone = False
    return files, alone


def _link_files(published: Path, names: list[str], target: Path) -> None:
    """A published part's files (``names`` relative to it), linked into ``target``: their bytes are this build's."""
    folders: set[Path] = set()
    for name in names:
        destination = target / name
        if destination.parent not in folders:  # thousands of files in a few folders: each made once
            destination.parent.mkdir(parents=True, exist_ok=True)
            folders.add(destination.parent)
        link_or_copy(published / name, destination)


def _write_parts(parts: list[IndexPart], bundle: Path, language: str, previous: Path | None) -> None:
    """Write the parts with Pagefind, each made reproducible and kept to the files the search page uses.

    Pagefind reads one service's records one after another: several parts (a cold build of an
    archive) are written by one service each, as many at once as there are cores. Written in
    memory (``search_scratch``), each part is placed in the staged site as soon as it is done,
    while the others are still being written: copying all 2,000 files of a cold build at 50
    reports to the disk took 0.8 s once every part was written.
    """
    others = frozenset(part.folder for part in parts if part.folder)
    with scratch_folder(room_for([document for part in parts for document in part.documents])) as scratch:
        written = scratch / BUNDLE if scratch else bundle

        def write(part: IndexPart) -> None:
            _write_part(part, written, language, bundle.parent)
            if scratch:
                old = previous / part.folder if previous else None
                place(written / part.folder, bundle / part.folder, old, frozenset() if part.folder else others)

        if len(parts) > 1 and usable_cores() > 1:
            with ThreadPoolExecutor(max_workers=usable_cores()) as pool:
                list(pool.map(write, parts))
        else:
            for part in parts:
                write(part)


def _write_part(part: IndexPart, written: Path, language: str, site: Path) -> None:
    """One part of the index into ``written`` (Pagefind's output folder), for ``site``'s messages."""
    folder = written / part.folder
    try:
        _write_index(folder, language, part.documents, first=not part.folder)
    except PagefindServiceError as error:
        raise SearchIndexFailed(f"Pagefind could not index {site}: {error}") from error
    try:
        stabilise(folder, language)
    except (BundleFormatError, OSError, KeyError, ValueError) as error:
        raise SearchIndexFailed(f"search index: Pagefind's bundle could not be made reproducible: {error}") from None
    _keep_used_files(folder, language, first=not part.folder)


def _keep_used_files(bundle: Path, language: str, *, first: bool = True) -> None:
    """Remove Pagefind's files the search page does not use (other UIs, other languages' code).

    A part other than the first keeps only its index: the search page runs the first's script.
    """
    for path in bundle.iterdir():
        if path.is_dir():
            continue
        used = (*KEPT_FILES, f"wasm.{language}.pagefind") if first else (ENTRY_FILE,)
        if not (path.name in used or path.suffix == ".pf_meta"):
            path.unlink()
