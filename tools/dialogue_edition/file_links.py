"""Files of the site and its caches, linked or removed without following a link.

One file in two folders is a hard link where the file system allows it, else a copy; whatever is
at a path (a file, a link, a folder) is removed, never what a link leads to.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def link_or_copy(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Make ``target`` the file ``source`` (bytes, mode, times): a hard link, or a copy where links are refused."""
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without hard links
        shutil.copy2(source, target)


def remove(path: Path) -> None:
    """Remove whatever is at ``path`` (a file, a link, a folder, nothing), never what a link leads to."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)
