"""Shared fixtures: the three editions, built once per test session into a temporary folder.

The build is the same code path as ``nox -s editions`` (``dialogue_edition.build``), so what the
tests check is what readers download.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from dialogue_edition.build import EDITIONS, Layout, build
from dialogue_edition.source_report import SourceReport, load_reports
from dialogue_edition.sphinxext.epub import COMBINED_NAME

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SOURCE_REPORTS = PROJECT_ROOT / "source_reports"
DOCS = PROJECT_ROOT / "docs"
ROOTS = Path(__file__).resolve().parent / "roots"
COMBINED_EPUB = f"{COMBINED_NAME}.epub"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing finds the tiny test projects (``tests/roots/test-<case>/``)."""
    return ROOTS


@pytest.fixture(scope="session")
def reports() -> list[SourceReport]:
    """The source reports, verified against their checksums."""
    return load_reports(SOURCE_REPORTS)


@pytest.fixture(scope="session")
def editions(tmp_path_factory: pytest.TempPathFactory) -> Layout:
    """All three editions of the real project, built once (nitpicky, warnings as errors)."""
    layout = Layout(docs=DOCS, build=tmp_path_factory.mktemp("build"))
    build(EDITIONS, layout)
    return layout
