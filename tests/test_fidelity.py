"""Faithfulness: every block of each source report appears in the editions, whole and in order."""

from __future__ import annotations

import pytest
from conftest import COMBINED_EPUB
from dialogue_edition.build import Layout
from dialogue_edition.checks.rendered_text import epub_report_text, html_report_text
from dialogue_edition.fidelity import compare, normalise
from dialogue_edition.source_report import SourceReport

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


def test_the_html_edition_carries_every_block_in_order(editions: Layout, reports: list[SourceReport]) -> None:
    for report in reports:
        text = html_report_text(editions.build / "html", report.slug)
        assert compare(report.blocks(), text) == []


def test_the_epub_edition_carries_every_block_in_order(editions: Layout, reports: list[SourceReport]) -> None:
    for report in reports:
        for epub in (COMBINED_EPUB, f"{report.slug}.epub"):
            text = epub_report_text(editions.build / epub, report.slug)
            assert compare(report.blocks(), text) == [], epub
