"""Bring the project's generated lists up to date after a deliberate addition.

Two committed files follow from the sources and are checked by the tests: the spell check's word
list (``.codespell-words.txt``: every word of every registered name) and the permalink baseline
(``tests/permalinks.txt``). After adding a report, a person or an organisation, run
``nox -s baselines`` (the ``edition-baselines`` script): the word list is rewritten from the
registry, and the site's new permalinks are added to the baseline. Permalinks are only ever
added: one that disappeared stays in the baseline, so the tests still catch it (keep it, or
redirect it in ``docs/redirects.yaml``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .checks.permalinks import site_permalinks
from .errors import InputError
from .project import add_project_option, project_of
from .registry import load_registry, name_words

WORDS = Path(".codespell-words.txt")
PERMALINKS = Path("tests") / "permalinks.txt"


def update_words(project: Path) -> int:
    """Rewrite the spell check's word list from the registry; return how many words are new."""
    path = project / WORDS
    old = set(path.read_text(encoding="utf-8").split()) if path.exists() else set()
    words = name_words(load_registry(project / "registry"))
    path.write_text("".join(f"{word}\n" for word in words), encoding="utf-8")
    return len(set(words) - old)


def add_new_permalinks(project: Path, site: Path) -> int:
    """Append the site's permalinks the baseline lacks; return how many were added."""
    if not (site / "index.html").is_file():
        raise InputError(site, None, "no built site here: run ./bootstrap editions first")
    path = project / PERMALINKS
    baseline = path.read_text(encoding="utf-8").split()
    new = [permalink for permalink in site_permalinks(site) if permalink not in set(baseline)]
    path.write_text("".join(f"{line}\n" for line in [*baseline, *new]), encoding="utf-8")
    return len(new)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(prog="edition-baselines", description=__doc__.splitlines()[0])
    add_project_option(parser)
    parser.add_argument("--site", type=Path, help="the built HTML site (default: <project>/build/html)")
    options = parser.parse_args(argv)
    try:
        project = project_of(options.project)
        words = update_words(project)
        permalinks = add_new_permalinks(project, options.site or project / "build" / "html")
    except InputError as error:
        print(f"edition-baselines: {error}", file=sys.stderr)
        return 1
    print(f"{WORDS}: {words} new words; {PERMALINKS}: {permalinks} new permalinks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
