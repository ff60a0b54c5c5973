"""The sidebar of an archive: every report, and the parts of the report being read.

Furo's sidebar shows the whole site's tree, fully expanded, on every page: for an archive of
many reports that is every page of every report on every page, which makes a build grow with
the square of the number of pages (50 reports: 305 pages, each listing all 305). Here the tree
is collapsed to the branch being read: the list of reports, the current report's parts, and the
glossaries, as a reader of one report needs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx


def collapsed(toctree: Callable[..., str]) -> Callable[..., str]:
    """The template's ``toctree()`` with branches away from the current page collapsed."""

    @functools.wraps(toctree)
    def wrapper(**options: bool | int) -> str:
        return toctree(**{**options, "collapse": True})

    return wrapper


def collapse_navigation(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Hand the theme a collapsing ``toctree()`` before it computes the sidebar."""
    if "toctree" in context:
        context["toctree"] = collapsed(context["toctree"])


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", collapse_navigation, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
