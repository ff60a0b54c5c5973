"""Safe contributions: no raw markup reaches a doctree, external links cannot reach back."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from dialogue_edition.build import Layout
from docutils import nodes
from lxml import html as lxml_html
from sphinx.testing.util import SphinxTestApp


def test_no_raw_node_reaches_any_doctree(editions: Layout) -> None:
    doctrees = sorted(editions.doctrees("html").rglob("*.doctree"))
    assert len(doctrees) >= 10
    for path in doctrees:
        doctree = pickle.loads(path.read_bytes())
        assert list(doctree.findall(nodes.raw)) == [], path


def test_every_external_link_opens_safely(editions: Layout) -> None:
    external = 0
    for page in (editions.build / "html").rglob("*.html"):
        for link in lxml_html.fromstring(page.read_bytes()).xpath("//a[starts-with(@href, 'http')]"):
            external += 1
            assert "noopener" in (link.get("rel") or ""), (page, link.get("href"))
    assert external > 0


@pytest.mark.sphinx("html", testroot="safety")
def test_raw_html_shows_as_text_and_the_raw_directive_is_refused(app: SphinxTestApp) -> None:
    app.build()
    doctree = app.env.get_doctree("index")
    assert list(doctree.findall(nodes.raw)) == []
    page = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '"raw" directive disabled' in app.warning.getvalue()
