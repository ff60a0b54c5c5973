"""Permalinks never break silently: a committed baseline, and redirects for what moved."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from dialogue_edition.build import Layout
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
