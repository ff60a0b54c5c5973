"""What Sphinx loads as an edition's build starts (``dialogue_edition.sphinx_start``).

Each test that imports runs in a fresh interpreter: whether a module was loaded can only be told
in a process that had not loaded it before.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import sphinx.application
from dialogue_edition.sphinx_start import UNUSED_BUILTINS, lean_start
from dialogue_edition.sphinxext import data_check
from dialogue_edition.sphinxext.data_check import waiting_for

PYCON_PAGE = """\
Console
=======

.. code-block:: pycon

   >>> print("kept")  # doctest: +SKIP
   kept
"""


def run_fresh(script: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``script`` in a new interpreter with this one's path (the package and its dependencies)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": ":".join(sys.path), "PATH": "/usr/bin:/bin"},
        check=False,
    )


def test_the_link_checker_is_left_out_while_sphinx_runs_and_back_after() -> None:
    # As edition-build nests them (build.run_sphinx): the data check's extension added, the link checker left out.
    before = sphinx.application.builtin_extensions
    with waiting_for(lambda: None), lean_start():
        during = sphinx.application.builtin_extensions
        assert not set(UNUSED_BUILTINS) & set(during)
        assert len(during) == len(before) - len(UNUSED_BUILTINS) + 1
        assert during[-1] == data_check.__name__
    assert sphinx.application.builtin_extensions == before


def test_a_build_loads_neither_http_client_nor_doctest_until_a_page_needs_them(tmp_path: Path) -> None:
    # A tiny project, built as an edition's build starts Sphinx: with nothing that needs them,
    # requests and doctest are never loaded; a Python console block then loads doctest, whose
    # flags Sphinx trims from it, as it would have without the lazy import.
    source = tmp_path / "source"
    source.mkdir()
    (source / "conf.py").write_text("", encoding="utf-8")
    (source / "index.rst").write_text("Plain\n=====\n\nA paragraph.\n", encoding="utf-8")
    result = run_fresh(
        f"""
        import sys
        from dialogue_edition.sphinx_start import lean_start
        from sphinx.cmd.build import build_main

        def build(out):
            with lean_start():
                assert build_main(["-q", "-b", "html", {str(source)!r}, out]) == 0

        build({str(tmp_path / "plain")!r})
        loaded = sorted({{"requests", "urllib3", "doctest", "pdb", "sphinx.builders.linkcheck"}} & set(sys.modules))
        print("loaded by a plain page:", loaded)
        assert not loaded, loaded
        with open({str(source / "index.rst")!r}, "w") as page:
            page.write({PYCON_PAGE!r})
        build({str(tmp_path / "console")!r})
        assert "doctest" in sys.modules and "requests" not in sys.modules
        from sphinx.util import requests
        assert callable(requests.get) and "requests" in sys.modules  # loaded when first used
        """,
        tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    page = (tmp_path / "console" / "index.html").read_text(encoding="utf-8")
    assert "kept" in page
    assert "doctest:" not in page
    assert "SKIP" not in page
