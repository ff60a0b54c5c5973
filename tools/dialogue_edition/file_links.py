"""One file in two folders: a hard link where the file system allows it, else a copy."""

from __future__ import annotations

import os
import shutil


def link_or_copy(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Make ``target`` the file ``source`` (bytes, mode, times): a hard link, or a copy where links are refused."""
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without hard links
        shutil.copy2(source, target)
