"""Compiled page templates, kept between builds and compiled ahead (``dialogue_edition.sphinxext.template_cache``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dialogue_edition.sphinxext import template_cache
from dialogue_edition.sphinxext.template_cache import FOLDER, environment_fingerprint
from jinja2 import Environment, FileSystemBytecodeCache, pass_context
from jinja2.bccache import Bucket
from jinja2.runtime import Context
from sphinx.testing.util import SphinxTestApp


def wait_for_the_child() -> None:
    """Let the child that compiles ahead finish, and reap it, so that what it wrote is all there."""
    deadline = time.monotonic() + 60
    while template_cache.KEPT.compiling:
        pid = template_cache.KEPT.compiling[-1]
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            template_cache.KEPT.compiling.pop()
        elif time.monotonic() > deadline:
            template_cache.KEPT.stop(None, None)  # type: ignore[arg-type]
            pytest.fail("the child compiling ahead did not finish within a minute")
        else:
            time.sleep(0.01)


def compiled_files(app: SphinxTestApp) -> list[str]:
    """The compiled templates kept in the app's doctree folder."""
    return sorted(path.name for path in (Path(app.doctreedir) / FOLDER).rglob("*.cache"))


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
    for compiled_ahead in (Path(app.doctreedir) / FOLDER).rglob("*.cache"):
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
    assert compiled_files(app) == sorted(f"__jinja2_{key}.cache" for key in set(compiled))
    compiled.clear()
    again = make_app("html", srcdir=app.srcdir, builddir=Path(app.outdir).parent)
    assert template_cache.KEPT.compiling == [], "nothing is compiled ahead where the templates are kept"
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
    assert template_cache.KEPT.compiling, "a child compiles ahead"
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


LATE_FILTER = pytest.mark.sphinx("html", testroot="template-cache-late-filter")
LOADED_EARLY = pytest.mark.sphinx(
    "html", testroot="template-cache-late-filter", confoverrides={"template_loaded_early": True}
)


@pytest.mark.parametrize(
    "loaded_early",
    [
        pytest.param(False, marks=LATE_FILTER),  # compiled by the child only
        pytest.param(True, marks=LOADED_EARLY),  # and loaded into memory before the filter was there
    ],
)
def test_a_filter_added_after_compiling_ahead_gets_templates_compiled_with_it(
    loaded_early: bool, cold_app: SphinxTestApp
) -> None:
    # The page template was compiled before the filter was there: a call without the context,
    # which the filter needs. The build compiles it again, in the folder of its state.
    assert cold_app.config.template_loaded_early is loaded_early
    cold_app.build()
    assert '<p class="late">Shown on index</p>' in (Path(cold_app.outdir) / "index.html").read_text(encoding="utf-8")
    assert len({path.parent for path in (Path(cold_app.doctreedir) / FOLDER).rglob("*.cache")}) == 2


def test_the_state_of_an_environment_is_what_shapes_its_compiled_code() -> None:
    def shout(value: str) -> str:
        return value.upper()

    @pass_context
    def shout_on_page(context: Context, value: str) -> str:
        return f"{value.upper()} on {context['pagename']}"

    def environment(**filters: object) -> Environment:
        made = Environment()
        made.filters.update(filters)
        return made

    fingerprint = environment_fingerprint
    assert fingerprint(environment(shout=shout)) == fingerprint(environment(shout=shout))
    assert fingerprint(environment(shout=shout)) != fingerprint(environment())
    assert fingerprint(environment(shout=shout)) != fingerprint(
        environment(shout=shout_on_page)
    )  # called with the context
    changed = environment(shout=shout)
    changed.policies["ext.i18n.trimmed"] = True
    assert fingerprint(changed) != fingerprint(environment(shout=shout))


def test_the_state_reads_the_same_in_every_process(rootdir: Path, tmp_path: Path) -> None:
    # Two builds, each a process of its own, keep their templates in one folder: nothing in the
    # state's text is particular to a process (an address, say), or no build would find any.
    environment = {**os.environ, "PYTHONPATH": str(Path(template_cache.__file__).parents[2])}
    for _ in range(2):
        command = [sys.executable, "-m", "sphinx", "-q", "-b", "html", "-d", str(tmp_path / "doctrees")]
        command += [str(rootdir / "test-template-cache"), str(tmp_path / "html")]
        subprocess.run(command, check=True, env=environment, capture_output=True)
    assert len(list((tmp_path / "doctrees" / FOLDER).glob("*/*"))) == 1
