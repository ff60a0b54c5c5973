"""The sidebar's pieces kept from one build to the next, while the pages keep their tables of contents.

``navigation.py`` renders every entry of the root page's toctrees once per build (through
Sphinx's writer and Furo's parser) and works out which entry holds each page: at 200 reports,
about 0.4 s of an edit that changes one word. Yet the pieces depend only on what Sphinx keeps of
each page for toctrees (its titles, its table of contents with the toctrees in it, the pages it
includes, its ``tocdepth``), on the set of pages and their section numbers, and on the code,
versions and configuration that render them; an edit of a paragraph changes none of these.

So the pieces are written beside the doctrees (``CACHE_FILE``, JSON) with a digest of all of
that (:func:`inputs_digest`; each page's share of it is kept with Sphinx's environment and
worked out again only when the page is read again: 19 ms of an edit at 200 reports, where
digesting every page took 70 ms), and a build takes them back only if the digest is the same,
and never in a build that reads every page afresh; otherwise they are rendered again.
``tests/test_navigation.py`` builds a tiny project again after an edit of a paragraph (reused),
of a title, of the language, afresh and with a damaged cache (rendered again), and compares
every sidebar with Furo's (``edition_navigation_check``).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TypeVar, cast

from docutils import nodes
from pydantic import ConfigDict, TypeAdapter, ValidationError
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder

# Sphinx's digest of configuration values by category (what its .buildinfo records); no public name.
from sphinx.builders.html._build_info import BuildInfo
from sphinx.environment import CONFIG_OK, BuildEnvironment

from ..code_version import code_digest

CACHE_FILE = "edition-navigation.json"
"""In the builder's doctree folder, beside Sphinx's own record of the pages."""
VERSIONED = ("sphinx", "docutils", "furo", "beautifulsoup4")
"""The packages whose code renders the pieces, besides this package's (Furo parses with BeautifulSoup)."""


@dataclass
class Toctree:
    """One of the root page's toctrees: its caption, its list's opening tag, one template per entry."""

    caption: str = ""
    opening: str = ""
    entries: list[str] = field(default_factory=list)
    """Each entry's list items, collapsed and unmarked, with placeholders for the addresses."""
    present: bool = False
    """False for a toctree that shows nothing (no entry has a title): Sphinx leaves it out."""
    # Read back from the cache: a field this code does not know makes the file another shape.
    __pydantic_config__ = ConfigDict(extra="forbid")


@dataclass
class Pieces:
    """What ``SiteNavigation`` renders once per site (see ``navigation.py``), as plain data."""

    nobody: str
    """The placeholder prefix the entries' addresses use."""
    toctrees: list[Toctree]
    """The root page's toctrees."""
    targets: list[tuple[str, str, str]]
    """(document, anchor, placeholder), in the order the placeholders were given."""
    branches: dict[str, list[tuple[int, int]]]
    """Each page's (toctree, entry) branches."""
    unusable: str
    """Why the pieces do not give Furo's tree, if they do not (each sidebar is then Furo's)."""
    inputs: str
    """:func:`inputs_digest` of the build that rendered them."""
    __pydantic_config__ = ConfigDict(extra="forbid")


PIECES = TypeAdapter(Pieces)
"""Reads the cache's JSON back into pieces: every value of its type, no unknown field (pydantic, strict)."""

OTHERS_FILE = "edition-navigation-others.json"
"""Beside ``CACHE_FILE``: the sidebars of pages whose ``toctree()`` another extension gives."""
OTHER_TOCTREES = {"notfound.extension": "sphinx-notfound-page"}
"""The modules whose ``toctree()`` a sidebar is kept for, and their packages (whose version counts).

sphinx-notfound-page's (the 404 page's, with absolute addresses) resolves the whole site's tree
and Furo parses it: 0.06 s of every build at 200 reports, for a sidebar that changes only when
the pieces' inputs do. The 404 page's ``toctree()`` depends on nothing else but its own code,
its configuration (counted with the rest) and ``READTHEDOCS`` (read by its code). Another
extension's is not kept: what it depends on is unknown.
"""


@dataclass
class OtherSidebars:
    """Sidebars Furo made from another extension's ``toctree()``, by page, and the digest of their inputs."""

    inputs: str
    sidebars: dict[str, str]
    __pydantic_config__ = ConfigDict(extra="forbid")


OTHERS = TypeAdapter(OtherSidebars)


def other_inputs(pieces_inputs: str, module: str) -> str | None:
    """The digest of a sidebar from ``module``'s ``toctree()``, given the pieces'; ``None`` if it is not kept."""
    package = OTHER_TOCTREES.get(module)
    if package is None:
        return None
    shares = [pieces_inputs, module, f"{package} {_package_version(package)}", os.environ.get("READTHEDOCS", "")]
    return hashlib.sha256("\0".join(shares).encode()).hexdigest()


def kept_sidebar(app: Sphinx, page: str, digest: str) -> str | None:
    """The sidebar the last build kept for ``page`` (:func:`keep_sidebar`), if made from inputs with this ``digest``."""
    kept = _kept(app, OTHERS_FILE, OTHERS, digest)
    return kept.sidebars.get(page) if kept else None


def keep_sidebar(app: Sphinx, page: str, digest: str, sidebar: str) -> None:
    """Keep the sidebar Furo made for ``page`` from another extension's ``toctree()``, for the next build."""
    kept = _kept(app, OTHERS_FILE, OTHERS, digest)
    _keep(app, OTHERS_FILE, OTHERS, OtherSidebars(digest, {**(kept.sidebars if kept else {}), page: sidebar}))


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "none"


