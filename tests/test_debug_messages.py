"""Sphinx's debug messages about a node's XML are worked out only when written (``sphinxext.debug_messages``)."""

from __future__ import annotations

import logging

import pytest
import sphinx.util.nodes
from dialogue_edition.sphinxext import debug_messages
from docutils import nodes


@pytest.fixture
def lazy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The extension set up on Sphinx as it comes (undone after the test)."""
    monkeypatch.setattr(sphinx.util.nodes, "repr_domxml", debug_messages._eager_repr_domxml)
    debug_messages.setup(None)  # type: ignore[arg-type]  # it asks nothing of the application
    assert sphinx.util.nodes.repr_domxml is debug_messages.lazy_repr_domxml


def glossary_item() -> nodes.term:
    term = nodes.term("Kim : minister", "Kim")
    nodes.definition_list("", nodes.definition_list_item("", term, nodes.definition("", nodes.paragraph("", "A."))))
    return term


def test_a_term_s_debug_message_builds_no_dom_unless_written(
    lazy: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # Nobody listens below warnings (a build's own logging: no handler takes a debug message).
    caplog.set_level(logging.WARNING, logger="sphinx.sphinx.util.nodes")
    built: list[nodes.Node] = []

    def counted(node: nodes.Node, *arguments: object) -> None:
        built.append(node)  # (repr_domxml swallows an error raised here: counted, not raised)
        raise RuntimeError("no DOM")

    monkeypatch.setattr(nodes.Node, "asdom", counted)
    sphinx.util.nodes.apply_source_workaround(glossary_item())
    assert built == []


def test_a_written_debug_message_has_the_node_s_xml(lazy: None, caplog: pytest.LogCaptureFixture) -> None:
    term = glossary_item()
    with caplog.at_level(logging.DEBUG, logger="sphinx.sphinx.util.nodes"):
        sphinx.util.nodes.apply_source_workaround(term)
    assert "<term>Kim</term>" in caplog.text
    assert str(sphinx.util.nodes.repr_domxml(term)) == debug_messages._eager_repr_domxml(term)
