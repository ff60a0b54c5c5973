"""Debug messages write nodes out as XML only when written (``dialogue_edition.sphinxext.deferred_node_xml``)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
import sphinx.util.nodes
from _pytest.logging import LogCaptureHandler
from dialogue_edition.sphinxext.deferred_node_xml import DeferredXML, defer_node_xml
from docutils import nodes
from sphinx.testing.util import SphinxTestApp
from sphinx.util.logging import MemoryHandler

PATCHED = re.compile(r"\[i18n\] PATCH: .*")


@contextmanager
def as_in_a_build() -> Iterator[None]:
    """Sphinx's logger with its own handlers only, as in a build.

    pytest's capture, which takes every message (debug ones too), is set aside meanwhile.
    """
    sphinx_logger = logging.getLogger("sphinx")
    pytests = [handler for handler in sphinx_logger.handlers if isinstance(handler, LogCaptureHandler)]
    for handler in pytests:
        sphinx_logger.removeHandler(handler)
    try:
        yield
    finally:
        for handler in pytests:
            sphinx_logger.addHandler(handler)


def written_as_xml(monkeypatch: pytest.MonkeyPatch) -> list[nodes.Node]:
    """The nodes written out as XML from now on (``repr_domxml`` makes a DOM of each)."""
    written: list[nodes.Node] = []
    asdom = nodes.Node.asdom

    def counted(node: nodes.Node, *arguments: object) -> object:
        written.append(node)
        return asdom(node, *arguments)

    monkeypatch.setattr(nodes.Node, "asdom", counted)
    return written


@pytest.mark.sphinx("html", testroot="deferred-node-xml", freshenv=True)
def test_no_node_is_written_as_xml_for_a_debug_message_nobody_reads(
    app: SphinxTestApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    written = written_as_xml(monkeypatch)
    with as_in_a_build():
        app.build()
    assert written == []


@pytest.mark.sphinx("html", testroot="deferred-node-xml", freshenv=True)
def test_without_the_extension_sphinx_writes_each_patched_node_as_xml(
    app: SphinxTestApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The extension replaces repr_domxml for the whole process: this test puts Sphinx's back.
    monkeypatch.setattr(sphinx.util.nodes, "repr_domxml", sphinx.util.nodes.repr_domxml.deferring)
    written = written_as_xml(monkeypatch)
    with as_in_a_build():
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


def test_a_handler_that_keeps_debug_messages_gets_the_text_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    defer_node_xml()  # as the extension's setup does (once a process)
    # Sphinx's parallel readers keep every message (a buffer of level 0) and format them once
    # the pages are read, after the node has changed: the text is made when the message is.
    title = nodes.title("", "Generated entries")
    sphinx_logger = logging.getLogger("sphinx")
    monkeypatch.setattr(sphinx_logger, "handlers", [logging.StreamHandler(StringIO())])  # a build's, at -v or less
    sphinx_logger.handlers[0].setLevel(logging.INFO)
    assert isinstance(sphinx.util.nodes.repr_domxml(title), DeferredXML)
    assert str(sphinx.util.nodes.repr_domxml(title)) == "<title>Generated entries</title>"
    monkeypatch.setattr(sphinx_logger, "handlers", [*sphinx_logger.handlers, MemoryHandler()])
    assert sphinx.util.nodes.repr_domxml(title) == "<title>Generated entries</title>"
