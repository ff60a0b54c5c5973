"""Safe to build any pull request: the content policy, confined TeX, the CSP, atomic editions.

The attacks run the real command (``python -m dialogue_edition.build all``) on a copy of the
project holding a complete previous build (the session's ``editions``), as a CI job would on a
pull request. Every attack is planted at once and the build run once (the policy reports each
refusal, at its page and line, before the build stops); data-file attacks, which the data check
stops before Sphinx starts, each get a run of a second or two. Each asserts: the message names
file and line, no traceback, the previous editions byte for byte as they were, nothing written
outside ``build/``, and the planted secret in no edition (HTML, EPUB, PDF text).
"""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
import sphinx._cli.util.errors as sphinx_errors
import sphinx.cmd.build
from conftest import PROJECT_ROOT, require_tool
from dialogue_edition import build as build_module
from dialogue_edition import data_files
from dialogue_edition.build import Layout, copy_project, place_all, remove_stale_staging, tex_environment
from dialogue_edition.checks.validators import CHROMIUM, CHROMIUM_FLAGS, served
from dialogue_edition.errors import InputError
from dialogue_edition.latex import latex_text
from dialogue_edition.project import check_site_addresses
from dialogue_edition.sphinxext import safety
from dialogue_edition.sphinxext.content_security import policy_for, template_scripts, with_policy
from dialogue_edition.sphinxext.safety import file_refusal, link_refusal, svg_runs_script
from docutils import frontend, nodes
from docutils.utils import new_document

REPORT = "strategic-conference-2020"
PAGE = Path("docs") / "reports" / REPORT / "close.md"
METADATA = Path("source_reports") / REPORT / "metadata.yaml"
EDITION_FILES = re.compile(r"^(html/.*|[^/]+\.(pdf|epub))$")
"""What ``build/`` publishes: the site and the books (not caches, logs or staging)."""


# -- Helpers -----------------------------------------------------------------------------------


