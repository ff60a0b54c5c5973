"""Permalinks never break silently: a committed baseline, and redirects for what moved."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from dialogue_edition.build import Layout
from dialogue_edition.checks import validators
from dialogue_edition.checks.permalinks import broken_permalinks, site_permalinks
from dialogue_edition.redirects import Redirect, load_redirects
from dialogue_edition.sphinxext.redirects import stub_page
from lxml import html as lxml_html

BASELINE = Path(__file__).parent / "permalinks.txt"
REDIRECTS = Path(__file__).parent.parent / "docs" / "redirects.yaml"


def _baseline() -> list[str]:
    return BASELINE.read_text(encoding="utf-8").split()


def test_every_baseline_permalink_still_resolves(editions: Layout) -> None:
    baseline = _baseline()
    kinds = {line.split("#")[1].split("-")[0] for line in baseline if "#" in line}
    # Paragraph anchors (p<N>) are permalinks too: references cite them.
    assert {"paragraph" if re.fullmatch(r"p\d+", kind) else kind for kind in kinds} == {
        "person",
        "org",
        "event",
        "agreement",
        "paragraph",
    }
    assert broken_permalinks(editions.build / "html", baseline, load_redirects(REDIRECTS)) == []


def test_the_baseline_lists_every_current_permalink(editions: Layout) -> None:
    missing = sorted(set(site_permalinks(editions.build / "html")) - set(_baseline()))
    assert missing == [], "new permalinks: add them with .venv/bin/nox -s baselines"


@pytest.fixture
def site_copy(editions: Layout, tmp_path: Path) -> Path:
    shutil.copytree(editions.build / "html", tmp_path / "html")
    return tmp_path / "html"


def test_a_vanished_anchor_fails_unless_redirected(site_copy: Path) -> None:
    people = site_copy / "people.html"
    people.write_text(
        people.read_text(encoding="utf-8").replace('id="person-kurbanov"', 'id="person-kurbanov-sergei"'),
        encoding="utf-8",
    )
    declared = load_redirects(REDIRECTS)  # what moved before: the site's own redirects
    assert broken_permalinks(site_copy, _baseline(), declared) == [
        "people.html#person-kurbanov is gone: restore it or declare a redirect in docs/redirects.yaml"
    ]
    moved = Redirect.model_validate(
        {"from": "people.html#person-kurbanov", "to": "people.html#person-kurbanov-sergei", "reason": "test"}
    )
    assert broken_permalinks(site_copy, _baseline(), [*declared, moved]) == []
    nowhere = Redirect.model_validate(
        {"from": "people.html#person-kurbanov", "to": "people.html#nobody", "reason": "test"}
    )
    assert broken_permalinks(site_copy, _baseline(), [*declared, nowhere]) == [
        "people.html#person-kurbanov redirects to people.html#nobody, which does not exist either"
    ]


def test_a_moved_page_gets_a_redirect_page() -> None:
    page = lxml_html.fromstring(stub_page("reports/old/close.html", "reports/strategic-conference-2020/close.html"))
    assert page.xpath("//meta[@http-equiv='refresh']/@content") == ["0; url=../strategic-conference-2020/close.html"]
    assert page.xpath("//a/@href") == ["../strategic-conference-2020/close.html"]


def test_the_site_carries_the_anchor_redirect_script(editions: Layout) -> None:
    assert (editions.build / "html" / "_static" / "redirects.js").exists()
    assert lxml_html.fromstring((editions.build / "html" / "index.html").read_bytes()).xpath(
        "//script[contains(@src, 'redirects.js')]"
    )


LANDED = """anchor => {
    const box = document.getElementById(anchor)?.getBoundingClientRect();
    return location.hash === `#${anchor}` && box !== undefined && box.top >= 0 && box.top < innerHeight;
}"""
"""Whether the address is at ``anchor`` and its element in view (a function: the site's policy forbids eval)."""


@pytest.mark.parametrize("width", [390, 1280])
def test_an_old_anchor_lands_on_its_paragraph_in_view(browser: Any, editions: Layout, width: int) -> None:
    # Each moved anchor of the declared redirects, opened as a reader opens an old link (the page's
    # address, and its folder's): the address becomes the new anchor and its paragraph is on screen.
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    moved = [item for item in load_redirects(REDIRECTS) if "#" in item.old and "#" in item.new]
    assert moved
    page = browser.new_page(viewport={"width": width, "height": 800})
    with validators.served(editions.build / "html") as origin:
        for item in moved:
            anchor = item.new.partition("#")[2]
            for old in (item.old, item.old.replace("index.html#", "#")):
                page.goto(f"{origin}/{old}")
                # The site scrolls smoothly: the paragraph comes into view within a moment.
                try:
                    page.wait_for_function(LANDED, arg=anchor, timeout=5000)
                except PlaywrightTimeout as error:
                    raise AssertionError(f"{old}: not taken to {item.new} in view") from error
    page.close()


def test_the_paragraph_an_address_points_at_is_marked(browser: Any, editions: Layout) -> None:
    # A "Mentioned in" link or a search result lands on #p4: that paragraph, and it alone, is marked.
    page = browser.new_page()
    with validators.served(editions.build / "html") as origin:
        page.goto(f"{origin}/reports/strategic-conference-2020/first-session.html#p4")
        marked = page.locator("p.is-target")
        assert marked.count() == 1
        assert marked.locator("span.target#p4").count() == 1
        page.evaluate("location.hash = '#p5'")
        page.wait_for_function("() => document.querySelector('p.is-target #p5') !== null", timeout=3000)
        assert page.locator("p.is-target").count() == 1
    page.close()
