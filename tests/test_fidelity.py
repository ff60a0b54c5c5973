"""Faithfulness: every block of each source report appears in the editions, whole and in order."""

from __future__ import annotations

import pytest
from conftest import COMBINED_EPUB, DOCS
from dialogue_edition.build import Layout
from dialogue_edition.checks.rendered_text import epub_report_blocks, html_report_blocks, kinded_blocks
from dialogue_edition.fidelity import compare, normalise
from dialogue_edition.report_review import report_kinds
from dialogue_edition.source_report import SourceReport
from lxml import html as lxml_html

BLOCKS = ["A heading", "The first paragraph, with ‘quotes’.", "A caption", "The last\u00a0paragraph."]
RENDERED = "Editorial title A heading Editorial note The first paragraph, with 'quotes'. A caption The last paragraph."


def test_white_space_and_quotation_marks_are_the_only_normalisation() -> None:
    assert normalise("‘a’\u00a0 “b”\n c") == "'a' \"b\" c"
    assert compare(BLOCKS, RENDERED) == []


@pytest.mark.parametrize(
    ("rendered", "block", "problem"),
    [
        (RENDERED.replace("first ", ""), 1, "the edition has 'The ' but then not \"first paragraph"),
        (RENDERED.replace("A caption ", ""), 2, "not found whole: the edition has 'A ' but then not 'caption'"),
        (RENDERED.replace("A heading ", "") + " A heading", 0, "present, but out of the source's order"),
        (RENDERED.replace("paragraph.", "paragraph!"), 3, "the edition has 'The last paragraph' but then not '.'"),
    ],
)
def test_a_deleted_word_a_dropped_caption_or_a_moved_block_is_named(rendered: str, block: int, problem: str) -> None:
    (discrepancy,) = compare(BLOCKS, rendered)
    assert discrepancy.index == block
    assert problem in str(discrepancy)
    assert f"source block {block + 1} ({BLOCKS[block]!r})" in str(discrepancy)


KINDS = ["heading", "paragraph", "caption", "paragraph"]
ELEMENTS = (
    "<article><h1>Editorial title</h1><h2>A heading<a class='headerlink'>¶</a></h2><p>Editorial note</p>"
    "<p>The first paragraph, with ‘quotes’.</p><figure><p>[Photograph]</p><figcaption><p>A caption</p></figcaption>"
    "</figure><p>The last paragraph.</p></article>"
)


def _blocks(html: str) -> tuple[str, list[tuple[str, str]]]:
    element = lxml_html.fromstring(html)
    return element.text_content(), kinded_blocks(element)


def test_each_block_keeps_its_kind() -> None:
    text, blocks = _blocks(ELEMENTS)
    assert ("caption", "A caption") in blocks
    assert compare(BLOCKS, text, KINDS, blocks) == []


@pytest.mark.parametrize(
    ("old", "new", "block", "kind"),
    [
        ("<figcaption><p>A caption</p></figcaption>", "</figure><p>A caption</p><figure>", 2, "caption"),
        ("<h2>A heading<a class='headerlink'>¶</a></h2>", "<p>A heading</p>", 0, "heading"),
        ("<p>The last paragraph.</p>", "<h2>The last paragraph.</h2>", 3, "paragraph"),
    ],
)
def test_a_block_of_another_kind_is_named(old: str, new: str, block: int, kind: str) -> None:
    text, blocks = _blocks(ELEMENTS.replace(old, new))
    (discrepancy,) = compare(BLOCKS, text, KINDS, blocks)
    assert discrepancy.index == block
    assert f"present, but not as a {kind} (the source's block is a {kind})" in str(discrepancy)


def test_the_html_edition_carries_every_block_in_order_and_kind(editions: Layout, reports: list[SourceReport]) -> None:
    for report in reports:
        kinds = report_kinds(report, DOCS / "reports" / report.slug)
        text, blocks = html_report_blocks(editions.build / "html", report.slug)
        assert compare(report.blocks(), text, kinds, blocks) == []


def test_the_epub_edition_carries_every_block_in_order_and_kind(editions: Layout, reports: list[SourceReport]) -> None:
    for report in reports:
        kinds = report_kinds(report, DOCS / "reports" / report.slug)
        for epub in (COMBINED_EPUB, f"{report.slug}.epub"):
            text, blocks = epub_report_blocks(editions.build / epub, report.slug)
            assert compare(report.blocks(), text, kinds, blocks) == [], epub
