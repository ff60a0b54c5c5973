"""Files of the site and its caches, linked, written or removed without following a link.

One file in two folders is a hard link where the file system allows it, else a copy; a file
kept between builds is written whole; whatever is at a path (a file, a link, a folder) is
removed, never what a link leads to.
"""

from __future__ import annotations

import os
import secrets
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


def write_whole(path: Path, text: str | bytes) -> None:
    """Write ``text`` (as UTF-8), or bytes, into ``path`` whole: first into a new file beside it, then renamed.

    A reader, or the build after a killed one, finds the old file or the new one, never half of
    one. The new file is this writer's own: it is created, never opened through a link found in
    its place, and two writers at once (two builds started together) never share it.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.new")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode() if isinstance(text, str) else text)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