def inputs_digest(app: Sphinx) -> str:
    """A digest of everything the pieces are rendered from (see the module's docstring).

    Each page's nodes count as docutils prints them (``pformat``): their names, attributes and
    text, not where they sit in memory or in the source (a pickle of the same title differs
    before and after Sphinx has stored it). The configuration counts whole, the values that make
    Sphinx read every page and those that make it write every page (``language`` is of the
    first kind, and translates the labels of generated entries such as the index).
    """
    env, builder = app.env, cast(StandaloneHTMLBuilder, app.builder)
    digest = hashlib.sha256()
    translator = builder.get_translator_class()
    shares = [
        code_digest(),
        *(f"{name} {_package_version(name)}" for name in VERSIONED),
        sys.version,
        f"{translator.__module__}.{translator.__qualname__}",
        builder.name,
        app.config.root_doc,
        env_config_digest(env),
        builder.build_info.config_hash,  # Sphinx's own digest of the "html" values
        builder.build_info.tags_hash,
        json.dumps(sorted(env.glob_toctrees)),
        repr(sorted(env.toc_secnumbers.items())),
    ]
    digest.update("\0".join(shares).encode())
    pages = digest_pages(env)
    for page in sorted(pages):
        digest.update(pages[page] + b"\1")
    return digest.hexdigest()


CONFIG_DIGEST = "edition_navigation_config"
"""The environment's attribute that holds Sphinx's digest of the configuration values that make
it read every page (its ``env`` category). At 200 reports they hold every report's metadata
(``edition_reports``): digesting them took 25 ms of an edit. Sphinx compares them with the
values its environment was made with as it starts (``env.config_status``, until it has read the
pages: then it says "unchanged" whatever it found): while it finds them equal, the digest kept
with the environment is theirs (:func:`env_config_digest`, first asked before Sphinx reads)."""


def env_config_digest(env: BuildEnvironment) -> str:
    """Sphinx's digest of the ``env`` configuration values, kept with ``env``; again when Sphinx found them changed."""
    kept = getattr(env, CONFIG_DIGEST, None)
    if env.config_status == CONFIG_OK and isinstance(kept, str):
        return kept
    digest = BuildInfo(env.config, None, frozenset({"env"})).config_hash
    setattr(env, CONFIG_DIGEST, digest)
    return digest


PAGE_DIGESTS = "edition_navigation_pages"
"""The environment's attribute that holds each page's share of :func:`inputs_digest`, with the
time the page was read: a page read again is digested again. Printing every page's table of
contents took 0.07 s of an edit at 200 reports. The shares are worked out once the pages are read
and numbered (:func:`digest_pages`, on ``env-get-updated``), so that Sphinx keeps them with its
environment."""


def digest_pages(env: BuildEnvironment) -> dict[str, bytes]:
    """Each page's share of :func:`inputs_digest`, worked out again only for the pages read since; kept with ``env``.

    What a page gives toctrees changes only when Sphinx reads it (and reading it records a new
    time in ``env.all_docs``); its section numbers, which Sphinx sets in place, count in the
    site's share (``toc_secnumbers``). Pages taken out of the sources leave the kept shares.
    """
    kept = getattr(env, PAGE_DIGESTS, None)
    kept = kept if isinstance(kept, dict) else {}
    shares: dict[str, tuple[int, bytes]] = {}
    for page, read_at in env.all_docs.items():
        known = kept.get(page)
        if isinstance(known, tuple) and len(known) == 2 and known[0] == read_at and isinstance(known[1], bytes):
            shares[page] = known
        else:  # new, read again, or of another shape
            shares[page] = (read_at, page_share(env, page))
    setattr(env, PAGE_DIGESTS, shares)
    return {page: share for page, (_, share) in shares.items()}


def page_share(env: BuildEnvironment, page: str) -> bytes:
    """What one page gives toctrees (its titles, its table of contents, what it includes, its depth), digested."""
    shares = [
        page,
        _text(env.titles.get(page)),
        _text(env.longtitles.get(page)),
        _text(env.tocs.get(page)),
        json.dumps(env.toctree_includes.get(page)),
        repr(env.metadata.get(page, {}).get("tocdepth")),
    ]
    return hashlib.sha256("\0".join(shares).encode()).digest()  # bytes: half the room of hex in the environment


def _text(node: nodes.Node | None) -> str:
    return node.pformat() if node is not None else ""


def kept_pieces(app: Sphinx, digest: str) -> Pieces | None:
    """The last build's pieces, if they were rendered from inputs with this ``digest``; else ``None``."""
    return _kept(app, CACHE_FILE, PIECES, digest)


def keep_pieces(app: Sphinx, pieces: Pieces) -> None:
    """Write this build's pieces for the next build, with the digest of their inputs."""
    _keep(app, CACHE_FILE, PIECES, pieces)


Kept = TypeVar("Kept", Pieces, OtherSidebars)


def _kept(app: Sphinx, name: str, shape: TypeAdapter[Kept], digest: str) -> Kept | None:
    """What the last build kept in the file ``name`` beside the doctrees, if made from inputs with this ``digest``.

    Never in a build that read every page afresh (``-E``, or no environment kept): the pipeline
    asks for one whenever its code changed or the last build did not finish.
    """
    if app.fresh_env_used:
        return None
    try:
        kept = shape.validate_json((Path(app.doctreedir) / name).read_bytes(), strict=True)
    except (OSError, ValidationError):
        return None  # none, or another shape (older code, a damaged file): made again
    return kept if kept.inputs == digest else None


def _keep(app: Sphinx, name: str, shape: TypeAdapter[Kept], kept: Kept) -> None:
    """Write what this build keeps for the next one into the file ``name`` beside the doctrees."""
    path = Path(app.doctreedir) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(shape.dump_json(kept))
