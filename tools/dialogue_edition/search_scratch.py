"""Where Pagefind writes the search bundle, and how the bundle then reaches the staged site.

Pagefind writes all of its bundle's files at once, from many threads (50 reports: 2,142 files).
On a disk those simultaneous file creations queue behind the file system's journal: 0.9 to 2.5 s
at 50 reports on this project's build machines, against 0.8 s into memory. And most of the files
are the same from one build to the next: an edit changes about 17 of the 2,142 (the page's
fragment, a few index chunks, the metadata).

So Pagefind writes into a scratch folder in memory (``/dev/shm``, when there is one with room),
and the staged site's bundle is made from it (:func:`place`): a file the published bundle
already has, byte for byte, is linked from there (bundle files are only ever written as new
files, never in place); the rest is copied. Without such a folder Pagefind writes into the
staged site itself, as before.

The scratch folder belongs to one build: its name carries the build's process id, and it goes
when the index is written. One a killed build left behind is removed by the next build that
writes a search index (:func:`remove_abandoned`).
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

MEMORY = Path("/dev/shm")
"""Linux's shared-memory file system: in memory, writable by every user."""
PREFIX = "edition-search-"
ROOM_FACTOR = 4
MINIMUM_ROOM = 256 * 1024 * 1024
"""Free memory needed before the scratch folder goes there: four times the last bundle's size
(the bundle, and Pagefind's files the search page does not use), and at least 256 MiB."""


def _size(folder: Path | None) -> int:
    if folder is None or not folder.is_dir():
        return 0
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def memory_folder(previous: Path | None) -> Path | None:
    """``/dev/shm`` if it is a writable folder with room for a bundle like ``previous``, else ``None``."""
    try:
        usable = MEMORY.is_dir() and os.access(MEMORY, os.W_OK | os.X_OK)
        room = max(MINIMUM_ROOM, ROOM_FACTOR * _size(previous))
        return MEMORY if usable and shutil.disk_usage(MEMORY).free >= room else None
    except OSError:
        return None


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_abandoned(root: Path) -> None:
    """Remove this user's scratch folders whose build no longer runs (it was killed)."""
    for folder in root.glob(f"{PREFIX}*"):
        pid = folder.name.removeprefix(PREFIX).split("-", 1)[0]
        with contextlib.suppress(OSError):
            if pid.isdigit() and not _running(int(pid)) and folder.lstat().st_uid == os.getuid():
                shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def scratch_folder(previous: Path | None) -> Iterator[Path | None]:
    """A folder in memory for Pagefind's output, removed afterwards; ``None`` if there is no room."""
    root = memory_folder(previous)
    if root is None:
        yield None
        return
    remove_abandoned(root)
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def place(written: Path, bundle: Path, previous: Path | None) -> None:
    """Make ``bundle`` a copy of ``written``, linking each file ``previous`` has with the same bytes."""
    for source in sorted(written.rglob("*")):
        target = bundle / source.relative_to(written)
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        old = previous / source.relative_to(written) if previous else None
        if old and old.is_file() and not old.is_symlink() and filecmp.cmp(old, source, shallow=False):
            try:
                os.link(old, target)
                continue
            except OSError:  # a file system without hard links: copied
                pass
        shutil.copyfile(source, target)
