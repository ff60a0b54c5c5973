"""A synchronous client of Pagefind's indexing service (``pagefind --service``).

The ``pagefind`` package's own client (``pagefind.index.PagefindIndex``, version 1.5.2) polls the
service's output with ``asyncio.sleep(0.1)`` before reading each reply, so every request costs at
least a tenth of a second: the one-report site's 192 records took 19.6 s to add, and 50 reports
(2,103 records) took minutes. The binary itself answers in about a millisecond. This client
speaks the protocol of the package's ``pagefind/service``: each message is a JSON object,
base64-encoded and ended by a comma, on the service's standard input; each reply, in the same
form, on its standard output. Requests go in batches (``BATCH``) and their replies are read
after them: the service answers in order. The binary is the one the ``pagefind_bin`` wheel
ships; the requests are the package's.
"""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any, cast


def pagefind_executable() -> Path | None:
    """The Pagefind binary: the one the ``pagefind[bin]`` wheel ships, else the package's own search.

    ``pagefind_bin`` is asked first because ``pagefind.service`` imports asyncio, a tenth of a
    second of every build's start for a module this client does not use.
    """
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]  # ships no types
    except ImportError:
        from pagefind.service import get_executable
    found: Path | None = get_executable()
    return found


BATCH = 32
"""Requests sent before their replies are read: each reply is about a hundred bytes, far below
what a pipe holds, and 32 already saves most of the waiting (2,103 records: 1.95 s one by one,
0.82 s in batches)."""


class PagefindServiceError(Exception):
    """The service could not be started, or it answered a request with an error."""


class PagefindService:
    """One ``pagefind --service`` process, one index; used as a context manager.

    Leaving the context closes the service's input and waits for it to exit, so that every file
    it was asked to write is on disk by then.
    """

    def __init__(self, config: dict[str, Any]) -> None:
        executable = pagefind_executable()
        if executable is None:
            raise PagefindServiceError("the pagefind binary is not installed (the pagefind[bin] package ships it)")
        # Kept open for the service's life (closed in close()): its error output, for messages.
        self._errors = tempfile.TemporaryFile()  # noqa: SIM115
        self._process = subprocess.Popen(
            [str(executable), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._errors
        )
        self._unread = b""
        self._message_id = 0
        self._index_id: int = self.send({"type": "NewIndex", "config": config})["index_id"]

    def __enter__(self) -> PagefindService:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def send(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Send one request and return the service's reply to it (an error reply raises)."""
        return self.send_all([payload])[0]

    def send_all(self, payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Send requests in batches and return the replies, in order (an error reply raises).

        The service answers requests in the order they come: a batch's requests go together and
        its replies are read after them, small enough that neither side's pipe fills up.
        """
        replies = []
        for start in range(0, len(payloads), BATCH):
            first = self._message_id + 1
            requests = b""
            for payload in payloads[start : start + BATCH]:
                self._message_id += 1
                message = {"message_id": self._message_id, "payload": payload}
                requests += base64.b64encode(json.dumps(message).encode("utf-8")) + b","
            self._write(requests)
            replies += [self._answer(message_id) for message_id in range(first, self._message_id + 1)]
        return replies

    def add_html_files(self, documents: list[tuple[str, str]]) -> None:
        """Index HTML documents, each ``(content, url)``: the content under the given result URL."""
        self.send_all(
            [
                {"type": "AddFile", "index_id": self._index_id, "url": url, "file_contents": content}
                for content, url in documents
            ]
        )

    def write_files(self, output_path: Path) -> None:
        """Write the index's bundle (script, metadata, fragments, index chunks) into ``output_path``."""
        self.send({"type": "WriteFiles", "index_id": self._index_id, "output_path": str(output_path)})

    def close(self) -> None:
        """End the service: close its input and wait for it to exit."""
        if self._process.stdin and not self._process.stdin.closed:
            with contextlib.suppress(BrokenPipeError):  # it stopped already: wait() below says how
                self._process.stdin.close()
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout:
            self._process.stdout.close()
        self._errors.close()

    def _write(self, requests: bytes) -> None:
        stdin = cast(Any, self._process.stdin)
        try:
            stdin.write(requests)
            stdin.flush()
        except BrokenPipeError:
            raise PagefindServiceError(f"the pagefind service stopped: {self._stderr()}") from None

    def _answer(self, message_id: int) -> dict[str, Any]:
        """The reply to one request; the service's keep-alive messages (``null``) are skipped."""
        reply = self._read_reply()
        while reply is None:
            reply = self._read_reply()
        answer: dict[str, Any] = reply.get("payload") or {}
        if answer.get("type") == "Error" or reply.get("message_id") != message_id:
            raise PagefindServiceError(f"pagefind: {answer.get('message', answer)}")
        return answer

    def _read_reply(self) -> dict[str, Any] | None:
        """The next comma-ended message on the service's output, decoded."""
        stdout = cast(Any, self._process.stdout)
        while b"," not in self._unread:
            chunk = stdout.read1(1 << 16)
            if not chunk:
                raise PagefindServiceError(f"the pagefind service stopped: {self._stderr()}")
            self._unread += chunk
        message, _, self._unread = self._unread.partition(b",")
        reply: dict[str, Any] | None = json.loads(base64.b64decode(message))
        return reply

    def _stderr(self) -> str:
        """What the service wrote on its error output, for a message."""
        self._errors.seek(0)
        return self._errors.read().decode("utf-8", "replace").strip()[-500:] or "no message"
