"""The glossaries of people and organisations, generated from the registry, never by hand.

``{people-glossary}`` and ``{organisations-glossary}`` write one section per initial letter (with
a jump bar) and one entry per person or organisation, sorted by family name or by name. Each
entry is a ``forum`` object with an index entry, and ends with "Mentioned in", filled in when
the page is written: a link to every paragraph that mentions the entry, grouped by report and
page in reading order, with page numbers in the PDF.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any, ClassVar, Generic, TypeVar

from docutils import nodes
from sphinx import addnodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform
from sphinx.util.docutils import SphinxDirective

from ...registry import FILES, Event, Organisation, Person, Position, Registry
from ...source_report import long_date
from ..contributing import note_data_source
from ..index_filing import index_letter
from .domain import ForumDomain, anchor_of, forum_domain
from .nodes import mention_backrefs


def xref(kind: str, target: str, text: str) -> pending_xref:
    """A cross-reference to an entry of the ``forum`` domain."""
    node = pending_xref("", refdomain="forum", reftype=kind, reftarget=target, refexplicit=True, refwarn=True)
    node += nodes.Text(text)
    return node


def field(name: str, *body: nodes.Node) -> nodes.field:
    """One field of an entry (``Country: Russia``)."""
    return nodes.field("", nodes.field_name(name, name), nodes.field_body("", *body))


def bullets(items: Iterable[list[nodes.Node]]) -> nodes.bullet_list:
    """A bullet list, one paragraph of inline nodes per item."""
    listing = nodes.bullet_list()
    for inline in items:
        listing += nodes.list_item("", nodes.paragraph("", "", *inline))
    return listing


def linked_title(title: str, organisation: str | None, registry: Registry) -> list[nodes.Node]:
    """A position's words as the report states them, its organisation (and parents) linked in place."""
    chain, current = [], organisation
    while current:
        chain.append(registry.organisations[current])
        current = registry.organisations[current].parent
    spans: list[tuple[int, int, Organisation]] = []
    for org in chain:
        for form in org.all_forms:
            start = title.find(form)
            if start >= 0 and all(start >= end or start + len(form) <= begin for begin, end, _ in spans):
                spans.append((start, start + len(form), org))
                break
    result: list[nodes.Node] = []
    cursor = 0
    for start, end, org in sorted(spans, key=lambda span: span[0]):
        result += [nodes.Text(title[cursor:start]), xref("organisation", org.id, title[start:end])]
        cursor = end
    result.append(nodes.Text(title[cursor:]))
    if organisation and not any(org.id == organisation for _, _, org in spans):
        result += [nodes.Text(", "), xref("organisation", organisation, registry.organisations[organisation].name)]
    return result


def report_name(reports: dict[str, dict[str, Any]], slug: str) -> str:
    """A report as the glossaries name it: by the date of its event."""
    report = reports.get(slug)
    return f"the report of {long_date(report['conference_date'])}" if report else f"the report {slug!r}"


def position_text(position: Position, registry: Registry) -> list[nodes.Node]:
    """A post in the report's words, its organisation linked, and the time the report gives it for."""
    inline = linked_title(position.title, position.organisation, registry)
    if position.context:
        inline.append(nodes.Text(f" ({position.context})"))
    return inline


EntryT = TypeVar("EntryT", Person, Organisation, Event)
"""The kind of entry a glossary lists."""