def run_build(root: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """``edition-build`` on a project, as a contributor or CI runs it."""
    command = [sys.executable, "-m", "dialogue_edition.build", *arguments]
    command += ["--docs", str(root / "docs"), "--build-dir", str(root / "build")]
    return subprocess.run(command, capture_output=True, text=True, cwd=root)


def start_build(root: Path) -> subprocess.Popen[str]:
    """``edition-build all`` in its own process group, to be killed mid-way."""
    command = [sys.executable, "-m", "dialogue_edition.build", "all"]
    command += ["--docs", str(root / "docs"), "--build-dir", str(root / "build")]
    return subprocess.Popen(
        command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True, start_new_session=True
    )


def digests(folder: Path, keep: Callable[[str], bool] = lambda name: True) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (links not followed) whose relative path ``keep`` accepts."""
    found = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if (path.is_file() or path.is_symlink()) and keep(name):
            found[name] = hashlib.sha256(path.read_bytes() if not path.is_symlink() else b"link").hexdigest()
    return found


def editions_of(root: Path) -> dict[str, str]:
    """The published editions of a project's ``build/``, byte for byte."""
    return digests(root / "build", lambda name: bool(EDITION_FILES.match(name)))


def outside_build(root: Path) -> dict[str, str]:
    """Every file of the project outside ``build/``."""
    return digests(root, lambda name: not name.startswith("build/"))


def texts_of_editions(root: Path) -> str:
    """Everything a reader can get: every file of the site, every EPUB member, every PDF's text."""
    build = root / "build"
    parts = [path.read_bytes().decode("utf-8", "replace") for path in (build / "html").rglob("*") if path.is_file()]
    for epub in build.glob("*.epub"):
        with zipfile.ZipFile(epub) as book:
            parts += [book.read(name).decode("utf-8", "replace") for name in book.namelist()]
    for pdf in build.glob("*.pdf"):
        parts.append(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    return "\n".join(parts)


def with_previous_editions(root: Path, editions: Layout) -> Path:
    """A copy of the project whose ``build/`` holds the session's complete editions."""
    copy_project(root)
    shutil.copytree(editions.build / "html", root / "build" / "html")
    for book in [*editions.build.glob("*.pdf"), *editions.build.glob("*.epub")]:
        shutil.copy2(book, root / "build" / book.name)
    return root


@pytest.fixture(scope="module")
def secret(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file of the build machine, outside the project, that must never be published."""
    path = tmp_path_factory.mktemp("machine") / "secret.txt"
    path.write_text(f"SECRET-{os.urandom(8).hex()}\n", encoding="utf-8")
    return path


# -- Every page attack at once, one real build --------------------------------------------------

SVG_WITH_SCRIPT = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n'
SVG_ANIMATING_A_LINK = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><a>'
    '<animate attributeName="href" values="javascript:alert(1)"/><rect width="40" height="40"/></a></svg>\n'
)


def page_attacks(secret: Path) -> list[tuple[str, str]]:
    """Markdown planted at the end of a page, each with the message its refusal must carry."""
    far = "../" * 12 + str(secret).lstrip("/")
    return [
        (f"```{{literalinclude}} {far}\n```", "WARNING: File insertion disabled"),
        (f"```{{include}} {far}\n:literal:\n```", 'WARNING: Directive "include" disabled'),
        (f"```{{csv-table}} Data\n:file: {far}\n```", "File and URL access deactivated"),
        (f"{{download}}`secret <{far}>`", "is outside the project"),
        (f"```{{image}} {far}\n```", "is outside the project"),
        ("{download}`a page <../../files/page.html>`", "page.html: a .html file would run"),
        # The builds (their logs say where the machine keeps things) and hidden folders (.git).
        ("{download}`a log <../../../build/logs/html-warnings.log>`", "a file of the build's or the tools' own"),
        ("{download}`notes <../../.notes/draft.txt>`", "a file of the build's or the tools' own"),
        ("```{image} ../../files/picture.svg\n```", "picture.svg: this SVG holds script"),
        ("```{image} https://example.org/tracker.png\n```", "remote image 'https://example.org/tracker.png' refused"),
        ("```{button-link} javascript:alert(1)\nClick\n```", "link to 'javascript:alert(1)' refused"),
        (":::{card} Card\n:link: JavaScript:alert(2)\nBody\n:::", "link to 'JavaScript:alert(2)' refused"),
        ("[a link](ftp://example.org/file)", "link to 'ftp://example.org/file' refused"),
        ("{download}`a file <data://text/html,x>`", "link to 'data://text/html,x' refused"),
        ("```{eval-rst}\nA `click <JAVASCRIPT:alert(3)>`_ link.\n```", "link to 'JAVASCRIPT:alert(3)' refused"),
        ("```{eval-rst}\nSome :raw:`<b>markup</b>` here.\n```", '"raw" role refused'),
        ("```{raw} html\n<script>alert(5)</script>\n```", '"raw" directive disabled'),
        # Math is TeX and a column spec is LaTeX, both written into the PDF's source as they are.
        ("An {math}`x\\typeout{INJECTED}` inline.", "math refused"),
        ("```{math}\n\\immediate\\write18{touch injected}\n```", "math refused"),
        ("```{tabularcolumns} ll}\\typeout{INJECTED}\\iffalse{\n```", "tabularcolumns refused"),
        # Sphinx expands '*' in an image's address after the address is checked.
        ("```{image} ../../files/*.png\n```", "image '../../files/*.png' refused"),
        ("```{image} ../../files/animated.svg\n```", "animated.svg: this SVG holds script"),
        # sphinx-design writes an icon's classes into its SVG unescaped.
        ('An {octicon}`check;1em;x"/><script>alert(6)</script><svg class="` icon.', "icon refused"),
        # Sphinx writes an image's file name into LaTeX unescaped.
        ("```{image} ../../files/x}.png}\\textbf{INJECTED}.png\n```", "its name may hold only letters"),
        # TeX cannot measure a run of some 3,000 letters: xelatex ran on without end.
        ("A run of " + "x" * 3000 + " ends here.", "a word of 3,000 characters without a space"),
        ("## A heading " + "T" * 1001, "a word of 1,001 characters without a space"),
        ("```\n" + "c" * 5000 + "\n```", "a word of 5,000 characters without a space"),
        # One run in pieces of emphasis is still one run on the line.
        ("Emphasis " + "x*y*" * 600 + " ends.", "a word of 1,200 characters without a space"),
        ("An {abbr}`RKDF (" + "R" * 1500 + ")` abbreviation.", "a word of 1,500 characters without a space"),
        ("[a link](https://example.org/" + "a" * 3000 + ")", "link to an address of 3,020 characters refused"),
        # The PDF has no right-to-left layout: it printed the letters reversed, without a word.
        ("A greeting: שלום.", "is written right to left, which the PDF cannot set"),
        ("The {abbr}`UN (האומות המאוחדות)` met.", "is written right to left, which the PDF cannot set"),
        ("```{index} مرحبا; Peace\n```", "index entry: 'م' (U+0645 ARABIC LETTER MEEM) is written right to left"),
    ]


@dataclass(frozen=True)
class AttackRun:
    """The attacked project, what it held before, and the build's result."""

    root: Path
    editions_before: dict[str, str]
    sources_before: dict[str, str]
    result: subprocess.CompletedProcess[str]
    expected: list[tuple[int, str]]


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory, editions: Layout, secret: Path) -> AttackRun:
    """Every page attack planted in one page; ``edition-build all`` run once."""
    root = with_previous_editions(tmp_path_factory.mktemp("attacked"), editions)
    (root / "docs" / "files").mkdir()
    (root / "docs" / "files" / "page.html").write_text("<script>alert(1)</script>\n", encoding="utf-8")
    (root / "docs" / "files" / "picture.svg").write_text(SVG_WITH_SCRIPT, encoding="utf-8")
    (root / "docs" / "files" / "animated.svg").write_text(SVG_ANIMATING_A_LINK, encoding="utf-8")
    (root / "docs" / ".notes").mkdir()
    (root / "docs" / ".notes" / "draft.txt").write_text("a draft\n", encoding="utf-8")
    (root / "build" / "logs").mkdir(parents=True, exist_ok=True)
    (root / "build" / "logs" / "html-warnings.log").touch()
    page = root / PAGE
    text = page.read_text(encoding="utf-8").rstrip("\n") + "\n"
    expected = []
    for markdown, message in page_attacks(secret):
        text += "\n"
        # reStructuredText in an eval-rst block is reported at its own line, after the fence.
        expected.append((text.count("\n") + 1 + markdown.startswith("```{eval-rst}"), message))
        text += markdown + "\n"
    page.write_text(text, encoding="utf-8")
    editions_before, sources_before = editions_of(root), outside_build(root)
    return AttackRun(root, editions_before, sources_before, run_build(root, "all"), expected)


def test_every_page_attack_is_refused_at_its_page_and_line(attacked: AttackRun) -> None:
    assert attacked.result.returncode == 1
    errors = attacked.result.stderr
    missing = [
        (line, message)
        for line, message in attacked.expected
        if not any(message in row for row in errors.splitlines() if f"{PAGE.as_posix()}:{line}:" in row)
    ]
    assert missing == [], errors


def test_a_refused_build_leaves_every_edition_and_file_as_it_was(attacked: AttackRun, secret: Path) -> None:
    output = attacked.result.stdout + attacked.result.stderr
    assert "Traceback" not in output
    assert "The editions already in" in attacked.result.stderr
    assert editions_of(attacked.root) == attacked.editions_before
    assert outside_build(attacked.root) == attacked.sources_before
    assert not list((attacked.root / "build" / ".staging").iterdir())
    assert secret.read_text(encoding="utf-8").strip() not in texts_of_editions(attacked.root)


# -- Data-file attacks: stopped by the data check, file and line named ---------------------------


def _replace(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data, (old, path)
    path.write_bytes(data.replace(old, new, 1))


NESTED_600 = (
    b"\n"
    + b"".join(b":" * (603 - depth) + b"{editorial}\n" for depth in range(600))
    + b"deep\n"
    + b"".join(b":" * (4 + depth) + b"\n" for depth in range(600))
)
"""Six hundred editorial boxes, each inside the last: Python's stack runs out while MyST reads them."""
DATA_ATTACKS: dict[str, tuple[Path, Callable[[Path], None], str]] = {
    "duplicate key in people.yaml": (
        Path("registry/people.yaml"),
        lambda path: _replace(
            path, b"  name_order: family-first", b"  name_order: family-first\n  name_order: given-first"
        ),
        "registry/people.yaml:{line}: invalid YAML: duplicate key 'name_order'",
    ),
    "non-UTF-8 bytes in agreements.bib": (
        Path("registry/agreements.bib"),
        lambda path: _replace(path, b"{treaty}", b"{tr\xe9aty}"),
        "registry/agreements.bib:{line}: not UTF-8 text: byte 0xe9",
    ),
    "non-UTF-8 bytes in a page": (
        PAGE,
        lambda path: _replace(path, b"The Strategic Conference", b"The Strategic\xff Conference"),
        f"{PAGE.as_posix()}:{{line}}: not UTF-8 text: byte 0xff",
    ),
    "NUL byte in a page": (
        PAGE,
        lambda path: _replace(path, b"The Strategic Conference", b"The Strategic\x00 Conference"),
        f"{PAGE.as_posix()}:{{line}}: control character U+0000",
    ),
    "escape sequence in a registry file": (
        Path("registry/organisations.yaml"),
        lambda path: _replace(path, b"id: lotte", b"id: lotte\n    note: \x1b[2J"),
        "registry/organisations.yaml:{line}: control character U+001B",
    ),
    "control character written as a YAML escape": (
        Path("registry/organisations.yaml"),
        lambda path: _replace(path, b"id: lotte", b'id: lotte\n    note: "a\\0b"'),
        "registry/organisations.yaml:{line}: invalid YAML: control character U+0000 in a value",
    ),
    "a list written as a key": (
        Path("registry/people.yaml"),
        lambda path: _replace(path, b"  name_order: family-first", b"  name_order: family-first\n  [a, b]: x"),
        "registry/people.yaml:{line}: invalid YAML: a key must be a word or a number",
    ),
    "mappings nested too deeply": (
        Path("registry/organisations.yaml"),
        lambda path: _replace(path, b"id: lotte", b"id: lotte\n    note: " + b"{a: " * 400 + b"x" + b"}" * 400),
        "registry/organisations.yaml: invalid YAML: nested too deeply",
    ),
    "bytes written as !!binary": (
        Path("registry/organisations.yaml"),
        lambda path: _replace(path, b"id: lotte", b"id: lotte\n    note: !!binary b3BlbgBlZAob"),
        "registry/organisations.yaml:{line}: invalid YAML: the YAML tag 'binary' is not allowed",
    ),
    "a bidirectional override in a registry name": (
        Path("registry/organisations.yaml"),
        lambda path: _replace(path, b"id: lotte", "id: lotte\n    note: a\u202eb".encode()),
        "registry/organisations.yaml:{line}: control character U+202E",
    ),
    "organisations whose parents make a loop": (
        Path("registry/organisations.yaml"),
        lambda path: _replace(
            path,
            b"    country: both\n    forms:\n      - the Dialogue\n      - DRRK\n"
            b"    sources: {country: [editors-seat]}",
            b"    parent: forum-directorate\n    country: both\n    forms:\n      - the Dialogue\n      - DRRK\n"
            b"    sources: {country: [editors-seat], parent: [editors-structure]}",
        ),
        "registry/organisations.yaml:{line}: organisation 'dialogue-forum' is its own parent "
        "(dialogue-forum → forum-directorate → dialogue-forum)",
    ),
    "a blank form of a name": (
        Path("registry/organisations.yaml"),
        lambda path: _replace(path, b"      - DRRK\n", b'      - DRRK\n      - " "\n'),
        "registry/organisations.yaml:{line}: organisations.0.forms: Value error, a form is empty or blank",
    ),
    "an agreement linking to javascript:": (
        Path("registry/agreements.bib"),
        lambda path: _replace(path, b"{Established", b"{See \\url{javascript:alert(1)}. Established"),
        "registry/agreements.bib:{line}: entry 'treaty1884': note: link to 'javascript:alert(1)' refused",
    ),
    "a value too long for any name or note": (
        Path("registry/organisations.yaml"),
        lambda path: _replace(path, b"id: lotte", b"id: lotte\n    note: " + b"w" * 100_000),
        "registry/organisations.yaml:{line}: invalid YAML: a value of 100,000 characters (at most 5,000)",
    ),
    "a word too long for any line": (
        Path("registry/organisations.yaml"),
        lambda path: _replace(path, b"id: lotte", b"id: lotte\n    note: " + b"w" * 1_500),
        "registry/organisations.yaml:{line}: invalid YAML: a word of 1,500 characters without a space",
    ),
    "a word too long for any line in an agreement": (
        Path("registry/agreements.bib"),
        lambda path: _replace(path, b"{Established", b"{" + b"E" * 2_000 + b" Established"),
        "registry/agreements.bib:{line}: entry 'treaty1884': note: a word of 2,000 characters without a space",
    ),
    "a year no date can hold": (
        Path("registry/events.yaml"),
        lambda path: _replace(path, b"    until: 1989\n", b"    until: 99999\n"),
        "registry/events.yaml:{line}: events.2.until: Input should be less than or equal to 9999",
    ),
    "a number of thousands of digits": (
        Path("registry/events.yaml"),
        lambda path: _replace(path, b"    until: 1989\n", b"    until: 1" + b"0" * 4400 + b"\n"),
        "registry/events.yaml:{line}: invalid YAML: a number of 4,401 digits",
    ),
    "a day written as seconds since 1970": (
        Path("registry/events.yaml"),
        lambda path: _replace(path, b"    date: 1970\n", b"    date: 864000\n"),
        "registry/events.yaml:{line}: events.2.date: Value error, a year is a number from 1 to 9999",
    ),
    "aliases that write out billions of values": (
        Path("registry/organisations.yaml"),
        lambda path: _replace(
            path,
            b"id: lotte",
            b"id: lotte\n    note: [&a [x, x, x, x, x, x, x, x, x, x], &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a],"
            b" &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b], &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c],"
            b" &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d], &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e],"
            b" &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]]",
        ),
        "registry/organisations.yaml:{line}: invalid YAML: its aliases write out more than 1,000,000 values",
    ),
    "an explicit YAML timestamp": (
        Path("registry/events.yaml"),
        lambda path: _replace(path, b"    date: 1970\n", b"    date: !!timestamp 2001-02-30\n"),
        "registry/events.yaml:{line}: invalid YAML: the YAML tag 'timestamp' is not allowed",
    ),
    "an invisible character in a registry name": (
        Path("registry/organisations.yaml"),
        lambda path: _replace(path, b"id: lotte", "id: lotte\n    note: Lo\u00adtte".encode()),
        "registry/organisations.yaml:{line}: invalid YAML: invisible character U+00AD in a value",
    ),
    "an invisible character in the editors' name": (
        Path("CITATION.cff"),
        lambda path: _replace(path, b'  - name: "Contributors', '  - name: "Con\u200btributors'.encode()),
        "CITATION.cff:{line}: invalid YAML: invisible character U+200B in a value",
    ),
    "a percent sign in an agreement": (
        Path("registry/agreements.bib"),
        lambda path: _replace(path, b"{Established", b"{{100%} Established"),
        "registry/agreements.bib:{line}: entry 'treaty1884': note: write a percent sign as \\%",
    ),
    "a link to javascript: split by braces in an agreement": (
        Path("registry/agreements.bib"),
        lambda path: _replace(path, b"{Established", b"{See \\url{java{}script:alert(2)}. Established"),
        "registry/agreements.bib:{line}: entry 'treaty1884': note: link to 'javascript:alert(2)' refused",
    ),
    "metadata title that injects a directive": (
        METADATA,
        lambda path: path.write_bytes(
            re.sub(
                rb"title: >-\n(  .*\n)+", rb'title: "A\\n```{literalinclude} /etc/hostname\\n```"\n', path.read_bytes()
            )
        ),
        f"{METADATA.as_posix()}:{{line}}: title: Value error, must be one line of text",
    ),
    "metadata address that carries LaTeX": (
        METADATA,
        lambda path: _replace(path, b"original_url: https://", b"original_url: https://example.org/?q=}{\\input{x}}#"),
        f"{METADATA.as_posix()}:{{line}}: original_url: Value error, may hold only the characters a URL allows",
    ),
    "redirect out of the site": (
        Path("docs/redirects.yaml"),
        lambda path: _replace(
            path, b"redirects:\n", b"redirects:\n  - from: x/../../../outside.html\n    to: index.html\n    reason: r\n"
        ),
        "docs/redirects.yaml:{line}: redirects.0.from: Value error, must be a page of the site written plainly",
    ),
    "redirect over an existing page": (
        Path("docs/redirects.yaml"),
        lambda path: _replace(
            path, b"redirects:\n", b"redirects:\n  - from: people.html\n    to: index.html\n    reason: r\n"
        ),
        "docs/redirects.yaml:{line}: people.html is a page of the site: a redirect would replace it",
    ),
    "redirect over the search page, which no source page makes": (
        Path("docs/redirects.yaml"),
        lambda path: _replace(
            path, b"redirects:\n", b"redirects:\n  - from: search.html\n    to: people.html\n    reason: r\n"
        ),
        "docs/redirects.yaml:{line}: search.html is a page of the site: a redirect would replace it",
    ),
    "a right-to-left name, which the PDF would print reversed": (
        Path("registry/organisations.yaml"),
        lambda path: _replace(path, b"id: lotte", "id: lotte\n    note: محمد علي".encode()),
        "registry/organisations.yaml:{line}: invalid YAML: 'م' (U+0645 ARABIC LETTER MEEM) is written right to left",
    ),
    "a right-to-left place in an agreement": (
        Path("registry/agreements.bib"),
        lambda path: _replace(path, b"location    = {Panmunjom}", "location    = {Panmunjom (פאנמונג'ום)}".encode()),
        "registry/agreements.bib:{line}: entry 'armistice1953': location: 'פ' (U+05E4 HEBREW LETTER PE)",
    ),
    "a blank short name": (
        Path("registry/organisations.yaml"),
        lambda path: _replace(
            path, b"  - id: working-group-politics\n", b'  - id: working-group-politics\n    short_name: " "\n'
        ),
        "registry/organisations.yaml:{line}: organisations.4.short_name: Value error, the short name is blank",
    ),
    "a word of a name joined by no-break spaces, which the PDF cannot break": (
        Path("registry/organisations.yaml"),
        lambda path: _replace(
            path,
            b"    name: Russian DRRK Coordination Committee",
            ("    name: Russian " + "\u00a0".join(["Coordination"] * 6)).encode(),
        ),
        "registry/organisations.yaml:{line}: organisations.2.name: Value error, a word of 77 characters in a name",
    ),
    "a word of a name too long for the PDF's index": (
        Path("registry/organisations.yaml"),
        lambda path: _replace(
            path, b"    name: Russian DRRK Coordination Committee", b"    name: Russian " + b"D" * 61
        ),
        "registry/organisations.yaml:{line}: organisations.2.name: Value error, a word of 61 characters in a name",
    ),
    "a page nested too deeply to be read": (
        PAGE,
        lambda path: path.write_bytes(path.read_bytes() + NESTED_600),
        f"{PAGE.as_posix()}: nested too deeply to be read",
    ),
    "a site address that runs script": (
        Path("pyproject.toml"),
        lambda path: _replace(
            path,
            b'Homepage = "https://russia-korea-dialogue.github.io/reports-edition/"',
            b'Homepage = "javascript:alert(1)//\\"><x>"',
        ),
        "pyproject.toml:{line}: [project.urls] Homepage must be a plain https:// address of the site",
    ),
    "a site address with a password and a fragment": (
        Path("pyproject.toml"),
        lambda path: _replace(
            path,
            b'Homepage = "https://russia-korea-dialogue.github.io/reports-edition/"',
            b'Homepage = "https://:secret@russia-korea-dialogue.github.io/reports-edition/#x"',
        ),
        "pyproject.toml:{line}: [project.urls] Homepage must be a plain https:// address of the site",
    ),
    "circular redirects": (
        Path("docs/redirects.yaml"),
        lambda path: _replace(
            path,
            b"redirects:\n",
            b"redirects:\n  - from: a.html\n    to: b.html\n    reason: r\n"
            b"  - from: b.html\n    to: a.html\n    reason: r\n",
        ),
        "docs/redirects.yaml:{line}: redirects go round in a cycle: a.html -> b.html -> a.html",
    ),
}


@pytest.fixture(scope="module")
def data_project(tmp_path_factory: pytest.TempPathFactory, editions: Layout) -> Path:
    """A copy of the project with the previous editions, shared by the data attacks (each restores its file)."""
    root = with_previous_editions(tmp_path_factory.mktemp("data-attacks"), editions)
    shutil.copy2(PROJECT_ROOT / "CITATION.cff", root / "CITATION.cff")
    return root


@pytest.mark.parametrize("case", DATA_ATTACKS)
def test_a_data_file_attack_is_refused_at_its_file_and_line(data_project: Path, case: str) -> None:
    relative, breakage, expected = DATA_ATTACKS[case]
    path = data_project / relative
    original = path.read_bytes()
    before = editions_of(data_project)
    breakage(path)
    try:
        result = run_build(data_project, "all")
    finally:
        path.write_bytes(original)
    assert result.returncode == 1
    pattern = re.escape(expected).replace(re.escape("{line}"), r"\d+")
    assert re.search(pattern, result.stderr), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert editions_of(data_project) == before


def refused_build(project: Path, undo: Callable[[], None]) -> str:
    """Build every edition of a project just planted with something refused; undo the planting.

    The build must fail without a traceback and leave the editions as they were; its error
    output is returned for the message.
    """
    before = editions_of(project)
    try:
        result = run_build(project, "all")
    finally:
        undo()
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert editions_of(project) == before
    return result.stderr


@pytest.mark.parametrize("where", ["docs/_static/leak", "docs/reports/leak.md"])
def test_a_link_out_of_the_project_is_refused(data_project: Path, secret: Path, where: str) -> None:
    link = data_project / where
    link.symlink_to(secret.parent if where.endswith("leak") else secret)
    errors = refused_build(data_project, link.unlink)
    assert f"{link}: leads outside the project (to {secret.parent.resolve()}" in errors


@pytest.mark.parametrize("inside", ["docs/_static/more", "docs/more"])
def test_a_link_out_of_the_project_through_a_linked_folder_is_refused(
    data_project: Path, secret: Path, inside: str
) -> None:
    # A folder of the sources that is a link to another folder of the project is followed (as
    # Sphinx follows it), and what that folder links to is held to the same rule.
    extra = data_project / "extra"
    extra.mkdir()
    (extra / "out").symlink_to(secret.parent)
    link = data_project / inside
    link.symlink_to(extra)

    def undo() -> None:
        link.unlink()
        shutil.rmtree(extra)

    assert f"{link / 'out'}: leads outside the project (to {secret.parent.resolve()}" in refused_build(
        data_project, undo
    )


@pytest.mark.parametrize(
    "where",
    ["registry/people.yaml", "source_reports/strategic-conference-2020", "source_reports/new-report", "CITATION.cff"],
)
def test_data_read_through_a_link_out_of_the_project_is_refused(data_project: Path, tmp_path: Path, where: str) -> None:
    # A report folder or a registry file that is a link to a copy elsewhere on the machine: the
    # copy's text would be published as the project's.
    link = data_project / where
    outside = tmp_path / "elsewhere" / link.name
    outside.parent.mkdir()
    source = link if link.exists() else data_project / "source_reports" / "strategic-conference-2020"
    (shutil.copytree if source.is_dir() else shutil.copy2)(source, outside)
    moved = tmp_path / "moved"
    if link.exists():
        link.rename(moved)
    link.symlink_to(outside)

    def undo() -> None:
        link.unlink()
        if moved.exists():
            moved.rename(link)

    assert "leads outside the project" in refused_build(data_project, undo)


@pytest.mark.parametrize("name", ['x"><img src=x onerror=alert(7)>y.md', "javascript:alert(1).md", "a b.md"])
def test_a_page_whose_file_name_would_be_markup_is_refused(data_project: Path, name: str) -> None:
    planted = data_project / "docs" / "reports" / name
    planted.write_text("# A page\n\nWords.\n", encoding="utf-8")
    assert f"{planted}: a page's file name may hold only" in refused_build(data_project, planted.unlink)


def test_a_page_name_is_checked_under_every_path_sphinx_reads_it_by(data_project: Path) -> None:
    # A link to another folder of the sources gives its pages two names, and Sphinx reads both:
    # the one the link gives ("a/x.md") passes, the folder's own ("bad name/x.md") may not.
    folder = data_project / "docs" / "bad name"
    folder.mkdir()
    (folder / "x.md").write_text("# A page\n\nWords.\n", encoding="utf-8")
    (data_project / "docs" / "a").symlink_to(folder)

    def undo() -> None:
        (data_project / "docs" / "a").unlink()
        shutil.rmtree(folder)

    assert f"{folder / 'x.md'}: a page's file name may hold only" in refused_build(data_project, undo)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", "<script>alert(1)</script>\n"),
        ("picture.svg", SVG_WITH_SCRIPT),
        ("animated.svg", SVG_ANIMATING_A_LINK),
        ("feed.xml", '<html xmlns="http://www.w3.org/1999/xhtml"><body><script>alert(1)</script></body></html>\n'),
        ("style.xsl", '<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="1.0"/>\n'),
        ("schema.xsd", '<x xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(1)</h:script></x>\n'),
        (
            "declared.svg",
            '<!DOCTYPE svg [<!ATTLIST svg onload CDATA "alert(1)">]><svg xmlns="http://www.w3.org/2000/svg"/>',
        ),
        (
            "refresh.svg",
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:h="http://www.w3.org/1999/xhtml">'
            '<h:meta http-equiv="refresh" content="0;url=https://example.org/"/></svg>\n',
        ),
    ],
)
def test_a_static_file_that_would_run_is_refused(data_project: Path, name: str, content: str) -> None:
    planted = data_project / "docs" / "_static" / name
    planted.write_text(content, encoding="utf-8")
    errors = refused_build(data_project, planted.unlink)
    assert f"Content policy: {planted}: a static file the site would serve as a page" in errors


# -- Atomic editions: killed at the PDF step, then at the HTML step ------------------------------


def _wait_for(pattern: str, root: Path, process: subprocess.Popen[str], timeout: float = 600) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = sorted(root.glob(pattern))
        if found:
            return found
        assert process.poll() is None, f"the build ended (status {process.returncode}) before {pattern}"
        time.sleep(0.2)
    pytest.fail(f"no {pattern} after {timeout} s")


def _kill(process: subprocess.Popen[str]) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_a_killed_build_changes_no_edition_and_the_next_removes_its_leftovers(
    tmp_path: Path, editions: Layout, secret: Path
) -> None:
    root = with_previous_editions(tmp_path / "project", editions)
    # A title full of LaTeX's special characters, and commands that would read a file and run one.
    title = f"R&D 100% #1 a_b ~^$ \\\\input{{{secret}}} \\\\immediate\\\\write18{{touch {tmp_path}/ran}}"
    metadata = root / METADATA
    retitled = re.sub(r"title: >-\n(  .*\n)+", lambda _: f'title: "{title}"\n', metadata.read_text(encoding="utf-8"))
    metadata.write_text(retitled, encoding="utf-8")
    before, checksums = editions_of(root), (root / "build" / "html" / "index.html").read_text(encoding="utf-8")

    first = start_build(root)
    _wait_for(".staging/build-*/pdf/latex/*.tex", root / "build", first)
    time.sleep(1)  # into latexmk
    _kill(first)
    assert editions_of(root) == before
    leftovers = list((root / "build" / ".staging").iterdir())
    assert leftovers

    second = start_build(root)
    staged_site = _wait_for(".staging/build-*/outputs/html", root / "build", second)
    _kill(second)
    assert editions_of(root) == before
    assert (root / "build" / "html" / "index.html").read_text(encoding="utf-8") == checksums
    for book in [*root.glob("build/*.pdf"), *root.glob("build/*.epub")]:
        assert hashlib.sha256(book.read_bytes()).hexdigest() in checksums, book
    assert not any(path.exists() for path in leftovers), "the second build removes what the first left"

    # The second build got past the PDF step: the title is printed as written, nothing read or run.
    staged_pdf = staged_site[0].parent / f"{REPORT}.pdf"
    text = subprocess.run(["pdftotext", str(staged_pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "R&D 100% #1 a_b ~^$ \\input{" in text
    assert secret.read_text(encoding="utf-8").strip() not in text
    assert not (tmp_path / "ran").exists()


def test_an_interrupted_placing_is_undone_by_the_next_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    layout = Layout(docs=tmp_path / "docs", build=tmp_path / "build")
    (layout.build / "html").mkdir(parents=True)
    (layout.build / "html" / "index.html").write_text("old site")
    (layout.build / "a.pdf").write_text("old pdf")
    staged = layout.staging / "build-x" / "outputs"
    (staged / "html").mkdir(parents=True)
    (staged / "html" / "index.html").write_text("new site")
    (staged / "a.pdf").write_text("new pdf")
    (staged / "b.epub").write_text("new epub")
    renames = 0
    original_rename = Path.rename

    def rename_then_die(self: Path, target: Path) -> Path:
        nonlocal renames
        renames += 1
        if renames == 5:  # the old ones set aside, two new ones placed: killed here
            raise KeyboardInterrupt
        return original_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename_then_die)
    monkeypatch.setattr(build_module, "restore_interrupted", lambda layout: None)  # killed: nothing runs
    with pytest.raises(KeyboardInterrupt):
        place_all(staged, layout)
    monkeypatch.undo()
    remove_stale_staging(layout)
    assert (layout.build / "html" / "index.html").read_text() == "old site"
    assert (layout.build / "a.pdf").read_text() == "old pdf"
    assert not (layout.build / "b.epub").exists()
    assert not list(layout.staging.iterdir())


def _sites_with_a_carried_part(layout: Layout) -> Path:
    """A published site whose index part ``part-1`` the staged site takes over when placed."""
    old_part = layout.build / "html" / "pagefind" / "part-1"
    old_part.mkdir(parents=True)
    (old_part / "pagefind-entry.json").write_text("old part")
    (layout.build / "html" / "index.html").write_text("old site")
    staged = layout.staging / "build-x" / "outputs"
    (staged / "html" / "pagefind").mkdir(parents=True)
    (staged / "html" / "index.html").write_text("new site")
    (staged.parent / build_module.CARRIED).write_text(json.dumps(["html/pagefind/part-1"]))
    return staged


def test_a_carried_part_moves_into_the_new_site(tmp_path: Path) -> None:
    layout = Layout(docs=tmp_path / "docs", build=tmp_path / "build")
    place_all(_sites_with_a_carried_part(layout), layout)
    assert (layout.build / "html" / "index.html").read_text() == "new site"
    assert (layout.build / "html" / "pagefind" / "part-1" / "pagefind-entry.json").read_text() == "old part"


@pytest.mark.parametrize(
    ("how", "killed_after"),
    [("killed", 0), ("killed", 1), ("killed", 2), ("killed", 3), ("a move refused", 1), ("a move refused", 2)],
)
def test_a_placing_interrupted_while_carrying_is_undone_with_what_it_carried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, killed_after: int, how: str
) -> None:
    # Killed (nothing runs: the next build undoes it) or a move refused (undone at once), after
    # 0: the journal alone; 1: the old site set aside; 2: the new one placed; 3: its part carried
    # (the journal not yet removed).
    layout = Layout(docs=tmp_path / "docs", build=tmp_path / "build")
    staged = _sites_with_a_carried_part(layout)
    renames = 0
    original_rename, original_unlink = Path.rename, Path.unlink

    def stop() -> None:
        nonlocal renames
        renames += 1  # once: what undoes the placing moves as it likes
        raise KeyboardInterrupt if how == "killed" else OSError(errno.EXDEV, "refused")

    def rename_or_stop(self: Path, target: Path) -> Path:
        nonlocal renames
        if renames == killed_after:
            stop()
        renames += 1
        return original_rename(self, target)

    def unlink_or_stop(self: Path, missing_ok: bool = False) -> None:
        if renames == killed_after == 3 and self.name == build_module.JOURNAL:
            stop()
        original_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "rename", rename_or_stop)
    monkeypatch.setattr(Path, "unlink", unlink_or_stop)
    if how == "killed":
        monkeypatch.setattr(build_module, "restore_interrupted", lambda layout: None)
    with pytest.raises((KeyboardInterrupt, OSError)):
        place_all(staged, layout)
    monkeypatch.undo()
    assert (layout.staging / build_module.JOURNAL).exists() == (how == "killed")
    remove_stale_staging(layout)
    assert (layout.build / "html" / "index.html").read_text() == "old site"
    assert (layout.build / "html" / "pagefind" / "part-1" / "pagefind-entry.json").read_text() == "old part"
    assert not list(layout.staging.iterdir())


@pytest.mark.parametrize(
    "journal", ["", "[1, 2]", '{"outputs": {"../victim": false}, "carried": ["../victim/x", "/victim"]}']
)
def test_a_journal_that_cannot_be_read_moves_nothing_and_names_nothing_outside(tmp_path: Path, journal: str) -> None:
    # A journal is written whole before anything moves: one that cannot be read was never written.
    layout = Layout(docs=tmp_path / "docs", build=tmp_path / "build")
    (layout.build / "html").mkdir(parents=True)
    (layout.build / "html" / "index.html").write_text("site")
    victim = tmp_path / "victim"
    (victim / "x").mkdir(parents=True)
    layout.staging.mkdir(parents=True)
    (layout.staging / build_module.JOURNAL).write_text(journal)
    remove_stale_staging(layout)
    assert (layout.build / "html" / "index.html").read_text() == "site"
    assert (victim / "x").is_dir()
    assert not list(layout.staging.iterdir())


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.ENOSPC, "the disk is full"), (errno.EROFS, "the file system is read-only")],
)
def test_a_full_or_read_only_build_folder_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], code: int, reason: str
) -> None:
    def refuse(*_: object, **__: object) -> str:
        raise OSError(code, os.strerror(code), str(tmp_path / "build" / ".staging"))

    monkeypatch.setattr(build_module.tempfile, "mkdtemp", refuse)
    status = build_module.main(["html", "--draft", "--build-dir", str(tmp_path / "build")])
    errors = capsys.readouterr().err
    assert status == 1
    assert f"edition-build: cannot write {tmp_path / 'build' / '.staging'}: {reason}." in errors
    assert "Traceback" not in errors


