"""pybtex's and sphinxcontrib-bibtex's plugins, registered once per process without asking again.

pybtex and sphinxcontrib-bibtex find a plugin (a .bib parser, an output backend, a style) by
name in the installed packages' entry points, unless it was registered at run time. Each lookup,
and each ``register_plugin`` call (it looks the name up even when told to overwrite), reads the
metadata of every installed package: about 5 ms, asked 30 times in a one-report build; even one
pass over all entry points takes 10 ms. So the plugins a build uses are imported from where the
pinned packages' entry points name them (:data:`INSTALLED_PLUGINS`; a test holds the table to the
entry points) and put into the two runtime stores directly: pybtex then answers every later
lookup from its store, with the same classes. The edition's own pybtex styles (``treaty_style``)
go into the same store, overriding any entry point an earlier install may have left behind, so a
plain checkout finds them by name.

:func:`register_plugins` runs before a build's first lookup: in the configuration
(``docs/conf.py``, before sphinxcontrib-bibtex is imported: its import looks pybtex's docutils
backend up), and when the bibliography extension loads. Reading the agreements needs only the
parser (:func:`register_parser`): the data check, which reads them beside the build, then loads
nothing it does not use. Writing BibTeX needs the writer (:func:`register_writer`), which only
the web site's pages do: the books never import it.
"""

from __future__ import annotations

from functools import cache
from pkgutil import resolve_name
from typing import Any

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
WRITER = ("pybtex.database.output", "bibtex")
"""The BibTeX writer: the web site's "copy as BibTeX" (citation and agreements)."""
INSTALLED_PLUGINS: dict[tuple[str, str], str] = {
    PARSER: "pybtex.database.input.bibtex:Parser",
    WRITER: "pybtex.database.output.bibtex:Writer",
    ("pybtex.backends", "docutils"): "pybtex_docutils:Backend",
    ("pybtex.backends", "plaintext"): "pybtex.backends.plaintext:Backend",
    ("pybtex.style.names", "plain"): "pybtex.style.names.plain:NameStyle",
    ("pybtex.style.names", "last"): "sphinxcontrib.bibtex.style.names.last:LastNameStyle",
}
"""The installed pybtex plugins a build looks up by name (the .bib parser and writer, the output
backends, the name styles), each as its package's entry point names it: ``module:class``."""
USED_PLUGINS = tuple(key for key in INSTALLED_PLUGINS if key != WRITER)
"""What :func:`register_plugins` registers: the writer waits until BibTeX is written."""

REFERENCING_GROUP = "sphinxcontrib.bibtex.style.referencing"
REFERENCING_STYLES: dict[str, str] = {
    "label": "sphinxcontrib.bibtex.style.referencing.label:LabelReferenceStyle",
    "foot": "sphinxcontrib.bibtex.style.referencing.foot:FootReferenceStyle",
}
"""sphinxcontrib-bibtex's referencing styles a build looks up (``bibtex_reference_style`` and
``bibtex_foot_reference_style``), as its entry points name them."""


def _store(group: str, name: str, plugin: type[Any]) -> None:
    # What pybtex's register_plugin(..., force=True) does, without its entry-point lookup.
    pybtex.plugin._RUNTIME_PLUGINS.setdefault(group, {})[name] = plugin


def _register_installed(group: str, name: str) -> None:
    _store(group, name, resolve_name(INSTALLED_PLUGINS[group, name]))


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
def register_writer() -> None:
    """Put the installed BibTeX writer into pybtex's store (before the first ``to_string("bibtex")``)."""
    _register_installed(*WRITER)


@cache
def register_referencing_styles() -> None:
    """Put the referencing styles a build uses into sphinxcontrib-bibtex's store (pybtex's first).

    Importing sphinxcontrib-bibtex looks pybtex's docutils backend up, so pybtex's store is
    filled before it is imported.
    """
    register_plugins()
    from sphinxcontrib.bibtex import plugin as bibtex_plugin

    for name, target in REFERENCING_STYLES.items():
        # What sphinxcontrib-bibtex's register_plugin(..., force=True) does, without its lookup.
        bibtex_plugin._runtime_plugins[REFERENCING_GROUP][name] = resolve_name(target)
