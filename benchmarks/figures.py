"""The benchmark's figures: our builds against plain Sphinx's, and what a search downloads.

- HTML, at each archive size: cold build and one-page edit, against the plain-Sphinx baseline
  of the same pages; at 50 reports also the cold build against the baseline with the same
  navigation collapsing (``COLLAPSED_AT``); the growth exponent between consecutive sizes.
- EPUB and PDF, one report: cold builds against plain Sphinx's ``epub`` builder and its
  ``latexpdf`` (the LaTeX builder, then latexmk with xelatex, as ours).
- Search, at each archive size: what one query downloads (``dialogue_edition.checks.search_weight``).
"""

from __future__ import annotations

import itertools
import math
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from projects import EDITED_PAGE, archive, baseline_project, edited_line, page_count, plain_markdown, toggle_word
from timing import BuildError, Figures, Side, compare, progress

COLLAPSED_AT = 50
"""The archive size at which our HTML is also compared with plain Sphinx collapsing its navigation."""
LARGE = 100
"""From this many reports on, a figure gets ``large_pairs`` pairs: one cold build takes minutes."""
SEARCH_QUERIES = ("Kurbanov", "Korea")
"""A name, and a word on nearly every page (the most index a query can fetch)."""


def count(reports: int) -> str:
    """``1 report``, ``10 reports``."""
    return f"{reports} report" + ("" if reports == 1 else "s")


def console_script(name: str, module: str) -> list[str]:
    """The command beside this interpreter (as installed), else ``python -m module``."""
    script = Path(sys.executable).with_name(name)
    return [str(script)] if script.exists() else [sys.executable, "-m", module]


EDITION_BUILD = console_script("edition-build", "dialogue_edition.build")
SPHINX_BUILD = console_script("sphinx-build", "sphinx")


@dataclass(frozen=True)
class Bench:
    """What every part needs: a scratch folder, the logs' folder, the environment, the pairs per size."""

    scratch: Path
    logs: Path
    env: dict[str, str]
    pairs: int
    large_pairs: int

    def pairs_at(self, reports: int) -> int:
        """How many pairs a figure gets at this archive size: fewer for the largest archives."""
        return min(self.large_pairs, self.pairs) if reports >= LARGE else self.pairs


def must_exist(*patterns: tuple[Path, str]) -> Callable[[], None]:
    """A check that a build made its outputs: each (folder, glob pattern) matches at least one file."""

    def check() -> None:
        for folder, pattern in patterns:
            if not any(folder.glob(pattern)):
                raise BuildError(f"the build exited with 0 but made no {folder / pattern}")

    return check


def remove(folder: Path) -> Callable[[], None]:
    """A cold build's scene: the folder of outputs and caches removed."""
    return lambda: shutil.rmtree(folder, ignore_errors=True)


def ours(bench: Bench, project: Path, edition: str, prepare: Callable[[], None], label: str) -> Side:
    """Our build of one edition, as a user runs it: ``edition-build EDITION --project DIR``."""
    command = [*EDITION_BUILD, edition, "--project", str(project)] + (["--draft"] if edition == "html" else [])
    # The site with its search index (Pagefind runs in every HTML build), the books.
    site = [(project / "build" / "html", "index.html"), (project / "build" / "html" / "pagefind", "*.json")]
    books = {"epub": [(project / "build", "*.epub")], "pdf": [(project / "build", "*.pdf")]}
    outputs = {"html": site, **books, "all": [*site, *books["epub"], *books["pdf"]]}[edition]
    return Side("ours", command, prepare, must_exist(*outputs), bench.logs / f"{label}-ours.log")


PLAIN_OUTPUTS = {"html": ("html", "index.html"), "epub": ("epub", "*.epub"), "pdf": ("latex", "*.pdf")}


def plain(bench: Bench, docs: Path, edition: str, prepare: Callable[[], None], label: str) -> Side:
    """Plain Sphinx on the baseline pages: one ``sphinx-build`` process (``-M latexpdf`` for the PDF)."""
    out = docs.parent / "build"
    if edition == "pdf":
        command = [*SPHINX_BUILD, "-M", "latexpdf", str(docs), str(out), "-q"]
    else:
        command = [*SPHINX_BUILD, "-q", "-b", edition, "-d", str(out / "doctrees"), str(docs), str(out / edition)]
    folder, pattern = PLAIN_OUTPUTS[edition]
    return Side(
        "plain Sphinx", command, prepare, must_exist((out / folder, pattern)), bench.logs / f"{label}-plain.log"
    )


def attempt(label: str, measure: Callable[[], Figures]) -> Figures:
    """A figure, or the reason it could not be measured (the run goes on to the next figure)."""
    try:
        return measure()
    except BuildError as error:
        progress(f"{label}: FAILED: {error}")
        return {"error": str(error)}


# -- HTML at each size -----------------------------------------------------------------------


