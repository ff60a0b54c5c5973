"""Fast validation of the data files alone: source reports, registry, redirects.

For the pre-commit hook and for editors: it needs no Sphinx and no build, and prints
``file:line: problem`` (exit 1) or nothing (exit 0). Run ``python tools/check_data.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .data_files import read_text
from .errors import InputError
from .redirects import load_redirects
from .registry import load_registry
from .source_report import load_reports

PAGE_SUFFIXES = (".md", ".rst", ".txt", ".yaml", ".bib", ".css", ".py")
"""The text files under ``docs/`` that a build reads: each must be clean UTF-8."""


def check_pages(docs: Path) -> None:
    """Every file under ``docs/`` inside the project (links followed); every text file clean UTF-8.

    A symbolic link out of the project would publish a file of the build machine; a page that
    is not clean text is named with its line (Sphinx's own message names neither).
    """
    project = docs.resolve().parent
    for path in sorted(docs.rglob("*")):
        if project not in path.resolve().parents:
            raise InputError(path, None, f"leads outside the project (to {path.resolve()}): remove the link")
        if path.suffix in PAGE_SUFFIXES and path.is_file() and not path.name.startswith("."):
            read_text(path)


def check(project: Path) -> None:
    """Load every data file of the project; raise InputError on the first problem."""
    check_pages(project / "docs")
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
