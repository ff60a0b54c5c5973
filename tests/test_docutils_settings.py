"""Each page's Docutils settings made once per build and copied (``dialogue_edition.docutils_settings``)."""

from __future__ import annotations

import gc
import sys
import weakref
from pathlib import Path
from types import ModuleType

import myst_parser.mdit_to_docutils.base as myst_base
import pytest
import sphinx.util.docutils as sphinx_docutils
from dialogue_edition.docutils_settings import settings_made_once
from docutils.parsers.rst import Parser as RSTParser
from docutils.readers import standalone
from sphinx.testing.util import SphinxTestApp


def test_a_page_gets_a_copy_of_the_settings_made_once_with_a_dependency_list_of_its_own() -> None:
    defaults = {"traceback": True, "input_encoding": "utf-8-sig"}
    with settings_made_once():
        first = sphinx_docutils._get_settings(standalone.Reader, RSTParser(), defaults=defaults)
        second = sphinx_docutils._get_settings(standalone.Reader, RSTParser(), defaults=dict(defaults))
        other = sphinx_docutils._get_settings(standalone.Reader, RSTParser(), defaults={**defaults, "traceback": False})
        documents = [myst_base.make_document(), myst_base.make_document("page.md")]
    made_anew = sphinx_docutils._get_settings(standalone.Reader, RSTParser(), defaults=defaults)
    assert first is not second
    assert vars(first).keys() == vars(made_anew).keys()
    assert {name: value for name, value in vars(first).items() if name != "record_dependencies"} == {
        name: value for name, value in vars(made_anew).items() if name != "record_dependencies"
    }
    assert first.record_dependencies is not second.record_dependencies
    assert other.traceback is False  # other defaults: other settings
    assert documents[0].settings is not documents[1].settings
    assert documents[0].settings.record_dependencies is not documents[1].settings.record_dependencies
    assert documents[1]["source"] == "page.md"


def test_defaults_that_cannot_be_hashed_count_by_identity() -> None:
    # The environment and lists among Sphinx's defaults: the same objects within a build, but a
    # list of other values (made anew for a call) gives settings of its own.
    with settings_made_once():
        english = sphinx_docutils._get_settings(standalone.Reader, defaults={"smartquotes_locales": [("en", "“”‘’")]})
        german = sphinx_docutils._get_settings(standalone.Reader, defaults={"smartquotes_locales": [("de", "„“‚‘")]})
    assert english.smartquotes_locales == [("en", "“”‘’")]
    assert german.smartquotes_locales == [("de", "„“‚‘")]


def test_settings_are_made_once_per_build_for_the_same_components_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []
    option_parser = sphinx_docutils.OptionParser

    def counted(*arguments: object, **options: object) -> object:
        made.append(options.get("defaults"))
        return option_parser(*arguments, **options)

    monkeypatch.setattr(sphinx_docutils, "OptionParser", counted)
    defaults = {"traceback": True}
    with settings_made_once():
        for _page in range(3):
            sphinx_docutils._get_settings(standalone.Reader, RSTParser(), defaults=dict(defaults))
    assert len(made) == 1
    with settings_made_once():  # another build: made again
        sphinx_docutils._get_settings(standalone.Reader, RSTParser(), defaults=dict(defaults))
    assert len(made) == 2


def test_a_default_counts_with_its_type_and_one_that_cannot_be_hashed_by_identity() -> None:
    with settings_made_once():
        strict = sphinx_docutils._get_settings(standalone.Reader, defaults={"halt_level": True})
        numbered = sphinx_docutils._get_settings(standalone.Reader, defaults={"halt_level": 1})
        nested = sphinx_docutils._get_settings(standalone.Reader, defaults={"strip_classes": (["hidden"],)})
    assert strict.halt_level is True
    assert numbered.halt_level == 1
    assert numbered.halt_level is not True
    assert nested.strip_classes == (["hidden"],)  # a tuple holding a list: no TypeError, as without the cache


def test_a_module_that_took_the_function_by_name_during_the_build_gets_the_original_back() -> None:
    # Sphinx's builders import _get_settings by name, and are first imported while a build runs:
    # a replacement left there would keep the build's environment alive with its settings.
    original = sphinx_docutils._get_settings
    builder_module = ModuleType("a_builder_imported_during_the_build")

    class Environment:
        pass

    environment = Environment()
    left = weakref.ref(environment)
    with settings_made_once():
        sys.modules[builder_module.__name__] = builder_module
        builder_module._get_settings = sphinx_docutils._get_settings  # type: ignore[attr-defined]
        sphinx_docutils._get_settings(standalone.Reader, defaults={"env": environment})
    del sys.modules[builder_module.__name__]
    del environment
    gc.collect()
    assert builder_module._get_settings is original  # type: ignore[attr-defined]
    assert left() is None


def test_the_originals_are_restored_after_the_build_even_a_failed_one() -> None:
    originals = (sphinx_docutils._get_settings, myst_base.make_document)

    def failed_build() -> None:
        with settings_made_once():
            assert sphinx_docutils._get_settings is not originals[0]
            raise RuntimeError("the build failed")

    with pytest.raises(RuntimeError):
        failed_build()
    assert (sphinx_docutils._get_settings, myst_base.make_document) == originals


@pytest.mark.sphinx("html", testroot="docutils-settings", freshenv=True)
def test_only_the_page_that_includes_a_file_depends_on_it(app: SphinxTestApp) -> None:
    # Docutils adds a file a table is read from to the page's settings (record_dependencies), and Sphinx
    # reads a page's dependencies from there: shared settings would give every page read after
    # the including one its dependency.
    with settings_made_once():
        app.build()
    included = Path(app.srcdir, "rows.csv")
    depends = {docname: {Path(app.srcdir, path) for path in paths} for docname, paths in app.env.dependencies.items()}
    assert included in depends["including"]
    assert included not in depends.get("plain", set())
    assert "A row the including page takes" in Path(app.outdir, "including.html").read_text(encoding="utf-8")
