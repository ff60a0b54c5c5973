"""The page templates' compiled code kept between builds, beside Sphinx's doctrees.

Sphinx compiles every Jinja template its theme uses (Furo's and ours: 22 for a page) afresh in
each process, a quarter of a second of every build, for templates that change only when the
theme does. Jinja can keep what it compiled (a "bytecode cache"); Sphinx does not set one, so
this extension gives the builder's template environment one, in the builder's doctree folder
(``build/.doctrees/<builder>/templates/<versions>``): written by the build, like the doctrees, and gone
with them. Jinja checks each template's source against what it compiled and compiles again
whatever changed; a Jinja or Python of another version ignores the files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
import sphinx
from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx
from sphinx.jinja2glue import BuiltinTemplateLoader

FOLDER = "templates"


def versions() -> str:
    """The versions that shape compiled templates beside the sources: Jinja's and Sphinx's.

    Jinja's cache files record only Python's version and the source's digest; compiled code from
    an older Jinja or Sphinx (their globals, filters, optimisations) is not reused after an upgrade.
    """
    return f"jinja-{jinja2.__version__}-sphinx-{sphinx.__version__}"


def keep_compiled_templates(app: Sphinx) -> None:
    """Give the builder's Jinja environment a bytecode cache in its doctree folder."""
    templates = getattr(app.builder, "templates", None)
    if isinstance(templates, BuiltinTemplateLoader):
        folder = Path(app.doctreedir) / FOLDER / versions()
        folder.mkdir(parents=True, exist_ok=True)
        templates.environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", keep_compiled_templates)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
