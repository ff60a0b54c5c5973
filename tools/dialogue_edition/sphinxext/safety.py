"""Safe contributions: no raw HTML or LaTeX from page sources.

Contributions come from strangers through pull requests, so page sources may not inject markup:
docutils' ``raw`` directive is switched off here (``raw_enabled``), and MyST's raw HTML syntax in
``conf.py`` (``myst_disable_syntax``); together no raw node can reach a doctree.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx


def disable_raw(app: Sphinx) -> None:
    """Switch docutils' ``raw`` directive off for every page read."""
    app.env.settings["raw_enabled"] = False


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", disable_raw)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
