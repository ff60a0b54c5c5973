"""A page's front matter may not change MyST's settings: every page is read with ``conf.py``'s.

myst-parser lets a page's YAML front matter override the project's MyST settings for that page
(``myst:``, and the older top-level ``html_meta`` and ``substitutions``). From a pull request that
undoes the content policy (``safety``) a page at a time: ``disable_syntax: []`` switches raw HTML
back on (script, a full-screen overlay), ``html_meta`` writes a ``<meta http-equiv="refresh">``
that sends readers to another site, and ``enable_extensions: [substitution]`` evaluates the
page's ``{{ … }}`` as Jinja templates that are not sandboxed: code run on the build machine. The
project has no use for such a page-level setting, and myst-parser has no option to refuse them.

So Markdown is read by :class:`ProjectSettingsParser`: myst-parser's own parser that takes the
project's settings as they are. A page whose front matter holds one of :data:`PAGE_SETTINGS` gets a
warning at the key's line (an error under ``-W``), and is read with the project's settings in the
meantime, so that nothing it asks for runs even while the build goes on to report every problem.
The rest of the front matter (``orphan: true``, say) is Sphinx's page metadata; so are the
fields that open a reStructuredText page (``:orphan:``). Extensions print metadata into the page,
not all of them escaped: sphinxext-opengraph writes every ``og:`` key as a ``<meta>`` of its own
(a key can close the attribute and add ``http-equiv="refresh"``), and this project's own
``edition-data-source`` becomes Furo's "view" and "edit" links. So once a page is read, its
metadata keeps only :data:`PAGE_METADATA` (what Sphinx and Furo read) and this project's data
source where it is a plain path of the project; any other key gets a warning at its line and is
dropped (:func:`keep_known_metadata`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from docutils import nodes
from myst_parser.config.main import TopmatterReadError, read_topmatter
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
from myst_parser.parsers.mdit import create_md_parser
from myst_parser.parsers.sphinx_ import MystParser
from sphinx.application import Sphinx
from sphinx.util import logging

from .contributing import DATA_SOURCE, plain_path

logger = logging.getLogger(__name__)

PAGE_SETTINGS = ("myst", "mystnb", "html_meta", "substitutions")
"""Front-matter keys through which myst-parser (or MyST-NB) would change a page's settings."""


def page_settings(text: str) -> list[tuple[str, int]]:
    """The settings keys of a page's front matter, each with its line (1-based); none if it has no front matter."""
    try:
        topmatter = read_topmatter(text)
    except TopmatterReadError:
        return []  # myst-parser reports the malformed front matter itself
    if not isinstance(topmatter, dict):
        return []
    return sorted(((key, key_line(text, key)) for key in PAGE_SETTINGS if key in topmatter), key=lambda pair: pair[1])


def key_line(text: str, key: str) -> int:
    """The line (1-based) that opens with ``key``, as front matter or a field writes it; else 1.

    Front matter writes ``key:`` or ``"key":``, a reStructuredText field ``:key:``. The key read
    may differ from the key written (quotes made typographic): it is looked for by its first word.
    """
    word = re.match(r"[\w:.-]+", key)
    opens = re.compile(rf"""\s*[:"']?{re.escape(word.group() if word else key)}(?![\w.-])""")
    return next((n for n, line in enumerate(text.splitlines(), 1) if opens.match(line)), 1)


class ProjectSettingsParser(MystParser):
    """myst-parser's Sphinx parser, reading every page with the project's settings (see the module)."""

    def parse(self, inputstring: str, document: nodes.document) -> None:
        """Parse the page as myst-parser does, without merging its front matter into the settings."""
        env = document.settings.env
        for key, line in page_settings(inputstring):
            logger.warning(
                f"the front matter's {key!r} would change how MyST reads this page, which no page may do "
                "(it could switch raw HTML or templates back on): remove it; conf.py's settings apply",
                location=(env.docname, line),
            )
        parser = create_md_parser(env.myst_config, SphinxRenderer)
        parser.options["document"] = document
        parser.render(inputstring)


PAGE_METADATA = frozenset({"orphan", "nosearch", "tocdepth", "hide-toc", "wordcount"})
"""The metadata a page may have: Sphinx's (an orphan page, one left out of the search, the depth of
its contents), Furo's (no table of contents in the sidebar) and myst-parser's own count of the
page's words (read only by MyST's substitutions, which no page may switch on)."""


def keep_known_metadata(app: Sphinx, doctree: nodes.document) -> None:
    """Drop, with a warning at its line, every metadata key of the page read that is not allowed."""
    docname = app.env.docname
    metadata = app.env.metadata.get(docname, {})
    source: str | None = None
    for key in sorted(metadata):
        if key in PAGE_METADATA or (key == DATA_SOURCE and plain_path(metadata[key])):
            continue
        if source is None:
            source = Path(app.env.doc2path(docname)).read_text(encoding="utf-8", errors="replace")
        line = key_line(source, key)
        logger.warning(
            f"page metadata {key!r} refused: a page may set only {', '.join(sorted(PAGE_METADATA - {'wordcount'}))} "
            "(other keys reach the page's head or links as they are written)",
            location=(docname, line),
        )
        del metadata[key]


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_parser")
    app.add_source_parser(ProjectSettingsParser, override=True)
    # After Sphinx's metadata collector (priority 500), which takes a reStructuredText page's fields.
    app.connect("doctree-read", keep_known_metadata, priority=510)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
