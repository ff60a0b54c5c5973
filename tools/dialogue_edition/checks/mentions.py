"""Every first mention of a registered name on a page is linked: a check on the built site.

A name the registry knows may appear unmarked on a page only after that page's first link to its
entry (in a heading it is not counted). The check reads the built HTML, so it sees what readers see.
"""

from __future__ import annotations

import re
from pathlib import Path

from lxml import html as lxml_html

from ..fidelity import normalise
from ..registry import Registry, form_pattern
from .rendered_text import FURNITURE

# Pages generated from the registry: they are the targets of the mentions, not pages of prose.
GENERATED = {"people.html", "organisations.html", "agreements.html", "timeline.html", "genindex.html", "search.html"}
ANCHOR = re.compile(r"#(person|org)-(.+)$")


def content_pages(site: Path) -> list[Path]:
    """The site's pages of prose (not the pages generated from the registry)."""
    return [page for page in sorted(site.rglob("*.html")) if page.name not in GENERATED]


def _article(page: Path) -> lxml_html.HtmlElement:
    article = lxml_html.fromstring(page.read_bytes()).xpath("//article[@role='main']")[0]
    for furniture in article.xpath(FURNITURE + " | .//h1 | .//h2 | .//h3 | .//h4"):
        furniture.drop_tree()
    return article


def _link_spans(article: lxml_html.HtmlElement) -> tuple[str, list[tuple[int, int, str, str]]]:
    """The text of ``article`` and, for every mention link, (start, end, kind, entity) in it."""
    pieces: list[str] = []
    links = []

    def walk(element: lxml_html.HtmlElement) -> None:
        start = sum(map(len, pieces))
        pieces.append(element.text or "")
        for child in element:
            walk(child)
            pieces.append(child.tail or "")
        target = ANCHOR.search(element.get("href") or "") if element.tag == "a" else None
        if target and "mention-link" in (element.get("class") or ""):
            kind, entity = target.groups()
            links.append((start, sum(map(len, pieces)), "person" if kind == "person" else "organisation", entity))

    walk(article)
    return "".join(pieces), links


def _occurrences(form: str, text: str) -> list[int]:
    quotes = str.maketrans("‘’“”", "''\"\"")
    return [match.start() for match in form_pattern(normalise(form)).finditer(text.translate(quotes))]


def unlinked_first_mentions(page: Path, registry: Registry, name: str | None = None) -> list[str]:
    """Forms of registered names on ``page`` (called ``name`` in the messages) before that entity's first link."""
    name = name or page.name
    text, links = _link_spans(_article(page))
    problems = []
    for kind in ("person", "organisation"):
        for entity in registry.entries(kind).values():
            own = sorted(start for start, _, k, e in links if (k, e) == (kind, entity.id))
            others = [(start, end) for start, end, k, e in links if (k, e) != (kind, entity.id)]
            for form in entity.all_forms:
                for position in _occurrences(form, text):
                    inside_other = any(start <= position < end for start, end in others)
                    if not inside_other and (not own or position < own[0]):
                        problems.append(f"{name}: {form!r} ({kind} {entity.id}) appears before its first link")
    return problems


def site_unlinked_first_mentions(site: Path, registry: Registry) -> list[str]:
    """Every page's unlinked first mentions, each named by its path in the site."""
    return [
        problem
        for page in content_pages(site)
        for problem in unlinked_first_mentions(page, registry, page.relative_to(site).as_posix())
    ]
