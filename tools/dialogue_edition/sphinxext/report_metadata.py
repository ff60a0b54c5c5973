"""What is known about a report, shown from its ``metadata.yaml`` rather than retyped in a page.

``conf.py`` loads the reports (so that titles and dates reach the PDF and EPUB metadata too) and
hands them over as the ``edition_reports`` setting; ``{report-metadata} <slug>`` renders one of
them as a field list: title, date, format, organiser, original page, publisher and checksum.
"""

from __future__ import annotations

import datetime
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective
from sphinx.util.texescape import escape

from ..source_report import ReportMetadata


def long_date(iso_date: str) -> str:
    """``2020-11-05`` as ``5 November 2020``, the form the edition uses in prose."""
    date = datetime.date.fromisoformat(iso_date)
    return f"{date.day} {date:%B %Y}"


def latex_title_page(report: ReportMetadata) -> str:
    """The PDF's title page: the report's title, its conference, organiser and provenance."""
    url = str(report.original_url)
    return rf"""
\begin{{titlepage}}
\centering
{{\large {escape(report.organiser)}\par}}
\vspace{{2.5cm}}
{{\LARGE\bfseries {escape(report.title)}\par}}
\vspace{{1.5cm}}
{{\large Report of the event of {long_date(report.conference_date.isoformat())}
({escape(report.conference_format)})\par}}
\vfill
Digital edition of the report published by {escape(report.publisher)}.\\
Original page: \sphinxhref{{{url}}}{{{escape(url)}}}\par
\vspace{{0.5cm}}
{{\small SHA-256 of the source text: \texttt{{{report.text.sha256}}}\par}}
\end{{titlepage}}
"""


def pdf_info(report: ReportMetadata) -> str:
    """The PDF's document information (title, author, subject, language) for one report."""
    subject = f"Report of the event of {long_date(report.conference_date.isoformat())}, {report.conference_format}"
    return (
        rf"\hypersetup{{pdftitle={{{report.title}}}, pdfauthor={{{report.organiser}}}, "
        rf"pdfsubject={{{subject}}}, pdflang={{{report.language}}}, bookmarksopen=true}}"
    )


def _field(name: str, *body: nodes.Node) -> nodes.field:
    return nodes.field("", nodes.field_name(name, name), nodes.field_body("", nodes.paragraph("", "", *body)))


class ReportMetadataDirective(SphinxDirective):
    """A field list of one report's metadata."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        slug = self.arguments[0]
        reports: dict[str, dict[str, Any]] = self.config.edition_reports
        if slug not in reports:
            raise self.error(f"unknown report {slug!r}; known reports: {', '.join(sorted(reports)) or 'none'}")
        report = reports[slug]
        url = report["original_url"]
        fields = nodes.field_list(classes=["report-metadata"])
        fields += _field("Title as published", nodes.Text(report["title"]))
        fields += _field(
            "Conference", nodes.Text(f"{long_date(report['conference_date'])}, {report['conference_format']}")
        )
        fields += _field("Organiser", nodes.Text(report["organiser"]))
        fields += _field("Published by", nodes.Text(report["publisher"]))
        fields += _field("Original page", nodes.reference(url, "the report on the publisher's site", refuri=url))
        fields += _field("Language", nodes.Text(report["language"]))
        fields += _field("SHA-256 of the text", nodes.literal(report["text"]["sha256"], report["text"]["sha256"]))
        self.set_source_info(fields)
        return [fields]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("edition_reports", {}, "env", types=[dict])
    app.add_directive("report-metadata", ReportMetadataDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