class GlossaryDirective(SphinxDirective, Generic[EntryT]):
    """The common part: letters, jump bar, entries as objects."""

    kind: ClassVar[str]

    def registered(self, registry: Registry) -> Iterable[EntryT]:
        """The registry's entries of this glossary's kind."""
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        domain = forum_domain(self.env)
        domain.note_glossary(self.env.docname)
        self.note_source(domain.registry)
        entries = sorted(self.registered(domain.registry), key=lambda entry: entry.sort_key)
        groups = [(letter, list(group)) for letter, group in itertools.groupby(entries, key=self.letter)]
        jump = nodes.paragraph(classes=["glossary-jump-bar"])
        sections: list[nodes.section] = []
        for letter, group in groups:
            jump += [nodes.reference(letter, letter, internal=True, refid=f"letter-{letter.lower()}"), nodes.Text(" ")]
            section = nodes.section(ids=[f"letter-{letter.lower()}"], classes=["glossary-letter"])
            section += nodes.title(letter, letter)
            section.extend(self.entry(entry, domain) for entry in group)
            sections.append(section)
        return [nodes.container("", jump, classes=["glossary-jump"]), held_back(*sections)]

    def note_source(self, registry: Registry) -> None:
        """The page is made from the registry's file of this kind (its "edit" link opens it)."""
        note_data_source(self.env, registry.folder / FILES[self.kind][0])

    def letter(self, entry: EntryT) -> str:
        """The initial under which the entry is listed."""
        return str(entry.sort_key[0])[:1].upper()

    def entry(self, entry: EntryT, domain: ForumDomain) -> nodes.section:
        """One entry: title, index entry, fields, "Mentioned in"."""
        anchor = anchor_of(self.kind, entry.id)
        domain.note_object(self.kind, entry.id, self.env.docname)
        section = nodes.section(ids=[anchor], classes=["glossary-entry", self.kind])
        heading = self.heading(entry)
        section += nodes.title(heading, heading)
        # A semicolon would split the general index's entry into a false sub-entry.
        index_text = self.index_text(entry).replace(";", ",")
        section += addnodes.index(entries=[("single", index_text, anchor, "", self.letter(entry))])
        fields = nodes.field_list(classes=["glossary-fields"])
        fields.extend(self.fields(entry, domain.registry))
        if entry.forms:
            fields += field("Also written", nodes.paragraph("", "; ".join(entry.forms)))
        if entry.note:
            fields += field("Editorial note", nodes.paragraph("", entry.note, classes=["editorial"]))
        if entry.sources:
            fields += field("Sources", self.sources(entry, domain.registry))
        fields += field(self.backrefs_label, mention_backrefs("", targets=self.backref_targets(entry)))
        section += fields
        return section

    #: How each added field is named where its sources are listed.
    SOURCE_LABELS: ClassVar[dict[str, str]] = {
        "name_order": "Name order",
        "country": "Country",
        "parent": "Part of",
        "note": "Editorial note",
        "date": "Date",
        "name": "Description",
        "agreement": "Agreement",
    }

    def report_link(self, slug: str, text: str | None = None) -> nodes.Node:
        """A link to a report's landing page, named by its event's date (or ``text``)."""
        link = pending_xref(
            "",
            refdomain="std",
            reftype="doc",
            reftarget=f"/reports/{slug}/index",
            refdoc=self.env.docname,
            refexplicit=True,
            refwarn=True,
        )
        link += nodes.Text(text or report_name(self.config.edition_reports, slug))
        return link

    def sources(self, entry: Person | Organisation | Event, registry: Registry) -> nodes.bullet_list:
        """Where each fact the editors added to the entry comes from: one item per field."""
        items = []
        for name, ids in entry.sources.items():
            inline: list[nodes.Node] = [nodes.Text(f"{self.SOURCE_LABELS.get(name, name)}: ")]
            for number, source_id in enumerate(ids):
                if number:
                    inline.append(nodes.Text("; "))
                if source_id in registry.sources:
                    source = registry.sources[source_id]
                    citation: nodes.Node = nodes.Text(source.citation)
                    if source.url:
                        url = str(source.url)
                        citation = nodes.reference(source.citation, source.citation, refuri=url)
                    inline.append(citation)
                else:
                    # The report as the repository records it (source_reports/<slug>/): text and metadata.
                    inline.append(self.report_link(source_id))
            items.append(inline)
        listing = bullets(items)
        listing["classes"].append("entry-sources")
        return listing

    #: The heading of the back-references: "Mentioned in" (the timeline: "In the report").
    backrefs_label = "Mentioned in"

    def backref_targets(self, entry: EntryT) -> list[str]:
        """Whose mentions make up the entry's back-references (``kind:id``)."""
        return [f"{self.kind}:{entry.id}"]

    def heading(self, entry: EntryT) -> str:
        """The entry's heading: what the list is sorted by comes first."""
        return entry.name

    def index_text(self, entry: EntryT) -> str:
        """The general index's wording of the entry."""
        return entry.name

    def fields(self, entry: EntryT, registry: Registry) -> list[nodes.field]:
        """The fields particular to the kind of entry."""
        raise NotImplementedError


