"""The pipeline's benchmark: our builds against plain Sphinx's, timed as whole processes.

``nox -s bench`` (or ``python benchmarks/bench.py``) measures, and writes ``benchmarks.json`` and
``BENCHMARKS.md``; it never fails on a number (only a build that fails makes it exit with 1,
after writing what it measured). The parts, chosen with ``--only`` (comma-separated):

- ``html``: synthetic archives of 1, 10, 50 and 200 reports (``--sizes``): cold build and
  one-page edit, ours against plain Sphinx on the same pages, in interleaved pairs
  (``figures``, ``timing``); at 50 reports also against plain Sphinx collapsing its navigation
  as ours does, and at 200 against that one only (``figures`` says why); the growth exponent
  between sizes; peak memory;
- ``epub``, ``pdf``: one report, cold, against plain Sphinx's ``epub`` and ``latexpdf``;
- ``search``: what one query downloads, at every size (issue 16's budget);
- ``weight``: a session page with everything it loads;
- ``tests``: the test suite, split into building and checking (``--skip-tests`` leaves it out);
- ``two-reports``: importing a second report, then every edition of the two-report site;
- ``profile``: where a 10-report HTML build spends its time in our own code (cProfile).

The default is every part but ``two-reports`` and ``profile``. Those two answer questions of
their own (the importer's speed; where our code's time goes) that no goal depends on, and they
cost minutes a default run must keep for the pairs: with 5 pairs (3 at 200 reports, where one
cold build takes minutes) the default run takes about 28 minutes on a quiet 2-core machine at the
speed issue 17 measured (21 without the test suite). It prints that estimate at the start
(``--estimate`` prints it and stops), a line per build, and after each archive size the time
the rest should take at the pace measured so far.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from extras import profile_part, suite_part, two_reports_part, weight_part
from figures import COLLAPSED_AT, LARGE, Bench, attempt, count, edition_cold, growth, html_size
from projects import PROJECT_ROOT
from report import markdown
from timing import Figures, progress

PARTS = ("html", "epub", "pdf", "search", "weight", "tests", "two-reports", "profile")
DEFAULT_PARTS = ("html", "epub", "pdf", "search", "weight", "tests")
DEFAULT_SIZES = (1, 10, 50, 200)
DEFAULT_PAIRS, DEFAULT_LARGE_PAIRS = 5, 3
RESULTS, REPORT = PROJECT_ROOT / "benchmarks.json", PROJECT_ROOT / "BENCHMARKS.md"
LOGS = PROJECT_ROOT / "build" / "bench-logs"
"""Each build's output, the last of each kind kept for reading after a failure."""
SOURCE_DATE_EPOCH = "1606521600"
"""A fixed build time for every build, ours and plain Sphinx's (no ``git log`` per build)."""


# -- How long a run takes ----------------------------------------------------------------------

EXPECTED_S = {
    "html cold, ours": {1: 1.0, 10: 3.4, 50: 16.3, 200: 171.0},
    # At 200 reports the baseline collapses its navigation (figures.LARGE): 50's, grown as ours (k = 1.6).
    "html cold, plain": {1: 0.6, 10: 2.5, 50: 16.0, 200: 90.0},
    "html cold, plain collapsed": {50: 10.3},
    "html edit, ours": {1: 0.9, 10: 1.2, 50: 3.4, 200: 10.9},
    "html edit, plain": {1: 0.5, 10: 0.7, 50: 1.05, 200: 2.3},
    "search": {1: 5.0, 10: 5.0, 50: 6.0, 200: 8.0},
}
"""Seconds per build at today's speed on a 2-core machine (issue 17's measurements and the last full
run), for the estimate printed at the start; other sizes are scaled from the nearest."""
EXPECTED_OTHER_S = {"epub": 0.75 + 0.5, "pdf": 7.5 + 5.0, "weight": 2.0, "tests": 420.0, "two-reports": 50.0}


def expected(kind: str, reports: int) -> float:
    """Seconds one build of ``kind`` takes at ``reports`` reports, at today's speed."""
    known = EXPECTED_S[kind]
    nearest = min(known, key=lambda size: abs(size - reports))
    return known[nearest] * float((reports / nearest) ** 1.3)


