"""Shared fixtures: the three editions, built once per test session into a temporary folder.

The build is the same code path as ``nox -s editions`` (``dialogue_edition.build``), so what the
tests check is what readers download.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dialogue_edition.build import EDITIONS, Layout, build, copy_project
from dialogue_edition.checks import validators
from dialogue_edition.citation import stop_formatting_ahead
from dialogue_edition.data_files import load_model
from dialogue_edition.importer import import_report
from dialogue_edition.source_report import ReportDescription, SourceReport, load_reports
from dialogue_edition.sphinxext.epub import COMBINED_NAME
from pydantic import BaseModel

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SOURCE_REPORTS = PROJECT_ROOT / "source_reports"
DOCS = PROJECT_ROOT / "docs"
ROOTS = Path(__file__).resolve().parent / "roots"
COMBINED_EPUB = f"{COMBINED_NAME}.epub"
COMBINED_PDF = f"{COMBINED_NAME}.pdf"
FICTIONAL = Path(__file__).resolve().parent / "fixtures" / "fictional-report"
"""A second report, clearly fictional, never published: the site of many reports is tested with it."""
FICTIONAL_METADATA = load_model(FICTIONAL / "metadata.yaml", ReportDescription).model_dump(mode="json")
REVIEWED = FICTIONAL / "reviewed"
"""The editors' review of the fictional draft: its pages, names marked; its registry entries; its event's name."""


def review_fictional(project: Path) -> None:
    """Do to the imported fictional draft what an editor's review does (see ``REVIEWED``)."""
    pages = project / "docs" / "reports" / FICTIONAL_METADATA["slug"]
    for page in (REVIEWED / "pages").glob("*.md"):
        shutil.copyfile(page, pages / page.name)
    for name in ("people.yaml", "organisations.yaml"):
        registry = project / "registry" / name
        addition = (REVIEWED / name).read_text(encoding="utf-8")
        registry.write_text(registry.read_text(encoding="utf-8").rstrip("\n") + "\n" + addition, encoding="utf-8")
    events = project / "registry" / "events.yaml"
    name = load_model(REVIEWED / "event.yaml", ReviewedEvent).name
    text = re.sub(
        r'(?m)^(    name: )"The event reported in .*"$',
        lambda m: m.group(1) + json.dumps(name),
        events.read_text("utf-8"),
    )
    events.write_text(text, encoding="utf-8")


class ReviewedEvent(BaseModel):
    """The reviewed name of the fictional report's event."""

    name: str


INSTALL_HINT = "run ./bootstrap tests (apt-get install epubcheck chromium; npm ci) to install it"


def require_tool(path: Path, what: str) -> None:
    """Skip (fail in CI) when a validator (or, for a .jar, Java) is not installed."""
    if path.exists() and (path.suffix != ".jar" or shutil.which("java")):
        return
    message = f"{what} is not installed ({path}): {INSTALL_HINT}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def page_saying(words: str) -> str:
    """A built page of one paragraph holding ``words``, as the search index reads pages."""
    return (
        '<html lang="en"><body><article role="main"><h1>Page</h1>'
        f'<p><span class="target" id="p1"></span>{words}</p></article></body></html>'
    )


def process_alive(pid: int) -> bool:
    """Whether a process runs (an orphan is reaped by init; a zombie, or one gone meanwhile, counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


SLOW_FILES = {"test_validators.py"}
"""The validators (epubcheck, the Nu HTML Checker, axe-core in Chromium): slow by nature."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark as slow the validators and every test of the many-report site (``-m "not slow"``: the rest)."""
    for item in items:
        if item.path.name in SLOW_FILES or "two_reports" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _no_references_formatted_ahead_after_a_test() -> Iterator[None]:
    """Stop the Cite panel's workers after each test (a Sphinx app made but never built starts them)."""
    yield
    stop_formatting_ahead()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium (Debian's, never one Playwright downloads) for every test of a module."""
    require_tool(validators.CHROMIUM, "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(validators.CHROMIUM), args=validators.CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds the tiny test projects (``tests/roots/test-<case>/``)."""
    return ROOTS


@pytest.fixture(scope="session")
def reports() -> list[SourceReport]:
    """The source reports, verified against their checksums."""
    return load_reports(SOURCE_REPORTS)


@pytest.fixture(scope="session")
def report_2020(reports: list[SourceReport]) -> SourceReport:
    """The 2020 report, which the content-specific tests (its names, dates, pages) are about."""
    return next(report for report in reports if report.slug == "strategic-conference-2020")


@pytest.fixture(scope="session")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Layout:
    """All three editions of the real project, built once (nitpicky, warnings as errors)."""
    layout = Layout(docs=DOCS, build=tmp_path_factory.mktemp("build"))
    build(EDITIONS, layout)
    return layout


@pytest.fixture(scope="session")
def two_reports(tmp_path_factory: pytest.TempPathFactory) -> Layout:
    """A copy of the project with the fictional report imported and reviewed beside the real one, all editions built."""
    project = copy_project(tmp_path_factory.mktemp("two-reports"))
    import_report(FICTIONAL / "report.txt", FICTIONAL_METADATA, project)
    review_fictional(project)
    layout = Layout(docs=project / "docs", build=project / "build")
    build(EDITIONS, layout)
    return layout


@pytest.fixture(scope="session")
def built_draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with its draft HTML site built, for cases that each break one thing of it."""
    root = copy_project(tmp_path_factory.mktemp("built-draft"))
    build(["html"], Layout(docs=root / "docs", build=root / "build", draft=True))
    return root


@pytest.fixture
def draft_project(tmp_path: Path, built_draft: Path) -> Path:
    """A fresh copy of ``built_draft`` (its built site included) for one case to break."""
    root = tmp_path / "project"
    shutil.copytree(built_draft, root, symlinks=True)
    return root
