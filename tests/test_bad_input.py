"""Bad input stops the build with a message naming the file, and never half-writes an edition.

Each case copies the project's sources, breaks one thing and runs the real command line
(``python -m dialogue_edition.build``) in a subprocess, as an editor would.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT
from dialogue_edition.build import BuildFailed, Layout, build

REPORT = "strategic-conference-2020"
PAGES = Path("docs") / "reports" / REPORT


def run_build(root: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "dialogue_edition.build", "html", "--draft"]
    command += ["--docs", str(root / "docs"), "--build-dir", str(root / "build")]
    return subprocess.run(command, capture_output=True, text=True, cwd=root)


BIB = PROJECT_ROOT / "registry" / "agreements.bib"


def line_of(path: Path, text: str) -> int:
    """The number of the first line of ``path`` that holds ``text``: messages name it, the file may grow."""
    return next(number for number, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CASES = {
    "page missing from the navigation": (
        lambda root: edit(root / PAGES / "index.md", "culture\nclose\n", "culture\n"),
        [f"{REPORT}/close.md: WARNING: document isn't included in any toctree"],
    ),
    "link to a page that does not exist": (
        lambda root: edit(
            root / PAGES / "close.md",
            "in an offline format.",
            "in an offline format. See [the programme](programme.md).",
        ),
        [f"{REPORT}/close.md:7: WARNING:", "programme"],
    ),
    "link to an anchor that does not exist": (
        lambda root: edit(
            root / PAGES / "close.md",
            "in an offline format.",
            "in an offline format. See [the photo](#no-such-anchor).",
        ),
        [f"{REPORT}/close.md:7: WARNING:", "no-such-anchor"],
    ),
    "changed source report": (
        lambda root: edit(root / "source_reports" / REPORT / "report.txt", "Lotte Corporation", "Lotte"),
        [f"source_reports/{REPORT}/report.txt: SHA-256 is", "Source reports are never edited"],
    ),
    "broken report metadata": (
        lambda root: edit(root / "source_reports" / REPORT / "metadata.yaml", "language: en", "language: [en"),
        [f"source_reports/{REPORT}/metadata.yaml:", "invalid YAML"],
    ),
    "unknown person id in a page": (
        lambda root: edit(
            root / PAGES / "close.md",
            "The Strategic Conference",
            "{person}`Kurbanoff <kurbanoff>` The Strategic Conference",
        ),
        [f"{REPORT}/close.md:7: WARNING: unknown person id 'kurbanoff'; did you mean kurbanov?"],
    ),
    "registry entry that no page mentions": (
        lambda root: edit(
            root / PAGES / "culture.md", "{org}`Russian Koreans <russian-koreans-newspaper>`", "Russian Koreans"
        ),
        [
            "registry/organisations.yaml:",
            "organisation 'russian-koreans-newspaper' is in the registry but no page mentions it",
        ],
    ),
    "position at an unknown organisation": (
        lambda root: edit(root / "registry" / "people.yaml", "organisation: hufs", "organisation: hufs-seoul"),
        ["registry/people.yaml:", "unknown organisation id 'hufs-seoul'"],
    ),
    "duplicate registry id": (
        lambda root: edit(root / "registry" / "organisations.yaml", "id: lotte", "id: spbu"),
        ["registry/organisations.yaml:", "duplicate id 'spbu'"],
    ),
    "unknown citation key in a page": (
        lambda root: edit(root / PAGES / "first-session.md", "{cite:p}`treaty1884`", "{cite:p}`treaty1885`"),
        [f'{REPORT}/first-session.md:11: WARNING: could not find bibtex key "treaty1885"'],
    ),
    "agreement that no page cites": (
        lambda root: edit(root / PAGES / "first-session.md", " {cite:p}`armistice1953`", ""),
        [
            f"registry/agreements.bib:{line_of(BIB, '@agreement{armistice1953')}: WARNING: "
            "agreement 'armistice1953' is in the registry but no page cites it"
        ],
    ),
    "BibTeX syntax error": (
        lambda root: edit(
            root / "registry" / "agreements.bib",
            "  kind        = {treaty},\n  title ",
            "  kind        = {treaty}\n  title ",
        ),
        [f"registry/agreements.bib:{line_of(BIB, '  title       = {Treaty of Friendship')}: BibTeX syntax error"],
    ),
    "agreement without a date of signature": (
        lambda root: edit(root / "registry" / "agreements.bib", "  date        = {1992-11-19},\n", ""),
        [
            f"registry/agreements.bib:{line_of(BIB, '@agreement{treaty1992')}: "
            "entry 'treaty1992': date (the date of signature): Field required"
        ],
    ),
    "raw HTML directive in a page": (
        lambda root: edit(
            root / PAGES / "close.md",
            "The Strategic Conference",
            "```{raw} html\n<script>alert(1)</script>\n```\n\nThe Strategic Conference",
        ),
        [f'{REPORT}/close.md:7: WARNING: "raw" directive disabled.'],
    ),
    "malformed redirects file": (
        lambda root: edit(
            root / "docs" / "redirects.yaml",
            "redirects:\n",
            "redirects:\n  - from: /people.html\n    to: people.html\n    reason: x\n",
        ),
        ["docs/redirects.yaml:7: redirects.0.from: String should match pattern"],
    ),
    "misspelt theme in the configuration": (
        lambda root: edit(root / "docs" / "conf.py", 'html_theme = "furo"', 'html_theme = "furoo"'),
        ["Theme error: no theme named 'furoo' found"],
    ),
    "no folder of source reports": (
        lambda root: shutil.rmtree(root / "source_reports"),
        ["source_reports: no such folder"],
    ),
    "unknown report in a page": (
        lambda root: edit(
            root / PAGES / "index.md",
            "{report-metadata} strategic-conference-2020",
            "{report-metadata} strategic-conference-2021",
        ),
        [f"{REPORT}/index.md:", "unknown report 'strategic-conference-2021'"],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_fails_clearly_and_keeps_the_last_good_edition(draft_project: Path, case: str) -> None:
    breakage, expected = CASES[case]
    project = draft_project
    site = project / "build" / "html"
    before = {path: path.read_bytes() for path in site.rglob("*") if path.is_file()}
    breakage(project)
    result = run_build(project)
    assert result.returncode == 1
    for fragment in expected:
        assert fragment in result.stderr, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "The editions already in" in result.stderr
    assert {path: path.read_bytes() for path in site.rglob("*") if path.is_file()} == before


def test_a_machine_without_tex_gets_one_paragraph_naming_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shutil, "which", lambda command: None if command == "xelatex" else f"/usr/bin/{command}")
    with pytest.raises(BuildFailed) as failure:
        build(["pdf"], Layout(docs=PROJECT_ROOT / "docs", build=tmp_path))
    message = str(failure.value)
    assert message.startswith("The PDF edition needs xelatex, which this machine lacks.")
    assert "sudo apt-get install latexmk texlive-xetex texlive-fonts-recommended fonts-freefont-otf" in message
    assert "\n" not in message
    assert not list(tmp_path.glob("*.pdf"))
