"""Installing the pipeline: one lock for every Python, pins written once, commands that work anywhere."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT_ROOT
from dialogue_edition import baselines, build
from dialogue_edition.errors import InputError
from dialogue_edition.project import find_project
from uv import find_uv_bin

LOCK = tomllib.loads((PROJECT_ROOT / "uv.lock").read_text(encoding="utf-8"))
PYPROJECT = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
LOCKED = {package["name"]: package["version"] for package in LOCK["package"] if "version" in package}
PIN = re.compile(r"\b([A-Za-z0-9][A-Za-z0-9._-]*)==([0-9][^\s\"',\]]*)")
FILES_WITH_PINS = [".pre-commit-config.yaml", ".readthedocs.yaml", "CONTRIBUTING.md", "README.md"]
"""Files outside pyproject.toml that name a version: each must be the one uv.lock holds."""


def normalised(name: str) -> str:
    """A distribution's name as the lock writes it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_lock_covers_every_supported_python_with_hashes() -> None:
    assert LOCK["requires-python"] == PYPROJECT["project"]["requires-python"] == ">=3.11"
    assert not (PROJECT_ROOT / "constraints.txt").exists()
    # Debian 12's Python (3.11.2) gets releases of its own where the newest need a later 3.11.
    assert any("3.11.5" in marker for marker in LOCK.get("resolution-markers", []))
    for package in LOCK["package"]:
        if "registry" in package["source"]:
            files = [*package.get("wheels", []), *([package["sdist"]] if "sdist" in package else [])]
            assert files, package["name"]
            assert all(file["hash"].startswith("sha256:") for file in files), package["name"]


def test_pins_outside_pyproject_follow_the_lock() -> None:
    found = 0
    for name in FILES_WITH_PINS:
        for package, version in PIN.findall((PROJECT_ROOT / name).read_text(encoding="utf-8")):
            found += 1
            assert LOCKED.get(normalised(package)) == version, (
                f"{name}: {package}=={version}, uv.lock: {LOCKED.get(normalised(package))}"
            )
    assert found >= 5


def test_every_pre_commit_hook_dependency_is_pinned_to_the_lock() -> None:
    config = yaml.safe_load((PROJECT_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"] if hook.get("language") == "python"]
    assert hooks
    for hook in hooks:
        dependencies = hook.get("additional_dependencies", [])
        assert dependencies, hook["id"]
        for dependency in dependencies:
            package, _, version = dependency.partition("==")
            assert LOCKED.get(normalised(package)) == version, f"hook {hook['id']}: {dependency}"


def test_the_project_is_found_from_any_folder_inside_it() -> None:
    assert find_project(PROJECT_ROOT / "docs" / "reports") == PROJECT_ROOT
    assert find_project(PROJECT_ROOT) == PROJECT_ROOT


def test_outside_any_project_the_commands_say_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="no edition project here or above"):
        find_project()
    assert build.main(["html", "--draft"]) == 1
    assert baselines.main([]) == 1
    problem = f"{tmp_path}: no edition project here or above (no docs/conf.py and source_reports/): pass --project DIR"
    assert capsys.readouterr().err.splitlines() == [f"edition-build: {problem}", f"edition-baselines: {problem}"]


def _oldest_python() -> Path:
    """The oldest installed interpreter the project supports (on Debian 12: its own 3.11.2)."""
    listed = subprocess.run(
        [find_uv_bin(), "python", "list", "--only-installed", "--output-format=json"],
        capture_output=True,
        text=True,
        check=True,
    )
    found = [
        (tuple(int(part) for part in entry["version"].split(".")[:3]), Path(entry["path"]))
        for entry in json.loads(listed.stdout)
        if entry["implementation"] == "cpython" and re.fullmatch(r"\d+\.\d+\.\d+", entry["version"])
    ]
    supported = sorted((version, path) for version, path in found if version >= (3, 11))
    return supported[0][1] if supported else Path(sys.executable)


def _sources(target: Path) -> Path:
    """The project's files as a fresh clone has them (no build outputs, no environments)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    )
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (PROJECT_ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT_ROOT / name, target / name)
    return target


@pytest.mark.slow
def test_the_lock_installs_on_the_oldest_python_and_the_commands_work_outside_the_checkout(tmp_path: Path) -> None:
    clone = _sources(tmp_path / "clone")
    venv, elsewhere = tmp_path / "venv", tmp_path / "elsewhere"
    elsewhere.mkdir()
    uv = find_uv_bin()
    subprocess.run([uv, "venv", "--quiet", "--python", str(_oldest_python()), str(venv)], check=True)
    environment = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(venv)}
    # The project as a package (not editable: its code lies in the environment, far from the clone).
    sync = [uv, "sync", "--quiet", "--frozen", "--no-default-groups", "--no-editable"]
    subprocess.run(sync, cwd=clone, env=environment, check=True)
    assert not (clone / "build").exists(), "setuptools' scratch files went where the editions go"
    version = subprocess.run([venv / "bin" / "python", "-V"], capture_output=True, text=True, check=True).stdout
    assert version.startswith("Python 3."), version
    built = subprocess.run(
        [venv / "bin" / "edition-build", "html", "--draft", "--project", str(clone)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, f"{version}: {built.stderr}"
    assert built.stdout + built.stderr == f"built {clone / 'build' / 'html'}\n"
    assert (clone / "build" / "html" / "index.html").is_file()
    # From a folder inside the project, without --project.
    checked = subprocess.run(
        [venv / "bin" / "edition-check-data"], cwd=clone / "docs", capture_output=True, check=False
    )
    assert checked.returncode == 0, checked.stderr
    # Plain Sphinx on the clone: the extensions' pybtex styles need no installed entry points.
    sphinx = [venv / "bin" / "sphinx-build", "-q", "-n", "-W", "-b", "html", "docs", str(tmp_path / "out")]
    result = subprocess.run(sphinx, cwd=clone, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == ""
