"""The ``forum`` domain: people and organisations as Sphinx objects, and where each is mentioned.

Objects give every glossary entry a stable anchor, an ``objects.inv`` entry (so other projects
can link to our people through intersphinx) and cross-reference resolution. Mentions are kept
per page, so an incremental build forgets those of a page the moment the page is re-read.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.domains import Domain, ObjType
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.nodes import make_refnode
from sphinxcontrib.bibtex.domain import BibtexDomain

from ...errors import InputError
from ...registry import Registry, load_registry

logger = logging.getLogger(__name__)

KINDS = ("person", "organisation", "event")
"""The kinds of entity the ``forum`` domain holds as objects; agreements belong to the ``cite`` domain."""
ANCHOR_PREFIX = {"person": "person-", "organisation": "org-", "event": "event-"}


def anchor_of(kind: str, entity: str) -> str:
    """The stable anchor of an entry in its glossary: ``person-<id>`` or ``org-<id>``."""
    return ANCHOR_PREFIX[kind] + entity


@dataclass(frozen=True)
class Mention:
    """One paragraph of one page that mentions an entity (several mentions there count once)."""

    kind: str
    entity: str
    docname: str
    anchor: str
    paragraph: int
    editorial: bool = False
    """In an editorial addition: it counts as a mention (no orphan), but "Mentioned in" leaves it out."""


class ForumDomain(Domain):
    """People and organisations of the Dialogue Forum reports."""

    name = "forum"
    label = "Dialogue Forum"
    object_types = {
        "person": ObjType("person", "person"),
        "organisation": ObjType("organisation", "org"),
        "event": ObjType("event", "event"),
    }
    initial_data = {"objects": {}, "mentions": {}, "glossaries": set(), "digest": ""}

    @property
    def registry(self) -> Registry:
        """The registry loaded for this build."""
        registry: Registry = self.data["registry"]
        return registry

    def note_object(self, kind: str, entity: str, docname: str) -> None:
        """Record that ``docname`` holds the glossary entry of an entity."""
        self.data["objects"][kind, entity] = (docname, anchor_of(kind, entity))

    def note_mentions(self, docname: str, mentions: list[Mention]) -> None:
        """Record the mentions of one page, replacing what was known of it."""
        self.data["mentions"][docname] = mentions

    def note_glossary(self, docname: str) -> None:
        """Record a page that lists back-references, to rewrite it when any page changes."""
        self.data["glossaries"].add(docname)

    def mentions_by_entity(self) -> dict[tuple[str, str], list[Mention]]:
        """Every recorded mention, grouped by ``(kind, id)``: one pass over all pages' mentions."""
        grouped: dict[tuple[str, str], list[Mention]] = defaultdict(list)
        for mentions in self.data["mentions"].values():
            for mention in mentions:
                grouped[mention.kind, mention.entity].append(mention)
        return grouped

    def clear_doc(self, docname: str) -> None:
        self.data["mentions"].pop(docname, None)
        self.data["glossaries"].discard(docname)
        for key, (objdoc, _) in list(self.data["objects"].items()):
            if objdoc == docname:
                del self.data["objects"][key]

    def merge_domaindata(self, docnames: Iterable[str], otherdata: dict[str, Any]) -> None:
        docs = set(docnames)
        self.data["mentions"].update({d: m for d, m in otherdata["mentions"].items() if d in docs})
        self.data["glossaries"] |= {d for d in otherdata["glossaries"] if d in docs}
        self.data["objects"].update({k: v for k, v in otherdata["objects"].items() if v[0] in docs})

    def resolve_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        typ: str,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> nodes.reference | None:
        kind = "organisation" if typ in ("org", "organisation") else typ
        if kind == "agreement":
            return self._resolve_agreement(env, fromdocname, builder, target, contnode)
        if (kind, target) not in self.data["objects"]:
            return None
        docname, anchor = self.data["objects"][kind, target]
        return make_refnode(builder, fromdocname, docname, anchor, contnode, target)

    def _resolve_agreement(
        self, env: BuildEnvironment, fromdocname: str, builder: Builder, key: str, contnode: nodes.Element
    ) -> nodes.reference | None:
        """A link to an agreement's entry in the bibliography (sphinxcontrib-bibtex's citation)."""
        for citation in cite_domain(env).citations:
            if citation.key == key:
                docname = citation.bibliography_key.docname
                return make_refnode(builder, fromdocname, docname, citation.citation_id, contnode, key)
        return None

    def resolve_any_xref(
        self,
        env: BuildEnvironment,
        fromdocname: str,
        builder: Builder,
        target: str,
        node: pending_xref,
        contnode: nodes.Element,
    ) -> list[tuple[str, nodes.reference]]:
        found = []
        for kind in KINDS:
            reference = self.resolve_xref(env, fromdocname, builder, kind, target, node, contnode)
            if reference is not None:
                found.append((f"forum:{kind}", reference))
        return found

    def get_objects(self) -> Iterator[tuple[str, str, str, str, str, int]]:
        for (kind, entity), (docname, anchor) in sorted(self.data["objects"].items()):
            entries = self.data["registry"].entries(kind) if "registry" in self.data else {}
            display = entries[entity].name if entity in entries else entity
            yield entity, display, kind, docname, anchor, 1


