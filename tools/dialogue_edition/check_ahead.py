"""The data check in a process of its own, while the build gets ready (``build.build``).

The check (:func:`dialogue_edition.check_data.check`: every data file loaded, every report
reviewed) must pass before Sphinx reads anything, but nothing the build does before that depends
on it: importing Sphinx, taking the lock, starting the staged site from the published one. So
the check runs in a child process, on the other core, from the moment the build starts, and the
build waits for its verdict only when Sphinx is about to start: the check (0.06 s for one
report, 0.24 s at 200 reports, the imports it needs besides) is then no longer on the way.

The child is forked before the build imports Sphinx or starts a thread, and says its verdict
through a pipe: passed, the problems (one ``file:line: problem`` a line), or the traceback of a
crash. Data that passed come with the registry the check loaded: the build takes it
(``registry.keep_loaded``) rather than loading and validating the same bytes again (0.02 s). It
never outlives the build: :meth:`DataCheck.close` stops and reaps it.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import pickle
import resource
import signal
import threading
import traceback
from pathlib import Path
from typing import BinaryIO

from .errors import InputError


class DataCheckCrashed(Exception):
    """The check stopped on an error of its own (not a problem of the data): its traceback."""


class DataCheck:
    """The project's data check, started in a child process at once; :meth:`close` it when done."""

    def __init__(self, project: Path, reviewed: Path | None) -> None:
        self._pid: int | None = None
        self._pipe: BinaryIO | None = None
        self._verdict: dict[str, str] | None = None
        if threading.active_count() > 1:
            # A fork copies no thread but the caller's, and any lock another one holds stays held
            # in the child: a process that runs threads (a test session, say) checks here, first.
            self._verdict = _verdict(project, reviewed)
            return
        started = _fork()
        if started is None:  # no process or pipe to spare (EAGAIN, ENOMEM, EMFILE): the check runs here, first
            self._verdict = _verdict(project, reviewed)
            return
        pid, read, write = started
        if pid == 0:  # the child: check, say the verdict, exit (nothing of the parent's runs on)
            try:
                os.close(read)
                _check_in_child(write, project, reviewed)
            finally:
                os._exit(1)
        os.close(write)
        self._pid, self._pipe = pid, os.fdopen(read, "rb")

    def problems(self) -> str | None:
        """Wait for the check; what it found wrong (its lines), or ``None`` if the data passed.

        Raises :class:`DataCheckCrashed` if the check itself failed.
        """
        if self._verdict is None and self._pipe is not None:
            said = self._pipe.read()
            self._reap(stop=False)
            verdict = _said(said)
            stopped = {"crash": "the data check stopped without a verdict"}
            self._verdict = verdict if isinstance(verdict, dict) else stopped
        assert self._verdict is not None
        if "crash" in self._verdict:
            raise DataCheckCrashed(self._verdict["crash"])
        return self._verdict.get("problems")

    def close(self) -> None:
        """Stop the check if it still runs (the build ended before it asked), and reap it."""
        self._reap(stop=True)
        if self._pipe is not None:
            self._pipe.close()

    def _reap(self, *, stop: bool) -> None:
        if self._pid is None:
            return
        if stop:
            with contextlib.suppress(ProcessLookupError):  # it has exited already: waitpid collects it
                os.kill(self._pid, signal.SIGKILL)
        os.waitpid(self._pid, 0)
        self._pid = None


def _fork() -> tuple[int, int, int] | None:
    """Fork with a pipe from the child: (pid, read end, write end), or ``None`` if the system refuses."""
    try:
        read, write = os.pipe()
    except OSError:
        return None
    pid = fork_with_the_build()
    if pid is None:
        os.close(read)
        os.close(write)
        return None
    return pid, read, write


