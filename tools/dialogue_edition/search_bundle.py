"""Pagefind's bundle made reproducible: the same records give the same bytes.

Pagefind (1.5) writes its filter files from hash maps, so the order of a filter's values, and
with it the file's bytes, its name and the metadata file naming it, change from one run to the
next (upstream's own code says so: "Change filter indexes to BTree to give them a stable hash").
The edition promises byte-identical builds, so once the bundle is written each filter file is
rewritten with its values in sorted order, renamed after its content, and the metadata file and
``pagefind-entry.json`` are rewritten to match.

The files are gzip-compressed CBOR behind a ``pagefind_dcd`` signature; the few CBOR types they
use (unsigned integers, strings, arrays) are read and written here. Every file is first checked to
read back to its exact bytes, so a format this code does not know stops the build instead of
being rewritten wrongly.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

SIGNATURE = b"pagefind_dcd"
Value = int | str | bytes | list["Value"]


class BundleFormatError(Exception):
    """Pagefind wrote something this module does not know how to rewrite."""


def _decode(data: bytes, position: int) -> tuple[Value, int]:
    """One CBOR item at ``position``, and the position after it."""
    initial = data[position]
    major, extra = initial >> 5, initial & 31
    position += 1
    if extra < 24:
        length = extra
    elif extra <= 27:
        width = 1 << (extra - 24)
        length = int.from_bytes(data[position : position + width], "big")
        position += width
    else:
        raise BundleFormatError(f"CBOR item of kind {major}/{extra}")
    if major == 0:
        return length, position
    if major in (2, 3):
        chunk = data[position : position + length]
        return (chunk if major == 2 else chunk.decode("utf-8")), position + length
    if major == 4:
        items = []
        for _ in range(length):
            item, position = _decode(data, position)
            items.append(item)
        return items, position
    raise BundleFormatError(f"CBOR item of kind {major}")


def _head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    for extra, width in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if length < 1 << (8 * width):
            return bytes([major << 5 | extra]) + length.to_bytes(width, "big")
    raise BundleFormatError(f"CBOR length {length}")


def _encode(value: Value) -> bytes:
    if isinstance(value, int):
        return _head(0, value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        encoded = value.encode("utf-8")
        return _head(3, len(encoded)) + encoded
    return _head(4, len(value)) + b"".join(_encode(item) for item in value)


def read(path: Path) -> list[Value]:
    """A bundle file's content, checked to write back to the very same bytes."""
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise BundleFormatError(f"{path.name}: no {SIGNATURE!r} signature")
    value, end = _decode(data, len(SIGNATURE))
    if end != len(data) or not isinstance(value, list) or SIGNATURE + _encode(value) != data:
        raise BundleFormatError(f"{path.name}: not the CBOR this module reads")
    return value


def write(folder: Path, prefix: str, language: str, suffix: str, value: list[Value], digits: int) -> str:
    """Write a bundle file named after its content; return its hash (``<language>_<hex>``)."""
    data = SIGNATURE + _encode(value)
    name = f"{language}_{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / f"{prefix}{name}{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return name


def stabilise(bundle: Path, language: str) -> None:
    """Rewrite the filter files, the metadata file and the entry file in a stable order."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    old_meta = bundle / f"pagefind.{entry['languages'][language]['hash']}.pf_meta"
    meta = read(old_meta)
    filters = meta[3]
    if not isinstance(filters, list):
        raise BundleFormatError(f"{old_meta.name}: no list of filters")
    stable: list[list[Value]] = []
    for item in filters:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[1], str)):
            raise BundleFormatError(f"{old_meta.name}: a filter is not [name, hash]")
        old_filter = bundle / "filter" / f"{item[1]}.pf_filter"
        name, values = read(old_filter)
        if not isinstance(values, list):
            raise BundleFormatError(f"{old_filter.name}: no list of values")
        ordered = sorted(values, key=lambda value: value[0] if isinstance(value, list) else "")
        old_filter.unlink()
        stable.append([item[0], write(bundle / "filter", "", language, ".pf_filter", [name, ordered], 7)])
    stable.sort(key=lambda item: str(item[0]))
    meta[3] = list[Value](stable)
    old_meta.unlink()
    entry["languages"][language]["hash"] = write(bundle, "pagefind.", language, ".pf_meta", meta, 10)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
