"""The benchmark's figures: our builds against plain Sphinx's, and what a search downloads.

- HTML, at each archive size: cold build and one-page edit, against the plain-Sphinx baseline
  of the same pages (``projects``); at 50 reports also the cold build against the baseline with
  the same navigation collapsing (``COLLAPSED_AT``); at ``CONTENT_AT`` also the cold build
  against a baseline that holds the text of the pages we generate from data (``plain_pages``);
  the growth exponent between consecutive sizes.
  From ``LARGE`` reports on (the 200-report archive), the baseline is the collapsing one for
  both figures: plain Sphinx and Furo put the whole site's tree in every page's sidebar, so its
  cold build grows with the square of the pages (not measured here; extrapolated from the 2.7
  times that collapsing saved our 50-report build, about 8 minutes a build at 1205 pages), which
  would take the whole run's time for a comparison with a design no archive of that size ships.
  The growth exponent of the baseline compares the same navigation at both sizes.
- EPUB and PDF, one report: cold builds against plain Sphinx's ``epub`` builder and its
  ``latexpdf`` (the LaTeX builder, then latexmk with xelatex, as ours).
- Search, at each archive size: what one query downloads (``dialogue_edition.checks.search_weight``).
"""

from __future__ import annotations

import itertools
import json
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
"""From this many reports on, a cold build's figure gets ``large_pairs`` pairs (one takes minutes),
and the baseline collapses its navigation (see above). An edit takes seconds at every size: its
figure gets ``pairs`` pairs everywhere, so that no one pair (the first edit after the cold builds,
which writes the caches the next ones reuse) can decide its median."""
CONTENT_AT = (1, COLLAPSED_AT)
"""The archive sizes at which the cold build is also compared with a baseline holding the generated pages' text."""
FULL, COLLAPSED = "full", "collapsed"
"""The baseline's navigation: Furo's whole-site tree, or collapsed to the branch being read as ours."""
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


def must_exist(*patterns: tuple[Path, str], fresh: Path | None = None) -> Callable[[float], None]:
    """A check that a build made its outputs.

    Each (folder, glob pattern) matches at least one file, and ``fresh``, if given, was written by
    this build (which started at the ``time.time()`` the check is given).
    """

    def check(started: float) -> None:
        for folder, pattern in patterns:
            if not any(folder.glob(pattern)):
                raise BuildError(f"the build exited with 0 but made no {folder / pattern}")
        # The kernel stamps files from a coarse clock, up to a tick behind time.time(): 50 ms of slack.
        if fresh is not None and (not fresh.exists() or fresh.stat().st_mtime < started - 0.05):
            raise BuildError(f"the build exited with 0 but did not write {fresh}")

    return check


def remove(folder: Path) -> Callable[[], None]:
    """A cold build's scene: the folder of outputs and caches removed."""
    return lambda: shutil.rmtree(folder, ignore_errors=True)


def ours(bench: Bench, project: Path, edition: str, prepare: Callable[[], None], label: str) -> Side:
    """Our build of one edition, as a user runs it: ``edition-build EDITION --project DIR``."""
    command = [*EDITION_BUILD, edition, "--project", str(project)] + (["--draft"] if edition == "html" else [])
    site = [(project / "build" / "html", "index.html")]
    books = {"epub": [(project / "build", "*.epub")], "pdf": [(project / "build", "*.pdf")]}
    outputs = {"html": site, **books, "all": [*site, *books["epub"], *books["pdf"]]}[edition]
    # The search index is part of every HTML build (Pagefind, after Sphinx): this build's, not a copy.
    # Its list of parts is written by every build; a part whose records did not change is linked
    # from the published index (dialogue_edition.search_parts), so its files keep their times.
    index = project / "build" / "html" / "pagefind" / "edition-parts.json" if edition in ("html", "all") else None
    return Side("ours", command, prepare, must_exist(*outputs, fresh=index), bench.logs / f"{label}-ours.log")


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


def html_cold(bench: Bench, project: Path, docs: Path, reports: int, navigation: str, content: bool = False) -> Figures:
    """Cold HTML builds, ours against the baseline in ``docs``.

    Its navigation is full or collapsed; with ``content``, it holds the generated pages' text.
    """
    label = f"html-cold-{reports}-{navigation}" + ("-content" if content else "")
    which = ", with the generated pages' text" if content else ""
    figures = compare(
        f"HTML cold, {count(reports)}, plain Sphinx's navigation {navigation}{which}",
        ours(bench, project, "html", remove(project / "build"), label),
        plain(bench, docs, "html", remove(docs.parent / "build"), label),
        bench.pairs_at(reports),
        bench.env,
    )
    extra = {"content": True} if content else {}
    return {**figures, "navigation": navigation, "baseline_pages": page_count(docs), **extra}


def html_edit(bench: Bench, project: Path, docs: Path, reports: int, navigation: str) -> Figures:
    """One-page edits: the same word added to (or taken from) the same page on each side, then a build."""
    line = edited_line(project / "docs" / EDITED_PAGE)
    plain_line = plain_markdown(line).rstrip("\n")
    label = f"html-edit-{reports}"
    figures = compare(
        f"HTML one-page edit, {count(reports)}, plain Sphinx's navigation {navigation}",
        ours(bench, project, "html", lambda: toggle_word(project / "docs" / EDITED_PAGE, line), label),
        plain(bench, docs, "html", lambda: toggle_word(docs / EDITED_PAGE, plain_line), label),
        bench.pairs,
        bench.env,
    )
    return {**figures, "navigation": navigation, "baseline_pages": page_count(docs)}


