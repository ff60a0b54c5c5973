"""A digest of the pipeline's own code, for what must not outlive a change of it.

Sphinx cannot tell when an extension changes: ``build`` reads every page again when the digest
differs from the last build's, and caches kept between builds (``sphinxext.navigation_cache``)
count it among their inputs.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

CODE_SUFFIXES = {".py", ".html", ".css", ".js"}
"""The package's files that are code: modules, page templates, style sheets, scripts."""


@functools.cache
def code_digest() -> str:
    """A digest of every code file of the ``dialogue_edition`` package, worked out once per process.

    The code a process runs is the code it imported: a file changed on disk later is not what
    this process runs, so its digest is not this process's either. Several steps of a build ask.
    """
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in CODE_SUFFIXES:
            digest.update(path.relative_to(package).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()
