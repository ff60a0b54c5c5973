"""The benchmark's plain-Sphinx baseline: the same pages as ours, and (as a figure beside it) their text.

``nox -s bench`` compares our builds with plain Sphinx over "the same pages" (issue 17). These
tests hold it to that: the baseline has every page ours has, builds without a warning, and, where
it holds the generated pages' text (``benchmarks/plain_pages.py``), shows each heading, list item
and link target of ours.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT

# benchmarks/ is not a package (nox -s bench runs its script): its modules are imported from its folder.
sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))

from plain_pages import page_as_myst
from projects import baseline_project


def pages(docs: Path) -> set[str]:
    """The documents of a source folder, as Sphinx names them."""
    return {str(page.relative_to(docs).with_suffix("")) for page in docs.rglob("*.md")}


def plain_build(docs: Path) -> Path:
    """Build the baseline as the benchmark does (``sphinx-build``, a process of its own), any warning an error."""
    out = docs.parent / "build"
    command = [sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html", str(docs), str(out / "html")]
    built = subprocess.run(command, capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    return out / "html"


def headings(html: str) -> list[str]:
    """The text of each heading of a page's article, in order (heading links left out)."""
    article = html[html.index("<article") : html.index("</article>")]
    found = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", article, re.S)
    # Plain Sphinx makes quotes typographic (its smartquotes); ours prints them as the reports write them.
    plain_quotes = str.maketrans("‘’“”", "''\"\"")
    return [re.sub(r"<[^>]+>|¶", "", text).strip().translate(plain_quotes) for text in found]


def list_items(html: str) -> int:
    """How many list items a page's article has."""
    return html[html.index("<article") : html.index("</article>")].count("<li")


def words(html: str) -> int:
    """How many words of text a page's article has."""
    article = html[html.index("<article") : html.index("</article>")]
    return len(re.sub(r"<[^>]+>", " ", article).split())


def test_the_baseline_has_every_page_of_ours(tmp_path: Path) -> None:
    docs = baseline_project(PROJECT_ROOT, tmp_path / "plain")
    assert pages(docs) == pages(PROJECT_ROOT / "docs")
    site = plain_build(docs)
    for page in pages(docs):
        assert (site / f"{page}.html").is_file()
    # The landing page is ours made plain (its editors' boxes kept as text); the report's landing
    # page's cards are sphinx-design's, as in ours.
    assert "About this edition" in (site / "index.html").read_text(encoding="utf-8")
    landing = next(site.glob("reports/*/index.html")).read_text(encoding="utf-8")
    assert "sd-card" in landing
    assert ":::" not in landing


def test_a_book_baseline_leaves_out_the_data_page_as_our_books_do(tmp_path: Path) -> None:
    docs = baseline_project(PROJECT_ROOT, tmp_path / "plain", book=True)
    assert pages(docs) == pages(PROJECT_ROOT / "docs") - {"data"}


def test_the_baseline_with_content_shows_the_generated_pages_headings(tmp_path: Path, built_draft: Path) -> None:
    ours = built_draft / "build" / "html"
    docs = baseline_project(built_draft, tmp_path / "plain", content_from=ours)
    assert pages(docs) == pages(built_draft / "docs")
    site = plain_build(docs)
    for page in ("people", "organisations", "agreements", "timeline", "data"):
        ours_page, plain_page = ((where / f"{page}.html").read_text(encoding="utf-8") for where in (ours, site))
        assert headings(plain_page) == headings(ours_page), page
        assert list_items(plain_page) == list_items(ours_page) > 0 or page == "data", page
        assert words(plain_page) >= 0.9 * words(ours_page), page


ARTICLE = """<html><body><nav><a href="index.html">Home</a></nav><article role="main">
<section id="people"><h1>People<a class="headerlink" href="#people">¶</a></h1>
<p>See <a href="#letter-a">A</a>, <a class="reference internal" href="reports/r/one.html#p4">¶4</a>,
<a href="data/people.csv">people.csv</a> and <a href="https://example.org/x">a source</a>: 2 * 3 [sic] <b>bold</b>.</p>
<dl class="field-list simple"><dt>Name<span class="colon">:</span></dt><dd><p>Ann Lee</p></dd>
<dt>Roles<span class="colon">:</span></dt><dd><ul><li><p>chaired</p><ul><li><p>in 2020</p></li></ul></li></ul></dd></dl>
<dl class="simple"><dt><code class="literal"><span class="pre">id_x</span></code></dt><dd><p>the id</p></dd></dl>
<div class="highlight-bibtex"><div class="highlight"><pre><span>@a{k,</span>
  title = "T"
}</pre></div></div>
<p>% a paragraph, not a comment</p><p>1. a paragraph, not a list</p>
<p>Before <a href="people.html">a link <div>holding a block</div> after</a> it.</p>
<button>Cite</button><p class="report-error"><a href="https://github.com/x">Report</a></p>
</section></article><footer>foot</footer></body></html>"""
"""One page's HTML with each construct the converter handles."""


@pytest.mark.parametrize(
    "expected",
    [
        "# People\n",
        "See A, [¶4](reports/r/one.md), people.csv and [a source](https://example.org/x): 2 \\* 3 \\[sic\\] **bold**.",
        "**Name:**\nAnn Lee\n",
        "**Roles:**\n- chaired\n\n  - in 2020\n",
        "`id_x`\n: the id\n",
        '```bibtex\n@a{k,\n  title = "T"\n}\n```\n',
        "\\% a paragraph, not a comment\n",  # MyST's comment, escaped
        "1\\. a paragraph, not a list\n",
        "Before a link\n\nholding a block\n\nafter it.",  # a block inside a link: its text kept, the link dropped
    ],
)
def test_the_converter_writes_each_construct_as_plain_myst(expected: str) -> None:
    assert expected in page_as_myst(ARTICLE, {"reports/r/one", "people"})


def test_the_converter_leaves_the_furniture_out() -> None:
    text = page_as_myst(ARTICLE, {"reports/r/one"})
    for furniture in ("Home", "¶\n", "Cite", "Report", "foot"):
        assert furniture not in text