def html_cold(bench: Bench, project: Path, docs: Path, reports: int, collapsed: bool = False) -> Figures:
    """Cold HTML builds, ours against the baseline in ``docs`` (plain, or collapsing its navigation)."""
    label = f"html-cold-{reports}" + ("-collapsed" if collapsed else "")
    return compare(
        f"HTML cold, {count(reports)}" + (" vs plain Sphinx collapsing its navigation" if collapsed else ""),
        ours(bench, project, "html", remove(project / "build"), label),
        plain(bench, docs, "html", remove(docs.parent / "build"), label),
        bench.pairs_at(reports),
        bench.env,
    )


def html_edit(bench: Bench, project: Path, docs: Path, reports: int) -> Figures:
    """One-page edits: the same word added to (or taken from) the same page on each side, then a build."""
    line = edited_line(project / "docs" / EDITED_PAGE)
    plain_line = plain_markdown(line).rstrip("\n")
    label = f"html-edit-{reports}"
    return compare(
        f"HTML one-page edit, {count(reports)}",
        ours(bench, project, "html", lambda: toggle_word(project / "docs" / EDITED_PAGE, line), label),
        plain(bench, docs, "html", lambda: toggle_word(docs / EDITED_PAGE, plain_line), label),
        bench.pairs_at(reports),
        bench.env,
    )


def html_size(bench: Bench, reports: int, parts: set[str]) -> Figures:
    """Every figure at one archive size: HTML cold and edit against the baseline(s), and search."""
    where = bench.scratch / f"archive-{reports}"
    project = archive(where / "ours", reports)
    pages = page_count(project / "docs")
    progress(f"archive of {count(reports)}: {pages} pages")
    figures: Figures = {"reports": reports, "pages": pages}
    if "html" in parts:
        docs = baseline_project(project, where / "plain")
        figures["cold"] = attempt("HTML cold", lambda: html_cold(bench, project, docs, reports))
        figures["edit"] = attempt("HTML edit", lambda: html_edit(bench, project, docs, reports))
        if reports == COLLAPSED_AT:
            collapsing = baseline_project(project, where / "plain-collapsed", collapse=True)
            figures["cold_vs_collapsed"] = attempt(
                "HTML cold, collapsed", lambda: html_cold(bench, project, collapsing, reports, collapsed=True)
            )
    if "search" in parts:
        figures["search"] = attempt("search", lambda: search_size(bench, project, reports))
    shutil.rmtree(where, ignore_errors=True)
    return figures


def search_size(bench: Bench, project: Path, reports: int) -> Figures:
    """What one query downloads from the archive's site (built first if no HTML figure built it)."""
    from dialogue_edition.checks.search_weight import search_download_kb

    site = project / "build" / "html"
    if not (site / "pagefind").is_dir():
        run = ours(bench, project, "html", remove(project / "build"), f"search-{reports}").run_once(bench.env)
        progress(f"HTML cold, {count(reports)}, for the search figure: {run.wall_s:.2f} s ({run.cpu_s:.2f} s CPU)")
    figures: Figures = {
        "fragments": sum(1 for _ in (site / "pagefind").glob("fragment/*")),
        "queries": list(SEARCH_QUERIES),
    }
    for query in SEARCH_QUERIES:
        figures[query] = search_download_kb(site, query)
        progress(f"search for {query!r}, {count(reports)}: {figures[query]}")
    figures["transferred_kb"] = max(figures[query]["transferred_kb"] for query in SEARCH_QUERIES)
    figures["stored_kb"] = max(figures[query]["stored_kb"] for query in SEARCH_QUERIES)
    return figures


def growth(sizes: dict[str, Figures]) -> list[Figures]:
    """The exponent k of cold time ~ pages^k between consecutive sizes, from the medians, each side."""
    measured = [entry for entry in sizes.values() if "median_s" in entry.get("cold", {}).get("ours", {})]
    exponents = []
    for small, large in itertools.pairwise(measured):
        pages = math.log(large["pages"] / small["pages"])
        exponents.append(
            {
                "from_reports": small["reports"],
                "to_reports": large["reports"],
                **{
                    side: round(math.log(large["cold"][side]["median_s"] / small["cold"][side]["median_s"]) / pages, 2)
                    for side in ("ours", "baseline")
                },
            }
        )
    return exponents


# -- EPUB and PDF ----------------------------------------------------------------------------


def edition_cold(bench: Bench, edition: str) -> Figures:
    """Cold builds of one report's EPUB or PDF, ours against plain Sphinx's."""
    where = bench.scratch / f"{edition}-1"
    project = archive(where / "ours", 1)
    docs = baseline_project(project, where / "plain")
    label = f"{edition}-cold-1"
    figures = attempt(
        f"{edition.upper()} cold",
        lambda: compare(
            f"{edition.upper()} cold, 1 report",
            ours(bench, project, edition, remove(project / "build"), label),
            plain(bench, docs, edition, remove(docs.parent / "build"), label),
            bench.pairs_at(1),
            bench.env,
        ),
    )
    shutil.rmtree(where, ignore_errors=True)
    return figures
