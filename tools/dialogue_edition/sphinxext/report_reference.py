"""The report-level reference, printed in the front matter of each edition.

One function each for the PDF's title page (``latex_reference``) and the report's landing page
(``reference_field``: the "Cite as" line of its metadata, which opens each report's EPUB and is the
report's page on the web). The text is ``dialogue_edition.citation``'s Chicago bibliography entry,
the same the cite panel shows; the address is the report's landing page on the published site.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.config import Config

from ..citation import Edition, editors_from_citation_file, report_reference
from ..latex import latex_text
from ..source_report import ReportMetadata


def edition_from_config(config: Config) -> Edition:
    """The edition as the configuration describes it: title, editors (CITATION.cff), version, address."""
    citation_file = getattr(config, "edition_citation_file", "")
    editors = editors_from_citation_file(Path(citation_file)) if citation_file else ()
    return Edition(config.project, editors, config.release or config.version, config.html_baseurl)


def landing_url(config: Config, report: ReportMetadata) -> str:
    """The permalink of a report's landing page on the published site."""
    return f"{config.html_baseurl.rstrip('/')}/reports/{report.slug}/index.html"


def reference_text(config: Config, report: ReportMetadata) -> str:
    """The report's reference (Chicago bibliography entry) with its landing page as the address."""
    return report_reference(report, edition_from_config(config), landing_url(config, report))


def latex_reference(config: Config, report: ReportMetadata) -> str:
    """The reference as one paragraph of the PDF's title page; the address may break across lines."""
    url = landing_url(config, report)
    # The landing page's address is the project's own (pyproject.toml) and a slug of [a-z0-9-]:
    # nothing TeX reads as markup, and \sphinxurl lets it break anywhere (xurl).
    text = r"\sphinxurl{" + url + "}"
    body = text.join(latex_text(part) for part in reference_text(config, report).split(url))
    return "\n\\vspace{0.5cm}\n{\\small\\raggedright Cite as: " + body + "\\par}\n"


def reference_field(config: Config, report: ReportMetadata) -> nodes.field:
    """The "Cite as" field of a report's metadata."""
    text = reference_text(config, report)
    return nodes.field("", nodes.field_name("Cite as", "Cite as"), nodes.field_body("", nodes.paragraph(text, text)))
