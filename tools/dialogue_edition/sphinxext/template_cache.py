"""The page templates' compiled code kept between builds, and compiled ahead in a cold one.

Sphinx compiles every Jinja template its theme uses (Furo's and ours: 22 for a page) afresh in
each process, 60 to 80 ms of every build, for templates that change only when the theme does.
Jinja can keep what it compiled (a "bytecode cache"); Sphinx does not set one, so this extension
gives the builder's template environment one, in the builder's doctree folder
(``build/.doctrees/<builder>/templates/<versions>/<state>``): written by the build, like the
doctrees, and gone with them. Jinja checks each template's source against what it compiled and
compiles again whatever changed; a Jinja or Python of another version ignores the files.

The code a template compiles to depends on its environment too: on how each filter and test is
to be called (with the context or not), on the extensions, policies and syntax. Extensions may
change those, so each state of the environment has a folder of its own
(:func:`environment_fingerprint`), and code compiled under another state is never taken. The
state is read when the builder starts, and again before the first page is rendered: if an
extension changed it in between, the build takes the folder of the new state.

A build without compiled templates (the first, or one after ``build/`` was removed) would
compile them all on its way, when it writes its first page. So while Sphinx reads the pages, a
process forked for it (:meth:`KeptTemplates.compile_ahead`, when a core is free of Sphinx's own
processes) compiles the templates the build will render into the folder, and the first page
finds them there. Which ones: those Sphinx renders itself (pages, the general index, the search
page), the theme's sidebars, the book's cover, and every template they name (``extends``,
``include``, ``import``), followed to the end. The child is a fork of the build, with its very
template environment: what it compiles is what the build would. A template it has not reached
yet is compiled by the build as before; the child is stopped when the build finishes.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import inspect
import os
import signal
import sys
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

from ..check_ahead import close_inherited_descriptors, fork_with_the_build
from ..code_version import code_digest
from ..work_ahead import spare_cores

FOLDER = "templates"
RENDERED_BY_SPHINX = ("page.html", "genindex.html", "search.html", "domainindex.html")
"""The templates Sphinx's HTML and EPUB builders render pages from (besides the sidebars and covers)."""
SYNTAX = (
    "block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
    "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
    "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "optimized", "is_async",
)  # fmt: skip
"""The environment's settings that shape the code a template compiles to (besides its extensions,
policies, autoescaping, finalising, filters and tests)."""


def versions() -> str:
    """The versions that shape compiled templates beside the sources: Jinja's and Sphinx's.

    Jinja's cache files record only Python's version and the source's digest; compiled code from
    an older Jinja or Sphinx (their globals, filters, optimisations) is not reused after an upgrade.
    """
    return f"jinja-{jinja2.__version__}-sphinx-{sphinx.__version__}"


def _stable(value: object) -> str:
    """A value as text, the same in every process: a function by its name and what it closes over, not its address."""
    if isinstance(value, functools.partial):
        return f"partial({_stable(value.func)}, {_stable(value.args)}, {_stable(sorted(value.keywords.items()))})"
    if isinstance(value, (tuple, list)):
        return f"[{', '.join(_stable(item) for item in value)}]"
    if callable(value):
        name = f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__qualname__)}"
        cells = getattr(value, "__closure__", None) or ()
        return name + "".join(f" <{_stable(cell.cell_contents)}>" for cell in cells)
    return repr(value)


def _package_version(value: object) -> str:
    """The version of the package a function comes from (its behaviour may be folded into compiled code)."""
    package = sys.modules.get(str(getattr(value, "__module__", "")).split(".")[0])
    # Read as set, not through a module's __getattr__ (MarkupSafe's warns that it is deprecated).
    return str(vars(package).get("__version__", "")) if package else ""


def _callables(kind: str, named: dict[str, Any]) -> list[str]:
    # Jinja compiles into a call what each filter or test is passed (context, environment) and
    # whether it is awaited, and folds its result for constant arguments into the code.
    return [
        f"{kind} {name} {_stable(value)} {_package_version(value)} {getattr(value, 'jinja_pass_arg', None)}"
        f" {inspect.iscoroutinefunction(value)}"
        for name, value in sorted(named.items())
    ]


def environment_fingerprint(environment: Environment) -> str:
    """A digest of what, in ``environment``, shapes the code its templates compile to.

    Code compiled under another state (a filter an extension added later that takes the context,
    other policies or extensions) is never taken: each state has a folder of its own. This
    package's own code counts whole (a filter of its own could change behind the same name).
    """
    state = [
        f"{type(environment).__module__}.{type(environment).__qualname__}",
        _stable(environment.code_generator_class),
        code_digest(),
        *(f"{name} {_stable(getattr(environment, name))}" for name in SYNTAX),
        *sorted(environment.extensions),
        *(f"policy {key} {_stable(value)}" for key, value in sorted(environment.policies.items())),
        f"autoescape {_stable(environment.autoescape)}",
        f"finalize {_stable(environment.finalize)} {getattr(environment.finalize, 'jinja_pass_arg', None)}",
        f"newstyle_gettext {getattr(environment, 'newstyle_gettext', None)}",
        f"sandboxed {getattr(environment, 'sandboxed', False)}",
        f"intercepted {sorted(getattr(environment, 'intercepted_binops', ()))} "
        f"{sorted(getattr(environment, 'intercepted_unops', ()))}",
        *_callables("filter", environment.filters),
        *_callables("test", environment.tests),
    ]
    return hashlib.sha256("\0".join(state).encode()).hexdigest()[:16]


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
    queue, seen, compiled = deque(names), set[str](), list[str]()
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


