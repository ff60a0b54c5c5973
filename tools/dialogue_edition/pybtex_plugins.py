"""pybtex's and sphinxcontrib-bibtex's plugins, registered once per process without asking again.

pybtex and sphinxcontrib-bibtex find a plugin (a .bib parser, an output backend, a style) by
name in the installed packages' entry points, unless it was registered at run time. Each lookup,
and each ``register_plugin`` call (it looks the name up even when told to overwrite), reads the
metadata of every installed package: about 5 ms, asked 30 times in a one-report build. So the
plugins a build uses are found in one pass over the entry points and put into the two runtime
stores directly: pybtex then answers every later lookup from its store, with the same classes.
The edition's own pybtex styles (``treaty_style``) go into the same store, overriding any entry
point an earlier install may have left behind, so a plain checkout finds them by name.

:func:`register_plugins` runs before a build's first lookup: in the configuration
(``docs/conf.py``, before sphinxcontrib-bibtex is imported: its import looks pybtex's docutils
backend up), and when the bibliography extension loads. Reading the agreements needs only the
parser (:func:`register_parser`): the data check, which reads them beside the build, then loads
nothing it does not use.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoints, entry_points
from typing import Any, Protocol

import pybtex.plugin

from .treaty_style import AgreementStyle, DateSortingStyle, YearLabelStyle

OWN_PLUGINS: dict[tuple[str, str], type[Any]] = {
    ("pybtex.style.formatting", "agreement"): AgreementStyle,
    ("pybtex.style.labels", "year"): YearLabelStyle,
    ("pybtex.style.sorting", "date"): DateSortingStyle,
}
"""The edition's pybtex styles by group and name (``bibtex_default_style = "agreement"``)."""

PARSER = ("pybtex.database.input", "bibtex")
"""The .bib parser: all that reading the agreements needs (the data check reads them, and formats none)."""
USED_PLUGINS = (
    PARSER,
    ("pybtex.database.output", "bibtex"),
    ("pybtex.backends", "docutils"),
    ("pybtex.backends", "plaintext"),
    ("pybtex.style.names", "plain"),
    ("pybtex.style.names", "last"),
)
"""The installed pybtex plugins a build looks up by name (the .bib parser and writer, the output
backends, the name styles)."""

REFERENCING_GROUP = "sphinxcontrib.bibtex.style.referencing"
USED_REFERENCING_STYLES = ("label", "foot")
"""sphinxcontrib-bibtex's referencing styles a build looks up (``bibtex_reference_style`` and
``bibtex_foot_reference_style``)."""


class _EntryPointTable(Protocol):
    """What ``entry_points()`` gives: on Python 3.11 a deprecated mapping, from 3.12 a list; both select."""

    def select(self, *, group: str, name: str) -> EntryPoints: ...


@cache
def _installed() -> _EntryPointTable:
    return entry_points()


def _installed_plugin(group: str, name: str) -> tuple[str, type[Any]] | None:
    """The group (itself or its aliases) and class of an installed plugin, if one is installed."""
    for search_group in (group, f"{group}.aliases"):
        found = _installed().select(group=search_group, name=name)
        if found:
            return search_group, next(iter(found)).load()
    return None


def _store(group: str, name: str, plugin: type[Any]) -> None:
    # What pybtex's register_plugin(..., force=True) does, without its entry-point lookup.
    pybtex.plugin._RUNTIME_PLUGINS.setdefault(group, {})[name] = plugin


def _register_installed(group: str, name: str) -> None:
    installed = _installed_plugin(group, name)
    if installed:
        _store(installed[0], name, installed[1])


@cache
def register_parser() -> None:
    """Put the installed .bib parser into pybtex's store, and nothing else.

    Reading a .bib file needs only the parser. The other plugins cost more to find than to use:
    the ``last`` name style is sphinxcontrib-bibtex's, and loading it imports Sphinx (0.1 s),
    which a process that only checks the data (``check_ahead``) never needs.
    """
    _register_installed(*PARSER)


@cache
def register_plugins() -> None:
    """Put the edition's styles and the installed pybtex plugins a build uses into pybtex's store."""
    for (group, name), plugin in OWN_PLUGINS.items():
        _store(group, name, plugin)
    for group, name in USED_PLUGINS:
        _register_installed(group, name)


@cache
def register_referencing_styles() -> None:
    """Put the referencing styles a build uses into sphinxcontrib-bibtex's store (pybtex's first).

    Importing sphinxcontrib-bibtex looks pybtex's docutils backend up, so pybtex's store is
    filled before it is imported.
    """
    register_plugins()
    from sphinxcontrib.bibtex import plugin as bibtex_plugin

    for name in USED_REFERENCING_STYLES:
        installed = _installed_plugin(REFERENCING_GROUP, name)
        if installed:
            # What sphinxcontrib-bibtex's register_plugin(..., force=True) does, without its lookup.
            bibtex_plugin._runtime_plugins[REFERENCING_GROUP][name] = installed[1]
