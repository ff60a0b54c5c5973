"""Each PDF opens with its own title page and document information.

Sphinx's LaTeX settings (``latex_elements``) are one for all documents, but the edition has one
PDF per report and a combined PDF of the whole site: this builder sets the title page and the
PDF's title, author, subject and language for each document, from the metadata of the report it
prints (matched by the document's title, which ``conf.py`` takes from that report's metadata) or,
for the combined PDF (titled as the project), from every report's.

The combined PDF starts from the site's root, whose contents list the glossaries too; they are
printed once, as appendices, the same as in each report's PDF.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.latex import LaTeXBuilder
from sphinx.builders.latex.nodes import thebibliography
from sphinx.builders.latex.theming import Theme
from sphinx.errors import NoUri
from sphinx.util.docutils import new_document

from .report_metadata import (
    combined_pdf_info,
    latex_combined_title_page,
    latex_text,
    latex_title_page,
    pdf_info,
    reports_of,
)


class PerReportLaTeXBuilder(LaTeXBuilder):
    """Sphinx's LaTeX builder, with the front matter of the report (or reports) each document prints."""

    def update_doc_context(self, title: str, author: str, theme: Theme) -> None:
        super().update_doc_context(title, author, theme)
        # ``latex_documents`` holds plain text from the reports' metadata, which Sphinx would
        # insert into LaTeX as markup: it is escaped here, as is everything else metadata gives LaTeX.
        self.context["title"] = latex_text(title)
        self.context["author"] = latex_text(author)
        reports = reports_of(self.config)
        report = next((report for report in reports if report.title == title), None)
        preamble = self.config.latex_elements.get("preamble", "")
        if report is not None:
            self.context["maketitle"] = latex_title_page(report)
            self.context["preamble"] = preamble + "\n" + pdf_info(report)
        elif title == self.config.project and reports:
            self.context["maketitle"] = latex_combined_title_page(title, author, reports)
            self.context["preamble"] = preamble + "\n" + combined_pdf_info(title, author, reports)

    unprinted: str | None = None

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        if docname == self.unprinted:
            raise NoUri(docname, typ)
        return super().get_target_uri(docname, typ)

    def assemble_doctree(self, indexfile: str, toctree_only: bool, appendices: list[str]) -> nodes.document:
        # Appendices the root's own contents list (the site's root lists the glossaries) are
        # inlined once, where the contents put them, then moved to the end as appendices:
        # adding them twice would print them twice, with every label defined twice.
        listed = [name for name in appendices if name in self.env.toctree_includes.get(indexfile, [])]
        # A document printed from its root's contents only does not print the root's own text:
        # links to it (from "Mentioned in") are left out, as for pages of other documents.
        self.unprinted = indexfile if toctree_only else None
        tree = super().assemble_doctree(indexfile, toctree_only, [name for name in appendices if name not in listed])
        inlined = {node["docname"]: node for node in tree.findall(addnodes.start_of_file) if node["docname"] in listed}
        for name in listed:
            appendix = new_document(name, tree.settings)
            appendix["docname"] = name
            appendix.extend(inlined[name].children)
            inlined[name].parent.remove(inlined[name])
            tree.append(appendix)
        # Sphinx gathers the bibliography at the end of the document; it stays after the appendices.
        for bibliography in [child for child in tree.children if isinstance(child, thebibliography)]:
            tree.remove(bibliography)
            tree.append(bibliography)
        return tree


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_builder(PerReportLaTeXBuilder, override=True)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
