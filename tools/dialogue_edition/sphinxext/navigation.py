"""The sidebar of an archive: every report, and the parts of the report being read.

Furo's sidebar shows the whole site's tree, fully expanded, on every page: for an archive of
many reports that is every page of every report on every page. Here the tree is collapsed to the
branch being read: the list of reports, the current report's parts, and the glossaries, as a
reader of one report needs (``toctree()`` in the template context always collapses).

Built once, marked per page. Collapsing alone left the build growing with the square of the
number of pages: for every page Sphinx resolved the whole site's toctree (every page's table of
contents, copied, marked, then pruned to the page's branch), and Furo parsed the result with
BeautifulSoup to add its toggles. Yet a collapsed sidebar differs from page to page only in
(1) the branch that holds the page (a report, or a glossary), which is expanded and marked
``current``, and (2) the relative addresses of the links. So once per build:

- each entry of each of the root page's toctrees (a report, a glossary) is rendered, collapsed
  and unmarked, through Sphinx's writer and Furo's ``get_navigation_tree``, with a placeholder for
  every link's address; the placeholders are filled once per folder of pages;
- the entry whose branch holds each page is found from the entries' uncollapsed trees;

and for each page only its own entry is resolved and rendered by Sphinx and Furo, as before (a
few links), and put among the others. The work per page no longer grows with the site, apart
from its output (one link per report, joined) and the map of every page's toctree parent that
Sphinx makes for each resolution (a dictionary; a fraction of a millisecond at 1,200 pages).

The result is byte for byte what Sphinx and Furo make (``tests/test_navigation.py`` compares every
page of the two-report site with the sidebars made before this design, and a tiny project built
with ``edition_navigation_check = True``, which builds every sidebar both ways and fails on any
difference). The shapes this does not cover are left to Sphinx and Furo, page by page: a page
in more than one branch, another extension's ``toctree()`` (the 404 page's absolute links, which
is collapsed all the same), another builder or theme; and the whole site if the pieces, put
together, do not give Furo's tree.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders import Builder
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment import BuildEnvironment
from sphinx.environment.adapters.toctree import TocTree
from sphinx.errors import ExtensionError
from sphinx.util import logging, url_re
from sphinx.util.osutil import relative_uri
from sphinx.util.tags import Tags

from .navigation_cache import (
    Pieces,
    Toctree,
    digest_pages,
    env_config_digest,
    inputs_digest,
    keep_pieces,
    keep_sidebar,
    kept_pieces,
    kept_sidebar,
    other_inputs,
)
from .per_build import OncePerBuild

logger = logging.getLogger(__name__)

FURO_TOCTREE: dict[str, bool | int] = {"collapse": False, "titles_only": True, "maxdepth": -1, "includehidden": True}
"""What Furo asks ``toctree()`` for (``furo._compute_navigation_tree``); ``collapse`` is overridden here."""
SIDEBAR_BUILDERS = {"html", "dirhtml"}
"""Builders whose ``toctree()`` is Sphinx's own, relative to each page (not singlehtml's, nor the EPUB's)."""
STASH = "edition_navigation_stash"
"""Where a page's ``toctree()`` and finished sidebar wait while Furo's handler runs."""
LIST_END = "</ul>\n"


class CollapsedToctree:
    """The template's ``toctree()`` with branches away from the current page collapsed.

    ``own``: Sphinx's own ``toctree()``, relative to the page, whose sidebar this extension
    builds from the site's; not another extension's (the 404 page's, with absolute addresses).
    """

    def __init__(self, toctree: Callable[..., str], *, own: bool = True) -> None:
        self.toctree, self.own = toctree, own
        self.module = getattr(toctree, "__module__", "")

    def __call__(self, **options: bool | int) -> str:
        return self.toctree(**{**options, "collapse": True})


def collapsed(toctree: Callable[..., str]) -> CollapsedToctree:
    """The template's ``toctree()`` with branches away from the current page collapsed."""
    return CollapsedToctree(toctree)


def furo_tree(toctree_html: str) -> str:
    """Furo's sidebar from Sphinx's toctree HTML: toggles added, the current page marked."""
    # Imported here: Furo's parser (BeautifulSoup) is needed by the site only, not by the EPUB
    # and LaTeX builds, which load this extension too.
    from furo.navigation import get_navigation_tree  # type: ignore[import-untyped]  # Furo ships no type information

    return cast(str, get_navigation_tree(toctree_html))


