"""Each page's Docutils settings made once per build and copied, as Sphinx's own ``new_document`` does.

Sphinx reads a page with settings made anew for it (``sphinx.util.docutils._get_settings``): a
Docutils ``OptionParser`` built from every option of the reader and the parser, and the
Docutils configuration files read again. myst-parser makes a whole document's default settings
for every page as well, only to drop them (``DocutilsRenderer.setup_render`` evaluates
``options.get("document", make_document())``, and the page's document is always given). The
settings are the same for every page of a build: at 50 reports the two took 4.6 % of a serial
cold build (0.7 s of 306 pages under a sampling profiler).

So, while a build runs (:func:`settings_made_once`), each set of settings is made once and each
page gets a shallow copy of it, which is what Sphinx's ``new_document`` gives every document
it makes (``copy(cached_settings)``). One attribute is made afresh for each copy: the list of
files a page depends on (``record_dependencies``), which Docutils' directives add to and
Sphinx's dependency collector reads per page. Everything else a copy shares with the others it
already shared in Sphinx's own settings: the values come from the same ``defaults`` mapping
(the environment's settings), and the options' defaults are the same objects in every parser.
"""

from __future__ import annotations

import contextlib
import copy
import sys
from collections.abc import Iterator, Mapping, Sequence
from types import ModuleType
from typing import Any

from docutils import Component, nodes, utils
from docutils.frontend import Values

SettingsKey = tuple[object, ...]


def _key(components: tuple[object, ...], defaults: Mapping[str, Any], read_config_files: bool) -> SettingsKey:
    """What a set of settings depends on: its components' classes, its defaults, whether files are read.

    A component is an instance (a page's parser) or a class; what it contributes to the
    settings is its class's. A default value counts with its type (``True`` is not ``1``); one
    that cannot be hashed (the environment, a list, a tuple holding a list) counts by identity:
    the cache lives for one build, in which the same objects are given, and keeps every value
    it was keyed by, so that no other object takes that identity meanwhile.
    """
    kinds = tuple(component if isinstance(component, type) else type(component) for component in components)
    values = tuple((name, _token(value)) for name, value in sorted(defaults.items()))
    return (kinds, values, read_config_files)


def _token(value: object) -> object:
    """A default value as part of a key: its type and itself, or its identity if it cannot be hashed."""
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return (type(value), value)


def fresh_copy(settings: Values) -> Values:
    """A shallow copy of ``settings`` with a dependency list of its own."""
    copied = copy.copy(settings)
    copied.record_dependencies = utils.DependencyList()
    return copied


@contextlib.contextmanager
def settings_made_once() -> Iterator[None]:
    """While in this context, Sphinx's and myst-parser's settings for a page are copies of ones made once.

    The originals are restored after; the settings made are dropped with the context, so that
    another build (in the same process, as in the tests) makes its own.
    """
    import myst_parser.mdit_to_docutils.base as myst_base
    import sphinx.util.docutils as sphinx_docutils
    from docutils.frontend import get_default_settings
    from docutils.parsers.rst import Parser as RSTParser

    made: dict[SettingsKey, Values] = {}
    keyed_by: list[tuple[object, ...]] = []  # the values of each key, alive as long as the cache (see _key)
    sphinx_get_settings = sphinx_docutils._get_settings
    myst_make_document = myst_base.make_document

    def get_settings(
        *components: Component | type[Component],
        defaults: Mapping[str, Any],
        read_config_files: bool = False,
    ) -> Values:
        key = _key(components, defaults, read_config_files)
        if key not in made:
            made[key] = sphinx_get_settings(*components, defaults=defaults, read_config_files=read_config_files)
            keyed_by.append(tuple(defaults.values()))
        return fresh_copy(made[key])

    def make_document(source_path: str = "notset", parser_cls: type[Component] = RSTParser) -> nodes.document:
        key = _key((parser_cls,), {}, False)
        if key not in made:
            # Docutils' annotation asks for instances; its code takes classes as well, as myst-parser gives.
            made[key] = get_default_settings(parser_cls)  # type: ignore[arg-type]
        return utils.new_document(source_path, settings=fresh_copy(made[key]))

    loaded = set(sys.modules)
    sphinx_docutils._get_settings = get_settings
    myst_base.make_document = make_document
    try:
        yield
    finally:
        # Where a replacement can be bound: its own module, and the modules loaded meanwhile.
        modules = [sphinx_docutils, myst_base, *(module for name, module in sys.modules.items() if name not in loaded)]
        replaced = {
            "_get_settings": (get_settings, sphinx_get_settings),
            "make_document": (make_document, myst_make_document),
        }
        restore(modules, replaced)


def restore(modules: Sequence[object], replaced: Mapping[str, tuple[object, object]]) -> None:
    """Put each original back wherever one of ``modules`` binds its replacement under its name.

    ``replaced``: each name, with its replacement and its original. Sphinx's builders take
    ``_get_settings`` by name (``from sphinx.util.docutils import _get_settings``), and are first
    imported while a build runs: a replacement left there would keep its build's settings, and
    the environment they hold, for as long as the process lives. A module still to be loaded
    (``importlib.util.LazyLoader``, see ``sphinx_start``) has bound nothing, and stays unloaded.
    """
    for module in modules:
        if type(module) is not ModuleType:  # a lazy module not loaded yet, or not a module at all
            continue
        names = vars(module)
        for name, (replacement, original) in replaced.items():
            if names.get(name) is replacement:
                setattr(module, name, original)