def test_a_disk_that_fills_while_sphinx_writes_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def full_disk(arguments: list[str]) -> int:
        error = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), arguments[-1] + "/index.html")
        sphinx_errors.handle_exception(error)
        return 2

    monkeypatch.setattr(sphinx.cmd.build, "build_main", full_disk)  # imported where the build runs Sphinx
    status = build_module.main(["html", "--draft", "--build-dir", str(tmp_path / "build")])
    errors = capsys.readouterr().err
    assert status == 1
    assert re.search(r"edition-build: cannot write \S+/html/index.html: the disk is full\.", errors), errors
    assert "OSError" not in errors
    assert "Traceback" not in errors


# -- LaTeX: escaped, and confined even if escaping failed ----------------------------------------


def test_latex_text_prints_every_special_character_as_written() -> None:
    assert latex_text(r"R&D 100% #1 a_b {x} $y$ ^~ [z] \input") == (
        r"R\&D 100\% \#1 a\_b \{x\} \$y\$ \textasciicircum{}\textasciitilde{} {[}z{]} \textbackslash{}input"
    )


def test_tex_reads_no_file_outside_its_folder(tmp_path: Path, secret: Path) -> None:
    if shutil.which("xelatex") is None:
        pytest.skip("xelatex is not installed: run ./bootstrap editions")
    (tmp_path / "leak.tex").write_text(
        f"\\documentclass{{article}}\\begin{{document}}\\input{{{secret}}}\\end{{document}}\n"
    )
    result = subprocess.run(
        ["xelatex", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error", "leak.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=tex_environment(),
    )
    assert result.returncode != 0
    assert f"Not reading from {secret} (openin_any = p)" in result.stderr
    assert secret.read_text(encoding="utf-8").strip() not in result.stdout + result.stderr
    assert not (tmp_path / "leak.pdf").exists()


# -- Links, SVG, metadata, data files (units) ----------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JavaScript:alert(1)", " java\tscript:x", "data:text/html,x", "vbscript:x", "file:///etc"],
)
def test_links_to_schemes_that_run_or_read_are_refused(url: str) -> None:
    assert link_refusal(url)