class Unrelative:
    """A stand-in builder for resolving toctrees: every link keeps its document's name as address."""

    def __init__(self, tags: Tags) -> None:
        self.tags = tags

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        return to


class PiecesDoNotFit(Exception):
    """The pieces rendered once do not give what Sphinx and Furo give for the whole tree."""


class SiteNavigation:
    """The root page's toctrees rendered once, and each page's sidebar put together from them."""

    def __init__(self, app: Sphinx) -> None:
        self.env, self.builder = app.env, cast(StandaloneHTMLBuilder, app.builder)
        self.nodes = list(self.env.master_doctree.findall(addnodes.toctree))
        # Placeholders, and a page name no link has: random, so that no title or address can hold one.
        self.nobody = f"edition-navigation-{secrets.token_hex(8)}"
        self.targets: dict[tuple[str, str], str] = {}
        """The placeholder of each (document, anchor) a sidebar links to."""
        self.branches: dict[str, set[tuple[int, int]]] = {}
        """Each page's branches: (toctree, entry) pairs whose tree links to it."""
        self.filled: dict[tuple[str, ...], list[list[str]]] = {}
        """The entries' list items with the addresses as seen from one folder of pages."""
        self.left_to_furo: list[str] = []
        """Pages whose sidebar Sphinx and Furo build as before (see the module's docstring)."""
        self.toctrees: list[Toctree] = []
        self.unusable = ""
        """Why the pieces do not give Furo's tree (then every sidebar is Furo's), if they do not."""
        inputs = navigation_inputs(app)
        kept = kept_pieces(app, inputs)
        if kept is not None:
            self.take_back(kept)  # the last build's: the same inputs (navigation_cache)
        else:
            try:
                self.toctrees = self.render_entries()
            except PiecesDoNotFit as reason:
                self.toctrees, self.unusable = [], str(reason)
            keep_pieces(app, self.pieces(inputs))
        if self.unusable:
            logger.info("navigation: every page's sidebar is built by Sphinx and Furo (%s)", self.unusable)
        self.usable = not self.unusable
        self.placeholder = re.compile(rf'href="({re.escape(self.nobody)}-\d+)"')
        self.uris: dict[str, set[str]] = {}
        """The pages the sidebar links to, by address."""
        for document, _anchor in self.targets:
            self.uris.setdefault(self.builder.get_target_uri(document).partition("#")[0], set()).add(document)

    def pieces(self, inputs: str) -> Pieces:
        """What was rendered once for the site, as data for the next build."""
        return Pieces(
            nobody=self.nobody,
            toctrees=self.toctrees,
            targets=[(document, anchor, placeholder) for (document, anchor), placeholder in self.targets.items()],
            branches={page: sorted(pairs) for page, pairs in sorted(self.branches.items())},
            unusable=self.unusable,
            inputs=inputs,
        )

    def take_back(self, kept: Pieces) -> None:
        """The pieces a build with the same inputs rendered."""
        self.nobody, self.unusable = kept.nobody, kept.unusable
        self.toctrees = kept.toctrees
        self.targets = {(document, anchor): placeholder for document, anchor, placeholder in kept.targets}
        self.branches = {page: set(pairs) for page, pairs in kept.branches.items()}

    # -- Once per build ------------------------------------------------------------------------

    def resolve(
        self, docname: str, builder: Builder, toctree: addnodes.toctree, *, collapse: bool
    ) -> nodes.Element | None:
        """Sphinx's resolution of a toctree as Furo asks for it (titles only, all depths, hidden ones)."""
        return TocTree(self.env).resolve(
            docname, builder, toctree, prune=True, maxdepth=-1, titles_only=True, collapse=collapse, includehidden=True
        )

    def unmarked(self, toctree: addnodes.toctree, *, collapse: bool) -> nodes.Element | None:
        """A toctree resolved for no page, each internal link's address its placeholder."""
        tree: nodes.Element | None = self.resolve(
            self.nobody, cast(Builder, Unrelative(self.builder.tags)), toctree, collapse=collapse
        )
        for reference in tree.findall(nodes.reference) if tree is not None else ():
            if url_re.match(reference["refuri"]):
                continue  # an external link: its address is the same from every page
            anchor = reference.get("anchorname", "")
            document = reference["refuri"][: len(reference["refuri"]) - len(anchor)]
            key = (document, anchor)
            reference["refuri"] = self.targets.setdefault(key, f"{self.nobody}-{len(self.targets)}")
        return tree

    def html(self, tree: nodes.Element | None) -> str:
        """What Sphinx's writer and Furo make of a resolved toctree."""
        return furo_tree(self.builder.render_partial(tree)["fragment"]) if tree is not None else ""

    def render_entries(self) -> list[Toctree]:
        """Every toctree of the root page, entry by entry; each page's branches; checked against the whole."""
        toctrees: list[Toctree] = []
        for index, node in enumerate(self.nodes):
            toctree = Toctree()
            for position, entry in enumerate(node["entries"]):
                single = only_entry(node, entry)
                opening, items = list_items(self.html(self.unmarked(single, collapse=True)))
                if "<ul" in items:
                    raise PiecesDoNotFit(f"a collapsed entry of a toctree has sub-lists: {entry}")
                if opening:
                    if toctree.opening and opening != toctree.opening:
                        raise PiecesDoNotFit(f"the entries' lists open differently: {opening!r}, {toctree.opening!r}")
                    toctree.opening = opening
                toctree.entries.append(items)
                for reference in self.unmarked_references(single):
                    self.branches.setdefault(reference, set()).add((index, position))
            whole = self.html(self.unmarked(node, collapse=True))
            tail = toctree.opening + "".join(toctree.entries) + LIST_END
            if whole:
                if not toctree.opening or not whole.endswith(tail):
                    raise PiecesDoNotFit(f"a toctree is not its entries put together: {whole!r}")
                toctree.caption, toctree.present = whole[: -len(tail)], True
            elif any(toctree.entries):
                raise PiecesDoNotFit("a toctree shows nothing though its entries do")
            toctrees.append(toctree)
        everything = self.html(self.unmarked_site())
        if everything != "".join(
            toctree.caption + toctree.opening + "".join(toctree.entries) + LIST_END
            for toctree in toctrees
            if toctree.present
        ):
            raise PiecesDoNotFit("the site's tree is not its toctrees put together")
        return toctrees

    def unmarked_references(self, single: addnodes.toctree) -> set[str]:
        """The documents an entry's whole (uncollapsed) tree links to: the pages in its branch."""
        tree: nodes.Element | None = self.resolve(
            self.nobody, cast(Builder, Unrelative(self.builder.tags)), single, collapse=False
        )
        found = set()
        for reference in tree.findall(nodes.reference) if tree is not None else ():
            if not url_re.match(reference["refuri"]):
                anchor = reference.get("anchorname", "")
                found.add(reference["refuri"][: len(reference["refuri"]) - len(anchor)])
        return found

    def unmarked_site(self) -> nodes.Element | None:
        """The whole site's collapsed tree for no page, as Sphinx puts the toctrees together."""
        merged: nodes.Element | None = None
        for node in self.nodes:
            tree = self.unmarked(node, collapse=True)
            if tree is None:
                continue
            if merged is None:
                merged = tree
            else:
                merged.extend(tree.children)
        return merged

    # -- Once per page --------------------------------------------------------------------------

    def sidebar(self, pagename: str) -> str | None:
        """The page's sidebar as Furo would give it, or None where Sphinx and Furo must build it."""
        branches = self.branches.get(pagename, set())
        if not self.usable or len(branches) > 1:
            self.left_to_furo.append(pagename)
            return None
        branch = next(iter(branches), None)
        marked = self.marked_entry(pagename, *branch) if branch is not None else ("", "")
        if marked is None:
            self.left_to_furo.append(pagename)
            return None
        parts = []
        for index, (toctree, entries) in enumerate(zip(self.toctrees, self.entries_seen_from(pagename), strict=True)):
            if not toctree.present:
                continue
            if branch is not None and branch[0] == index:
                # The branch holding the page: expanded and marked, the list marked current.
                position = branch[1]
                opening, items = marked
                entries = [*entries[:position], items, *entries[position + 1 :]]
                parts.append(toctree.caption + opening + "".join(entries) + LIST_END)
            else:
                parts.append(toctree.caption + toctree.opening + "".join(entries) + LIST_END)
        return "".join(parts)

    def marked_entry(self, pagename: str, index: int, position: int) -> tuple[str, str] | None:
        """The page's own branch as Sphinx and Furo give it: its list's opening tag and its items."""
        node = self.nodes[index]
        try:
            opening, items = list_items(
                self.html(
                    self.resolve(pagename, self.builder, only_entry(node, node["entries"][position]), collapse=True)
                )
            )
        except PiecesDoNotFit:
            return None
        return (opening, items) if items else None

    def entries_seen_from(self, pagename: str) -> list[list[str]]:
        """Every entry's list items with the addresses relative to the page's folder.

        A page's own entry comes from Sphinx instead (``marked_entry``), so every link taken from
        here goes to another page, and its address is the same from every page of the folder:
        filled once per folder, from a name in it that no page has. Except where another page has
        the page's address (possible with dirhtml): its link is '#' from the page, so such a page
        gets addresses of its own.
        """
        uri = self.builder.get_target_uri(pagename).partition("#")[0]
        folder = tuple(uri.split("/")[:-1])
        if self.uris.get(uri, set()) - {pagename}:
            return self.fill(uri)
        if folder not in self.filled:
            self.filled[folder] = self.fill("/".join([*folder, self.nobody]))
        return self.filled[folder]

    def fill(self, base: str) -> list[list[str]]:
        """The entries' list items with each placeholder replaced by its address relative to ``base``."""
        from bs4.formatter import HTMLFormatter  # the site's builds only (see furo_tree)

        formatter = HTMLFormatter.REGISTRY["minimal"]
        addresses = {}
        for (document, anchor), placeholder in self.targets.items():
            # Sphinx's Builder.get_relative_uri (html and dirhtml keep it), and its writer's '#'
            # for an empty address; written back as Furo's parser writes attributes.
            value = (relative_uri(base, self.builder.get_target_uri(document)) + anchor) or "#"
            addresses[placeholder] = "href=" + formatter.quoted_attribute_value(formatter.attribute_value(value))
        return [
            [self.placeholder.sub(lambda match: addresses[match[1]], entry) for entry in toctree.entries]
            for toctree in self.toctrees
        ]


