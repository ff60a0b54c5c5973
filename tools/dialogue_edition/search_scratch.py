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

The scratch folder belongs to one build, which holds it locked while it is used and removes it
when the index is written (or Pagefind fails). One a killed build left behind is no longer
locked, and the next build that writes a search index removes it (:func:`remove_abandoned`).
If the folder cannot be made, Pagefind writes into the staged site.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .file_links import link_or_copy

MEMORY = Path("/dev/shm")
"""Linux's shared-memory file system: in memory, writable by every user."""
PREFIX = "edition-search-"
ROOM_FACTOR = 4
MINIMUM_ROOM = 256 * 1024 * 1024
"""Free memory needed before the scratch folder goes there: four times what the bundle is
expected to take (:func:`room_for`; the bundle, and Pagefind's files the search page does not
use), and at least 256 MiB."""
FILE_ROOM = 4096
"""What a small file takes in memory at least (a page): most of a bundle is small files, one per record."""
FIXED_ROOM = 4 * 1024 * 1024
"""Pagefind's files that do not grow with the records: its scripts, styles and WebAssembly for
every language (about 0.6 MB with Pagefind 1.5)."""
FRESH = 60
"""Seconds during which a scratch folder just made is never taken for abandoned."""


def room_for(documents: list[tuple[str, str]]) -> int:
    """What the bundles of ``documents`` (``(html, url)``) may take in memory, at most.

    Each record's fragment holds its text, compressed, in a file of its own, and the index
    chunks hold its words: the records' HTML, and a page of memory per record, bound both; the
    rest (``FIXED_ROOM``) does not grow. It is worked out from what is in hand: measuring the
    last bundle took 0.1 s at 200 reports (8,200 files), which an edit paid for writing one part.
    """
    return FIXED_ROOM + sum(len(html.encode("utf-8")) + FILE_ROOM for html, _ in documents)


def _writable(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def memory_folder(room: int) -> Path | None:
    """``/dev/shm`` if it is a writable folder with room for bundles expected to take ``room`` bytes, else ``None``."""
    try:
        needed = max(MINIMUM_ROOM, ROOM_FACTOR * room)
        return MEMORY if _writable(MEMORY) and shutil.disk_usage(MEMORY).free >= needed else None
    except OSError:
        return None


def remove_abandoned(root: Path) -> None:
    """Remove this user's scratch folders that no build holds any more: their build was killed.

    A build holds its folder locked (``flock``) for as long as it uses it, and the lock goes
    with its process however it ends; a folder only just made (``FRESH`` seconds) is left alone
    too, as its build may not have locked it yet. Links and other users' folders are never touched.
    """
    for folder in root.glob(f"{PREFIX}*"):
        with contextlib.suppress(OSError):
            status = folder.lstat()
            if (
                not stat.S_ISDIR(status.st_mode)
                or status.st_uid != os.getuid()
                or time.time() - status.st_mtime < FRESH
            ):
                continue
            handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held by a running build: OSError
                shutil.rmtree(folder, ignore_errors=True)
            finally:
                os.close(handle)


@contextlib.contextmanager
def scratch_folder(room: int) -> Iterator[Path | None]:
    """A folder in memory for bundles expected to take ``room`` bytes, held locked and removed afterwards.

    ``None`` if there is no room.
    """
    if _writable(MEMORY):
        remove_abandoned(MEMORY)  # before measuring the room: what killed builds left takes some
    root = memory_folder(room)
    folder: Path | None = None
    handle: int | None = None
    try:
        if root:
            folder = Path(tempfile.mkdtemp(prefix=PREFIX, dir=root))
            handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
            fcntl.flock(handle, fcntl.LOCK_EX)
    except OSError:  # full since the room was measured, or the like: Pagefind writes in place
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
        if handle is not None:
            os.close(handle)
        folder, handle = None, None
    try:
        yield folder
    finally:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
        if handle is not None:
            os.close(handle)


def place(written: Path, bundle: Path, previous: Path | None, leave: frozenset[str] = frozenset()) -> None:
    """Make ``bundle`` a copy of ``written``, linking each file ``previous`` has with the same bytes.

    ``leave``: folders right under ``written`` not to copy (the other parts of the index, each
    placed on its own). Names, not path objects, and each file compared once: a part holds
    hundreds of files.
    """
    for folder, subfolders, files in os.walk(written):
        if folder == str(written):
            subfolders[:] = [name for name in subfolders if name not in leave]
        relative = folder[len(str(written)) :]  # "" or "/<folder>"
        target = f"{bundle}{relative}"
        Path(target).mkdir(parents=True, exist_ok=True)
        for name in sorted(files):
            source = f"{folder}/{name}"
            old = f"{previous}{relative}/{name}" if previous else None
            if old and _same_bytes(old, source):
                link_or_copy(old, f"{target}/{name}")
            else:
                shutil.copyfile(source, f"{target}/{name}")


def _same_bytes(old: str, new: str) -> bool:
    """Whether ``old`` is a plain file (not a link) with the very bytes of the file ``new``."""
    try:
        status = os.lstat(old)
        if not stat.S_ISREG(status.st_mode) or status.st_size != os.lstat(new).st_size:
            return False
        with open(old, "rb") as first, open(new, "rb") as second:  # noqa: PTH123  # names, not paths (see place)
            return first.read() == second.read()
    except OSError:
        return False
