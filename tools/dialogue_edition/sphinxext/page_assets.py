"""Each page loads only the stylesheets and scripts it uses.

sphinx-design, sphinx-copybutton and Pygments add their CSS and JavaScript to every page of a
site; here a report page has no cards, no tabs and no code, and those files were two thirds of
its weight. A page written from a doctree keeps a feature's files only when the doctree uses it.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

FEATURE_FILES = {
    "design": ("sphinx-design.min.css", "design-tabs.js"),
    "code": ("copybutton.css", "copybutton.js", "clipboard.min.js", "pygments.css"),
}


def features_used(doctree: nodes.document) -> set[str]:
    """Which optional features the page's content uses."""
    used: set[str] = set()
    for node in doctree.findall(nodes.Element):
        classes: list[str] = node.get("classes", [])
        if any(name.startswith("sd-") for name in classes):
            used.add("design")
        if isinstance(node, nodes.literal_block):
            used.add("code")
    return used


def drop_unused_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Remove from the page's context the files of features its content does not use."""
    if doctree is None:
        return
    used = features_used(doctree)
    unused = {name for feature, names in FEATURE_FILES.items() if feature not in used for name in names}
    for key in ("css_files", "script_files"):
        context[key] = [
            asset
            for asset in context.get(key, [])
            if str(getattr(asset, "filename", asset)).rsplit("/", 1)[-1] not in unused
        ]


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("html-page-context", drop_unused_assets, priority=900)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
