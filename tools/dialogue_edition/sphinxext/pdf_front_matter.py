"""Each report's PDF opens with its own title page and document information.

Sphinx's LaTeX settings (``latex_elements``) are one for all documents, but an archive has one PDF
per report: this builder sets the title page and the PDF's title, author, subject and language
for each document from the metadata of the report it prints (matched by the document's title,
which ``conf.py`` takes from that report's metadata).
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.latex import LaTeXBuilder
from sphinx.builders.latex.theming import Theme

from ..source_report import ReportMetadata
from .report_metadata import latex_title_page, pdf_info


class PerReportLaTeXBuilder(LaTeXBuilder):
    """Sphinx's LaTeX builder, with the front matter of the report each document prints."""

    def update_doc_context(self, title: str, author: str, theme: Theme) -> None:
        super().update_doc_context(title, author, theme)
        reports = (ReportMetadata.model_validate(data) for data in self.config.edition_reports.values())
        report = next((report for report in reports if report.title == title), None)
        if report is not None:
            self.context["maketitle"] = latex_title_page(report)
            self.context["preamble"] = self.config.latex_elements.get("preamble", "") + "\n" + pdf_info(report)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_builder(PerReportLaTeXBuilder, override=True)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
