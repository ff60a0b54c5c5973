"""Safe contributions: what a page may contain (CONTRIBUTING, "What a page may contain").

Contributions come from strangers through pull requests, so a page may not inject markup, read
files of the build machine, or make the site run script. Each refusal is a warning at the page
and line (an error under ``-W``):

- no raw markup: docutils' ``raw`` directive and role are switched off (``raw_enabled``), and
  MyST's raw HTML syntax in ``conf.py`` (``myst_disable_syntax``);
- no file insertion: ``include``, ``literalinclude``, ``csv-table``'s ``:file:`` and the like are
  switched off (``file_insertion_enabled``); what a page shows is written in the page;
- nothing written into LaTeX unescaped: math (TeX) and ``tabularcolumns`` (a LaTeX column spec);
- page file names of letters, digits, ``-``, ``_`` and ``.``: a name is written into addresses,
  links and the EPUB's file names;
- images and downloads only from inside the project (real paths, symbolic links followed, no
  ``*`` patterns), and never a file a browser would run from the site's origin (HTML, XML,
  JavaScript, SVG with script or an animated link);
- no remote images: a reader's browser asks no other site for anything;
- links only to ``http``, ``https`` and ``mailto`` addresses, and within the site; ``javascript:``
  and the like are refused whatever their case, from MyST, reStructuredText and sphinx-design alike;
- static files (``html_static_path``) inside the project, symbolic links included, and none of
  them a page or an SVG with script (the site's own ``.js`` files are code, reviewed as code);
- links made after reading (the bibliography's, the glossaries') held to the same rule;
- no right-to-left script (Arabic, Hebrew): the PDF would print its words reversed;
- no ``<meta>`` of a page's own (reStructuredText's ``meta`` directive): ``http-equiv="refresh"``
  would send readers elsewhere;
- no file of the build's or the tools' own (``.git``, caches, ``build/`` with its logs) as an
  image or download;
- no change to MyST's settings from a page's front matter (``front_matter``), which could switch
  raw HTML, or templates run on the build machine, back on.
"""

from __future__ import annotations

import mimetypes
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst.states import Inliner
from lxml import etree
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import SphinxError
from sphinx.util import logging
from sphinx_design.icons import sd_icon

from ..data_files import TOO_LONG_WORD, every_name, longest_word_problem, right_to_left_problem
from ..errors import InputError
from ..link_policy import link_refusal, scheme_of

logger = logging.getLogger(__name__)

RUNNABLE_SUFFIXES = frozenset(
    {".html", ".htm", ".xhtml", ".xht", ".shtml", ".js", ".mjs", ".xml", ".xsl", ".xslt", ".xsd", ".rng", ".rdf"}
    | {".atom", ".rss", ".svgz", ".mht", ".mhtml", ".xul", ".wsdl", ".dtd", ".mml", ".kml", ".gpx", ".opf", ".ncx"}
)
"""Files a browser would run as a page or a script if the site served them."""
SCRIPT_SUFFIXES = frozenset({".js", ".mjs"})
"""Scripts: allowed among the static files only, where they are the edition's own code."""


class ContentPolicyError(SphinxError):
    """A file of the sources breaks the content policy before any page is read."""

    category = "Content policy"


def svg_runs_script(path: Path) -> bool:
    """Whether an SVG holds anything a browser would run: script, event handlers, embedded HTML, links to script."""
    try:
        tree = etree.parse(str(path), _svg_parser())
    except (etree.XMLSyntaxError, OSError):
        return True  # what cannot be read cannot be shown to be harmless
    return _tree_runs_script(tree)


def svg_markup_runs_script(markup: str) -> bool:
    """Whether SVG markup (an icon a role writes into the page) is not one harmless ``<svg>``."""
    try:
        root = etree.fromstring(markup.encode("utf-8"), _svg_parser())
    except (etree.XMLSyntaxError, ValueError):
        return True
    return etree.QName(root).localname != "svg" or _tree_runs_script(root.getroottree())


def _svg_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _tree_runs_script(tree: etree._ElementTree) -> bool:
    # Entities and attribute defaults declared in the file itself: a browser applies them (an
    # ATTLIST can give the root an onload), this reading does not.
    if tree.docinfo.internalDTD is not None:
        return True
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname.lower()
        if name in {"script", "foreignobject", "iframe", "embed", "object", "handler"}:
            return True
        if etree.QName(element).namespace == XHTML:  # HTML inside the SVG (a refresh, a form)
            return True
        # An animation can set a link's address (values="javascript:…"), whatever the link says.
        target = element.get("attributeName", "").lower()
        if name in ANIMATIONS and (target.endswith("href") or target.startswith("on")):
            return True
        for attribute, value in element.attrib.items():
            local = etree.QName(attribute).localname.lower()
            if local.startswith("on") or (local == "href" and link_refusal(value)):
                return True
    return False


