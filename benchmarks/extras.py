"""The benchmark's other parts: page weight, two reports, the test suite, a profile of our code.

None compares with a baseline. Page weight is cheap (one draft build) and runs by default; the
others are chosen with ``--only`` (the test suite also runs by default unless ``--skip-tests``).
"""

from __future__ import annotations

import cProfile
import json
import pstats
import re
import shutil
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml
from dialogue_edition.build import EDITIONS, BuildFailed, Layout, build
from dialogue_edition.checks.page_weight import page_assets
from figures import Bench, ours, remove
from projects import PROJECT_ROOT, SLUG, archive
from timing import BuildError, Figures, Run, progress, run_process, summary

FICTIONAL = PROJECT_ROOT / "tests" / "fixtures" / "fictional-report"
"""The second report of the two-report site: the test suite's fictional report."""
REVIEWED = FICTIONAL / "reviewed"
WEIGHED_PAGE = Path("reports") / SLUG / "first-session.html"


def weight_part(bench: Bench) -> Figures:
    """Bytes of a session page with everything it loads (CSS, JavaScript, images, fonts)."""
    project = archive(bench.scratch / "weight", 1)
    ours(bench, project, "html", remove(project / "build"), "weight").run_once(bench.env)
    page = project / "build" / "html" / WEIGHED_PAGE
    html_bytes = len(page.read_bytes())
    files = page_assets(page)
    figures = {
        "html_bytes": html_bytes,
        "asset_bytes": sum(files.values()),
        "total_kb": round((html_bytes + sum(files.values())) / 1000, 1),
        "assets": len(files),
    }
    progress(f"page weight of {WEIGHED_PAGE.name}: {figures['total_kb']} kB")
    return figures


def review_fictional(project: Path) -> None:
    """What an editor's review does to the imported fictional draft (as ``tests/conftest.py`` does).

    The reviewed pages (names marked), the registry entries they need, and the event's name, all
    from ``tests/fixtures/fictional-report/reviewed/``; without them the build refuses the draft.
    """
    slug = yaml.safe_load((FICTIONAL / "metadata.yaml").read_text(encoding="utf-8"))["slug"]
    for page in (REVIEWED / "pages").glob("*.md"):
        shutil.copyfile(page, project / "docs" / "reports" / slug / page.name)
    for name in ("people.yaml", "organisations.yaml"):
        registry = project / "registry" / name
        addition = (REVIEWED / name).read_text(encoding="utf-8")
        registry.write_text(registry.read_text(encoding="utf-8").rstrip("\n") + "\n" + addition, encoding="utf-8")
    event = yaml.safe_load((REVIEWED / "event.yaml").read_text(encoding="utf-8"))["name"]
    events = project / "registry" / "events.yaml"
    text = re.sub(
        r'(?m)^(    name: )"The event reported in .*"$', lambda m: m[1] + json.dumps(event), events.read_text("utf-8")
    )
    events.write_text(text, encoding="utf-8")


def two_reports_part(bench: Bench) -> Figures:
    """Importing the fictional report (a fresh process each time), then every edition of the two-report site."""
    project = archive(bench.scratch / "two-reports", 1)
    command = [sys.executable, "-m", "dialogue_edition.importer", str(FICTIONAL / "report.txt")]
    command += ["--metadata", str(FICTIONAL / "metadata.yaml"), "--project", str(project), "--force", "--yes"]
    imports = [run_process(command, bench.logs / "import.log", bench.env) for _ in range(bench.pairs)]
    progress(f"import of the fictional report: {statistics.median(run.wall_s for run in imports):.2f} s")
    review_fictional(project)
    side = ours(bench, project, "all", remove(project / "build"), "two-reports")
    builds: list[Run] = []
    for number in range(bench.pairs):
        builds.append(side.run_once(bench.env))
        progress(f"every edition of two reports, cold, run {number + 1}/{bench.pairs}: {builds[-1].wall_s:.2f} s")
    return {"import": summary(imports), "editions_cold": summary(builds), "editions": list(EDITIONS)}


BUILDING_TESTS = (
    "test_reproducible.py",
    "test_bad_input.py",
    "test_a_hangul_name",
    "test_mentions_extension.py",
    "test_sphinxext.py",
    "test_safety.py::test_raw",
)
"""Tests whose own body builds editions (the rest build through the session fixtures' setup)."""


def suite_part(bench: Bench, selection: Sequence[str] = ()) -> Figures:
    """The test suite's wall time (one process), and how much of it goes to building editions.

    ``selection`` (pytest's arguments: files, ``-k``) runs part of the suite, to try this part out.
    """
    log = bench.logs / "tests.log"
    command = [sys.executable, "-m", "pytest", "-q", "--durations=0", "-p", "no:cacheprovider", *selection]
    progress("the test suite (several minutes)")
    try:
        run = run_process(command, log, bench.env, cwd=PROJECT_ROOT)
        passed = True
    except BuildError:  # a failing test still gives its timings; the log says which failed
        run, passed = Run(0.0, 0.0, 0.0), False
    building = checking = 0.0
    durations = re.findall(r"^([\d.]+)s (setup|call|teardown)\s+(\S+)", log.read_text(errors="replace"), re.MULTILINE)
    for seconds, phase, test in durations:
        is_build = (phase == "setup" and float(seconds) > 1) or any(name in test for name in BUILDING_TESTS)
        building += float(seconds) if is_build else 0
        checking += 0 if is_build else float(seconds)
    progress(f"the test suite: {run.wall_s:.1f} s, passed: {passed}")
    return {
        "wall_s": round(run.wall_s, 1),
        "building_s": round(building, 1),
        "checking_s": round(checking, 1),
        "passed": passed,
    }


def profile_part(bench: Bench) -> list[str]:
    """Where a cold HTML build of the 10-report archive spends its time in our own code (in this process)."""
    project = archive(bench.scratch / "profile", 10)
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        build(["html"], Layout(docs=project / "docs", build=project / "build", draft=True))
    except BuildFailed as error:
        return [f"not measured: the build failed: {error}"]
    finally:
        profiler.disable()
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, function), (_, calls, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if "dialogue_edition" in filename and not filename.endswith("build.py"):
            rows.append((cumulative, f"{Path(filename).name}:{line} {function}: {cumulative:.3f} s in {calls} calls"))
    progress("profile of our code, 10 reports: done")
    return [text for _, text in sorted(rows, reverse=True)[:8]]
