"""Highwire Press and Dublin Core meta tags for reference managers, on every page of a report.

Zotero's "Embedded Metadata" translator (and Google Scholar, Mendeley) read ``citation_*`` tags;
``citation_technical_report_institution`` makes the item a report. The values are the page's
reference (``dialogue_edition.citation``): the report's title, publisher, date and language, the
page's permalink, the edition's editors; no author, for the reports name none.
"""

from __future__ import annotations

import html
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

from ..citation import csl_item
from .cite import edition_of, page_url, report_of


def meta_tags(item: dict[str, Any]) -> list[tuple[str, str]]:
    """The ``(name, content)`` pairs of one CSL item, Highwire first, then Dublin Core."""
    year, month, day = item["issued"]["date-parts"][0]
    slashed, dashed = f"{year:04d}/{month:02d}/{day:02d}", f"{year:04d}-{month:02d}-{day:02d}"
    editors = [name["literal"] for name in item.get("editor", [])]
    return [
        ("citation_title", item["title"]),
        ("citation_publisher", item["publisher"]),
        ("citation_technical_report_institution", item["publisher"]),
        ("citation_date", slashed),
        ("citation_publication_date", slashed),
        ("citation_language", item["language"]),
        ("citation_public_url", item["URL"]),
        ("citation_abstract_html_url", item["URL"]),
        *(("citation_editor", name) for name in editors),
        ("DC.title", item["title"]),
        ("DC.publisher", item["publisher"]),
        ("DC.date", dashed),
        ("DC.language", item["language"]),
        ("DC.identifier", item["URL"]),
        ("DC.type", "Text"),
        ("DC.relation.ispartof", item["archive"]),  # the edition the page is part of
        *(("DC.contributor", name) for name in editors),
    ]


def add_meta_tags(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Add the tags to the head of a report's pages on the web site."""
    if app.builder.name != "html" or doctree is None:
        return
    report = report_of(app, pagename)
    if report is None:
        return
    item = csl_item(report, edition_of(app), page_url(app, pagename))
    tags = "".join(
        f'<meta name="{html.escape(name)}" content="{html.escape(content)}" />\n' for name, content in meta_tags(item)
    )
    context["metatags"] = context.get("metatags", "") + tags


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("dialogue_edition.sphinxext.cite")
    app.connect("html-page-context", add_meta_tags)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
