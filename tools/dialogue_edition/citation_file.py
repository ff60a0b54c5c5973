"""The edition's ``CITATION.cff``: who its editors are, for the references the edition gives.

Read as any data file of the project (``data_files``): clean text, no invisible characters, and
the project's own file, not a link to one elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from .data_files import confined, read_yaml
from .errors import InputError

CITATION_FILE = "CITATION.cff"


def editors_from_citation_file(path: Path) -> tuple[str, ...]:
    """The edition's editors: the authors ``CITATION.cff`` names (people or bodies), in its order.

    A missing file or one without authors gives none: the reference then names no editor.
    """
    if not path.is_file():
        return ()
    # Held to the data files' rules (clean text, no invisible characters, no link out of the project).
    data = read_yaml(confined(path, path.parent))[0] or {}
    if not isinstance(data, dict):
        raise InputError(path, None, "must be a mapping (cff-version, title, authors, …)")
    names = []
    for author in data.get("authors") or []:
        if not isinstance(author, dict):
            continue
        name = author.get("name") or " ".join(
            str(author[part]) for part in ("given-names", "name-particle", "family-names") if author.get(part)
        )
        if name:
            names.append(str(name))
    return tuple(names)