@pytest.mark.parametrize(
    "url", ["https://example.org", "HTTP://example.org", "mailto:a@b.org", "people.html#x", "#top"]
)
def test_links_to_the_web_mail_and_the_site_are_allowed(url: str) -> None:
    assert link_refusal(url) is None


def test_a_link_an_extension_makes_after_reading_is_held_to_the_same_rule() -> None:
    # The bibliography and the glossaries add links after the page check has run.
    document = new_document("page", frontend.get_default_settings())
    paragraph = nodes.paragraph()
    bad = nodes.reference("", "run", refuri="JavaScript:alert(1)")
    good = nodes.reference("", "web", refuri="https://example.org/")
    paragraph += [bad, good]
    document += paragraph
    safety.check_resolved_links(cast(Any, None), document, "page")
    assert bad["refuri"] == "#"
    assert good["refuri"] == "https://example.org/"


def test_files_outside_the_project_or_that_would_run_are_refused(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "docs" / "outside").symlink_to(tmp_path)
    (tmp_path / "secret.txt").write_text("secret")
    assert "is outside the project" in (file_refusal(project / "docs" / "outside" / "secret.txt", project) or "")
    assert "is outside the project" in (file_refusal(project / ".." / "secret.txt", project) or "")
    assert "would run" in (file_refusal(project / "docs" / "page.HTML", project) or "")
    # The build's and the tools' own files: the repository, caches, the builds with their logs.
    for own in (".git/config", "docs/.cache/notes.txt", "build/logs/html-warnings.log", "node_modules/x/a.txt"):
        assert "not of the edition" in (file_refusal(project / own, project) or ""), own
    assert file_refusal(project / "docs" / "photo.png", project) is None
    assert file_refusal(project / "docs" / "build" / "photo.png", project) is None  # only the top folder


