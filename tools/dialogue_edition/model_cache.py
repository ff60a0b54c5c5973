"""Validated data-file models kept between builds: an edit does not validate unchanged files again.

Every build loads every report's metadata: ``conf.py`` needs the reports for the PDF and EPUB
documents, and the data check reads them too. Parsing and validating them is most of that
(200 reports: 0.15 s of a one-page edit, 1 ms a report), and their bytes seldom change. So the
models a build used are kept in the build's cache (:data:`FILE`), each under what it was made
from (``data_files.ModelKey``: the model and the SHA-256 of the text), and the next
build takes them before anything is loaded (:func:`take_kept`): a file whose text is the same
gives the same model without being validated, any other text is validated as before.

The file says which code made it (the pipeline's digest, and the versions of pydantic,
pydantic-core and PyYAML, which turn a text into a model): a file from other code, or one that
cannot be read, is ignored. It is Python's pickle, as Sphinx's environment beside it: the build
folder is written by builds, never by a contributor's change.
"""

from __future__ import annotations

import contextlib
import pickle
from pathlib import Path

import pydantic
import pydantic_core
import yaml
from pydantic import BaseModel

from .code_version import code_digest
from .data_files import ModelKey, forget_used, keep_validated, used_models
from .file_links import write_whole

FILE = "validated-models.pickle"
"""In the build's cache folder (``build/.doctrees``)."""

_taken: set[ModelKey] = set()
"""What :func:`take_kept` took: the file is written again only when a build used other models."""


def made_by() -> str:
    """What a kept model depends on besides its text: this code and the libraries that validate it."""
    versions = f"pydantic {pydantic.VERSION} pydantic-core {pydantic_core.__version__} PyYAML {yaml.__version__}"
    return f"{code_digest()} {versions}"


def take_kept(path: Path) -> None:
    """Take the models an earlier build of this code kept in ``path`` (none if they are not this code's).

    A build starts here: from now on, the models it uses are recorded for :func:`keep`.
    """
    forget_used()
    _taken.clear()
    try:
        with path.open("rb") as kept:
            maker, models = pickle.load(kept)
    except Exception:  # a cache: missing, unreadable, or another pickle's, it is only ignored
        return
    if maker != made_by() or not isinstance(models, dict):
        return
    valid = {key: model for key, model in models.items() if isinstance(model, BaseModel)}
    keep_validated(valid)
    _taken.update(valid)


def keep(path: Path) -> None:
    """Keep in ``path`` the models this build used, unless they are those it took (if it fails, it is only time)."""
    models = used_models()
    if set(models) == _taken:
        return
    with contextlib.suppress(OSError, pickle.PicklingError):
        write_whole(path, pickle.dumps((made_by(), models), protocol=pickle.HIGHEST_PROTOCOL))
        _taken.clear()
        _taken.update(models)
