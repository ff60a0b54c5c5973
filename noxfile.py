"""Sessions of the edition pipeline: build the editions, test, lint, type-check, preview.

Every session installs exactly what ``uv.lock`` pins (``uv sync --frozen``: the project and the
dependency groups it names), so each gets the tested versions on any supported Python. Build
sessions go through ``dialogue_edition.build`` (nitpicky, warnings as errors, outputs moved into
``build/`` only when complete).
"""

from __future__ import annotations

from pathlib import Path

import nox

# uv installs from the lock; ./bootstrap puts it in .venv/ beside nox, where nox finds it.
nox.options.default_venv_backend = "uv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["editions", "tests", "lint", "types"]
# An interpreter that is not installed is skipped with one line, never downloaded.
nox.options.download_python = "never"

OLDEST_PYTHON, NEWEST_PYTHON = "3.11", "3.13"
"""The oldest and newest Pythons the fast tests run on (locally with ``nox -s fast``; CI's matrix)."""


def install(session: nox.Session, *groups: str) -> None:
    """Install the project (editable) and the given dependency groups, exactly as uv.lock pins them."""
    options = [f"--group={group}" for group in groups]
    session.run_install(
        "uv",
        "sync",
        "--frozen",
        "--no-default-groups",
        *options,
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
    )


def build(session: nox.Session, *arguments: str) -> None:
    """Install the project and run the edition builder with the given arguments."""
    install(session)
    session.run("edition-build", *arguments, *session.posargs)


@nox.session
def html(session: nox.Session) -> None:
    """Build the HTML site as a draft (with the PDF and EPUB only if they are already built)."""
    build(session, "html", "--draft")


@nox.session
def pdf(session: nox.Session) -> None:
    """Build the PDF edition (xelatex and latexmk; needs TeX Live, see the README)."""
    build(session, "pdf")


@nox.session
def epub(session: nox.Session) -> None:
    """Build the EPUB edition."""
    build(session, "epub")


@nox.session
def editions(session: nox.Session) -> None:
    """Build all three editions: EPUB, PDF, then the HTML site that carries them."""
    build(session, "all")


@nox.session(name="import", default=False)
def import_report(session: nox.Session) -> None:
    """Import a plain-text report: nox -s import -- report.txt --slug ... (see edition-import --help)."""
    install(session)
    session.run("edition-import", *session.posargs)


@nox.session(default=False)
def baselines(session: nox.Session) -> None:
    """After adding a report or a name: the spell check's word list and the new permalinks."""
    install(session)
    session.run("edition-baselines", *session.posargs)


@nox.session(default=False)
def data(session: nox.Session) -> None:
    """Check the data files alone (source reports, registry, redirects), without building."""
    install(session)
    session.run("edition-check-data")


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole test suite (it builds every edition once, in a temporary folder)."""
    install(session, "test")
    session.run("pytest", *session.posargs)


@nox.session(python=[OLDEST_PYTHON, NEWEST_PYTHON], default=False)
def fast(session: nox.Session) -> None:
    """The fast tests (all but the validators and the many-report builds) on each supported Python."""
    install(session, "test")
    session.run("pytest", "-m", "not slow", *session.posargs)


@nox.session(default=False)
def screenshots(session: nox.Session) -> None:
    """PNGs of every HTML page (phone, desktop; light, dark) and every PDF page: build/screenshots/index.html."""
    install(session, "test")  # Playwright drives Debian's Chromium
    session.run("python", "-m", "dialogue_edition.screenshots", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff; the workflows, Read the Docs file and CITATION.cff against their schemas; zizmor."""
    install(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    workflows = sorted(str(path) for path in Path(".github/workflows").glob("*.yml"))
    session.run("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows)
    session.run("check-jsonschema", "--builtin-schema", "vendor.dependabot", ".github/dependabot.yml")
    session.run("check-jsonschema", "--builtin-schema", "vendor.readthedocs", ".readthedocs.yaml")
    session.run("check-jsonschema", "--builtin-schema", "vendor.citation-file-format", "CITATION.cff")
    # The strictest persona: code smells too (unnamed jobs, unexplained permissions, no concurrency group).
    session.run("zizmor", "--offline", "--persona", "pedantic", ".github")
    # The lock agrees with pyproject.toml (after editing a pin: uv lock).
    session.run("uv", "lock", "--check")
    # The words of every text file the repository holds (names of people and places are listed).
    session.run("pre-commit", "run", "--all-files", "codespell")


@nox.session
def types(session: nox.Session) -> None:
    """mypy, strict, over the pipeline and the benchmark."""
    install(session, "test", "types")
    session.run("mypy", *session.posargs)


@nox.session(default=False)
def serve(session: nox.Session) -> None:
    """Preview the HTML site, rebuilt on every save (sphinx-autobuild, nitpicky)."""
    install(session, "serve")
    session.run(
        "sphinx-autobuild",
        "-n",
        "--keep-going",
        "-D",
        "edition_downloads_required=0",
        "--watch",
        "tools",
        "--watch",
        "source_reports",
        "docs",
        "build/serve",
        *session.posargs,
    )


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Our builds against plain Sphinx's, whole processes in interleaved pairs; write BENCHMARKS.md.

    Never fails on a number (only on a build that fails). Options after ``--``: ``--sizes``,
    ``--pairs``, ``--only``, ``--skip-tests``, ``--estimate``, ``--report-only`` (``-- --help``).
    """
    install(session, "test")
    session.run("python", "benchmarks/bench.py", *session.posargs)


@nox.session(default=False)
def linkcheck(session: nox.Session) -> None:
    """Check the external links (needs the network; never part of the tests)."""
    install(session)
    session.run("sphinx-build", "-b", "linkcheck", "-n", "-q", "docs", "build/linkcheck", *session.posargs)