def test_an_svg_with_an_event_handler_is_refused_and_a_plain_one_is_not(tmp_path: Path) -> None:
    handler, plain = tmp_path / "handler.svg", tmp_path / "plain.svg"
    handler.write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect onload="alert(1)"/></svg>')
    plain.write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>')
    assert svg_runs_script(handler)
    assert not svg_runs_script(plain)


def test_a_yaml_file_is_parsed_once_for_the_lines_of_many_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    people = PROJECT_ROOT / "registry" / "people.yaml"
    data_files._node_tree.cache_clear()
    parses = 0
    original = data_files._parse

    def counting(text: str) -> tuple[object, object]:
        nonlocal parses
        parses += 1
        return original(text)

    monkeypatch.setattr(data_files, "_parse", counting)
    for index in range(200):
        data_files.line_in(people, ("people", index % 5, "id"))
    assert parses == 1


def test_a_control_character_in_a_text_file_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_bytes(b"# Title\n\nText\x07 here\n")
    with pytest.raises(InputError) as error:
        data_files.read_text(path)
    assert str(error.value) == f"{path}:3: control character U+0007: remove it"


# -- The Content-Security-Policy, in Chromium, on every page -------------------------------------


def test_the_policy_lets_run_only_the_inline_scripts_a_template_writes(tmp_path: Path) -> None:
    # A script in a page that no template holds is markup a page's text slipped in: it never runs.
    (tmp_path / "layout.html").write_text(
        "<script>let theme = 1;</script><script>let page = {{ pagename|tojson }};</script>", encoding="utf-8"
    )
    allowed = template_scripts([str(tmp_path)])
    assert allowed == frozenset({"let theme = 1;"})
    page = (
        '<html><head><meta charset="utf-8"><script>let theme = 1;</script><script src="x.js"></script>'
        '<script type="application/ld+json">{"a": 1}</script></head>'
        "<body><p>Text<script>alert(1)</script></p></body></html>"
    )
    secured = with_policy(page, allowed)
    assert secured.index("Content-Security-Policy") < secured.index("<script>")
    digest = base64.b64encode(hashlib.sha256(b"let theme = 1;").digest()).decode()
    assert re.findall(r"'sha256-([^']+)'", policy_for(page, allowed)) == [digest]
    assert with_policy(secured, allowed) == secured


