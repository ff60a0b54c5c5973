"""Which edition project a command works on: ``--project DIR``, else the current folder's.

The commands (``edition-build``, ``edition-import``, ...) may be installed anywhere (``pip install
.`` puts them in a virtual environment far from the checkout), so the project is never found from
where the code lies: it is the folder given with ``--project``, or else the current folder or the
nearest folder above it that holds an edition (``docs/conf.py`` and ``source_reports/``), the way
git finds its repository.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .errors import InputError

MARKERS = (Path("docs") / "conf.py", Path("source_reports"))
"""What an edition project's folder holds."""


def is_project(folder: Path) -> bool:
    """Whether ``folder`` holds an edition project."""
    return all((folder / marker).exists() for marker in MARKERS)


def find_project(start: Path | None = None) -> Path:
    """The project holding ``start`` (default: the current folder), searched upwards."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_project(folder):
            return folder
    raise InputError(
        here, None, "no edition project here or above (no docs/conf.py and source_reports/): pass --project DIR"
    )


def add_project_option(parser: argparse.ArgumentParser) -> None:
    """The ``--project`` option every command takes."""
    parser.add_argument(
        "--project",
        type=Path,
        help="the edition project's folder (default: the current folder, or the nearest above it that holds one)",
    )


def project_of(option: Path | None) -> Path:
    """The project named by ``--project`` (each command names what it lacks), else the current one."""
    return find_project() if option is None else option.resolve()
