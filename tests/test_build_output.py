"""A build prints problems and nothing else: no notices from extensions, no crash report pages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOTS


def sphinx_build(source: Path, output: Path) -> subprocess.CompletedProcess[str]:
    """Plain ``sphinx-build -q -n -W`` in a fresh process (an extension's import-time output shows)."""
    command = [sys.executable, "-m", "sphinx", "-q", "-n", "-W", "-b", "html", str(source), str(output)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_social_previews_are_made_without_a_word_about_matplotlib(tmp_path: Path) -> None:
    result = sphinx_build(ROOTS / "test-social-previews", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == ""
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<meta property="og:title" content="A page" />' in page
    assert "og:image" not in page


def test_sphinx_alone_reports_a_crash_as_a_page_with_a_traceback(tmp_path: Path) -> None:
    # Why dialogue_edition.build replaces Sphinx's error hook (concise_errors): Sphinx's own
    # report of a plain configuration mistake is a page of versions, extensions and a
    # traceback. Should a Sphinx release say it in one line, this fails: drop the hook then.
    source = tmp_path / "docs"
    source.mkdir()
    (source / "conf.py").write_text('html_theme = "furoo"\n', encoding="utf-8")
    (source / "index.rst").write_text("Title\n=====\n", encoding="utf-8")
    result = sphinx_build(source, tmp_path / "out")
    assert result.returncode == 2
    assert "no theme named 'furoo'" in result.stderr
    assert "Traceback" in result.stderr
    assert len(result.stderr.strip().splitlines()) > 10
