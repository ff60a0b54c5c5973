"""Cite this: every page of the site, and every paragraph of a report's own text, can be cited in six formats.

Each paragraph and caption of a report's pages gets an anchor (``p<N>``, numbered in reading order
as the mentions extension numbers them, which anchors those with a mention already) and its
number (``paragraph_number``): on the site a link to it showing the number ("¶4") and a "Cite"
button, in the books the number at its end. A paragraph of the editors' own inside a report's page
(an editorial note: ``mentions.collect.is_editorial``) keeps its number and link but gets no Cite
button: the button gives the report's reference, which would credit the report with the editors' words.
The values of the report's metadata table are not among them (``mentions.collect.GENERATED_TABLES``).
Every content page (a report's, a glossary, the timeline, the landing page; not the search page,
the index or the 404 page) gets a "Cite" button in its header row, beside Furo's "view", "edit"
and theme buttons (``templates/page.html``). The references are
formatted at build time (``dialogue_edition.citation``: citeproc-py and pinned CSL styles) into
one small data file per page, ``cite/<page>.json``; a paragraph's references are the page's
template with its number and anchor put in.

A page that is not part of a report is the editors' own: its reference names the page (its own
heading) in the edition, no publisher and no date, and is marked editorial. Its paragraphs get
no Cite button: on those pages (glossaries, timeline, agreements, generated from the registry)
``p<N>`` would renumber whenever an entry is added, so it is no permalink there
(``checks/permalinks.py``); their entries' own anchors (``person-…``) are.

Page weight: every page carries only ``cite.js`` (a loader of a few hundred bytes) and
``cite.css``; the panel's script, its stylesheet and the page's data file are loaded when a reader
first opens the panel, from the site itself (no inline script, no request off the site).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.transforms import SphinxTransform
from sphinx.writers.html5 import HTML5Translator
from sphinx.writers.latex import LaTeXTranslator

from ..citation import (
    PARAGRAPH_ANCHOR,
    PARAGRAPH_NUMBER,
    STYLES,
    Edition,
    Job,
    edition_page_item,
    item_jobs,
    item_references,
    paragraph_template,
    recall,
    references,
    remember,
    report_jobs,
    start_formatting,
    stop_formatting_ahead,
)
from ..source_report import ReportMetadata
from .mentions.collect import _blocks, is_editorial
from .report_metadata import reports_of
from .report_reference import edition_from_config
from .staged_site import CITE_DATA_FOLDER, write_new

STATIC = Path(__file__).parent / "static"
REPORT_PAGE = re.compile(r"^reports/(?P<slug>[^/]+)/")
DATA_FOLDER = CITE_DATA_FOLDER
"""Where the per-page reference files are written, under the site's root."""


SITE_BUILDERS = ("html", "dirhtml")
"""The builders of the web site: the EPUB (an HTML builder too) and the PDF have no panel to open."""


class paragraph_number(nodes.Inline, nodes.Element):
    """A report paragraph's number, at its end, with its anchor: one node for every edition.

    The site shows it as the paragraph's ¶ link ("¶4") and Cite button, the books as the number
    alone, so the numbers "Mentioned in" gives ("¶4", in a PDF "¶4 (p. 3)") are on the page.
    """


def report_slug(docname: str) -> str | None:
    """The slug of the report a page belongs to, or None for other pages."""
    match = REPORT_PAGE.match(docname)
    return match["slug"] if match else None


def _existing_anchor(block: nodes.Element) -> str | None:
    if isinstance(block, nodes.caption):
        ids: list[str] = block.parent.get("ids", []) if block.parent is not None else []
        return ids[0] if ids else None
    first = block.children[0] if block.children else None
    if isinstance(first, nodes.target) and first.get("ids"):
        return str(first["ids"][0])
    return None


class AnchorParagraphs(SphinxTransform):
    """Give every paragraph and caption of a report page an anchor, and record them for citing.

    Runs after ``mentions.collect`` (priority 800), so its anchors stay as they are; the rest get
    ``p<N>`` with the same numbering.
    """

    default_priority = 801

    def apply(self) -> None:
        docname = self.env.docname
        if report_slug(docname) is None:
            return
        citable = []
        for number, block in enumerate(_blocks(self.document), start=1):
            anchor = _existing_anchor(block)
            if anchor is None:
                anchor = f"p{number}"
                if isinstance(block, nodes.caption):
                    block.parent["ids"].append(anchor)
                else:
                    block.insert(0, nodes.target("", "", ids=[anchor]))
            editorial = is_editorial(block)
            citable.append((number, anchor, editorial))
            block += paragraph_number("", number=number, anchor=anchor, editorial=editorial)
            if isinstance(block, nodes.caption):  # the site hides its figure's own permalink sign
                block.parent["classes"].append("has-paragraph-link")
        citable_paragraphs(self.env)[docname] = citable


