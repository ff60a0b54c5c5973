"""Fast validation of the data files alone: source reports, registry, redirects, and every report's review.

For the pre-commit hook and for editors: it needs no Sphinx and no build, and prints
``file:line: problem`` (exit 1) or nothing (exit 0). Run ``python tools/check_data.py``.
Every report present is held to the same standard (:mod:`dialogue_edition.report_review`): its
names marked or reviewed, its captions captions, its event named; all that remains is listed at once.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import sys
from pathlib import Path

from .citation_file import CITATION_FILE, editors_from_citation_file
from .data_files import every_name, read_text
from .errors import InputError
from .file_links import write_whole
from .project import check_site_addresses, find_project
from .redirects import load_redirects
from .registry import load_registry
from .report_review import all_problems
from .source_report import load_reports

PAGE_SUFFIXES = (".md", ".rst", ".txt", ".yaml", ".bib", ".css", ".py")
"""The text files under ``docs/`` that a build reads: each must be clean UTF-8."""


def check_pages(docs: Path) -> None:
    """Every file under ``docs/`` inside the project (links followed); every text file clean UTF-8.

    A symbolic link out of the project would publish a file of the build machine; a page that
    is not clean text is named with its line (Sphinx's own message names neither).
    """
    project = docs.resolve().parent
    for name, is_file in every_name(str(docs), project):
        if is_file and name.endswith(PAGE_SUFFIXES) and not name.rpartition("/")[2].startswith("."):
            read_text(Path(name))


class ReviewIncomplete(InputError):
    """Every problem the review of the reports found, one ``file:line: problem`` a line."""

    def __init__(self, problems: list[InputError]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(first.path, first.line, first.message)

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)


def check(project: Path, reviewed: Path | None = None, code: str = "") -> None:
    """Load every data file of the project and review every report; raise InputError on what is wrong.

    ``reviewed`` (a file of the build's cache) remembers each report that passed its review,
    by a digest of everything the review reads and of the pipeline's ``code``: a report whose
    digest is unchanged is not reviewed again.
    """
    check_pages(project / "docs")
    check_site_addresses(project / "pyproject.toml")
    editors_from_citation_file(project / CITATION_FILE)
    reports = load_reports(project / "source_reports")
    registry = load_registry(project / "registry")
    load_redirects(project / "docs" / "redirects.yaml")
    shared = folder_digest(project, [project / "registry"], code) if reviewed else ""
    digests = {report.slug: review_digest(project, report.slug, shared) for report in reports} if reviewed else {}
    passed = _passed(reviewed)
    unchanged = {slug for slug, digest in digests.items() if passed.get(slug) == digest}
    problems = all_problems(project, reports, registry, skip=unchanged)
    if problems:
        raise ReviewIncomplete(problems)
    if reviewed:  # only a review without problems is remembered
        remember(reviewed, digests)


def remember(reviewed: Path, digests: dict[str, str]) -> None:
    """Keep the digests of the reports that passed, in ``reviewed``: written whole, then renamed into place.

    A cache: if it cannot be written (a full disk, a build folder not ours), the next build only
    reviews every report again, and the build itself says what is wrong with its folder. Each
    check writes a file of its own first (``write_whole``), so that two at once (two builds
    started together: the check runs before the build's lock) never take each other's.
    """
    with contextlib.suppress(OSError):
        reviewed.parent.mkdir(parents=True, exist_ok=True)
        write_whole(reviewed, json.dumps(digests, sort_keys=True))


def review_digest(project: Path, slug: str, shared: str) -> str:
    """A digest of what a report's review reads: its source, its pages, and ``shared``.

    ``shared`` is :func:`folder_digest` of the registry and the code, which every report's review
    reads: worked out once, not once a report.
    """
    folders = [project / "source_reports" / slug, project / "docs" / "reports" / slug]
    return folder_digest(project, folders, shared)


def folder_digest(project: Path, folders: list[Path], seed: str) -> str:
    """A digest of ``seed`` and every file under ``folders``: its path in ``project`` and its bytes."""
    digest = hashlib.sha256(seed.encode())
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.is_dir() else ():
            if path.is_file():
                digest.update(f"\0{path.relative_to(project).as_posix()}\0".encode() + path.read_bytes())
    return digest.hexdigest()


def _passed(reviewed: Path | None) -> dict[str, str]:
    if not reviewed or not reviewed.is_file():
        return {}
    try:
        known = json.loads(reviewed.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(slug): str(digest) for slug, digest in known.items()} if isinstance(known, dict) else {}


def main(argv: list[str] | None = None) -> int:
    """Command line: check the project the first argument names, or the current folder's."""
    parser = argparse.ArgumentParser(
        prog="edition-check-data", description="Check a project's data files: each problem as file:line: message."
    )
    parser.add_argument("project", nargs="?", type=Path, help="the project folder (default: the one around here)")
    options = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        check(options.project.resolve() if options.project else find_project())
    except ReviewIncomplete as incomplete:
        for problem in incomplete.problems:
            print(f"check-data: {problem}", file=sys.stderr)
        return 1
    except InputError as error:
        print(f"check-data: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