def our_site(bench: Bench, project: Path, label: str, purpose: str) -> Path:
    """Our HTML site of ``project``, its search index included, built once (untimed) if no figure built it."""
    site = project / "build" / "html"
    if not (site / "index.html").is_file() or not (site / "pagefind").is_dir():
        run = ours(bench, project, "html", remove(project / "build"), label).run_once(bench.env)
        progress(f"{label}: our site {purpose}, {run.wall_s:.2f} s ({run.cpu_s:.2f} s CPU)")
    return site


def html_figures(bench: Bench, project: Path, where: Path, reports: int) -> Figures:
    """HTML cold and edit against the baseline, and at ``COLLAPSED_AT`` the cold build against the collapsing one.

    At one report and at ``COLLAPSED_AT``, also the last cold build against a baseline that holds
    the generated pages' text (``CONTENT_AT``; not the issue's measure, a figure beside it).
    """
    navigation = FULL if reports < LARGE else COLLAPSED
    docs = baseline_project(project, where / "plain", collapse=navigation == COLLAPSED)
    also_collapsed = reports == COLLAPSED_AT and navigation == FULL
    collapsing = baseline_project(project, where / "plain-collapsed", collapse=True) if also_collapsed else None
    content = None
    if reports in CONTENT_AT:
        site = our_site(bench, project, f"html-site-{reports}", "for the baseline's generated pages")
        content = baseline_project(
            project, where / "plain-content", collapse=reports >= COLLAPSED_AT, content_from=site
        )
    figures = {
        "cold": attempt("HTML cold", lambda: html_cold(bench, project, docs, reports, navigation)),
        "edit": attempt("HTML edit", lambda: html_edit(bench, project, docs, reports, navigation)),
    }
    if collapsing:
        figures["cold_vs_collapsed"] = attempt(
            "HTML cold, collapsed", lambda: html_cold(bench, project, collapsing, reports, COLLAPSED)
        )
    if content:
        kind = COLLAPSED if reports >= COLLAPSED_AT else FULL
        figures["cold_with_content"] = attempt(
            "HTML cold, generated pages' text", lambda: html_cold(bench, project, content, reports, kind, True)
        )
    return figures


def html_size(bench: Bench, reports: int, parts: set[str]) -> Figures:
    """Every figure at one archive size: HTML cold and edit against the baseline(s), and search."""
    where = bench.scratch / f"archive-{reports}"
    project = archive(where / "ours", reports)
    pages = page_count(project / "docs")
    progress(f"archive of {count(reports)}: {pages} pages")
    figures: Figures = {"reports": reports, "pages": pages}
    if "html" in parts:
        figures |= html_figures(bench, project, where, reports)
    if "search" in parts:
        figures["search"] = attempt("search", lambda: search_size(bench, project, reports))
    shutil.rmtree(where, ignore_errors=True)
    return figures


def search_size(bench: Bench, project: Path, reports: int) -> Figures:
    """What one query downloads from the archive's site (built first if no HTML figure built it)."""
    from dialogue_edition.checks.search_weight import search_download_kb

    site = our_site(bench, project, f"search-{reports}", "for the search figure")
    figures: Figures = {
        # Every part's fragments (dialogue_edition.search_parts): one per record.
        "fragments": sum(1 for _ in (site / "pagefind").glob("**/fragment/*")),
        "parts": len(json.loads((site / "pagefind" / "edition-parts.json").read_text(encoding="utf-8"))["parts"]),
        "queries": list(SEARCH_QUERIES),
    }
    for query in SEARCH_QUERIES:
        figures[query] = search_download_kb(site, query)
        progress(f"search for {query!r}, {count(reports)}: {figures[query]}")
    figures["transferred_kb"] = max(figures[query]["transferred_kb"] for query in SEARCH_QUERIES)
    figures["stored_kb"] = max(figures[query]["stored_kb"] for query in SEARCH_QUERIES)
    return figures


def cold_medians(size: Figures) -> dict[str, float]:
    """The median seconds of one size's cold builds: ours, and the baseline's by its navigation."""
    medians = {}
    for key in ("cold", "cold_vs_collapsed"):
        compared = size.get(key, {})
        if "ratio" in compared:
            medians["ours"] = compared["ours"]["median_s"]
            medians[compared["navigation"]] = compared["baseline"]["median_s"]
    return medians


def exponent(small: Figures, large: Figures, small_s: float, large_s: float) -> float:
    """K in time ~ pages^k, from two sizes' pages and seconds."""
    return round(math.log(large_s / small_s) / math.log(large["pages"] / small["pages"]), 2)


def growth(sizes: dict[str, Figures]) -> list[Figures]:
    """The exponent k of cold time ~ pages^k between consecutive sizes, from the medians.

    Ours, and the baseline's with the same navigation at both sizes (full where both have it).
    """
    measured = [(size, cold_medians(size)) for size in sizes.values() if "ours" in cold_medians(size)]
    exponents = []
    for (small, small_s), (large, large_s) in itertools.pairwise(measured):
        entry: Figures = {"from_reports": small["reports"], "to_reports": large["reports"]}
        entry["ours"] = exponent(small, large, small_s["ours"], large_s["ours"])
        navigation = next((kind for kind in (FULL, COLLAPSED) if kind in small_s and kind in large_s), None)
        if navigation:
            entry["baseline"] = exponent(small, large, small_s[navigation], large_s[navigation])
            entry["baseline_navigation"] = navigation
        exponents.append(entry)
    return exponents


# -- EPUB and PDF ----------------------------------------------------------------------------


def edition_cold(bench: Bench, edition: str) -> Figures:
    """Cold builds of one report's EPUB or PDF, ours against plain Sphinx's."""
    where = bench.scratch / f"{edition}-1"
    project = archive(where / "ours", 1)
    label = f"{edition}-cold-1"
    docs = baseline_project(project, where / "plain", book=True)
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