def citable_paragraphs(env: BuildEnvironment) -> dict[str, list[tuple[int, str, bool]]]:
    """Every report page's paragraphs: number, anchor and whether it is editorial."""
    if not hasattr(env, "edition_citable"):
        env.edition_citable = {}  # type: ignore[attr-defined]
    found: dict[str, list[tuple[int, str, bool]]] = env.edition_citable  # type: ignore[attr-defined]
    return found


def purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    citable_paragraphs(env).pop(docname, None)


def merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    citable_paragraphs(env).update({d: v for d, v in citable_paragraphs(other).items() if d in docnames})


def _writes_site(app: Sphinx) -> bool:
    """Whether the build writes the web site (:data:`SITE_BUILDERS`)."""
    return app.builder.name in SITE_BUILDERS


def visit_paragraph_number_html(translator: HTML5Translator, node: paragraph_number) -> None:
    """On the site, the ¶ link and the Cite button; in the EPUB, the number."""
    anchor, number = translator.attval(node["anchor"]), node["number"]
    if translator.builder.name not in SITE_BUILDERS:
        translator.body.append(f'<span class="paragraph-number">¶{number}</span>')
        raise nodes.SkipNode
    label = f'<span class="cite-label"> paragraph {number}</span>'
    # The number a reader sees is the one that "Mentioned in", the search and the citations give
    # ("¶4"); a screen reader hears "paragraph 4" instead of the sign. The editors' words get no
    # Cite button: its reference is the report's (see the module's docstring).
    attributes = f'type="button" class="cite-button" data-anchor="{anchor}" data-number="{number}"'
    button = "" if node.get("editorial") else f"<button {attributes}>Cite{label}</button>"
    translator.body.append(
        f'<span class="cite-control"><a class="paragraph-link" href="#{anchor}" aria-label="paragraph {number}">'
        f"¶{number}</a>{button}</span>"
    )
    raise nodes.SkipNode


def visit_paragraph_number_latex(translator: LaTeXTranslator, node: paragraph_number) -> None:
    translator.body.append(rf"\editionparagraphnumber{{{node['number']}}}")
    raise nodes.SkipNode


def skip_node(translator: nodes.NodeVisitor, node: nodes.Node) -> None:
    """Builders that print no paragraph numbers (plain text, manual pages, Texinfo)."""
    raise nodes.SkipNode


def edition_of(app: Sphinx) -> Edition:
    """The edition as the configuration describes it: title, editors, version and address."""
    return edition_from_config(app.config)


def page_url(app: Sphinx, docname: str) -> str:
    """The permalink of a page on the published site."""
    return str(app.config.html_baseurl).rstrip("/") + "/" + app.builder.get_target_uri(docname)


def report_of(app: Sphinx, docname: str) -> ReportMetadata | None:
    """The metadata of the report a page belongs to."""
    slug = report_slug(docname)
    if slug is None:
        return None
    return next((report for report in reports_of(app.config) if report.slug == slug), None)


def page_title(app: Sphinx, docname: str) -> str:
    """A page's own heading, as plain text."""
    title = app.env.titles.get(docname)
    return title.astext() if title is not None else docname


def editorial_item(app: Sphinx, docname: str) -> dict[str, Any]:
    """The CSL item of a page that is not part of a report (the editors' own)."""
    title, url = page_title(app, docname), page_url(app, docname)
    return edition_page_item(title, edition_of(app), url, docname.replace("/", "-"))