def fork_with_the_build() -> int | None:
    """``os.fork()`` for a child working beside the build: its pid (0 in the child), ``None`` if refused.

    Ctrl-C is held back while forking, then ignored in the child (it is the build's to report)
    and let through again in the parent: it cannot reach the child before the child ignores it.
    The child is set to end with the parent, however the parent ends.
    """
    parent = os.getpid()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pid = os.fork()
        if pid == 0:
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                _end_with_parent(parent)
            except BaseException:
                os._exit(1)
        return pid
    except OSError:
        return None
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def close_inherited_descriptors(keep: set[int] | None = None) -> None:
    """In a forked child: close every descriptor but the standard three and ``keep`` (the build's lock above all)."""
    try:
        inherited = [int(path.name) for path in Path("/proc/self/fd").iterdir()]
    except OSError:  # no /proc: as many as this process may have open
        inherited = list(range(3, resource.getrlimit(resource.RLIMIT_NOFILE)[0]))
    for descriptor in inherited:
        if descriptor > 2 and descriptor not in (keep or set()):
            with contextlib.suppress(OSError):  # the listing's own, closed already
                os.close(descriptor)


def _check_in_child(pipe: int, project: Path, reviewed: Path | None) -> None:
    """Run the check and write its verdict to ``pipe``; then end the process at once, whatever happened.

    Data that passed: the registries the check loaded go with the verdict (:func:`_with_what_was_loaded`).
    """
    try:
        verdict = _verdict(project, reviewed)
        with os.fdopen(pipe, "wb") as out:
            out.write(_with_what_was_loaded(verdict))
    finally:
        # No cleanup of the parent's: no atexit handlers, no flushing of buffers it inherited.
        os._exit(0)


LOADED = "loaded"
"""The verdict's entry of what a check that passed loaded: ``registry.loaded_registries()``."""


def _with_what_was_loaded(verdict: dict[str, str]) -> bytes:
    """The verdict as the child says it: with the registries it loaded, if the data passed.

    Handing them over only spares the build loading them again: if they cannot be written
    (a value a pickle cannot hold), the verdict goes alone.
    """
    if not verdict:
        try:
            from .registry import loaded_registries

            return pickle.dumps({LOADED: loaded_registries()}, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # any failure to hand them over: the build loads them itself
            pass
    return pickle.dumps(verdict, protocol=pickle.HIGHEST_PROTOCOL)


def said_by_child(said: bytes) -> object:
    """What a child forked from the build wrote to its pipe, as a pickle; ``None`` if nothing, or not whole.

    A child killed while it wrote leaves a pickle cut short; it is a fork of this very process,
    running this code, and the pipe is theirs alone.
    """
    try:
        return pickle.loads(said) if said else None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError, IndexError):
        return None


def _said(said: bytes) -> dict[str, str] | None:
    """The child's verdict from its bytes (``None`` if it stopped before it had said it whole).

    The bytes are a pickle: the child is a fork of this very process, running this code, and
    the pipe is theirs alone. What a check that passed loaded is taken (``registry.keep_loaded``).
    """
    verdict = said_by_child(said)
    if not isinstance(verdict, dict):
        return None
    loaded = verdict.pop(LOADED, None)
    if loaded:
        from .registry import keep_loaded

        keep_loaded(loaded)
    return verdict


def end_with_parent() -> None:
    """In a process a pool forked: be killed when the process that forked it ends (a pool's ``initializer``)."""
    parent = multiprocessing.parent_process()
    if parent is not None and parent.pid is not None:
        _end_with_parent(parent.pid)


PR_SET_PDEATHSIG = 1
"""Linux's ``prctl`` option: the signal a process gets when its parent ends."""


def _end_with_parent(parent: int) -> None:
    """In the child: be killed when the build's process ends, however it ends (a kill included).

    Linux only (as the build's lock is); elsewhere the child ends by itself once checked.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the build ended before that was set
        os._exit(1)


def _verdict(project: Path, reviewed: Path | None) -> dict[str, str]:
    """Check the project: ``{}`` if its data passed, else its ``problems`` or the ``crash`` of the check."""
    try:
        from .check_data import check
        from .code_version import code_digest

        check(project, reviewed, code_digest())
    except InputError as error:
        return {"problems": str(error)}
    except Exception:
        return {"crash": traceback.format_exc()}
    return {}
