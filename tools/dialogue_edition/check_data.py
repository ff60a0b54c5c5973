"""Fast validation of the data files alone: source reports, registry, redirects.

For the pre-commit hook and for editors: it needs no Sphinx and no build, and prints
``file:line: problem`` (exit 1) or nothing (exit 0). Run ``python tools/check_data.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .errors import InputError
from .project import find_project
from .redirects import load_redirects
from .registry import load_registry
from .source_report import load_reports


def check(project: Path) -> None:
    """Load every data file of the project; raise InputError on the first problem."""
    load_reports(project / "source_reports")
    load_registry(project / "registry")
    load_redirects(project / "docs" / "redirects.yaml")


def main(argv: list[str] | None = None) -> int:
    """Command line: check the project the first argument names, or the current folder's."""
    arguments = sys.argv[1:] if argv is None else argv
    try:
        check(Path(arguments[0]).resolve() if arguments else find_project())
    except InputError as error:
        print(f"check-data: {error}", file=sys.stderr)
        return 1
    return 0