def forum_domain(env: BuildEnvironment) -> ForumDomain:
    """The mentions extension's domain in a build."""
    domain = env.get_domain(ForumDomain.name)
    assert isinstance(domain, ForumDomain)  # the extension's setup adds it
    return domain


def cite_domain(env: BuildEnvironment) -> BibtexDomain:
    """sphinxcontrib-bibtex's domain in a build: the agreements' citations."""
    domain = env.get_domain("cite")
    assert isinstance(domain, BibtexDomain)  # the configuration loads sphinxcontrib.bibtex
    return domain


def load_registry_into_domain(app: Sphinx) -> None:
    """Load the registry once per build; a bad file is reported at its line and fails the build."""
    domain = forum_domain(app.env)
    folder = Path(app.config.edition_registry_dir)
    try:
        registry = load_registry(folder)
    except InputError as error:
        logger.warning(error.message, location=f"{error.path}:{error.line or 0}")
        registry = Registry(folder, {}, {}, {}, {}, "")
    domain.data["changed_registry"] = registry.digest != domain.data["digest"]
    domain.data["digest"] = registry.digest
    domain.data["registry"] = registry


def outdated_by_mentions(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Pages to read again: all of them if the registry changed.

    Otherwise what the glossaries' "Mentioned in" lists show of each page about to be read again
    is noted (:func:`glossaries_to_rewrite` compares it once they are read): the glossaries are
    not read again, only written again if it changed.
    """
    domain = forum_domain(env)
    if domain.data.get("changed_registry"):
        return sorted(env.found_docs)
    _BEFORE[env] = (bool(added or removed), {docname: _shown_of(env, docname) for docname in changed | removed})
    return []


_BEFORE: weakref.WeakKeyDictionary[BuildEnvironment, tuple[bool, dict[str, object]]] = weakref.WeakKeyDictionary()
"""Per build: whether pages came or went, and what the glossaries showed of each page read again."""


def _shown_of(env: BuildEnvironment, docname: str) -> object:
    """What the glossaries show of a page: its mentions, its title and the pages it includes."""
    mentions = forum_domain(env).data["mentions"].get(docname, [])
    title = env.titles[docname].astext() if docname in env.titles else None
    return (list(mentions), title, list(env.toctree_includes.get(docname, [])))


def glossaries_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """The glossaries, to be written again, if a page read again changed what they show of it."""
    pages_came_or_went, before = _BEFORE.pop(env, (False, {}))
    changed = pages_came_or_went or any(_shown_of(env, docname) != shown for docname, shown in before.items())
    return sorted(forum_domain(env).data["glossaries"]) if changed else []


def check_orphans(app: Sphinx, env: BuildEnvironment) -> None:
    """Every registry entry must be mentioned (an agreement cited) somewhere; else an error at its line."""
    domain = forum_domain(env)
    registry, mentioned = domain.registry, domain.mentions_by_entity()
    for kind in (*KINDS, "agreement"):
        for entity in registry.agreements if kind == "agreement" else registry.entries(kind):
            agreement = registry.events[entity].agreement if kind == "event" else None
            cited = agreement is not None and mentioned.get(("agreement", agreement))
            if not mentioned.get((kind, entity)) and not cited:
                verb = "cites" if kind == "agreement" else "mentions"
                location = registry.location(kind, entity)
                logger.warning("%s %r is in the registry but no page %s it", kind, entity, verb, location=location)
