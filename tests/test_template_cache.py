"""The page templates' compiled code, kept between builds (``dialogue_edition.sphinxext.template_cache``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from dialogue_edition.sphinxext.template_cache import FOLDER, versions
from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket
from sphinx.testing.util import SphinxTestApp


@pytest.mark.sphinx("html", testroot="template-cache")
def test_a_second_build_compiles_no_template_and_writes_the_same_page(
    app: SphinxTestApp, make_app: type[SphinxTestApp], monkeypatch: pytest.MonkeyPatch
) -> None:
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
    again.build(force_all=True)
    assert compiled == []
    assert (Path(again.outdir) / "index.html").read_text(encoding="utf-8") == page
