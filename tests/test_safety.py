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


def test_no_link_opens_a_new_window(editions: Layout) -> None:
    # A page opened in a new window could reach back into ours (window.opener) unless its link
    # said rel="noopener"; the site has no such link, from its pages, templates or scripts.
    site = editions.build / "html"
    pages = sorted(site.rglob("*.html"))
    external = 0
    for page in pages:
        tree = lxml_html.fromstring(page.read_bytes())
        external += len(tree.xpath("//a[starts-with(@href, 'http')]"))
        assert tree.xpath("//*[@target and @target != '_self']") == [], page
    assert external > 0
    for path in [*pages, *sorted(site.rglob("*.js"))]:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "_blank" not in text, path
        assert "window.open(" not in text, path


@pytest.mark.sphinx("html", testroot="safety")
def test_raw_html_shows_as_text_and_the_raw_directive_is_refused(app: SphinxTestApp) -> None:
    app.build()
    doctree = app.env.get_doctree("index")
    assert list(doctree.findall(nodes.raw)) == []
    page = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '"raw" directive disabled' in app.warning.getvalue()
