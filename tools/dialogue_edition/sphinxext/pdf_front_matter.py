r"""Each PDF opens with its own title page and document information.

Sphinx's LaTeX settings (``latex_elements``) are one for all documents, but the edition has one
PDF per report and a combined PDF of the whole site: this builder sets the title page and the
PDF's title, author, subject and language for each document, from the metadata of the report it
prints (matched by the document's title, which ``conf.py`` takes from that report's metadata) or,
for the combined PDF (titled as the project), from every report's.

The running head carries a short title, ``\editionrunninghead``: the title of the page a report's
PDF starts from (its landing page), or the project's for the combined PDF; ``conf.py`` sets the
page style that prints it.

The combined PDF starts from the site's root, whose contents list the glossaries too; they are
printed once, as appendices, the same as in each report's PDF. The agreements' entries, which
Sphinx gathers at the end of the document as a "Bibliography" chapter, are printed where their
page has them: at the end of the "Historical agreements" appendix.
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

from ..latex import latex_text
from .report_metadata import (
    combined_pdf_info,
    latex_combined_title_page,
    latex_title_page,
    pdf_info,
    reports_of,
)
from .report_reference import latex_reference


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
        preamble = self.config.latex_elements.get("preamble", "") + "\n" + running_head(self.short_title(title))
        self.context["preamble"] = preamble
        if report is not None:
            # The reference to cite, on the title page (report_reference.py).
            title_page = latex_title_page(report, author)
            end = title_page.rindex(r"\end{titlepage}")
            self.context["maketitle"] = title_page[:end] + latex_reference(self.config, report) + title_page[end:]
            self.context["preamble"] = preamble + "\n" + pdf_info(report, author)
        elif title == self.config.project and reports:
            self.context["maketitle"] = latex_combined_title_page(title, author, reports)
            self.context["preamble"] = preamble + "\n" + combined_pdf_info(title, author, reports)

    def short_title(self, title: str) -> str:
        """The running head's title: the start page's own title for a report, else the document's."""
        start = next((entry[0] for entry in self.document_data if entry[2] == title), None)
        if start is None or start == self.config.root_doc or start not in self.env.titles:
            return title
        return self.env.titles[start].astext()

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
        if not toctree_only:
            _head_the_start_page(tree, indexfile, self.env.titles.get(indexfile))
        inlined = {node["docname"]: node for node in tree.findall(addnodes.start_of_file) if node["docname"] in listed}
        for name in listed:
            appendix = new_document(name, tree.settings)
            appendix["docname"] = name
            appendix.extend(inlined[name].children)
            inlined[name].parent.remove(inlined[name])
            # The page's label (``people::doc``) is the appendix document's now; its first section
            # had it too, from when it was a file of the contents: LaTeX defined the label twice.
            first = next(iter(appendix.findall(nodes.section)), None)
            if first is not None and ":doc" in first["ids"]:
                first["ids"].remove(":doc")
            tree.append(appendix)
        # Sphinx gathers the bibliography at the end of the document: it goes back to the end of
        # the page that holds its entries (the last section of that appendix).
        documents = {node["docname"]: node for node in tree.children if isinstance(node, nodes.document)}
        for bibliography in [child for child in tree.children if isinstance(child, thebibliography)]:
            citation = next(iter(bibliography.findall(nodes.citation)), None)
            home = documents.get(citation.get("docname", "")) if citation is not None else None
            sections = [child for child in home.children if isinstance(child, nodes.section)] if home else []
            tree.remove(bibliography)
            (sections[-1] if sections else tree).append(bibliography)
        return tree


def _head_the_start_page(tree: nodes.document, docname: str, title: nodes.title | None) -> None:
    """Give the page a PDF starts from (a report's landing page) a heading, in the contents and bookmarks.

    Sphinx prints the start page's title as the document's, on the title page, and its text
    with no heading of its own: the page ("About this report", the report's metadata, "Cite
    as") began under the running head alone, and neither the contents nor the PDF's bookmarks
    listed it. It gets its title as an unnumbered chapter, listed in both.
    """
    section = next(iter(tree.findall(nodes.section)), None)
    if title is None or section is None or not section.children or not isinstance(section[0], nodes.title):
        return
    text = latex_text(title.astext())
    heading = rf"\chapter*{{{text}}}\phantomsection\addcontentsline{{toc}}{{chapter}}{{{text}}}" + "\n"
    section.insert(1, nodes.raw("", heading, format="latex"))


def running_head(title: str) -> str:
    """The LaTeX definition of the running head's title (printed by the page style in ``conf.py``)."""
    return rf"\newcommand{{\editionrunninghead}}{{{latex_text(title)}}}"


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_builder(PerReportLaTeXBuilder, override=True)
    # Its LaTeX text may hold break points, whose commands long_words defines.
    app.setup_extension("dialogue_edition.sphinxext.long_words")
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
