"""Cite this: every report page, and every paragraph of it, can be cited in six formats.

Each paragraph and caption of a report's pages gets an anchor (``p<N>``, numbered in reading order
as the mentions extension numbers them, which anchors those with a mention already), a ¶ link to
it and a "Cite" button; the page gets a "Cite this page" button under its title. The references
are formatted at build time (``dialogue_edition.citation``: citeproc-py and pinned CSL styles) into
one small data file per page, ``cite/<page>.json``; a paragraph's references are the page's
template with its number and anchor put in.

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

from ..citation import (
    PARAGRAPH_ANCHOR,
    PARAGRAPH_NUMBER,
    STYLES,
    Edition,
    paragraph_template,
    recall,
    references,
    remember,
)
from ..source_report import ReportMetadata
from .report_metadata import reports_of
from .report_reference import edition_from_config

STATIC = Path(__file__).parent / "static"
REPORT_PAGE = re.compile(r"^reports/(?P<slug>[^/]+)/")
DATA_FOLDER = "cite"
"""Where the per-page reference files are written, under the site's root."""


class cite_paragraph(nodes.Inline, nodes.Element):
    """The ¶ link and Cite button of one paragraph (HTML only)."""


class cite_page(nodes.General, nodes.Element):
    """The "Cite this page" button under a page's title (HTML only)."""


def report_slug(docname: str) -> str | None:
    """The slug of the report a page belongs to, or None for other pages."""
    match = REPORT_PAGE.match(docname)
    return match["slug"] if match else None


def is_editorial(block: nodes.Element) -> bool:
    """Whether a block is inside an editorial note (the editors' words, not the report's)."""
    parent = block.parent
    while parent is not None:
        if "editorial" in parent.get("classes", []):
            return True
        parent = parent.parent
    return False


def _blocks(document: nodes.document) -> list[nodes.Element]:
    """Paragraphs and captions in reading order: the numbering of ``mentions.collect``."""
    return [node for node in document.findall(nodes.Element) if isinstance(node, (nodes.paragraph, nodes.caption))]


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
            citable.append((number, anchor, is_editorial(block)))
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
    """The web site only: the EPUB (an HTML builder too) and the PDF have no panel to open."""
    return app.builder.name in ("html", "dirhtml")


def add_controls(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Put the ¶ link and Cite button after each paragraph, and "Cite this page" under the title."""
    if not _writes_site(app) or docname not in citable_paragraphs(app.env):
        return
    anchors = {anchor: number for number, anchor, _ in citable_paragraphs(app.env)[docname]}
    for block in _blocks(doctree):
        anchor = _existing_anchor(block)
        if anchor in anchors:
            block += cite_paragraph("", anchor=anchor, number=anchors[anchor])
    title = next(doctree.findall(nodes.title), None)
    if title is not None and title.parent is not None:
        data = f"{DATA_FOLDER}/{docname}.json"
        title.parent.insert(title.parent.index(title) + 1, cite_page("", data=data))


def visit_cite_paragraph(translator: HTML5Translator, node: cite_paragraph) -> None:
    anchor, number = translator.attval(node["anchor"]), node["number"]
    label = f'<span class="cite-label"> paragraph {number}</span>'
    translator.body.append(
        f'<span class="cite-control"><a class="paragraph-link" href="#{anchor}">¶{label}</a>'
        f'<button type="button" class="cite-button" data-anchor="{anchor}" data-number="{number}">Cite{label}</button>'
        "</span>"
    )
    raise nodes.SkipNode


def visit_cite_page(translator: HTML5Translator, node: cite_page) -> None:
    root = translator.builder.get_target_uri(translator.builder.current_docname)
    depth = root.count("/")
    data = translator.attval("../" * depth + node["data"])
    translator.body.append(
        f'<p class="cite-control cite-page"><button type="button" class="cite-button" data-cite-data="{data}">'
        "Cite this page</button></p>\n"
    )
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
    return next((report for report in reports_of(app.config) if report.slug == slug), None)


def page_data(app: Sphinx, docname: str) -> dict[str, Any]:
    """What the cite panel of one page shows: the page's references and the paragraphs' template."""
    report = report_of(app, docname)
    if report is None:
        return {}
    edition, url = edition_of(app), page_url(app, docname)
    return {
        "title": report.title,
        "original": str(report.original_url),
        "styles": [{"key": key, "label": label} for key, (label, _) in STYLES.items()],
        "page": references(report, edition, url),
        "paragraph": paragraph_template(report, edition, url),
        "placeholders": {"number": PARAGRAPH_NUMBER, "anchor": PARAGRAPH_ANCHOR},
        "filename": report.slug if docname.endswith("/index") else docname.rsplit("/", 1)[-1],
    }


def write_page_data(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Write the reference file of a page that has Cite buttons."""
    if not _writes_site(app) or doctree is None or pagename not in citable_paragraphs(app.env):
        return
    data = page_data(app, pagename)
    if not data:
        return
    target = Path(app.outdir) / DATA_FOLDER / f"{pagename}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8")


def add_static_files(app: Sphinx, config: Config) -> None:
    """Ship the loader, the panel and their stylesheets (the panel's only on demand)."""
    config.html_static_path = [*config.html_static_path, str(STATIC)]


KNOWN_REFERENCES = "references.json"
"""In the build's doctree folder: the references formatted by earlier builds (citeproc-py is slow)."""


def recall_references(app: Sphinx) -> None:
    """Take up the references earlier builds formatted."""
    recall(Path(app.doctreedir) / KNOWN_REFERENCES)


def remember_references(app: Sphinx, exception: BaseException | None) -> None:
    """Keep the references formatted so far for the next build."""
    if exception is None and _writes_site(app):
        remember(Path(app.doctreedir) / KNOWN_REFERENCES)


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("dialogue_edition.sphinxext.report_metadata")
    app.add_config_value("edition_citation_file", "", "env", types=[str])
    app.add_node(cite_paragraph, html=(visit_cite_paragraph, None))
    app.add_node(cite_page, html=(visit_cite_page, None))
    app.add_transform(AnchorParagraphs)
    app.connect("config-inited", add_static_files)
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)
    app.connect("doctree-resolved", add_controls)
    app.connect("html-page-context", write_page_data)
    app.connect("builder-inited", recall_references)
    app.connect("build-finished", remember_references)
    app.add_css_file("cite.css")
    app.add_js_file("cite.js", loading_method="defer")
    return {"version": "1", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
