"""schema.org JSON-LD in the head of every page of the web site.

Each page describes itself (``WebPage``, part of the site) and what it holds: a report's pages
the report (``Report``) and its event (``Event``); every page the people (``Person``: name, the
positions the report states as ``jobTitle``, ``affiliation`` where a position names an
organisation), organisations (``Organization``, with ``parentOrganization``), events and
agreements (``Legislation``) it mentions or lists. Every ``@id`` is a permalink of the site: a
page, or a glossary entry's anchor. Facts come from the registry and the reports' metadata only.

A ``<script type="application/ld+json">`` is data, not script: no browser runs it, and a
Content-Security-Policy that allows only the site's own scripts leaves it alone.
"""

from __future__ import annotations

import datetime
import json
from typing import Any, cast

from docutils import nodes
from sphinx.application import Sphinx
from sphinxcontrib.bibtex.domain import BibtexDomain

from ..registry import Event, Organisation, Person, Registry
from ..source_report import ReportMetadata
from .cite import page_url, report_of, report_slug
from .mentions.domain import ForumDomain

CONTEXT = "https://schema.org/"


def _date(value: datetime.date | int) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


class Describer:
    """Builds the schema.org nodes of one build's registry, reports and pages."""

    def __init__(self, app: Sphinx) -> None:
        self.app = app
        self.domain = cast(ForumDomain, app.env.get_domain("forum"))
        self.citations = cast(BibtexDomain, app.env.get_domain("cite")).citations
        self.registry: Registry = self.domain.registry

    def url(self, docname: str, anchor: str = "") -> str:
        """The permalink of a page, or of an anchor on it."""
        return page_url(self.app, docname) + (f"#{anchor}" if anchor else "")

    def entity_id(self, kind: str, entity: str) -> str | None:
        """The permalink of an entry of the glossaries, the timeline or the agreements."""
        if kind == "agreement":
            for citation in self.citations:
                if citation.key == entity:
                    return self.url(citation.bibliography_key.docname, citation.citation_id)
            return None
        found = self.domain.data["objects"].get((kind, entity))
        return self.url(*found) if found else None

    def _ref(self, kind: str, entity: str) -> dict[str, str] | None:
        found = self.entity_id(kind, entity)
        return {"@id": found} if found else None

    def person(self, person: Person) -> dict[str, Any]:
        node: dict[str, Any] = {"@type": "Person", "@id": self.entity_id("person", person.id), "name": person.name}
        node["familyName"] = person.family_name
        if person.given_name:
            node["givenName"] = person.given_name
        # Posts held at the time of a report's event (not those it gives for another time).
        at_event = [position for position in person.positions if position.context is None]
        if at_event:
            node["jobTitle"] = [position.title for position in at_event]
        affiliations = [self._ref("organisation", p.organisation) for p in at_event if p.organisation]
        if affiliations:
            node["affiliation"] = [ref for ref in affiliations if ref]
        return node

    def organisation(self, organisation: Organisation) -> dict[str, Any]:
        node: dict[str, Any] = {
            "@type": "Organization",
            "@id": self.entity_id("organisation", organisation.id),
            "name": organisation.name,
        }
        if organisation.short_name:
            node["alternateName"] = organisation.short_name
        parent = self._ref("organisation", organisation.parent) if organisation.parent else None
        if parent:
            node["parentOrganization"] = parent
        return node

    def event(self, event: Event) -> dict[str, Any]:
        node: dict[str, Any] = {"@type": "Event", "@id": self.entity_id("event", event.id), "name": event.name}
        node["startDate"] = _date(event.date)
        if event.until:
            node["endDate"] = str(event.until)
        if event.agreement:
            agreement = self._ref("agreement", event.agreement)
            if agreement:
                node["about"] = agreement
        return node

    def agreement(self, key: str) -> dict[str, Any]:
        agreement = self.registry.agreements[key]
        return {
            "@type": "Legislation",
            "@id": self.entity_id("agreement", key),
            "name": agreement.title,
            "legislationDate": agreement.date.isoformat(),
            "legislationType": agreement.kind,
        }

    def organisation_named(self, name: str) -> dict[str, Any]:
        """An organisation by its name: the registry's entry where it has one, else the name alone."""
        for organisation in self.registry.organisations.values():
            if name in organisation.all_forms:
                ref = self._ref("organisation", organisation.id)
                if ref:
                    return ref
        return {"@type": "Organization", "name": name}

    def report_event(self, report: ReportMetadata) -> dict[str, Any]:
        """The event a report is about: the timeline's entry of that day that the report's pages mention."""
        mentioned = {
            mention.entity
            for docname, mentions in self.domain.data["mentions"].items()
            if report_slug(docname) == report.slug
            for mention in mentions
            if mention.kind == "event"
        }
        candidates = [report.slug, *sorted(mentioned)]
        for entity in candidates:
            event = self.registry.events.get(entity)
            if event is not None and event.date == report.conference_date and self.entity_id("event", entity):
                node = self.event(event)
                break
        else:
            node = {"@type": "Event", "name": report.title, "startDate": report.conference_date.isoformat()}
        if report.conference_format == "online":
            node["eventAttendanceMode"] = {"@id": "https://schema.org/OnlineEventAttendanceMode"}
        node["organizer"] = self.organisation_named(report.organiser)
        return node

    def report(self, report: ReportMetadata) -> list[dict[str, Any]]:
        """The report (its landing page is its permalink) and its event."""
        event = self.report_event(report)
        landing = self.url(f"reports/{report.slug}/index")
        node: dict[str, Any] = {
            "@type": "Report",
            "@id": landing,
            "name": report.title,
            "publisher": self.organisation_named(report.publisher),
            "inLanguage": report.language,
            "isBasedOn": {"@id": str(report.original_url)},
        }
        if "@id" in event:
            node["about"] = {"@id": event["@id"]}
        return [node, event]

    def page(self, docname: str) -> dict[str, Any]:
        """The graph of one page: the page, its report and the entities it mentions or lists."""
        site = self.url(self.app.config.root_doc)
        graph: list[dict[str, Any]] = [
            {
                "@type": "WebPage",
                "@id": self.url(docname),
                "name": self.app.env.titles[docname].astext() if docname in self.app.env.titles else docname,
                "isPartOf": {"@id": site},
            }
        ]
        report = report_of(self.app, docname)
        if report is not None:
            graph += self.report(report)
            graph[0]["about"] = {"@id": graph[1]["@id"]}
        wanted = {(m.kind, m.entity) for m in self.domain.data["mentions"].get(docname, [])}
        wanted |= {key for key, (objdoc, _) in self.domain.data["objects"].items() if objdoc == docname}
        if docname == self._agreements_page():
            wanted |= {("agreement", key) for key in self.registry.agreements}
        described = {node.get("@id") for node in graph}
        for kind, entity in sorted(wanted):
            node = self.entity(kind, entity)
            if node is not None and node.get("@id") and node["@id"] not in described:
                described.add(node["@id"])
                graph.append(node)
        return {"@context": CONTEXT, "@graph": graph}

    def _agreements_page(self) -> str | None:
        for citation in self.citations:
            return citation.bibliography_key.docname
        return None

    def entity(self, kind: str, entity: str) -> dict[str, Any] | None:
        """The schema.org node of one registry entry (None if the registry lacks it)."""
        if kind == "person" and entity in self.registry.people:
            return self.person(self.registry.people[entity])
        if kind == "organisation" and entity in self.registry.organisations:
            return self.organisation(self.registry.organisations[entity])
        if kind == "event" and entity in self.registry.events:
            return self.event(self.registry.events[entity])
        if kind == "agreement" and entity in self.registry.agreements:
            return self.agreement(entity)
        return None


def script(data: dict[str, Any]) -> str:
    """A JSON-LD script element; ``<``, ``>`` and ``&`` escaped, so no text can close it early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>\n'


def add_json_ld(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Add the page's JSON-LD to its head (pages written from the sources: the site's own)."""
    if app.builder.name != "html" or doctree is None:
        return
    context["metatags"] = context.get("metatags", "") + script(Describer(app).page(pagename))


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("dialogue_edition.sphinxext.cite")
    app.connect("html-page-context", add_json_ld)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
