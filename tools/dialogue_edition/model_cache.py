"""Validated data-file models kept between builds: an edit does not validate unchanged files again.

Every build loads every report's metadata: ``conf.py`` needs the reports for the PDF and EPUB
documents. Parsing and validating them is most of that (200 reports: ``conf.py`` took 0.18 s,
about 1 ms a report), and their bytes seldom change. So the models a build used are kept in the
build's cache (:data:`FILE`), each under what it was made from (``data_files.ModelKey``: the
model and the SHA-256 of the text), and the next build takes them before Sphinx starts
(:func:`take_kept`): a text that is the same gives the same model without being validated, any
other text is validated as before. (The data check, forked as the build starts, validates in
its own process as before: it runs beside the build, not in its way.)

The file starts with what made it (the pipeline's digest, Python's version, and the versions of
pydantic, pydantic-core and PyYAML, which turn a text into a model): the models that follow are
read only when that is this process's, and a file that cannot be read is ignored. It is Python's
pickle, as Sphinx's environment beside it: the build folder is written by builds, never by a
contributor's change.
"""

from __future__ import annotations

import contextlib
import pickle
import sys
from pathlib import Path

import pydantic
import pydantic_core
import yaml
from pydantic import BaseModel

from .code_version import code_digest
from .data_files import ModelKey, keep_validated, record_use, used_models
from .file_links import write_whole

FILE = "validated-models.pickle"
"""In the build's cache folder (``build/.doctrees``)."""

_taken: set[ModelKey] = set()
"""What :func:`take_kept` took: the file is written again only when a build used other models."""


def made_by() -> str:
    """What a kept model depends on besides its text: this code, Python, and the libraries that validate it."""
    libyaml = "with libyaml" if getattr(yaml, "__with_libyaml__", False) else "without libyaml"
    libraries = f"pydantic {pydantic.VERSION} pydantic-core {pydantic_core.__version__} PyYAML {yaml.__version__}"
    return f"{code_digest()} Python {sys.version_info[:3]} {libraries} {libyaml}"


def take_kept(path: Path) -> None:
    """Take the models an earlier build of this code kept in ``path`` (none if they are not this code's).

    A build starts here: from now on, the models it uses are recorded for :func:`keep`.
    """
    record_use()
    _taken.clear()
    try:
        with path.open("rb") as kept:
            if pickle.load(kept) != made_by():
                return
            models = pickle.load(kept)
    except Exception:  # a cache: missing, unreadable, or another pickle's, it is only ignored
        return
    if isinstance(models, dict):
        valid = {key: model for key, model in models.items() if isinstance(model, BaseModel)}
        keep_validated(valid)
        _taken.update(valid)


def keep(path: Path) -> None:
    """Keep in ``path`` the models this build used, unless they are those it took.

    A cache: if they cannot be written (a full disk, a model that cannot be pickled), the next
    build only validates them again, and this one has succeeded all the same.
    """
    with contextlib.suppress(Exception):
        models = used_models()
        if set(models) == _taken:
            return
        header = pickle.dumps(made_by(), protocol=pickle.HIGHEST_PROTOCOL)
        write_whole(path, header + pickle.dumps(models, protocol=pickle.HIGHEST_PROTOCOL))
        _taken.clear()
        _taken.update(models)
