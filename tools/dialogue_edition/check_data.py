"""Fast validation of the data files alone: source reports, registry, redirects.

For the pre-commit hook and for editors: it needs no Sphinx and no build, and prints
``file:line: problem`` (exit 1) or nothing (exit 0). Run ``python tools/check_data.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import InputError
from .redirects import load_redirects
from .registry import load_registry
from .source_report import load_reports


def check(project: Path) -> None:
    """Load every data file of the project; raise InputError on the first problem."""
    load_reports(project / "source_reports")
    load_registry(project / "registry")
    load_redirects(project / "docs" / "redirects.yaml")


def main(argv: list[str] | None = None) -> int:
    """Command line: check the project the current folder (or the first argument) holds."""
    arguments = sys.argv[1:] if argv is None else argv
    project = Path(arguments[0] if arguments else ".")
    try:
        check(project.resolve())
    except InputError as error:
        print(f"check-data: {error}", file=sys.stderr)
        return 1
    return 0