XHTML = "http://www.w3.org/1999/xhtml"
ANIMATIONS = frozenset({"animate", "set", "animatemotion", "animatetransform", "animatecolor", "discard"})
"""SVG's animation elements: any of them may change another element's attributes."""


def file_refusal(path: Path, root: Path) -> str | None:
    """Why a file a page puts on the site is refused, or None if it may be published."""
    resolved = path.resolve()
    if resolved != root and root not in resolved.parents:
        return f"{path} is outside the project: a page may only use files of the project"
    inside = resolved.relative_to(root).parts
    if any(part.startswith(".") for part in inside) or (inside and inside[0] in UNPUBLISHED_FOLDERS):
        return (
            f"{path}: a file of the build's or the tools' own (git, caches, build outputs and logs), "
            "not of the edition; a page may only use the edition's files"
        )
    suffix = resolved.suffix.lower()
    if runs_in_a_browser(suffix):
        return f"{path.name}: a {suffix} file would run in readers' browsers from the site; offer it another way"
    if suffix == ".svg" and resolved.is_file() and svg_runs_script(resolved):
        return (
            f"{path.name}: this SVG holds script (or event handlers, or embedded HTML), which would run from the site"
        )
    return None


UNPUBLISHED_FOLDERS = frozenset({"build", "node_modules"})
"""Top folders of the project that hold no file of the edition: its builds (with their logs and
caches) and the validators' packages. Hidden folders (``.git``, ``.nox``, ``.venv``) neither."""


def project_root(app: Sphinx) -> Path:
    """The folder every file a build reads must be in: the project (``edition_project_root``), else the sources."""
    return Path(app.config.edition_project_root or app.srcdir).resolve()


def disable_raw_and_file_insertion(app: Sphinx) -> None:
    """Switch docutils' ``raw`` and its file insertion (``include`` and the like) off for every page."""
    app.env.settings["raw_enabled"] = False
    app.env.settings["file_insertion_enabled"] = False