def _violations(site: Path, pages: list[str]) -> Iterator[str]:
    from playwright.sync_api import sync_playwright

    with served(site) as origin, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        context = browser.new_context()
        context.add_init_script(
            "window.cspViolations = [];"
            "document.addEventListener('securitypolicyviolation',"
            " event => window.cspViolations.push(event.violatedDirective + ' ' + event.blockedURI));"
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text) if "Content Security" in message.text else None)
        for name in pages:
            page.goto(origin + name, wait_until="load")
            yield from (f"{name}: {violation}" for violation in page.evaluate("window.cspViolations"))
            # The theme's inline script ran (it sets the colour scheme) and its own script works.
            if page.evaluate("document.body.dataset.theme") is None:
                yield f"{name}: the theme's inline script did not run"
            yield from (f"{name}: {error}" for error in errors)
            errors.clear()
        browser.close()


def test_no_page_of_the_site_breaks_its_content_security_policy(editions: Layout) -> None:
    require_tool(CHROMIUM, "Chromium")
    site = editions.build / "html"
    pages = sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))
    assert len(pages) >= 10
    for name in pages:
        assert 'http-equiv="Content-Security-Policy"' in (site / name).read_text(encoding="utf-8"), name
    assert list(_violations(site, pages)) == []


# -- The workflow that builds pull requests -------------------------------------------------------


