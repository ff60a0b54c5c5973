"""The page templates' compiled code kept between builds, and compiled ahead in a cold one.

Sphinx compiles every Jinja template its theme uses (Furo's and ours: 22 for a page) afresh in
each process, 60 to 80 ms of every build, for templates that change only when the theme does.
Jinja can keep what it compiled (a "bytecode cache"); Sphinx does not set one, so this extension
gives the builder's template environment one, in the builder's doctree folder
(``build/.doctrees/<builder>/templates/<versions>``): written by the build, like the doctrees,
and gone with them. Jinja checks each template's source against what it compiled and compiles
again whatever changed; a Jinja or Python of another version ignores the files.

A build without that folder (the first, or one after ``build/`` was removed) would compile them
all on its way, when it writes its first page. So while Sphinx reads the pages, a
process forked for it (:func:`compile_ahead`, on a spare core) compiles the templates the build
will render into the folder, and the first page finds them there. Which ones: those Sphinx
renders itself (pages, the general index, the search page), the theme's sidebars, the book's
cover, and every template they name (``extends``, ``include``, ``import``), followed to the end.
A template the child has not reached yet is compiled by the build as before; the child stops
when the build has written its pages.

The child is a fork of the build at that moment, with its very template environment: what it
compiles is what the build would. (Compiled code looks its filters and tests up when the
template is loaded, so one an extension adds later is found then.)
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2
import sphinx
from jinja2 import Environment, FileSystemBytecodeCache, TemplateError, meta
from sphinx.application import Sphinx
from sphinx.jinja2glue import BuiltinTemplateLoader

from ..check_ahead import fork_with_the_build
from ..work_ahead import spare_cores

FOLDER = "templates"
RENDERED_BY_SPHINX = ("page.html", "genindex.html", "search.html", "domainindex.html")
"""The templates Sphinx's HTML and EPUB builders render pages from (besides the sidebars and covers)."""


def versions() -> str:
    """The versions that shape compiled templates beside the sources: Jinja's and Sphinx's.

    Jinja's cache files record only Python's version and the source's digest; compiled code from
    an older Jinja or Sphinx (their globals, filters, optimisations) is not reused after an upgrade.
    """
    return f"jinja-{jinja2.__version__}-sphinx-{sphinx.__version__}"


def template_folder(app: Sphinx) -> Path:
    """Where the builder's compiled templates are kept."""
    return Path(app.doctreedir) / FOLDER / versions()


def keep_compiled_templates(app: Sphinx) -> None:
    """Give the builder's Jinja environment a bytecode cache in its doctree folder."""
    templates = getattr(app.builder, "templates", None)
    if isinstance(templates, BuiltinTemplateLoader):
        folder = template_folder(app)
        folder.mkdir(parents=True, exist_ok=True)
        for unfinished in folder.glob("*.tmp"):  # a child stopped while it wrote (Jinja renames a file whole)
            unfinished.unlink(missing_ok=True)
        templates.environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def rendered_templates(app: Sphinx) -> list[str]:
    """The templates the builder renders pages from: Sphinx's own, the theme's sidebars, the book's cover."""
    names = list(RENDERED_BY_SPHINX)
    names += getattr(getattr(app.builder, "theme", None), "sidebar_templates", ())
    for sidebars in (app.config.html_sidebars or {}).values():
        names += [sidebars] if isinstance(sidebars, str) else sidebars
    cover: tuple[str, ...] = tuple(getattr(app.config, "epub_cover", ()))  # (image, template), an EPUB's
    names += [cover[1]] if len(cover) > 1 and cover[1] else []
    return names


def compile_all(environment: Environment, names: Iterable[str]) -> list[str]:
    """Compile (through the environment's cache) ``names`` and every template they name; return those compiled.

    A template that cannot be found or compiled is passed over: the build meets it, and says why.
    """
    queue, seen, compiled = deque(names), set[str](), []
    while queue:
        name = queue.popleft()
        if name in seen:
            continue
        seen.add(name)
        try:
            environment.get_template(name)
            source = environment.loader.get_source(environment, name)[0] if environment.loader else ""
            named = meta.find_referenced_templates(environment.parse(source))
        except (TemplateError, OSError):
            continue
        compiled.append(name)
        queue.extend(found for found in named if found is not None)
    return compiled


_COMPILING: list[int] = []
"""The child compiling ahead, while it may run."""


def compile_ahead(app: Sphinx) -> None:
    """Fork a child that compiles the build's templates into the cache, if the cache holds none yet.

    Only with a core to spare: not beside Sphinx's own parallel readers, which take every core
    (a large archive, where the templates are a small part of the build anyway). And only before
    any thread runs in this process: a fork copies the caller's thread alone, and a lock another
    held would stay held in the child. Run just before the Cite panel's workers start (at
    ``builder-inited``, priority 600).
    """
    templates = getattr(app.builder, "templates", None)
    if not isinstance(templates, BuiltinTemplateLoader) or templates.environment.bytecode_cache is None:
        return
    if any(template_folder(app).glob("*.cache")) or app.parallel > 1 or spare_cores() < 1:
        return
    if threading.active_count() > 1:
        return
    names = rendered_templates(app)
    pid = fork_with_the_build()
    if pid == 0:
        try:
            compile_all(templates.environment, names)
        finally:
            os._exit(0)
    if pid is not None:
        _COMPILING.append(pid)


def stop_compiling(app: Sphinx, exception: BaseException | None) -> None:
    """Stop the child if it still compiles (the pages are written: nothing is left to gain), and reap it."""
    while _COMPILING:
        pid = _COMPILING.pop()
        with contextlib.suppress(ProcessLookupError):  # it has ended: waitpid collects it
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", keep_compiled_templates)
    # After every extension's builder-inited at the default priority (their filters are in the
    # environment by then), before the Cite panel starts its pool of workers (600).
    app.connect("builder-inited", compile_ahead, priority=550)
    app.connect("build-finished", stop_compiling)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
