"""Timing whole processes, and A/B pairs of them.

Each build is a process of its own, timed from its spawn to its exit: what a user waits for,
imports and interpreter teardown included. The process is reaped with ``wait4``, which hands
back that process's own resource usage, its children's included (xelatex under latexmk,
Pagefind's binary under the build): CPU time (user + system) and peak resident memory.
``getrusage(RUSAGE_CHILDREN)`` gives the same CPU time as a difference of two readings, but its
peak memory is the largest of every child ever waited for, a running maximum that no difference
of readings can split per build.

Two builds to compare run as interleaved pairs: ours, then the baseline, then the baseline,
then ours, and so on, so that a machine that slows down or speeds up during the run weighs on
both sides alike. Each pair gives a ratio; the spread of the ratios says how much to trust
their median.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Figures = dict[str, Any]
"""Measurements as they go to benchmarks.json."""


class BuildError(Exception):
    """A build the benchmark runs did not succeed: its figures would mean nothing."""


@dataclass(frozen=True)
class Run:
    """One build: wall time from spawn to exit, CPU time, and peak memory (largest process)."""

    wall_s: float
    cpu_s: float
    peak_mb: float


def run_process(argv: Sequence[str], log: Path, env: Mapping[str, str], cwd: Path | None = None) -> Run:
    """Run ``argv`` to its end, its output in ``log``; its wall time, CPU time and peak memory."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as output:
        started = time.perf_counter()
        try:
            process = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT, env=env, cwd=cwd
            )
        except OSError as error:
            raise BuildError(f"`{argv[0]}` could not be started: {error}") from None
        # Reaped here rather than by Popen.wait(), for the process's own resource usage.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise BuildError(f"`{' '.join(argv)}` exited with {process.returncode}; its output: {log}")
    # ru_maxrss is in kilobytes on Linux.
    return Run(wall_s=wall, cpu_s=usage.ru_utime + usage.ru_stime, peak_mb=usage.ru_maxrss / 1024)


@dataclass
class Side:
    """One side of a comparison: how to set the scene, the build to time, how to tell it worked."""

    name: str
    command: list[str]
    prepare: Callable[[], None]
    succeeded: Callable[[float], None]
    """Raises :class:`BuildError` unless the build made what it should (given when it started, ``time.time()``)."""
    log: Path
    runs: list[Run] = field(default_factory=list)

    def run_once(self, env: Mapping[str, str]) -> Run:
        """Set the scene, build, check the build's output; the build's figures."""
        self.prepare()
        started = time.time()
        run = run_process(self.command, self.log, env)
        self.succeeded(started)
        self.runs.append(run)
        return run


def progress(message: str) -> None:
    """One line of progress, with the time of day, so that a long run shows it is alive."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def summary(runs: list[Run]) -> Figures:
    """The medians of one side's runs, and each run's wall time."""
    return {
        "median_s": round(statistics.median(run.wall_s for run in runs), 3),
        "cpu_median_s": round(statistics.median(run.cpu_s for run in runs), 3),
        "peak_mb_median": round(statistics.median(run.peak_mb for run in runs), 1),
        "runs_s": [round(run.wall_s, 3) for run in runs],
    }


def spread(ratios: list[float]) -> Figures:
    """The least, median and greatest of the pairs' ratios."""
    return {
        "min": round(min(ratios), 2),
        "median": round(statistics.median(ratios), 2),
        "max": round(max(ratios), 2),
    }


def compare(label: str, ours: Side, baseline: Side, pairs: int, env: Mapping[str, str]) -> Figures:
    """``pairs`` interleaved A/B pairs, the first side alternating; each side's medians and the ratios."""
    ratios, cpu_ratios = [], []
    for number in range(pairs):
        order = (ours, baseline) if number % 2 == 0 else (baseline, ours)
        timed: dict[str, Run] = {}
        for side in order:
            run = side.run_once(env)
            timed[side.name] = run
            progress(
                f"{label}, pair {number + 1}/{pairs}, {side.name}: {run.wall_s:.2f} s"
                f" ({run.cpu_s:.2f} s CPU, {run.peak_mb:.0f} MB)"
            )
        ratios.append(timed[ours.name].wall_s / timed[baseline.name].wall_s)
        cpu_ratios.append(timed[ours.name].cpu_s / max(timed[baseline.name].cpu_s, 1e-6))
    progress(f"{label}: ratio {statistics.median(ratios):.2f} (median of {pairs})")
    return {
        "pairs": pairs,
        "ours": summary(ours.runs[-pairs:]),
        "baseline": summary(baseline.runs[-pairs:]),
        "ratios": [round(ratio, 3) for ratio in ratios],
        "ratio": spread(ratios),
        # CPU time suffers less than wall time from other work on the machine: a check on the ratio.
        "cpu_ratio": spread(cpu_ratios),
    }
