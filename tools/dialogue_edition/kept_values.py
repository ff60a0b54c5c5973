"""Values kept by what each was made from: loaded in this process, or handed over from another.

A build loads the same data more than once (the configuration, the extensions, the data check in
a process of its own, the build before it): the same origin (a file's text, a folder's bytes)
gives the same value, made once. The registry (``registry.load_registry``) and the data files'
models (``data_files.load_model``) keep theirs here. One value for one origin in a process: a
value handed over never replaces one the process has. Beyond the room given, the least recently
used goes first. Failures are never kept: callers put only what they made.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

Origin = TypeVar("Origin", bound=Hashable)
Value = TypeVar("Value")


class KeptValues(Generic[Origin, Value]):
    """Values by origin, the most recently used last, at most ``room`` of them."""

    def __init__(self, room: int) -> None:
        self.room = room
        self._values: dict[Origin, Value] = {}

    def get(self, origin: Origin) -> Value | None:
        """The value made from ``origin`` (now the most recently used), if one is kept."""
        value = self._values.pop(origin, None)
        if value is not None:
            self._values[origin] = value
        return value

    def peek(self, origin: Origin) -> Value | None:
        """The value made from ``origin``, if one is kept, leaving the order as it is."""
        return self._values.get(origin)

    def put(self, origin: Origin, value: Value) -> None:
        """Keep ``value``, just made from ``origin``, as the most recently used."""
        self._values.pop(origin, None)
        self._values[origin] = value
        self._trim()

    def take(self, handed: Iterable[tuple[Origin, Value]]) -> None:
        """Take values made elsewhere; a value this process already has for an origin stays."""
        for origin, value in handed:
            self._values.setdefault(origin, value)
        self._trim()

    def items(self) -> list[tuple[Origin, Value]]:
        """Every origin and its value, the least recently used first."""
        return list(self._values.items())

    def _trim(self) -> None:
        while len(self._values) > self.room:
            del self._values[next(iter(self._values))]