class KeptTemplates:
    """The builder's bytecode cache, in a folder for its environment's state; the child compiling ahead."""

    def __init__(self) -> None:
        self.fingerprint: str | None = None
        """The state the cache was set for; ``None`` once the first page has checked it."""
        self.compiling: list[int] = []
        """The child compiling ahead, while it may run."""

    def keep(self, app: Sphinx) -> None:
        """Give the builder's Jinja environment a bytecode cache in its doctree folder (``builder-inited``)."""
        self.stop(app, None)  # a child a failed build of this process left
        templates = getattr(app.builder, "templates", None)
        self.fingerprint = None
        if isinstance(templates, BuiltinTemplateLoader):
            self._follow_state(app, templates.environment)

    def compile_ahead(self, app: Sphinx) -> None:
        """Fork a child that compiles the build's templates into the cache, if the cache holds none yet.

        Only with a core to spare: not beside Sphinx's own parallel readers, which take every
        core (a large archive, where the templates are a small part of the build anyway). And
        only before any thread runs in this process: a fork copies the caller's thread alone,
        and a lock another held would stay held in the child. Run just before the Cite panel's
        workers start (at ``builder-inited``, priority 600).
        """
        templates = getattr(app.builder, "templates", None)
        if not isinstance(templates, BuiltinTemplateLoader) or self.fingerprint is None:
            return
        self._follow_state(app, templates.environment)  # changed since keep()?
        folder = template_folder(app, self.fingerprint)
        if any(folder.glob("*.cache")) or app.parallel > 1 or spare_cores() < 1 or threading.active_count() > 1:
            return
        names = rendered_templates(app)
        pid = fork_with_the_build()
        if pid == 0:
            try:
                close_inherited_descriptors()
                compile_all(templates.environment, names)
            finally:
                os._exit(0)
        if pid is not None:
            self.compiling.append(pid)

    def check_state(self, app: Sphinx, pagename: str, templatename: str, context: object, doctree: object) -> None:
        """At the first page, before it is rendered: if the environment changed since, a folder for its state.

        What the child compiled for the earlier state is then of no use: it is stopped.
        """
        templates = getattr(app.builder, "templates", None)
        if self.fingerprint is None or not isinstance(templates, BuiltinTemplateLoader):
            return
        if self._follow_state(app, templates.environment):
            self.stop(app, None)
            if templates.environment.cache is not None:
                templates.environment.cache.clear()
        self.fingerprint = None

    def stop(self, app: Sphinx, exception: BaseException | None) -> None:
        """Stop the child if it still compiles (the pages are written: nothing is left to gain), and reap it."""
        while self.compiling:
            pid = self.compiling.pop()
            with contextlib.suppress(ProcessLookupError):  # it has ended: waitpid collects it
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):  # collected already (SIGCHLD ignored)
                os.waitpid(pid, 0)

    def _follow_state(self, app: Sphinx, environment: Environment) -> bool:
        """Keep the cache in the folder of the environment's state as it is now; whether that state is a new one."""
        fingerprint = environment_fingerprint(environment)
        if fingerprint == self.fingerprint:
            return False
        folder = template_folder(app, fingerprint)
        folder.mkdir(parents=True, exist_ok=True)
        for unfinished in folder.glob("*.tmp"):  # a child stopped while it wrote (Jinja renames a file whole)
            unfinished.unlink(missing_ok=True)
        environment.bytecode_cache = FileSystemBytecodeCache(str(folder))
        self.fingerprint = fingerprint
        return True


def template_folder(app: Sphinx, fingerprint: str) -> Path:
    """Where the builder's templates compiled in an environment of this state are kept."""
    return Path(app.doctreedir) / FOLDER / versions() / fingerprint


KEPT = KeptTemplates()
"""This process's cache and child (a module's: Sphinx's parallel writers fork with it)."""


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", KEPT.keep)
    # After every extension's builder-inited at the default priority (their filters are in the
    # environment by then), before the Cite panel starts its pool of workers (600).
    app.connect("builder-inited", KEPT.compile_ahead, priority=550)
    # Last, so that whatever the other handlers do to the environment is seen.
    app.connect("html-page-context", KEPT.check_state, priority=1000)
    app.connect("build-finished", KEPT.stop)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
