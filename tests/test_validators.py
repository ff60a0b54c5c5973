"""The validators the publishing world uses, on every edition, and what each is seen to catch.

epubcheck, the Nu HTML Checker, axe-core in Chromium.

In CI none of these may skip. Elsewhere a missing tool skips with what to install (``./bootstrap``
installs them all).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import COMBINED_EPUB, PROJECT_ROOT, require_tool
from dialogue_edition.build import Layout
from dialogue_edition.checks import validators
from dialogue_edition.checks.links import site_prefix
from dialogue_edition.source_report import SourceReport

ALLOWED = Path(__file__).parent / "validators" / "html-checker-allowed.yaml"


@pytest.fixture(scope="module")
def site_pages(editions: Layout) -> list[str]:
    site = editions.build / "html"
    return [page.relative_to(site).as_posix() for page in sorted(site.rglob("*.html"))]


def test_epubcheck_finds_nothing(editions: Layout, reports: list[SourceReport]) -> None:
    require_tool(validators.EPUBCHECK_JAR, "epubcheck")
    for name in [COMBINED_EPUB] + [f"{report.slug}.epub" for report in reports]:
        counts, messages = validators.epubcheck(editions.build / name)
        assert (counts["FATAL"], counts["ERROR"], counts["WARNING"]) == (0, 0, 0), (name, messages)


def test_epubcheck_catches_a_dangling_link(editions: Layout, reports: list[SourceReport], tmp_path: Path) -> None:
    require_tool(validators.EPUBCHECK_JAR, "epubcheck")
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(editions.build / COMBINED_EPUB) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("close.xhtml"):
                data = data.replace(b"</body>", b'<p><a href="missing.xhtml">x</a></p></body>')
            target.writestr(item, data)
    counts, messages = validators.epubcheck(broken)
    assert counts["ERROR"] >= 1
    assert any("missing.xhtml" in message for message in messages)


def test_the_html_checker_finds_no_error_on_any_page(editions: Layout) -> None:
    require_tool(validators.VNU_JAR, "the Nu HTML Checker (npm vnu-jar)")
    pages, problems = validators.html_check(editions.build / "html", validators.allowed_messages(ALLOWED))
    assert pages >= 12
    assert problems == []


def test_the_html_checker_catches_invalid_markup(tmp_path: Path) -> None:
    require_tool(validators.VNU_JAR, "the Nu HTML Checker (npm vnu-jar)")
    (tmp_path / "page.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p><div>x</p></body></html>'
    )
    _, problems = validators.html_check(tmp_path, validators.allowed_messages(ALLOWED))
    assert any("page.html" in problem and ": error: " in problem for problem in problems)


def test_every_page_passes_axe_in_light_and_dark_on_phone_and_desktop(editions: Layout, site_pages: list[str]) -> None:
    require_tool(validators.CHROMIUM, "Chromium")
    require_tool(validators.AXE_SCRIPT, "axe-core (npm)")
    assert validators.accessibility(editions.build / "html", site_pages, site_prefix(PROJECT_ROOT)) == []


def test_axe_and_the_request_log_catch_a_bad_page(tmp_path: Path) -> None:
    require_tool(validators.CHROMIUM, "Chromium")
    require_tool(validators.AXE_SCRIPT, "axe-core (npm)")
    (tmp_path / "bad.html").write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title>'
        '<link rel="stylesheet" href="https://fonts.example.invalid/font.css"></head>'
        '<body><main><h1>x</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>'
    )
    problems = validators.accessibility(tmp_path, ["bad.html"])
    assert any(problem.startswith("bad.html [light, phone]: image-alt") for problem in problems)
    assert "request leaves the site [light, phone]: https://fonts.example.invalid/font.css" in problems
