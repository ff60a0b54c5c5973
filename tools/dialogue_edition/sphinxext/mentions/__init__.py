"""People, organisations, events and agreements: mentions, cards, glossaries, back-references.

Pages mark every mention with ``{person}`text <id>```, ``{org}`text <id>``` or
``{event}`text <id>```, and cite agreements with sphinxcontrib-bibtex's ``{cite:p}`key```; the
registry (``registry/``) says who and what each id is. From these the extension makes:

- a link from the first mention of each entity on a page to its glossary entry, with a card
  (name, positions) shown on hover, keyboard focus or tap, built at build time;
- the glossaries (``{people-glossary}``, ``{organisations-glossary}``) and the ``{timeline}``,
  each entry a Sphinx object
  (anchor, general index entry, ``objects.inv``) ending with "Mentioned in": a link to every
  paragraph that mentions it, grouped by report and page, with page numbers in the PDF;
- "Cited in" under every agreement of the bibliography, across pages, and its BibTeX to copy;
- build errors for an unknown id (at the page's line) and for an entry never mentioned or an
  agreement never cited (at the registry's line).

Modules: ``nodes`` (doctree nodes and their writers), ``roles``, ``citations`` (citations as
mentions), ``domain`` (objects, mentions, cross-references), ``collect`` (paragraph anchors and
first mentions), ``glossary`` (glossaries and timeline), ``backrefs``, ``bibliography``,
``cards`` (the HTML cards).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

from . import backrefs, bibliography, citations, collect, glossary, nodes, roles
from .domain import ForumDomain, check_orphans, glossaries_to_rewrite, load_registry_into_domain, outdated_by_mentions

STATIC = Path(__file__).parent / "static"


def add_static_files(app: Sphinx, config: Config) -> None:
    """Ship the cards' stylesheet and script with every HTML page."""
    config.html_static_path = [*config.html_static_path, str(STATIC)]


def setup(app: Sphinx) -> dict[str, Any]:
    # Entries name the report of each event by its title (edition_reports).
    app.setup_extension("dialogue_edition.sphinxext.report_metadata")
    app.add_config_value("edition_registry_dir", "", "env", types=[str])
    app.add_domain(ForumDomain)
    nodes.setup(app)
    roles.setup(app)
    citations.setup(app)
    collect.setup(app)
    glossary.setup(app)
    backrefs.setup(app)
    bibliography.setup(app)
    app.connect("config-inited", add_static_files)
    app.connect("builder-inited", load_registry_into_domain)
    app.connect("env-get-outdated", outdated_by_mentions)
    app.connect("env-updated", glossaries_to_rewrite)
    app.connect("env-check-consistency", check_orphans)
    app.add_css_file("mentions.css")
    app.add_js_file("mentions.js", loading_method="defer")
    return {"version": "1", "env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}
