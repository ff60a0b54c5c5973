"""The glossaries of people and organisations, generated from the registry, never by hand.

``{people-glossary}`` and ``{organisations-glossary}`` write one section per initial letter (with
a jump bar) and one entry per person or organisation, sorted by family name or by name. Each
entry is a ``forum`` object with an index entry, and ends with "Mentioned in", filled in when
the page is written: a link to every paragraph that mentions the entry, grouped by report and
page in reading order, with page numbers in the PDF.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import ClassVar

from docutils import nodes
from sphinx import addnodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.environment import BuildEnvironment
from sphinx.errors import NoUri
from sphinx.util.docutils import SphinxDirective

from ...registry import ROLE_LABELS, Organisation, Person, Registry
from .domain import ForumDomain, Mention, anchor_of
from .nodes import mention_backrefs, page_number

REPORT_PAGE = re.compile(r"^reports/(?P<slug>[^/]+)/")


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


class GlossaryDirective(SphinxDirective):
    """The common part: letters, jump bar, entries as objects."""

    kind: ClassVar[str]

    def run(self) -> list[nodes.Node]:
        domain: ForumDomain = self.env.get_domain("forum")
        domain.note_glossary(self.env.docname)
        entries = sorted(domain.registry.entries(self.kind).values(), key=lambda entry: entry.sort_key)
        groups = [(letter, list(group)) for letter, group in itertools.groupby(entries, key=self.letter)]
        jump = nodes.paragraph(classes=["glossary-jump-bar"])
        sections = []
        for letter, group in groups:
            jump += [nodes.reference(letter, letter, internal=True, refid=f"letter-{letter.lower()}"), nodes.Text(" ")]
            section = nodes.section(ids=[f"letter-{letter.lower()}"], classes=["glossary-letter"])
            section += nodes.title(letter, letter)
            section.extend(self.entry(entry, domain) for entry in group)
            sections.append(section)
        return [nodes.container("", jump, classes=["glossary-jump"]), *sections]

    def letter(self, entry: Person | Organisation) -> str:
        """The initial under which the entry is listed."""
        return entry.sort_key[0][:1].upper()

    def entry(self, entry: Person | Organisation, domain: ForumDomain) -> nodes.section:
        """One entry: title, index entry, fields, "Mentioned in"."""
        anchor = anchor_of(self.kind, entry.id)
        domain.note_object(self.kind, entry.id, self.env.docname)
        section = nodes.section(ids=[anchor], classes=["glossary-entry", self.kind])
        section += nodes.title(entry.name, entry.name)
        section += addnodes.index(entries=[("single", self.index_text(entry), anchor, "", self.letter(entry))])
        fields = nodes.field_list(classes=["glossary-fields"])
        fields.extend(self.fields(entry, domain.registry))
        if entry.forms:
            fields += field("Also written", nodes.paragraph("", "; ".join(entry.forms)))
        if entry.note:
            fields += field("Editorial note", nodes.paragraph("", entry.note, classes=["editorial"]))
        fields += field("Mentioned in", mention_backrefs("", kind=self.kind, entity=entry.id))
        section += fields
        return section

    def index_text(self, entry: Person | Organisation) -> str:
        """The general index's wording of the entry."""
        return entry.name

    def fields(self, entry: Person | Organisation, registry: Registry) -> list[nodes.field]:
        """The fields particular to the kind of entry."""
        raise NotImplementedError


class PeopleGlossary(GlossaryDirective):
    """People, sorted by family name."""

    kind = "person"

    def index_text(self, entry: Person) -> str:
        return f"{entry.family_name}, {entry.given_name}" if entry.given_name else entry.family_name

    def fields(self, entry: Person, registry: Registry) -> list[nodes.field]:
        order = "family name first" if entry.name_order == "family-first" else "given name first"
        names = f"family name {entry.family_name}" + (f", given name {entry.given_name}" if entry.given_name else "")
        result = [field("Name", nodes.paragraph("", f"{names} (written {order})"))]
        if entry.positions:
            items = []
            for position in entry.positions:
                inline = linked_title(position.title, position.organisation, registry)
                if not position.at_event:
                    inline.append(nodes.Text(" (at the time the report refers to, not at the event)"))
                items.append(inline)
            result.append(field("Positions", bullets(items)))
        events = []
        for event in entry.events:
            report = pending_xref(
                "",
                refdomain="std",
                reftype="doc",
                reftarget=f"/reports/{event.report}/index",
                refdoc=self.env.docname,
                refexplicit=False,
                refwarn=True,
            )
            report += nodes.Text(event.report)
            roles = ", ".join(ROLE_LABELS[role] for role in event.roles)
            events.append([report, nodes.Text(f": {roles}")])
        result.append(field("At the event", bullets(events)))
        return result