def only_entry(toctree: addnodes.toctree, entry: tuple[str | None, str]) -> addnodes.toctree:
    """A toctree like ``toctree`` (same options) that holds only ``entry``, without a caption."""
    single = toctree.copy()
    single["entries"] = [entry]
    single.attributes.pop("caption", None)
    return single


def list_items(tree: str) -> tuple[str, str]:
    """A rendered one-list toctree split into the list's opening tag and its items ("", "" if empty)."""
    if not tree:
        return "", ""
    opening = tree[: tree.find("\n") + 1]
    if not opening.startswith("<ul") or not tree.endswith(LIST_END):
        raise PiecesDoNotFit(f"a toctree entry is not one list: {tree!r}")
    return opening, tree[len(opening) : -len(LIST_END)]


navigation_inputs = OncePerBuild(inputs_digest)
"""The digest of what the sidebars are made from (``navigation_cache``), once per build: the pieces
and the 404 page's sidebar both need it."""
site_navigation = OncePerBuild(SiteNavigation)
"""The navigation of the build being written, rendered on first use."""


def collapse_navigation(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Hand the theme a collapsing ``toctree()`` before it computes the sidebar."""
    if "toctree" in context:
        context["toctree"] = collapsed(context["toctree"])


def collapse_added_navigation(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Collapse a ``toctree()`` another extension put in the context after ours: the 404 page's.

    sphinx-notfound-page gives the 404 page a ``toctree()`` with absolute addresses (the page is
    served at any address) that expands every branch: at 200 reports, every page of every report
    in a 311 kB page. Collapsed, its sidebar is every other page's, unmarked.
    """
    toctree = context.get("toctree")
    if toctree is not None and not isinstance(toctree, CollapsedToctree):
        context["toctree"] = CollapsedToctree(toctree, own=False)


def prepare_sidebar(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Build the page's sidebar from the site's, and keep ``toctree()`` from Furo's handler meanwhile.

    Furo's handler (next) computes its sidebar from ``toctree()`` if the context has one, and from
    nothing (at no cost) if not; ``place_sidebar`` (after it) gives both back. Another extension's
    ``toctree()`` (the 404 page's) is left to Furo, unless the last build kept the sidebar Furo
    made from it (``navigation_cache.kept_sidebar``).
    """
    toctree = context.get("toctree")
    theme = getattr(getattr(app.builder, "theme", None), "name", None)
    if not isinstance(toctree, CollapsedToctree) or theme != "furo" or app.builder.name not in SIDEBAR_BUILDERS:
        return  # another theme or builder: Furo's own way
    if not toctree.own:
        _prepare_other_sidebar(app, pagename, toctree, context)
        return
    tree = site_navigation(app).sidebar(pagename)
    if tree is None:
        return
    if app.config.edition_navigation_check:
        expected = furo_tree(toctree(**FURO_TOCTREE))
        if tree != expected:
            raise ExtensionError(f"{pagename}: the sidebar differs from Furo's:\n{tree}\n-- Furo's --\n{expected}")
    context[STASH] = (context.pop("toctree"), tree)


def _prepare_other_sidebar(app: Sphinx, pagename: str, toctree: CollapsedToctree, context: dict[str, Any]) -> None:
    """The sidebar of a page with another extension's ``toctree()``: the one kept, else Furo's, noted to be kept."""
    # The digest alone, not the site's navigation: the main process of a parallel build writes
    # this page, and has rendered no sidebar of its own.
    inputs = other_inputs(navigation_inputs(app), toctree.module)
    if inputs is None or app.config.edition_navigation_check:
        return
    kept = kept_sidebar(app, pagename, inputs)
    if kept is None:
        context[TO_KEEP] = inputs
    else:
        context[STASH] = (context.pop("toctree"), kept)


TO_KEEP = "edition_navigation_to_keep"
"""Where a page whose sidebar Furo makes from another extension's ``toctree()`` waits with its digest."""


def digest_configuration(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Before Sphinx reads: the digest of its ``env`` configuration values, while it still says whether they changed."""
    if app.builder.name in SIDEBAR_BUILDERS:
        env_config_digest(env)


def digest_pages_ahead(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Once the pages are read and numbered: each page's share of the pieces' digest, kept with Sphinx's environment.

    The next build (an edit) then works out again only the shares of the pages it reads. Sphinx
    numbers sections in place (``env-get-updated``, at the default priority), and pickles its
    environment after that event: the shares are taken in between. No page is to be written again.
    """
    if app.builder.name in SIDEBAR_BUILDERS:
        digest_pages(env)
    return []


def place_sidebar(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Give the page its ``toctree()`` back, and Furo's template the sidebar built for it."""
    stashed = context.pop(STASH, None)
    if stashed is not None:
        context["toctree"], context["furo_navigation_tree"] = stashed
    inputs = context.pop(TO_KEEP, None)
    if inputs is not None and isinstance(context.get("furo_navigation_tree"), str):
        keep_sidebar(app, pagename, inputs, context["furo_navigation_tree"])


def setup(app: Sphinx) -> dict[str, Any]:
    # Checks every page's sidebar against Sphinx's and Furo's (for the tests; it doubles the cost).
    app.add_config_value("edition_navigation_check", False, "", types=frozenset({bool}))
    navigation_inputs.setup(app)
    site_navigation.setup(app)
    app.connect("html-page-context", collapse_navigation, priority=400)
    # After the extensions that replace toctree() at 400 (sphinx-notfound-page), before Furo.
    app.connect("html-page-context", collapse_added_navigation, priority=450)
    # Furo computes its sidebar at the default priority, 500: just before it and just after it.
    app.connect("html-page-context", prepare_sidebar, priority=499)
    app.connect("html-page-context", place_sidebar, priority=501)
    app.connect("env-before-read-docs", digest_configuration)
    app.connect("env-get-updated", digest_pages_ahead, priority=900)
    # Version 3: the environment keeps each page's share of the pieces' digest (navigation_cache).
    return {"version": "3", "parallel_read_safe": True, "parallel_write_safe": True}
