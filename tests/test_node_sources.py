"""Generated nodes take a position before Sphinx patches them (``dialogue_edition.sphinxext.node_sources``)."""

from __future__ import annotations

from pathlib import Path

import pytest
import sphinx.util.nodes
from docutils import nodes
from sphinx.testing.util import SphinxTestApp


def _generated(app: SphinxTestApp) -> nodes.section:
    doctree = app.env.get_doctree("index")
    return next(node for node in doctree.findall(nodes.section) if "generated" in node["ids"])


@pytest.mark.sphinx("html", testroot="node-sources")
def test_generated_nodes_take_the_position_of_their_directive(
    app: SphinxTestApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sphinx writes a node out as XML for its debug log whenever it patches one: none is left to patch.
    patched: list[nodes.Node] = []
    monkeypatch.setattr(sphinx.util.nodes, "repr_domxml", lambda node, length=80: patched.append(node) or "")
    app.build()
    directive = (str(Path(app.srcdir) / "index.md"), 5)  # MyST records it on the nodes the directive returns
    assert {(node.source, node.line) for node in _generated(app).findall(nodes.Element)} == {directive}
    assert patched == []


@pytest.mark.sphinx("html", testroot="node-sources", confoverrides={"extensions": ["myst_parser"]})
def test_without_the_extension_sphinx_patches_them_and_the_page_is_the_same(
    app: SphinxTestApp, make_app: type[SphinxTestApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    patched: list[nodes.Node] = []
    monkeypatch.setattr(sphinx.util.nodes, "repr_domxml", lambda node, length=80: patched.append(node) or "")
    app.build()
    assert patched, "the test page has nodes Sphinx patches (else the first test proves nothing)"
    without = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    positioned = make_app("html", srcdir=app.srcdir, builddir=Path(app.outdir).parent.parent / "positioned")
    positioned.build()
    assert (Path(positioned.outdir) / "index.html").read_text(encoding="utf-8") == without
