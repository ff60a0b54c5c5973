"""The data check runs beside the build's start, and Sphinx reads nothing before its verdict (``check_ahead``).

The check is replaced by stand-ins (the child process is forked, so it runs what the test put
in place); the build around them is the real one, in process.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest
import sphinx.builders
from conftest import process_alive
from dialogue_edition import build as build_module
from dialogue_edition import check_data
from dialogue_edition import registry as registry_module
from dialogue_edition.build import CODE_STAMP, BuildFailed, Layout, build, main
from dialogue_edition.check_ahead import DataCheck, DataCheckCrashed
from dialogue_edition.errors import InputError
from dialogue_edition.kept_values import KeptValues
from dialogue_edition.registry import load_registry
from sphinx.application import Sphinx


@pytest.fixture
def project(draft_project: Path) -> Path:
    return draft_project


def raising(problem: BaseException) -> Callable[..., None]:
    """A stand-in for the data check that raises ``problem``."""

    def check(*arguments: object) -> None:
        raise problem

    return check


def layout_of(root: Path) -> Layout:
    return Layout(docs=root / "docs", build=root / "build", draft=True)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but the staging folder's (scratch, removed by the next build)."""
    files = (path for path in sorted(folder.rglob("*")) if path.is_file())
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in files if ".staging" not in path.parts}