def size_estimate(reports: int, parts: set[str], bench: Bench) -> float:
    """Seconds the figures at one archive size should take at today's speed."""
    total, pairs = 0.0, bench.pairs_at(reports)
    if "html" in parts:
        kinds = ["html cold, ours", "html cold, plain"]
        if reports == COLLAPSED_AT and reports < LARGE:
            kinds += ["html cold, ours", "html cold, plain collapsed"]
        total += pairs * sum(expected(kind, reports) for kind in kinds)
        # An edit's figure gets every pair at every size (figures.LARGE).
        total += bench.pairs * sum(expected(kind, reports) for kind in ("html edit, ours", "html edit, plain"))
    if "search" in parts:
        total += expected("search", reports) + (0 if "html" in parts else expected("html cold, ours", reports))
    return total


def other_estimate(parts: set[str], bench: Bench) -> float:
    """Seconds the parts after the archive sizes should take at today's speed."""
    books = sum(bench.pairs * EXPECTED_OTHER_S[part] for part in parts & {"epub", "pdf"})
    return books + sum(EXPECTED_OTHER_S[part] for part in parts & {"weight", "tests", "two-reports"})


def estimate(sizes: Sequence[int], parts: set[str], bench: Bench) -> float:
    """Seconds the whole run should take at today's speed."""
    return sum(size_estimate(reports, parts, bench) for reports in sizes) + other_estimate(parts, bench)


def duration(seconds: float) -> str:
    """``45 s``, ``12 min``."""
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


# -- Where the figures come from -------------------------------------------------------------------


def machine() -> str:
    """A line describing the machine the figures come from."""
    memory = Path("/proc/meminfo").read_text().split()[1] if Path("/proc/meminfo").exists() else "0"
    cores, gib = os.cpu_count(), int(memory) // 1024 // 1024
    return f"{platform.machine()}, {cores} cores, {gib} GiB, Python {platform.python_version()}, {platform.platform()}"


def commit() -> str:
    """The checkout's commit, with "dirty" if tracked files other than the benchmark's outputs have changes."""

    def git(*arguments: str) -> str:
        return subprocess.run(["git", *arguments], cwd=PROJECT_ROOT, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    # The benchmark's own outputs, rewritten by every run, do not make the figures' code dirty.
    changes = git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!BENCHMARKS.md", ":!benchmarks.json")
    return head + (" (dirty)" if changes else "")


def load_average() -> str:
    """The machine's load average over 1, 5 and 15 minutes, for a reader to judge the noise."""
    return ", ".join(f"{load:.2f}" for load in os.getloadavg())


def failed(figures: object) -> bool:
    """Whether any figure in the results could not be measured because a build failed."""
    if isinstance(figures, dict):
        return "error" in figures or any(failed(value) for value in figures.values())
    return isinstance(figures, list) and any(failed(value) for value in figures)


# -- The run ---------------------------------------------------------------------------------------


def measure(bench: Bench, sizes: Sequence[int], parts: set[str]) -> Figures:
    """Every chosen part, in order: the figures."""
    results: Figures = {}
    if parts & {"html", "search"}:
        results["html"] = {}
        started, expected_so_far = time.perf_counter(), 0.0
        for number, reports in enumerate(sizes):
            results["html"][str(reports)] = html_size(bench, reports, parts)
            # The rest of the run, at the pace measured so far (a loaded machine is slower than the estimate).
            expected_so_far += size_estimate(reports, parts, bench)
            pace = (time.perf_counter() - started) / max(expected_so_far, 1.0)
            rest = estimate(sizes[number + 1 :], parts, bench) * pace
            progress(f"{count(reports)} done; at this pace the rest takes about {duration(rest)}")
        results["growth"] = growth(results["html"])
    for edition in ("epub", "pdf"):
        if edition in parts:
            results[edition] = edition_cold(bench, edition)
    if "weight" in parts:
        results["weight"] = attempt("page weight", lambda: weight_part(bench))
    if "two-reports" in parts:
        results["two_reports"] = attempt("two reports", lambda: two_reports_part(bench))
    if "profile" in parts:
        results["profile"] = profile_part(bench)
    if "tests" in parts:
        results["tests"] = suite_part(bench)
    return results


def chosen_parts(options: argparse.Namespace) -> set[str]:
    """The parts this run measures: ``--only``'s, else the default ones, less the tests if skipped."""
    parts = set(options.only.split(",")) if options.only else set(DEFAULT_PARTS)
    unknown = parts - set(PARTS)
    if unknown:
        raise SystemExit(
            f"bench.py: --only: unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}"
        )
    return parts - {"tests"} if options.skip_tests else parts


def plan(options: argparse.Namespace, parts: set[str], argv: Sequence[str]) -> Figures:
    """What this run measures, and whether that is less than a default run."""
    partial = (
        tuple(options.sizes) != DEFAULT_SIZES
        or options.pairs != DEFAULT_PAIRS
        or options.large_pairs != DEFAULT_LARGE_PAIRS
        or parts != set(DEFAULT_PARTS)
    )
    return {
        "sizes": options.sizes,
        "pairs": options.pairs,
        "large_pairs": options.large_pairs,
        "parts": sorted(parts),
        "partial": partial,
        "command": " ".join(["bench.py", *argv]),
    }


def build_environment() -> dict[str, str]:
    """The builds' environment: a fixed build time, and Python free to keep its compiled modules.

    ``PYTHONDONTWRITEBYTECODE`` (set in some shells and containers) makes every process compile
    every module it imports again, a second or more for a Sphinx build: a user's machine keeps
    them, and a fixed cost would blur the ratios, so the builds run without it, every module
    compiled once before the first (:func:`compile_modules`).
    """
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}