class PeopleGlossary(GlossaryDirective[Person]):
    """People, sorted by family name."""

    kind = "person"

    def registered(self, registry: Registry) -> Iterable[Person]:
        return registry.people.values()

    def heading(self, entry: Person) -> str:
        """The name as the glossary sorts it: family name first ("Khudoley, Konstantin").

        A name the reports already write family name first ("Lee Sang Don") stays as written.
        """
        if entry.name_order == "family-first" or not entry.given_name:
            return entry.name
        return f"{entry.family_name}, {entry.given_name}"

    def index_text(self, entry: Person) -> str:
        """The general index's entry: the glossary's heading ("Khudoley, Konstantin", "Chae Wook").

        A name written family name first is not inverted with a comma ("Chae, Wook"), as indexes
        write Korean names (The Chicago Manual of Style, 16.83): the glossary already lists it so.
        """
        return self.heading(entry) if entry.given_name else entry.family_name

    def fields(self, entry: Person, registry: Registry) -> list[nodes.field]:
        order = "family name first" if entry.name_order == "family-first" else "given name first"
        names = f"family name {entry.family_name}" + (f", given name {entry.given_name}" if entry.given_name else "")
        result = [field("Name", nodes.paragraph("", f"{entry.name}: {names} (written {order})"))]
        # Posts and roles belong to the report that gives them: one item per report, newest first.
        order_of = {slug: index for index, slug in enumerate(self.config.edition_reports)}
        items = []
        for event in sorted(entry.events, key=lambda event: order_of.get(event.report, len(order_of))):
            item = nodes.list_item(
                "", nodes.paragraph("", "", self.report_link(event.report), nodes.Text(": " + "; ".join(event.roles)))
            )
            if event.positions:
                item += bullets(position_text(position, registry) for position in event.positions)
            items.append(item)
        result.append(field("In the reports", nodes.bullet_list("", *items, classes=["person-reports"])))
        return result


class OrganisationsGlossary(GlossaryDirective[Organisation]):
    """Organisations, sorted by name."""

    kind = "organisation"

    def registered(self, registry: Registry) -> Iterable[Organisation]:
        return registry.organisations.values()

    def fields(self, entry: Organisation, registry: Registry) -> list[nodes.field]:
        result = []
        if entry.short_name:
            result.append(field("Short name", nodes.paragraph("", entry.short_name)))
        if entry.country:
            country = "Russia and the Republic of Korea" if entry.country == "both" else entry.country
            result.append(field("Country", nodes.paragraph("", country)))
        if entry.parent:
            parent = registry.organisations[entry.parent]
            result.append(field("Part of", nodes.paragraph("", "", xref("organisation", parent.id, parent.name))))
        children = registry.children(entry.id)
        if children:
            result.append(
                field("Includes", bullets([xref("organisation", child.id, child.name)] for child in children))
            )
        members = registry.members(entry.id)
        if members:
            result.append(field("People", bullets([xref("person", person.id, person.name)] for person in members)))
        return result


class Timeline(GlossaryDirective[Event]):
    """The dated events, in date order: each linked to its paragraphs and its agreement."""

    kind = "event"

    def run(self) -> list[nodes.Node]:
        domain = forum_domain(self.env)
        domain.note_glossary(self.env.docname)
        self.note_source(domain.registry)
        events = sorted(domain.registry.events.values(), key=lambda event: event.sort_key)
        return [self.entry(event, domain) for event in events]

    def entry(self, event: Event, domain: ForumDomain) -> nodes.section:
        section = super().entry(event, domain)
        title = f"{event.when}: {event.name}"
        section[0] = nodes.title(
            title, "", nodes.inline(event.when, event.when, classes=["timeline-date"]), nodes.Text(f": {event.name}")
        )
        return section

    def index_text(self, entry: Event) -> str:
        return f"{entry.name} ({entry.when})"

    def letter(self, entry: Event) -> str:
        """The index's letter: the first word's, after a leading article ("The ceasefire" under C)."""
        return index_letter(self.index_text(entry))

    def backref_targets(self, entry: Event) -> list[str]:
        return [f"event:{entry.id}"] + ([f"agreement:{entry.agreement}"] if entry.agreement else [])

    def fields(self, entry: Event, registry: Registry) -> list[nodes.field]:
        result = []
        if entry.agreement:
            agreement = registry.agreements[entry.agreement]
            label = agreement.shorttitle or agreement.title
            result.append(field("Agreement", nodes.paragraph("", "", xref("agreement", entry.agreement, label))))
        return result


class held_back(nodes.Element):
    """A glossary's entries, kept out of the page's tree while most of the reading transforms run.

    A glossary's entries are over a thousand elements, which some eighty transforms would each
    walk in turn (half of reading the people page). The directive makes each entry whole: its ids,
    index entry and place in the domain. What may still concern them runs from
    :class:`PutBack` on: Sphinx's domains collect their objects and index entries (priority 850),
    and the page's tree is handed to the collectors and ``doctree-read`` handlers.
    """

    def __init__(self, *content: nodes.Node) -> None:
        super().__init__()
        self.content = list(content)


class PutBack(SphinxTransform):
    """Put each glossary's entries in its place, just before Sphinx's domains process the page."""

    default_priority = 845

    def apply(self) -> None:
        for holder in list(self.document.findall(held_back)):
            holder.replace_self(holder.content)


def setup(app: Sphinx) -> None:
    """Register the directives."""
    app.add_transform(PutBack)
    app.add_directive("people-glossary", PeopleGlossary)
    app.add_directive("organisations-glossary", OrganisationsGlossary)
    app.add_directive("timeline", Timeline)
