"""The site's search page, and what each page tells the search index.

- ``search.html`` is the edition's own (``templates/search.html``): a form with the query and
  its filters (report, kind, person or organisation mentioned, year), answered in the browser by
  the Pagefind index that ``dialogue_edition.search`` writes once the site is built. Furo's
  search box on every page already submits to ``search.html?q=…``, so it opens this search.
  Opened from disk (``file://``), where browsers refuse the index's requests, the same page
  loads Sphinx's own search instead (``edition-search.js`` decides; no inline script anywhere).
- Every paragraph and caption of the HTML site gets an anchor ``p<N>`` (the numbering that
  "Mentioned in" already uses for the paragraphs that mention someone), so that any paragraph
  can be a search result of its own. The PDF and EPUB are left as they are.
- Each page of a report names its report and year in two ``<meta>`` elements, the report
  filter of the index; each of its headings that is the report's own (a block of the source
  text) has the class ``report-heading``, the others are the editors'.
"""

from __future__ import annotations

import functools
import re
from html import escape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms import SphinxTransform

from ..fidelity import normalise
from ..search import REPORT_META, YEAR_META
from ..source_report import split_blocks
from .mentions.collect import _anchor, _blocks
from .mentions.domain import forum_domain
from .tree import ancestors

STATIC = Path(__file__).parent / "search_static"
TEMPLATES = Path(__file__).parent / "templates"
REPORT_PAGE = re.compile(r"^reports/(?P<slug>[^/]+)/")


def report_label(report: dict[str, Any]) -> str:
    """A report as the search filter names it: its title and its year."""
    return f"{report['title']} ({str(report['conference_date'])[:4]})"


class AnchorEveryParagraph(SphinxTransform):
    """Give every paragraph and caption of an HTML page an anchor, as "Mentioned in" numbers them.

    Runs after ``CollectMentions`` (priority 800), which anchors those that mention someone;
    glossary entries are search results as a whole, so their paragraphs are left alone.
    """

    default_priority = 801

    def apply(self) -> None:
        for number, block in enumerate(_blocks(self.document), start=1):
            if isinstance(block, nodes.caption):
                if not block.parent["ids"]:
                    _anchor(block, f"p{number}")
                continue
            if any("glossary-entry" in ancestor.get("classes", []) for ancestor in ancestors(block)):
                continue
            first = block.children[0] if block.children else None
            if not (isinstance(first, nodes.target) and first["ids"]):
                _anchor(block, f"p{number}")


class MarkReportHeadings(SphinxTransform):
    """Class ``report-heading`` on each heading of a report page that is one of the report's own blocks.

    The search index tells the report's words from the editors'; a page title the editors wrote
    (the report has no heading there) is editorial text, a heading the report has is report text.
    """

    default_priority = 802

    def apply(self) -> None:
        match = REPORT_PAGE.match(self.env.docname)
        report = self.config.edition_reports.get(match["slug"]) if match else None
        if match is None or report is None:
            return
        blocks = report_blocks(Path(self.env.srcdir).parent, match["slug"], report["text"]["file"])
        for title in self.document.findall(nodes.title):
            if isinstance(title.parent, nodes.section) and normalise(title.astext()) in blocks:
                title["classes"].append("report-heading")


@functools.cache
def report_blocks(project: Path, slug: str, text_file: str) -> frozenset[str]:
    """The blocks of a report's source text, normalised as the fidelity check compares them."""
    path = project / "source_reports" / slug / text_file
    if not path.is_file():
        return frozenset()
    return frozenset(normalise(block) for block in split_blocks(path.read_text(encoding="utf-8")))


def anchor_html_only(app: Sphinx) -> None:
    """Anchor every paragraph in the HTML site only: the PDF and EPUB stay as they are."""
    if app.builder.name == "html":
        app.add_transform(AnchorEveryParagraph)
        app.add_transform(MarkReportHeadings)


def add_files(app: Sphinx, config: Config) -> None:
    """The search page's template, script and stylesheet."""
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path = [*config.templates_path, str(TEMPLATES)]
    config.html_static_path = [*config.html_static_path, str(STATIC)]


def name_the_report(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Tell the search index which report a page belongs to (``<meta>`` in the page's head)."""
    match = REPORT_PAGE.match(pagename)
    report = app.config.edition_reports.get(match["slug"]) if match and app.builder.name == "html" else None
    if report is None:
        return
    label, year = report_label(report), str(report["conference_date"])[:4]
    tags = f'<meta name="{REPORT_META}" content="{escape(label, quote=True)}">'
    tags += f'\n<meta name="{YEAR_META}" content="{year}">'
    context["metatags"] = context.get("metatags", "") + "\n" + tags


def order_the_filters(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """The search page's people and organisations in the glossaries' order (``edition_filter_order``).

    A filter names a person as the reports write them ("Aleksei Astafev"): sorted as written,
    the people went by given name, and a name in quotation marks before every other. The page
    lists them as the glossaries sort them (family name; quotation marks ignored), and the
    script orders what the index holds by this list (a value not in it, after, as written).
    """
    if pagename != "search" or app.builder.name != "html":
        return
    registry = forum_domain(app.env).registry
    people = sorted(registry.people.values(), key=lambda entry: entry.sort_key)
    organisations = sorted(registry.organisations.values(), key=lambda entry: entry.sort_key)
    # The index names them with their spaces made single (search.text_of): so does the order.
    context["edition_filter_order"] = {
        "person": [" ".join(person.name.split()) for person in people],
        "organisation": [" ".join(organisation.name.split()) for organisation in organisations],
    }


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("dialogue_edition.sphinxext.report_metadata")
    app.connect("builder-inited", anchor_html_only)
    app.connect("config-inited", add_files)
    app.connect("html-page-context", name_the_report)
    app.connect("html-page-context", order_the_filters)
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
