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


@pytest.mark.sphinx("html", testroot="front-matter")
def test_front_matter_cannot_change_how_myst_reads_a_page(app: SphinxTestApp) -> None:
    # The page's front matter would switch templates on (code run on the build machine), raw HTML
    # back on, and a <meta> refresh off the site: each key is refused at its line, and the page is
    # read with conf.py's settings. Its template asks to create a file in the working directory.
    marker = Path("TEMPLATE_RAN")
    assert not marker.exists()
    app.build()
    warnings = app.warning.getvalue()
    source = Path(app.srcdir) / "index.md"
    for key, line in (("myst", 3), ("substitutions", 8)):
        assert f"{source}:{line}: WARNING: the front matter's {key!r} would change how MyST reads" in warnings, warnings
    assert not marker.exists()
    # Metadata other than Sphinx's and Furo's is dropped (sphinxext-opengraph writes og: keys as
    # they are into the head; the data source becomes the view and edit links).
    for key, line in (('og:x" http-equiv="refresh', 10), ("edition-data-source", 11)):
        assert f"{source}:{line}: WARNING: page metadata {key!r} refused" in warnings, warnings
    assert set(app.env.metadata["index"]) <= {"orphan", "wordcount"}
    # A reStructuredText page's opening fields are metadata the same way.
    assert f"{Path(app.srcdir) / 'fields.rst'}:2: WARNING: page metadata 'og:y" in warnings, warnings
    assert set(app.env.metadata["fields"]) <= {"orphan", "wordcount"}
    page = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "{{ cycler" in page  # the template is text
    assert "refresh" not in page
    # reStructuredText's meta directive writes into the page's head: refused at its page.
    refused = [row for row in warnings.splitlines() if "meta refused" in row]
    assert refused, warnings
    assert f"{Path(app.srcdir) / 'meta.md'}:" in refused[0]
    assert "refresh" not in (Path(app.outdir) / "meta.html").read_text(encoding="utf-8")
