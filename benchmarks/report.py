"""BENCHMARKS.md, written from the figures in benchmarks.json: the goals first, then every figure.

A goal is met or missed by the median of its pairs' ratios; a figure not measured in this run
(left out with ``--only`` or ``--sizes``, or whose build failed) is said to be so, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from timing import Figures

Judged = tuple[str, bool | None]
"""What a goal's figure measured, in words, and whether the goal is met (None: not measured)."""


def figure(results: Figures, *keys: str) -> object:
    """A figure from the nested results, or None where any step is missing or the build failed."""
    value: object = results
    for key in keys:
        if not isinstance(value, dict) or key not in value or "error" in value:
            return None
        value = value[key]
    return None if isinstance(value, dict) and "error" in value else value


def ratio_text(compared: Figures) -> str:
    """``1.87× (1.57–2.73, 9 pairs)``: the median ratio, its spread and how many pairs."""
    ratio = compared["ratio"]
    pairs = compared["pairs"]
    return f"{ratio['median']:.2f}× ({ratio['min']:.2f}–{ratio['max']:.2f}, {pairs} pair{'' if pairs == 1 else 's'})"


def seconds_text(compared: Figures) -> str:
    """``3.41 s vs 1.05 s, CPU 2.90×``: each side's median, and the median ratio of CPU times."""
    cpu = f", CPU {compared['cpu_ratio']['median']:.2f}×" if "cpu_ratio" in compared else ""
    return f"{compared['ours']['median_s']:.2f} s vs {compared['baseline']['median_s']:.2f} s{cpu}"


def ratio_goal(keys: tuple[str, ...], limit: float, seconds: float | None = None) -> Callable[[Figures], Judged]:
    """A goal on the median ratio of a comparison (and, optionally, on our median seconds)."""

    def judge(results: Figures) -> Judged:
        compared = figure(results, *keys)
        if not isinstance(compared, dict):
            return "not measured", None
        met = compared["ratio"]["median"] <= limit
        if seconds is not None:
            met = met and compared["ours"]["median_s"] <= seconds
        against = (
            "; against plain Sphinx collapsing its navigation" if compared.get("navigation") == "collapsed" else ""
        )
        return f"{ratio_text(compared)}; {seconds_text(compared)}{against}", met

    return judge


def growth_goal(to_reports: int, limit: float) -> Callable[[Figures], Judged]:
    """A goal on our growth exponent up to an archive size."""

    def judge(results: Figures) -> Judged:
        exponents = [entry for entry in results.get("growth", []) if entry["to_reports"] == to_reports]
        if not exponents:
            return "not measured", None
        entry = exponents[0]
        plain = (
            f" (plain Sphinx, {entry['baseline_navigation']} navigation: {entry['baseline']})"
            if "baseline" in entry
            else ""
        )
        return f"k = {entry['ours']}{plain}", entry["ours"] <= limit

    return judge


def size_goal(keys: tuple[str, ...], limit: float) -> Callable[[Figures], Judged]:
    """A goal on a size in kilobytes."""

    def judge(results: Figures) -> Judged:
        value = figure(results, *keys)
        if not isinstance(value, int | float):
            return "not measured", None
        return f"{value} kB", value <= limit

    return judge


@dataclass(frozen=True)
class Goal:
    """A row of the goals' table: the build, the goal as the issue words it, and how it is judged."""

    build: str
    goal: str
    judge: Callable[[Figures], Judged]


GOALS = (
    Goal("HTML cold, 1 report", "≤ 1.3×", ratio_goal(("html", "1", "cold"), 1.3)),
    Goal("HTML one-page edit, 1 report", "≤ 1.3×", ratio_goal(("html", "1", "edit"), 1.3)),
    Goal("HTML one-page edit, 50 reports", "≤ 1.2× and ≤ 1.5 s here", ratio_goal(("html", "50", "edit"), 1.2, 1.5)),
    Goal("HTML one-page edit, 200 reports", "≤ 1.2×", ratio_goal(("html", "200", "edit"), 1.2)),
    Goal(
        "HTML cold, 50 reports vs plain Sphinx with the same navigation collapsing",
        "≤ 1.2×",
        ratio_goal(("html", "50", "cold_vs_collapsed"), 1.2),
    ),
    Goal("HTML cold growth exponent, 50 → 200 reports (time ~ pages^k)", "k ≤ 1.1", growth_goal(200, 1.1)),
    Goal("EPUB cold, 1 report", "≤ 1.5×", ratio_goal(("epub",), 1.5)),
    Goal("PDF cold, 1 report", "≤ 1.5×", ratio_goal(("pdf",), 1.5)),
    Goal(
        "Search: index and UI one query downloads, 1 report (issue 16; transferred, gzip)",
        "≤ 150 kB",
        size_goal(("html", "1", "search", "transferred_kb"), 150.0),
    ),
    Goal(
        "Page weight: a session page with all it loads (uncompressed)",
        "≤ 150 kB",
        size_goal(("weight", "total_kb"), 150.0),
    ),
)
"""The goals of issue 17 (its goal column, copied), the search budget of issue 16, and the page-weight
target the benchmark has held since it began."""