class OrganisationsGlossary(GlossaryDirective):
    """Organisations, sorted by name."""

    kind = "organisation"

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


def reading_order(env: BuildEnvironment) -> dict[str, int]:
    """Every page's place in the site's reading order (a walk of the toctrees from the root)."""
    order: list[str] = []

    def visit(docname: str) -> None:
        if docname not in order:
            order.append(docname)
            for child in env.toctree_includes.get(docname, []):
                visit(child)

    visit(env.config.root_doc)
    return {docname: index for index, docname in enumerate(order)}


def _group_label(env: BuildEnvironment, docname: str) -> tuple[str, str | None]:
    match = REPORT_PAGE.match(docname)
    if not match:
        return "Other pages of this site", None
    landing = f"reports/{match['slug']}/index"
    return env.titles[landing].astext(), landing


def _uri(builder: Builder, fromdoc: str, docname: str) -> str | None:
    """The link from one page to another, or None where the output does not hold that page.

    A PDF holds one report: mentions on other pages of the site are left out of it.
    """
    try:
        return builder.get_relative_uri(fromdoc, docname)
    except NoUri:
        return None


def render_backrefs(app: Sphinx, fromdoc: str, mentions: list[Mention]) -> nodes.Node:
    """Mentions grouped by report, then by page: links to each paragraph (and PDF pages)."""
    env, builder = app.env, app.builder
    groups: dict[tuple[str, str | None], dict[str, list[Mention]]] = {}
    for found in mentions:
        groups.setdefault(_group_label(env, found.docname), {}).setdefault(found.docname, []).append(found)
    outer = nodes.bullet_list(classes=["mentioned-in"])
    for (label, landing), pages in groups.items():
        heading: list[nodes.Node] = [nodes.Text(label)]
        if landing and _uri(builder, fromdoc, landing) is not None:
            heading = [nodes.reference(label, label, internal=True, refuri=_uri(builder, fromdoc, landing))]
        inner = []
        for docname, found in pages.items():
            uri = _uri(builder, fromdoc, docname)
            if uri is None:
                continue
            title = env.titles[docname].astext()
            inline: list[nodes.Node] = [nodes.reference(title, title, internal=True, refuri=uri), nodes.Text(": ")]
            for index, item in enumerate(found):
                text = f"¶{item.paragraph}"
                if index:
                    inline.append(nodes.Text(", "))
                inline.append(
                    nodes.reference(text, text, internal=True, refuri=f"{uri}#{item.anchor}", classes=["paragraph-ref"])
                )
                inline.append(page_number("", docname=docname, anchor=item.anchor))
            inner.append(inline)
        if inner:
            outer += nodes.list_item("", nodes.paragraph("", "", *heading), bullets(inner))
    return outer


def fill_backrefs(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace each "Mentioned in" placeholder, now that every page's mentions are known."""
    domain: ForumDomain = app.env.get_domain("forum")
    order = reading_order(app.env)
    for placeholder in list(doctree.findall(mention_backrefs)):
        mentions = sorted(
            domain.mentions_of(placeholder["kind"], placeholder["entity"]),
            key=lambda found: (order.get(found.docname, len(order)), found.paragraph),
        )
        placeholder.replace_self(render_backrefs(app, docname, mentions))


def setup(app: Sphinx) -> None:
    """Register the directives and the back-reference filling."""
    app.add_directive("people-glossary", PeopleGlossary)
    app.add_directive("organisations-glossary", OrganisationsGlossary)
    app.connect("doctree-resolved", fill_backrefs)