def refuse_raw_role(
    name: str,
    rawtext: str,
    text: str,
    lineno: int,
    inliner: Inliner,
    options: dict[str, object] | None = None,
    content: list[str] | None = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    """The ``raw`` role, refused at the page and line (docutils' own refusal names no line inside eval-rst)."""
    source, line = inliner.reporter.get_source_and_line(lineno)
    logger.warning('"raw" role refused: a page may not insert raw markup', location=f"{source}:{line}")
    return [nodes.Text(text)], []


@dataclass
class PageNodes:
    """What :func:`check_page` looks at in a page, in document order, found in one walk of its tree.

    A glossary page holds over a thousand elements: a walk for each kind took twice as long.
    """

    links: list[nodes.Element] = field(default_factory=list)
    """What carries an address (:data:`LINKS`)."""
    to_latex: list[nodes.Element] = field(default_factory=list)
    """What Sphinx writes into LaTeX unescaped (:data:`PASSED_TO_LATEX`)."""
    blocks: list[nodes.Element] = field(default_factory=list)
    """The outermost elements holding text (paragraphs, headings, captions, code …)."""
    icons: list[nodes.Element] = field(default_factory=list)
    """sphinx-design's icons."""
    images: list[nodes.Element] = field(default_factory=list)
    downloads: list[nodes.Element] = field(default_factory=list)
    indexes: list[nodes.Element] = field(default_factory=list)
    """Index entries (their text is in attributes, printed in the PDF's index)."""
    metas: list[nodes.Element] = field(default_factory=list)
    """``<meta>`` elements for the page's head (reStructuredText's ``meta`` directive)."""


def page_nodes(doctree: nodes.document) -> PageNodes:
    """The nodes of a page :func:`check_page` looks at, sorted by kind."""
    found = PageNodes()
    for node in doctree.findall(nodes.Element):
        if isinstance(node, LINKS):
            found.links.append(node)
        if type(node) in PASSED_TO_LATEX:
            found.to_latex.append(node)
        if isinstance(node, nodes.TextElement) and not isinstance(node.parent, nodes.TextElement):
            found.blocks.append(node)
        if isinstance(node, sd_icon):
            found.icons.append(node)
        if isinstance(node, nodes.image):
            found.images.append(node)
        if isinstance(node, addnodes.download_reference):
            found.downloads.append(node)
        if isinstance(node, nodes.meta):
            found.metas.append(node)
        if isinstance(node, addnodes.index):
            found.indexes.append(node)
    return found


def _files(found: PageNodes) -> list[tuple[nodes.Element, str]]:
    """Every file a page puts on the site: its images and downloads, with the node that names it."""
    return [(image, image["uri"]) for image in found.images] + [
        (download, download["reftarget"]) for download in found.downloads
    ]


def check_page(app: Sphinx, doctree: nodes.document) -> None:
    """Refuse, at its page and line, every link, image or download the content policy does not allow."""
    root = project_root(app)
    found = page_nodes(doctree)
    _refuse_links(found.links)
    for meta in found.metas:
        # A page's head is the edition's: http-equiv="refresh" would send readers to another site.
        logger.warning("meta refused: a page may not write its own <meta> into the page's head", location=meta)
        meta.replace_self([])
    for node in found.to_latex:
        logger.warning(
            "%s refused: its text would go into the PDF's LaTeX as it is; write it as text",
            PASSED_TO_LATEX[type(node)],
            location=node,
        )
        node.replace_self(nodes.literal(node.astext(), node.astext()) if isinstance(node, nodes.math) else [])
    refused = {id(node) for node in found.to_latex}
    for block in [block for block in found.blocks if id(block) not in refused]:
        # TeX cannot set such a run (it ran on without end), and no reader reads one. A block's
        # whole text is read: "x*y*x*y*…" is one run in several pieces of emphasis.
        # An abbreviation's explanation is printed after it in the PDF, but is not its text.
        explanations = " ".join(str(node.get("explanation", "")) for node in block.findall(nodes.abbreviation))
        shown = block.astext()
        problem = longest_word_problem(shown) or longest_word_problem(explanations)
        right_to_left = right_to_left_problem(f"{shown} {explanations}")
        if right_to_left:
            logger.warning("%s", right_to_left, location=block)
        if problem:
            logger.warning("%s", problem, location=block)
            for text in list(block.findall(nodes.Text)):
                text.parent.replace(text, nodes.Text(TOO_LONG_WORD.sub("…", text.astext())))
            for abbreviation in block.findall(nodes.abbreviation):
                abbreviation["explanation"] = TOO_LONG_WORD.sub("…", str(abbreviation.get("explanation", "")))
    for index in found.indexes:
        listed: list[tuple[str, ...]] = index.get("entries", [])
        entries = " ".join(str(part) for entry in listed for part in entry[:3] if part)
        right_to_left = right_to_left_problem(entries)
        if right_to_left:
            logger.warning("index entry: %s", right_to_left, location=index)
            index["entries"] = []
    for icon in found.icons:
        # sphinx-design writes an icon role's classes into the SVG unescaped ({octicon}`x;1em;"><…`).
        if svg_markup_runs_script(str(icon.get("svg", ""))):
            logger.warning("icon refused: its markup is not one plain SVG (markup in its classes?)", location=icon)
            icon.replace_self([])
    for node, uri in _files(found):
        if "*" in uri and isinstance(node, nodes.image):
            logger.warning("image %r refused: name the one file to show, without '*'", uri, location=node)
            _withdraw(node)
            continue
        if scheme_of(uri) is None and not uri.startswith("//") and not _safe_address(uri):
            # LaTeX gets an image's file name as it is: "x}.png}\textbf{…}" would be LaTeX.
            logger.warning(
                "file %r refused: its name may hold only letters, digits, '-', '_' and '.'", uri, location=node
            )
            _withdraw(node)
            continue
        if scheme_of(uri) is not None or uri.startswith("//"):
            if isinstance(node, nodes.image):
                logger.warning("remote image %r refused: the site asks no other site for anything", uri, location=node)
                _withdraw(node)
            elif link_refusal(uri):  # a remote download is a link
                logger.warning(link_refusal(uri), location=node)
                _withdraw(node)
            continue
        _, absolute = app.env.relfn2path(uri.replace("*", "any"), app.env.docname)
        refusal = file_refusal(Path(absolute), root)
        if refusal:
            logger.warning(refusal, location=node)
            _withdraw(node)


LINKS = (nodes.reference, nodes.target)
"""What carries an address (``refuri``) in a page's tree."""
PASSED_TO_LATEX: dict[type[nodes.Node], str] = {
    nodes.math: "math",
    nodes.math_block: "math",
    addnodes.tabular_col_spec: "tabularcolumns",
}
"""What Sphinx writes into LaTeX unescaped (math is TeX; a column spec is LaTeX), and its name."""


def check_resolved_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The same rule for the links made after a page is read (the bibliography's, the glossaries')."""
    _refuse_links(list(doctree.findall(nodes.reference)), docname)


def _refuse_links(links: list[nodes.Element], docname: str | None = None) -> None:
    """Warn of every link the rule refuses, at its line (else its page), and make it lead nowhere."""
    for link in links:
        refusal = link_refusal(link.get("refuri", ""))
        if refusal:
            logger.warning(refusal, location=link if link.source or docname is None else docname)
            link["refuri"] = "#"


def _withdraw(node: nodes.Element) -> None:
    """Put a refused image or download's text in its place, so that no builder reads or fetches the file."""
    text = node.get("alt", "") if isinstance(node, nodes.image) else node.astext()
    node.replace_self(nodes.inline(text, text))


def check_static_files(app: Sphinx) -> None:
    """Every static file the site copies (and every file of the sources) is inside the project, links followed.

    The paths are names, not path objects: a large archive's sources are thousands of files, and
    this runs in every build.
    """
    root = project_root(app)
    # The folders conf.py names (relative to it); extensions add their own files by absolute paths.
    configured = (*app.config.html_static_path, *app.config.html_extra_path)
    sources = str(app.srcdir)
    folders = [str(Path(app.confdir) / folder) for folder in configured if not Path(folder).is_absolute()]
    suffixes = tuple(app.config.source_suffix)
    for folder in [sources, *folders]:
        if not Path(folder).exists():
            continue
        for path, is_file in _every_name(folder, root):
            if folder in folders and is_file and _page_or_scripted_svg(Path(path)):
                raise ContentPolicyError(
                    f"{path}: a static file the site would serve as a page (or an SVG with script): remove it"
                )
            page = folder == sources and path.endswith(suffixes) and path != folder
            if page and not _safe_address(path[len(folder) + 1 :].replace(os.sep, "/")):
                raise ContentPolicyError(
                    f"{path}: a page's file name may hold only letters, digits, '-', '_' and '.': rename it"
                )


def _every_name(folder: str, root: Path) -> Iterator[tuple[str, bool]]:
    """``data_files.every_name``, a link out of the project stopping the build as a content-policy error."""
    try:
        yield from every_name(folder, root)
    except InputError as error:
        raise ContentPolicyError(f"{error}") from None


SAFE_NAME = re.compile(r"[\w.\-]+")
"""What a page's file name may hold: its name is written into links, addresses and the EPUB's
file names, where quotes, angle brackets, colons or percent signs would be markup or break them."""


def _safe_address(uri: str) -> bool:
    """Whether a file a page names (``../files/x.png``, ``/_static/y.pdf``, ``reports/a.md``) has plain names."""
    return all(SAFE_NAME.fullmatch(part) for part in uri.lstrip("/").split("/"))


def runs_in_a_browser(suffix: str) -> bool:
    """Whether a file with this suffix would be served as a page, a script or XML.

    XML runs the XHTML scripts it holds. The listed suffixes, and any the system knows as HTML, XML
    or script.
    """
    suffix = suffix.lower()
    if suffix in RUNNABLE_SUFFIXES:
        return True
    kind = mimetypes.guess_type(f"file{suffix}", strict=False)[0] or ""
    return suffix != ".svg" and (kind.endswith("xml") or "html" in kind or "javascript" in kind)


def _page_or_scripted_svg(path: Path) -> bool:
    """A page (HTML, XML, XSLT) or an SVG with script among the static files: it would run from the site.

    The site's own scripts (``.js``) are code of the edition, reviewed as such; pages and images are not.
    """
    suffix = path.suffix.lower()
    return (runs_in_a_browser(suffix) and suffix not in SCRIPT_SUFFIXES) or (suffix == ".svg" and svg_runs_script(path))


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("dialogue_edition.sphinxext.front_matter")
    app.add_config_value("edition_project_root", "", "env", types=[str])
    app.add_role("raw", refuse_raw_role, override=True)
    app.connect("builder-inited", disable_raw_and_file_insertion)
    app.connect("builder-inited", check_static_files)
    # Before Sphinx's image collector (priority 500) rewrites each image's address.
    app.connect("doctree-read", check_page, priority=400)
    # Last: after every extension has added its links.
    app.connect("doctree-resolved", check_resolved_links, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