def test_pull_requests_are_built_read_only_and_without_secrets() -> None:
    import yaml

    text = (PROJECT_ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    workflow = yaml.safe_load(text)
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as true
    assert "pull_request" in triggers
    assert "pull_request_target" not in triggers
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert job.get("permissions", {"contents": "read"}) == {"contents": "read"}
        for step in job["steps"]:
            if "actions/checkout" in step.get("uses", ""):
                assert step["with"]["persist-credentials"] is False
    assert "secrets." not in text
    assert "read-only permissions and no secrets" in text


@pytest.mark.parametrize(
    "address",
    [
        "https://:secret@example.org/x",
        "https://user@example.org/x",
        "https://example.org/x#fragment",
        "https://example.org/x?",
        "https://example.org/x/../../",
        "https://example.org//x",
        "https://example.org:99999/",
        "https://example.org/{0}",
        "http://example.org/",
        "javascript:alert(1)//",
    ],
)
def test_a_site_address_that_is_not_a_plain_https_address_is_refused(tmp_path: Path, address: str) -> None:
    pyproject = tmp_path / "pyproject.toml"
    good = "https://example.org/edition/"
    pyproject.write_text(f'[project]\nname = "x"\n\n[project.urls]\nHomepage = "{good}"\nRepository = "{good}"\n')
    check_site_addresses(pyproject)
    pyproject.write_text(pyproject.read_text().replace(f'Homepage = "{good}"', f'Homepage = "{address}"'))
    with pytest.raises(InputError, match=r"Homepage must be a plain https:// address") as refused:
        check_site_addresses(pyproject)
    assert refused.value.line == 5


def test_the_right_to_left_blocks_hold_every_right_to_left_letter() -> None:
    # Only what the blocks' expression finds is looked up: a letter outside them would get through.
    missing = [
        hex(point)
        for point in range(0x110000)
        if unicodedata.bidirectional(chr(point)) in data_files.RIGHT_TO_LEFT
        and not data_files.RIGHT_TO_LEFT_BLOCKS.match(chr(point))
    ]
    assert missing == []
    assert data_files.right_to_left_letter("Peace: “שלום” – said…") == "ש"
    assert data_files.right_to_left_letter("“Curly” quotes – and an ellipsis… in Latin, Кириллица") is None
    assert data_files.right_to_left_letter("\u0610 a combining mark alone") is None  # in a block, not a letter
