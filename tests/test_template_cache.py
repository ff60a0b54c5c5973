"""Compiled page templates, kept between builds and compiled ahead (``dialogue_edition.sphinxext.template_cache``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from dialogue_edition.sphinxext import template_cache
from dialogue_edition.sphinxext.template_cache import FOLDER, versions
from jinja2 import Environment, FileSystemBytecodeCache
from jinja2.bccache import Bucket
from sphinx.testing.util import SphinxTestApp


def wait_for_the_child() -> None:
    """Let the child that compiles ahead finish, and reap it, so that what it wrote is all there."""
    while template_cache._COMPILING:
        os.waitpid(template_cache._COMPILING.pop(), 0)


def compiled_by_the_build(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The templates, read from files, that this process compiles from now on (by name)."""
    compiled: list[str] = []
    compile_source = Environment.compile

    def counted(environment: Environment, source: str, name: str | None = None, *rest: object) -> object:
        if name is not None:
            compiled.append(name)
        return compile_source(environment, source, name, *rest)  # type: ignore[call-overload]

    monkeypatch.setattr(Environment, "compile", counted)
    return compiled


@pytest.mark.sphinx("html", testroot="template-cache")
def test_a_second_build_compiles_no_template_and_writes_the_same_page(
    app: SphinxTestApp, make_app: type[SphinxTestApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    wait_for_the_child()
    for compiled_ahead in (Path(app.doctreedir) / FOLDER / versions()).iterdir():
        compiled_ahead.unlink()  # this test counts what the build itself compiles
    compiled: list[str] = []
    dump = FileSystemBytecodeCache.dump_bytecode

    def counted(cache: FileSystemBytecodeCache, bucket: Bucket) -> None:
        compiled.append(bucket.key)
        dump(cache, bucket)

    monkeypatch.setattr(FileSystemBytecodeCache, "dump_bytecode", counted)
    app.build()
    page = (Path(app.outdir) / "index.html").read_text(encoding="utf-8")
    assert compiled, "the first build compiles the templates and keeps them"
    assert sorted(path.name for path in (Path(app.doctreedir) / FOLDER / versions()).iterdir()) == sorted(
        f"__jinja2_{key}.cache" for key in set(compiled)
    )
    compiled.clear()
    again = make_app("html", srcdir=app.srcdir, builddir=Path(app.outdir).parent)
    assert template_cache._COMPILING == [], "nothing is compiled ahead where the templates are kept"
    again.build(force_all=True)
    assert compiled == []
    assert (Path(again.outdir) / "index.html").read_text(encoding="utf-8") == page


@pytest.fixture
def cold_app(
    make_app: type[SphinxTestApp],
    app_params: tuple[list[object], dict[str, object]],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> SphinxTestApp:
    """The test root's app in a build folder of its own (no compiled template), once its child has compiled ahead."""
    monkeypatch.setattr(template_cache, "spare_cores", lambda: 1)  # whatever this machine has,
    monkeypatch.setattr(template_cache.threading, "active_count", lambda: 1)  # whatever ran before
    args, kwargs = app_params
    app = make_app(*args, **{**kwargs, "builddir": tmp_path})  # forks the child as it starts (builder-inited)
    assert template_cache._COMPILING, "a child compiles ahead"
    wait_for_the_child()
    return app


@pytest.mark.sphinx("html", testroot="template-cache")
def test_a_cold_build_finds_every_template_it_renders_compiled_ahead(
    cold_app: SphinxTestApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = compiled_by_the_build(monkeypatch)
    cold_app.build()
    assert compiled == []
    assert "sidebar/navigation.html" in template_cache.rendered_templates(cold_app)  # Furo's, from the theme


@pytest.mark.sphinx("epub", testroot="template-cache", confoverrides={"epub_cover": ("", "epub-cover.html")})
def test_a_cold_book_finds_its_templates_compiled_ahead(
    cold_app: SphinxTestApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled = compiled_by_the_build(monkeypatch)
    cold_app.build()
    assert compiled == []
