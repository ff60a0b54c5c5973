"""Citations of the historical agreements, treated as mentions and marked as editorial.

sphinxcontrib-bibtex's ``{cite:p}`` role makes a cross-reference into the ``cite`` domain. This
transform wraps each one in a :class:`~.nodes.mention` of kind ``agreement``, so that the
bibliography's "Cited in" can link every citing paragraph across the edition (the stock
back-references stay within one page), and so that readers and the fidelity check can tell the
editors' citation labels from the report's words.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from .nodes import mention


class MarkCitations(SphinxTransform):
    """Wrap every ``cite`` cross-reference in a mention of each agreement it cites."""

    default_priority = 790  # before CollectMentions (800), which records them

    def apply(self) -> None:
        for reference in list(self.document.findall(pending_xref)):
            if reference.get("refdomain") != "cite" or isinstance(reference.parent, mention):
                continue
            wrapped: nodes.Element = reference
            keys = [key.strip() for key in reference["reftarget"].split(",") if key.strip()]
            parent, index = reference.parent, reference.parent.index(reference)
            parent.remove(reference)
            for key in reversed(keys):
                wrapped = mention(reference.rawsource, "", wrapped, kind="agreement", entity=key, first=True)
            parent.insert(index, wrapped)


def setup(app: Sphinx) -> None:
    """Run the marking on every page read."""
    app.add_transform(MarkCitations)
