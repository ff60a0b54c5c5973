"""What the edition adds inside a report's paragraphs and headings, which is not their words.

Permalink signs (Sphinx's ``headerlink``), mention cards, citation labels and the Cite controls
(a paragraph's ``¶`` link and its Cite button; in the EPUB, its number) sit inside the blocks
that hold a report's text.
Whatever reads that text back out of a page, the fidelity check or the search index, leaves
them out the same way; one list, so that a control added to the pages later is left out by both.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from lxml import etree
from lxml import html as lxml_html

FURNITURE_CLASSES = ("headerlink", "mention-card", "citation-ref", "cite-control", "paragraph-number")
"""The classes of the elements that are page furniture, wherever they sit in a block."""


def has_class(name: str) -> str:
    """An XPath condition: the element has the class ``name``."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def with_any_class(names: Iterable[str], axis: str = ".//") -> str:
    """An XPath expression: every element under the context (``axis``) with one of the classes ``names``."""
    return " | ".join(f"{axis}*[{has_class(name)}]" for name in names)


@functools.cache
def compiled(expression: str) -> etree.XPath:
    """``expression`` compiled once.

    lxml compiles the text given to ``xpath()`` at every call, and reading a page asks the same
    few questions of each of its thousands of elements. A compiled expression evaluates under a
    lock of its own: for one thread of a process at a time (a process forked while another
    thread evaluates one would inherit the lock held).
    """
    return etree.XPath(expression)


def drop(element: lxml_html.HtmlElement, classes: Iterable[str] = FURNITURE_CLASSES) -> None:
    """Remove from ``element`` what has one of ``classes``, each with the white space before it.

    The space goes too because furniture follows the word it belongs to: "in 1884 [1884];" reads
    "in 1884;", not "in 1884 ;".
    """
    for found in compiled(with_any_class(classes))(element):
        _drop_with_space_before(found)


def _drop_with_space_before(element: lxml_html.HtmlElement) -> None:
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "").rstrip()
    elif element.getparent() is not None:
        parent = element.getparent()
        parent.text = (parent.text or "").rstrip()
    element.drop_tree()