def verdict(met: bool | None) -> str:
    """Met, missed, or not measured, said plainly."""
    return {True: "met", False: "**missed**", None: "not measured"}[met]


def row(*cells: object) -> str:
    """One row of a Markdown table."""
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def table(header: tuple[str, ...], rows: Sequence[tuple[object, ...]]) -> list[str]:
    """A Markdown table: header, rule, rows."""
    return [row(*header), row(*("---" for _ in header)), *(row(*cells) for cells in rows)]


def goals_section(results: Figures) -> list[str]:
    """The goals' table: measured ratio (median, spread, pairs), each side's median seconds, met or missed."""
    rows = []
    for goal in GOALS:
        measured, met = goal.judge(results)
        rows.append((goal.build, goal.goal, measured, verdict(met)))
    return ["## Goals", "", *table(("build", "goal", "this project / plain Sphinx", "verdict"), rows), ""]


def comparison_cells(compared: Figures | None) -> tuple[object, ...]:
    """Ours, plain Sphinx, ratio and peak memory of one comparison, as table cells."""
    if compared is None:
        return ("–", "–", "not measured", "–")
    if "error" in compared:
        return ("–", "–", "build failed (see the run's output)", "–")
    memory = f"{compared['ours']['peak_mb_median']} / {compared['baseline']['peak_mb_median']}"
    seconds = (f"{compared[side]['median_s']:.2f}" for side in ("ours", "baseline"))
    return (*seconds, ratio_text(compared), memory)


NAVIGATION_NOTE = (
    "Plain Sphinx's navigation: *full* is Furo's whole-site tree on every page; *collapsed* is that tree"
    " collapsed to the branch being read, as ours is (a small `html-page-context` hook). From 100 reports on"
    " the baseline is the collapsed one: the full tree makes its cold build grow with the square of the pages."
)


def pages_cell(size: Figures, compared: Figures) -> str:
    """``12 / 12``: the pages each side reads."""
    return f"{size['pages']} / {compared.get('baseline_pages', '?')}"


def navigation_cell(compared: Figures) -> str:
    """The baseline's navigation, and whether it holds the generated pages' text."""
    return str(compared.get("navigation", "–")) + ("; generated pages' text" if compared.get("content") else "")


def html_section(results: Figures) -> list[str]:
    """HTML at every size: cold (against each baseline measured), one-page edit, the growth exponents."""
    sizes = results.get("html", {})
    header = (
        "reports",
        "pages, ours / plain",
        "plain Sphinx's navigation",
        "ours (s)",
        "plain Sphinx (s)",
        "ratio (min–max)",
        "peak MB ours / plain",
    )
    if not any("cold" in size or "edit" in size for size in sizes.values()):
        return []
    lines = ["## HTML", "", NAVIGATION_NOTE, ""]
    cold = ("cold", "cold_vs_collapsed", "cold_with_content")
    for title, keys in (("Cold build", cold), ("One-page edit", ("edit",))):
        rows = [
            (size["reports"], pages_cell(size, size[key]), navigation_cell(size[key]), *comparison_cells(size[key]))
            for size in sizes.values()
            for key in keys
            if key in size
        ]
        lines += [f"{title}:", "", *table(header, rows), ""]
    growth = results.get("growth", [])
    if growth:
        rows = [
            (
                f"{entry['from_reports']} → {entry['to_reports']}",
                entry["ours"],
                f"{entry['baseline']} ({entry['baseline_navigation']} navigation)" if "baseline" in entry else "–",
            )
            for entry in growth
        ]
        lines += ["Growth of the cold build, time ~ pages^k (from the medians):", ""]
        lines += [*table(("reports", "k, ours", "k, plain Sphinx"), rows), ""]
    return lines


def books_section(results: Figures) -> list[str]:
    """EPUB and PDF, one report."""
    rows = [(name.upper(), *comparison_cells(results.get(name))) for name in ("epub", "pdf") if name in results]
    if not rows:
        return []
    header = ("edition, 1 report, cold", "ours (s)", "plain Sphinx (s)", "ratio (min–max)", "peak MB ours / plain")
    note = (
        "Ours writes each report's book and the combined one; plain Sphinx's `epub` builder writes one book,"
        " its `latexpdf` the same two PDFs as ours (one `latex_documents` entry each), with xelatex and latexmk."
    )
    return ["## EPUB and PDF", "", *table(header, rows), "", note, ""]


