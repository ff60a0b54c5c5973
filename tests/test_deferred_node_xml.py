"""Debug messages write nodes out as XML only when written (``dialogue_edition.sphinxext.deferred_node_xml``)."""

from __future__ import annotations

import logging
import re
from io import StringIO
from pathlib import Path

import pytest
import sphinx.util.nodes
from docutils import nodes
from sphinx.testing.util import SphinxTestApp

PATCHED = re.compile(r"\[i18n\] PATCH: .*")


def written_as_xml(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> list[nodes.Node]:
    """The nodes written out as XML from now on (``repr_domxml`` makes a DOM of each).

    Sphinx's handlers write no debug message without ``-vv``; pytest's capture would format every
    one it sees, so it is kept to what Sphinx would write.
    """
    caplog.set_level(logging.INFO, logger="sphinx")
    written: list[nodes.Node] = []
    asdom = nodes.Node.asdom

    def counted(node: nodes.Node, *arguments: object) -> object:
        written.append(node)
        return asdom(node, *arguments)

    monkeypatch.setattr(nodes.Node, "asdom", counted)
    return written


@pytest.mark.sphinx("html", testroot="deferred-node-xml", freshenv=True)
def test_no_node_is_written_as_xml_for_a_debug_message_nobody_reads(
    app: SphinxTestApp, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    written = written_as_xml(monkeypatch, caplog)
    app.build()
    assert written == []


@pytest.mark.sphinx("html", testroot="deferred-node-xml", freshenv=True)
def test_without_the_extension_sphinx_writes_each_patched_node_as_xml(
    app: SphinxTestApp, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The extension replaces repr_domxml for the whole process: this test puts Sphinx's back.
    monkeypatch.setattr(sphinx.util.nodes, "repr_domxml", sphinx.util.nodes.repr_domxml.deferring)
    written = written_as_xml(monkeypatch, caplog)
    app.build()
    assert written, "the test page has nodes Sphinx patches and logs (else the first test proves nothing)"


def test_the_debug_log_says_what_it_said_before(make_app: type[SphinxTestApp], rootdir: Path, tmp_path: Path) -> None:
    logs = []
    for deferred in (True, False):
        with pytest.MonkeyPatch.context() as patch:
            if not deferred:
                patch.setattr(sphinx.util.nodes, "repr_domxml", sphinx.util.nodes.repr_domxml.deferring)
            status = StringIO()
            app = make_app(
                "html",
                srcdir=rootdir / "test-deferred-node-xml",
                builddir=tmp_path / str(deferred),
                status=status,
                verbosity=2,
            )
            app.build()
            logs.append(PATCHED.findall(status.getvalue()))
    assert logs[0]
    assert logs[0] == logs[1]
    assert any("<title>Generated entries</title>" in line for line in logs[0])