def test_sphinx_starts_beside_the_check_and_reads_nothing_before_bad_data_stop_the_build(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = project / "sphinx-started"
    read: list[str] = []
    sphinx_init, builder_read = Sphinx.__init__, sphinx.builders.Builder.read

    def starting(app: Sphinx, *arguments: object, **options: object) -> None:
        started.touch()
        sphinx_init(app, *arguments, **options)  # type: ignore[arg-type]

    def reading(builder: sphinx.builders.Builder) -> list[str]:
        read.append("read")
        return builder_read(builder)

    def check_until_sphinx_started(root: Path, reviewed: Path | None = None, code: str = "") -> None:
        # Run before Sphinx, this check would wait for it forever: it gives up after 20 s, and says so.
        deadline = time.monotonic() + 20
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        found = "found only once Sphinx had started" if started.exists() else "Sphinx never started beside the check"
        raise InputError(root / "registry" / "people.yaml", 3, found)

    monkeypatch.setattr(Sphinx, "__init__", starting)
    monkeypatch.setattr(sphinx.builders.Builder, "read", reading)
    monkeypatch.setattr(check_data, "check", check_until_sphinx_started)
    before = snapshot(project / "build")
    with pytest.raises(BuildFailed) as failure:
        build(["html"], layout_of(project))
    assert str(failure.value) == f"{project / 'registry' / 'people.yaml'}:3: found only once Sphinx had started"
    assert started.exists()
    assert read == []
    # Every edition and cache as it was, the stamp that lets the next build be incremental included.
    assert snapshot(project / "build") == before
    assert (project / "build" / ".doctrees" / "html" / CODE_STAMP).exists()


def test_bad_data_are_named_before_a_busy_build_folder(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check_data, "check", raising(InputError(project / "registry" / "people.yaml", 7, "bad")))
    folder = os.open(project / "build", os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)  # another build holds the folder
        with pytest.raises(BuildFailed, match=r"people\.yaml:7: bad"):
            build(["html"], layout_of(project))
    finally:
        os.close(folder)


def test_a_crash_of_the_check_is_reported_as_one_not_as_bad_data(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(check_data, "check", raising(ZeroDivisionError("a defect of the check")))
    with pytest.raises(RuntimeError, match=r"(?s)the data check crashed:.*ZeroDivisionError: a defect of the check"):
        build(["html"], layout_of(project))


def test_a_check_still_running_when_the_build_ends_is_stopped_and_reaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def endless(root: Path, reviewed: Path | None = None, code: str = "") -> None:
        time.sleep(600)

    monkeypatch.setattr(check_data, "check", endless)
    check = DataCheck(tmp_path, None)
    pid = check._pid
    assert pid is not None
    check.close()
    with pytest.raises(ChildProcessError):  # reaped: no such child any more
        os.waitpid(pid, os.WNOHANG)


def test_the_verdict_is_given_once_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = tmp_path / "calls"

    def counted(root: Path, reviewed: Path | None = None, code: str = "") -> None:
        with calls.open("a") as out:
            out.write("checked\n")
        raise InputError(root / "a.yaml", 1, "bad")

    monkeypatch.setattr(check_data, "check", counted)
    with closing(DataCheck(tmp_path, None)) as check:
        assert check.problems() == f"{tmp_path / 'a.yaml'}:1: bad"
        assert check.problems() == f"{tmp_path / 'a.yaml'}:1: bad"
    assert calls.read_text() == "checked\n"


def test_the_registry_the_check_loaded_is_taken_not_loaded_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The forked check loads and validates the registry; the build takes what it loaded.
    monkeypatch.setattr(registry_module, "_LOADED", KeptValues(registry_module.KEPT_REGISTRIES))
    with closing(DataCheck(project, None)) as check:
        assert check._pid is not None, "the check ran in this process: nothing was handed over"
        assert check.problems() is None
    monkeypatch.setattr(registry_module, "_load_registry", raising(AssertionError("loaded again")))
    registry = load_registry(project / "registry")
    assert registry.folder == project / "registry"
    assert registry.people
    # Other bytes are loaded, not taken.
    people = project / "registry" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="loaded again"):
        load_registry(project / "registry")


def test_a_registry_that_cannot_be_handed_over_leaves_the_verdict_as_it_is(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Handing the registry over only spares loading it again: if it cannot be written, the data still passed.
    monkeypatch.setattr(registry_module, "loaded_registries", lambda: [lambda: "not a pickle's"])
    monkeypatch.setattr(registry_module, "_LOADED", KeptValues(registry_module.KEPT_REGISTRIES))
    with closing(DataCheck(project, None)) as check:
        assert check._pid is not None
        assert check.problems() is None
    assert registry_module._LOADED.items() == []


def test_a_check_killed_before_its_verdict_is_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def killed(root: Path, reviewed: Path | None = None, code: str = "") -> None:
        os._exit(9)

    monkeypatch.setattr(check_data, "check", killed)
    with closing(DataCheck(tmp_path, None)) as check, pytest.raises(DataCheckCrashed, match="without a verdict"):
        check.problems()


def test_a_process_running_threads_checks_in_process_not_in_a_fork(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(check_data, "check", raising(InputError(tmp_path / "a.yaml", 2, "bad")))
    monkeypatch.setattr(os, "fork", lambda: pytest.fail("forked beside another thread"))
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        with closing(DataCheck(tmp_path, None)) as check:
            assert check.problems() == f"{tmp_path / 'a.yaml'}:2: bad"
    finally:
        release.set()
        other.join()


def test_bad_redirects_are_the_check_s_line_alone(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    redirects = project / "docs" / "redirects.yaml"
    redirects.write_text(
        redirects.read_text(encoding="utf-8").replace(
            "redirects:\n", "redirects:\n  - from: /people.html\n    to: people.html\n    reason: moved\n"
        ),
        encoding="utf-8",
    )
    assert "from: /people.html" in redirects.read_text(encoding="utf-8")
    status = main(["html", "--draft", "--project", str(project)])
    errors = capsys.readouterr().err
    assert status == 1
    assert f"edition-build: {redirects}:" in errors
    assert "WARNING" not in errors  # the redirects extension reads the file only once the check passed


def test_bad_data_are_named_before_a_machine_without_tex(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check_data, "check", raising(InputError(project / "registry" / "people.yaml", 5, "bad")))
    monkeypatch.setattr(build_module, "missing_tex_tools", lambda: ["xelatex"])
    with pytest.raises(BuildFailed, match=r"people\.yaml:5: bad"):
        build(["pdf"], layout_of(project))


def test_a_fork_refused_checks_in_process_and_leaves_no_descriptor_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused() -> int:
        raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(check_data, "check", raising(InputError(tmp_path / "a.yaml", 4, "bad")))
    monkeypatch.setattr(os, "fork", refused)
    before = sorted(path.name for path in Path("/proc/self/fd").iterdir())
    with closing(DataCheck(tmp_path, None)) as check:
        assert check.problems() == f"{tmp_path / 'a.yaml'}:4: bad"
    assert sorted(path.name for path in Path("/proc/self/fd").iterdir()) == before


def test_the_check_ends_with_the_build_however_it_ends(tmp_path: Path) -> None:
    # A build killed at once (SIGKILL): its check, still running, is killed with it, not left behind.
    script = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from dialogue_edition import check_data\n"
        "from dialogue_edition.check_ahead import DataCheck\n"
        "check_data.check = lambda *arguments: time.sleep(600)\n"
        "check = DataCheck(Path(sys.argv[1]), None)\n"
        "print(check._pid, flush=True)\n"
        "time.sleep(600)\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(Path(build_module.__file__).parent.parent)}
    with subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path)], stdout=subprocess.PIPE, text=True, env=environment
    ) as builder:
        assert builder.stdout is not None
        child = int(builder.stdout.readline())
        builder.kill()
    deadline = time.monotonic() + 30
    while process_alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not process_alive(child)


def test_ctrl_c_stops_the_build_at_once_without_waiting_for_the_check(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    finished = project / "check-finished"

    def slow(root: Path, reviewed: Path | None = None, code: str = "") -> None:
        time.sleep(30)
        finished.touch()  # reached only if the build waited for the check

    def interrupted(app: Sphinx, *arguments: object, **options: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(check_data, "check", slow)
    monkeypatch.setattr(Sphinx, "__init__", interrupted)
    before = snapshot(project / "build")
    assert main(["html", "--draft", "--project", str(project)]) == build_module.INTERRUPTED
    errors = capsys.readouterr().err
    assert errors.strip().splitlines() == [
        f"edition-build: interrupted. The editions already in {project / 'build'} are unchanged."
    ]
    assert not finished.exists()
    # The editions as they were (the caches may not be: an interrupted build is followed by a full one).
    assert editions(snapshot(project / "build")) == editions(before)


def editions(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in files.items() if not name.startswith(".doctrees/")}


def test_the_review_cache_is_written_whole_and_a_write_refused_is_no_failure(tmp_path: Path) -> None:
    reviewed = tmp_path / "cache" / "reviewed.json"
    # Two checks at once (two builds started together) each write a file of their own first.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda n: check_data.remember(reviewed, {"report": str(n)}), range(200)))
    assert json.loads(reviewed.read_text(encoding="utf-8"))["report"] in {str(n) for n in range(200)}
    assert sorted(path.name for path in reviewed.parent.iterdir()) == ["reviewed.json"]
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    check_data.remember(blocked / "reviewed.json", {"report": "1"})  # its folder cannot be made: nothing kept
    assert blocked.read_text(encoding="utf-8") == ""


def test_the_check_imports_no_sphinx(project: Path) -> None:
    # The check runs on the other core while the build imports Sphinx: importing it there as well
    # (sphinxcontrib-bibtex's name style imports Sphinx, 0.1 s) would only do the same work twice.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from dialogue_edition.check_data import check\n"
        "check(Path(sys.argv[1]))\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('sphinx', 'sphinxcontrib')))\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(Path(build_module.__file__).parent.parent)}
    checked = subprocess.run(
        [sys.executable, "-c", script, str(project)], capture_output=True, text=True, env=environment, check=True
    )
    assert checked.stdout.strip() == "[]"