def compile_modules() -> None:
    """Compile every installed module and the pipeline's own once, as a user's first build would."""
    folders = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"], str(PROJECT_ROOT / "tools")}
    command = [sys.executable, "-m", "compileall", "-q", "-j", "0", *sorted(folders)]
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def run(options: argparse.Namespace, argv: Sequence[str]) -> Figures:
    """The benchmark: measure the chosen parts in a scratch folder; the results with where they come from."""
    parts = chosen_parts(options)
    started = time.perf_counter()
    results: Figures = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": commit(),
        "machine": machine(),
        "load_before": load_average(),
        "plan": plan(options, parts, argv),
    }
    with tempfile.TemporaryDirectory(prefix="bench-") as directory:
        env = build_environment()
        compile_modules()
        bench = Bench(Path(directory), LOGS, env, options.pairs, options.large_pairs)
        seconds = estimate(options.sizes, parts, bench)
        progress(
            f"parts: {', '.join(sorted(parts))}; sizes: {options.sizes}; expected to take about {duration(seconds)}"
        )
        if options.estimate:
            raise SystemExit(0)
        results |= measure(bench, options.sizes, parts)
    results["load_after"] = load_average()
    results["bench_s"] = round(time.perf_counter() - started, 1)
    return results


def count_option(text: str) -> int:
    """A number of pairs: at least one."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a number of pairs: {text!r}")
    return int(text)


def sizes_option(text: str) -> list[int]:
    """``1,10,50`` as a list of archive sizes."""
    try:
        sizes = [int(size) for size in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text!r}") from None
    if any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError("an archive holds at least one report")
    return sizes


def arguments() -> argparse.ArgumentParser:
    """The command line."""
    parser = argparse.ArgumentParser(prog="bench.py", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=sizes_option, default=list(DEFAULT_SIZES), help="archive sizes in reports")
    parser.add_argument("--pairs", type=count_option, default=DEFAULT_PAIRS, help="A/B pairs per figure")
    parser.add_argument(
        "--large-pairs",
        type=count_option,
        default=DEFAULT_LARGE_PAIRS,
        help="A/B pairs per cold build's figure at 100 reports and more (at most --pairs)",
    )
    parser.add_argument("--only", help=f"comma-separated parts, of: {', '.join(PARTS)}")
    parser.add_argument("--skip-tests", action="store_true", help="leave the test suite out")
    parser.add_argument("--estimate", action="store_true", help="print how long the run would take, and stop")
    parser.add_argument("--report-only", action="store_true", help="rewrite BENCHMARKS.md from benchmarks.json")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark (or only rewrite the report) and write benchmarks.json and BENCHMARKS.md."""
    argv = list(sys.argv[1:] if argv is None else argv)
    options = arguments().parse_args(argv)
    if options.report_only:
        results = json.loads(RESULTS.read_text(encoding="utf-8"))
    else:
        results = run(options, argv)
        RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    REPORT.write_text(markdown(results), encoding="utf-8")
    progress(f"wrote {REPORT.name} and {RESULTS.name}" + ("" if options.report_only else f" in {results['bench_s']} s"))
    return 1 if failed(results) else 0


if __name__ == "__main__":
    sys.exit(main())