def page_data(app: Sphinx, docname: str) -> dict[str, Any]:
    """What the cite panel of one page shows: the page's references and the paragraphs' template.

    A report's page is cited as the report; any other page as a page of the edition (editorial),
    with no paragraph template (its paragraphs are not cited, see the module's docstring).
    """
    edition, url = edition_of(app), page_url(app, docname)
    styles = [{"key": key, "label": label} for key, (label, _) in STYLES.items()]
    report = report_of(app, docname)
    if report is None:
        filename = docname.replace("/", "-")
        item = editorial_item(app, docname)
        return {
            "title": item["title"],
            "editorial": True,
            "styles": styles,
            "page": item_references(item),
            "filename": filename,
        }
    return {
        "title": report.title,
        "editorial": False,
        "original": str(report.original_url),
        "styles": styles,
        "page": references(report, edition, url),
        "paragraph": paragraph_template(report, edition, url),
        "placeholders": {"number": PARAGRAPH_NUMBER, "anchor": PARAGRAPH_ANCHOR},
        "filename": report.slug if docname.endswith("/index") else docname.rsplit("/", 1)[-1],
    }


def write_page_data(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Write the reference file of a content page and give the page's template its address.

    Content pages are those with a source (``doctree``): the search page, the general index, the
    404 page and the redirects have none, and no Cite button (``edition_cite_data`` unset).
    """
    if not _writes_site(app) or doctree is None:
        return
    target = Path(app.outdir) / DATA_FOLDER / f"{pagename}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    data = page_data(app, pagename)
    write_new(target, json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
    context["edition_cite_data"] = context["pathto"](f"{DATA_FOLDER}/{pagename}.json", 1)


def add_static_files(app: Sphinx, config: Config) -> None:
    """Ship the loader, the panel and their stylesheets (the panel's only on demand)."""
    config.html_static_path = [*config.html_static_path, str(STATIC)]


KNOWN_REFERENCES = "references.pickle"
"""In the build's doctree folder: the references formatted by earlier builds (citeproc-py is slow)."""


def recall_references(app: Sphinx) -> None:
    """Take up the references earlier builds formatted."""
    recall(Path(app.doctreedir) / KNOWN_REFERENCES)


def remember_references(app: Sphinx, exception: BaseException | None) -> None:
    """Keep the references formatted so far for the next build."""
    if exception is None and _writes_site(app):
        remember(Path(app.doctreedir) / KNOWN_REFERENCES)


def all_report_jobs(app: Sphinx) -> list[Job]:
    """The references every report's pages format (the same for each page of a report).

    In the order Sphinx reads and writes the reports' pages (by slug), so that a serial build's
    worker has the next one ready when a page asks for it.
    """
    edition = edition_of(app)
    reports = sorted(reports_of(app.config), key=lambda report: report.slug)
    return [job for report in reports for job in report_jobs(report, edition)]


def format_reports_ahead(app: Sphinx) -> None:
    """Start formatting every report's references before Sphinx reads (each report's landing page needs one).

    A serial build reads while one worker formats. A parallel build's readers are forked from this
    process, and a pool's threads must not be running when it forks: there, every core formats
    first, and each reader starts with every report's references.
    """
    if _writes_site(app):
        start_formatting(all_report_jobs(app), parallel=app.parallel > 1)


def format_pages_ahead(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Start formatting the other pages' references, now that their titles are known.

    A serial build writes its pages while the worker formats, in the order Sphinx writes them. A
    parallel build waits for all of them here, before Sphinx forks its writers, so that each
    reference is formatted once, not once in every writer that needs it.
    """
    if _writes_site(app):
        editorial = sorted(docname for docname in env.found_docs if report_of(app, docname) is None)
        jobs = [job for docname in editorial for job in item_jobs(editorial_item(app, docname))]
        start_formatting(jobs, parallel=app.parallel > 1)
    return []


def stop_ahead(app: Sphinx, exception: BaseException | None) -> None:
    """Stop the workers: whatever a page did not take is no longer needed."""
    stop_formatting_ahead()


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("dialogue_edition.sphinxext.report_metadata")
    app.add_config_value("edition_citation_file", "", "env", types=[str])
    app.add_node(
        paragraph_number,
        html=(visit_paragraph_number_html, None),
        latex=(visit_paragraph_number_latex, None),
        text=(skip_node, None),
        man=(skip_node, None),
        texinfo=(skip_node, None),
    )
    app.add_transform(AnchorParagraphs)
    app.connect("config-inited", add_static_files)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("html-page-context", write_page_data)
    app.connect("builder-inited", recall_references)
    # After recall_references: what earlier builds formatted is not formatted again.
    app.connect("builder-inited", format_reports_ahead, priority=600)
    app.connect("env-updated", format_pages_ahead)
    app.connect("build-finished", stop_ahead)
    app.connect("build-finished", remember_references)
    app.add_css_file("cite.css")
    app.add_js_file("cite.js", loading_method="defer")
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
