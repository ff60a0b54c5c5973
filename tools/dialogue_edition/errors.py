"""The one error type the pipeline raises for bad input: it always names a file and a line."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Bad input in a project file, reported as ``file:line: message``."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message}"