def search_section(results: Figures) -> list[str]:
    """What one query downloads, at every size measured."""
    rows = []
    for size in results.get("html", {}).values():
        search = size.get("search")
        if search and "error" not in search:
            for query in search.get("queries", []):
                figures = search[query]
                kb = (figures["stored_kb"], figures["transferred_kb"])
                rows.append((size["reports"], search.get("parts", 1), search["fragments"], query, *kb))
    if not rows:
        return []
    header = ("reports", "index parts", "index fragments", "query", "stored kB", "transferred kB (gzip)")
    return [
        "## Search (issue 16)",
        "",
        "The index and script the search page downloads for one query (`dialogue_edition.checks.search_weight`,",
        "in Chromium against the built site). The budget, 150 kB transferred, is the one-report site's;",
        "the larger sites are measured, not held to it.",
        "",
        *table(header, rows),
        "",
    ]


def part(results: Figures, key: str, title: str) -> tuple[Figures | None, list[str]]:
    """A part's figures if this run measured them, and its section's heading (or a line saying it failed)."""
    figures = results.get(key)
    if not isinstance(figures, dict):
        return None, []
    heading = [f"## {title}", ""]
    if "error" in figures:
        return None, [*heading, f"Not measured: a build failed ({figures['error']}).", ""]
    return figures, heading


def extras_section(results: Figures) -> list[str]:
    """Page weight, two reports, the test suite and the profile, where this run measured them."""
    weight, lines = part(results, "weight", "Page weight")
    if weight:
        lines += [
            f"A session page: {weight['html_bytes']} bytes of HTML and {weight['asset_bytes']} bytes in"
            f" {weight['assets']} CSS, JavaScript, image and font files: **{weight['total_kb']} kB** uncompressed.",
            "",
        ]
    two, heading = part(results, "two_reports", "Two reports: importing one, building every edition")
    lines += heading
    if two:
        lines += [
            f"Importing the fictional test report with `edition-import`: {two['import']['median_s']} s (median)."
            f" A cold build of every edition of the two-report site: {two['editions_cold']['median_s']} s,"
            f" peak memory {two['editions_cold']['peak_mb_median']} MB.",
            "",
        ]
    tests, heading = part(results, "tests", "Test suite")
    lines += heading
    if tests:
        lines += [
            f"`pytest` (one process): {tests['wall_s']} s; {tests['building_s']} s building editions and test"
            f" projects, {tests['checking_s']} s checking; passed: {tests['passed']}.",
            "",
        ]
    if results.get("profile"):
        lines += ["## Profile: our own code in a cold HTML build of 10 reports", ""]
        lines += [*(f"- {line}" for line in results["profile"]), ""]
    return lines


def header_section(results: Figures) -> list[str]:
    """Where the figures come from: commit, date, machine, load, what this run measured."""
    plan = results["plan"]
    lines = ["# Benchmarks", ""]
    if plan["partial"]:
        lines += [
            "**A quick, partial run** (" + plan["command"] + "): fewer sizes, pairs or parts than the default, so the"
            " figures below are indicative only; `nox -s bench` on a quiet machine gives the full table.",
            "",
        ]
    lines += [
        f"Figures from commit `{results['commit']}`, measured on {results['date']} by `nox -s bench`",
        f"(`benchmarks/bench.py`; raw figures in `benchmarks.json`). Machine: {results['machine']}.",
        f"Load average (1, 5, 15 min) before the run: {results['load_before']}; after: {results['load_after']}.",
        f"The run took {results['bench_s']} s.",
        "",
        "Each build is a fresh process (`edition-build …` for ours, `sphinx-build` for plain Sphinx), timed",
        "from its start to its exit; CPU time and peak memory are the process's own, its children's included.",
        "Ours and plain Sphinx run in interleaved pairs (which goes first alternates); each pair gives a",
        "ratio, shown as the median with the least and greatest; the goals' column also gives the median",
        "ratio of CPU times, which other work on the machine disturbs less. Plain Sphinx is myst-parser,",
        'sphinx-design and Furo over the same pages (issue 17: "over the same pages with the roles turned into',
        'text"): our roles become their text, our directives their content, and the directives that generate',
        "content from data (the report's metadata table, the glossaries, the bibliography, the timeline, the data",
        "dictionary, the landing page's list of reports and downloads) are left out; the landing page is ours, made",
        "plain the same way with its toctrees kept; the books' baseline has the pages our books have.",
        "Runs before 2026-11-30 left the landing, people, organisations, agreements, timeline and data pages",
        "out altogether. Marked",
        '"generated pages\' text": a baseline that also holds the text of the pages we generate, written as',
        "plain MyST from our build (`benchmarks/plain_pages.py`): what a plain Sphinx project would hold to show",
        "the same pages; a figure beside the goals, not one of them. The one-page edit adds or removes one word",
        "in the same page on both sides.",
        "Nothing here fails on a number.",
        "",
    ]
    return lines


def markdown(results: Figures) -> str:
    """The committed report."""
    lines = [
        *header_section(results),
        *goals_section(results),
        *html_section(results),
        *books_section(results),
        *search_section(results),
        *extras_section(results),
    ]
    return "\n".join(lines)
