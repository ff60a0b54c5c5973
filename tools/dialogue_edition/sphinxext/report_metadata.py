"""What is known about a report, shown from its ``metadata.yaml`` rather than retyped in a page.

``conf.py`` loads the reports (so that titles and dates reach the PDF and EPUB metadata too) and
hands them over as the ``edition_reports`` setting; ``{report-metadata} <slug>`` renders one of
them as a field list: title, date, format, organiser, original page, publisher and checksum;
``{report-list}`` lists every report, newest first, with its date, format and publisher.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.docutils import SphinxDirective

from ..citation import reference_job, start_formatting, stop_formatting_ahead
from ..latex import latex_text, latex_url
from ..source_report import ReportMetadata, long_date
from .report_reference import edition_from_config, reference_field


def reports_of(config: Config) -> list[ReportMetadata]:
    """The reports ``conf.py`` handed over (``edition_reports``), newest first, as models.

    Validated once per setting (pages ask for them one by one: 305 pages of 50 reports asked
    for 30,000 models), and a new list each time, so that no caller changes another's.
    """
    reports = config.edition_reports
    if not _VALIDATED or _VALIDATED[0][0] is not reports:
        _VALIDATED[:] = [(reports, [ReportMetadata.model_validate(data) for data in reports.values()])]
    return list(_VALIDATED[0][1])


_VALIDATED: list[tuple[dict[str, Any], list[ReportMetadata]]] = []
"""The last ``edition_reports`` setting and its models (kept with the setting, so its identity holds)."""


def latex_title_page(report: ReportMetadata, editors: str) -> str:
    """The PDF's title page: the report's title, its event, organiser, publisher and provenance.

    The report states no author, so none is named: the organiser organised the event, the
    publisher published the report, and the edition is its editors'.
    """
    url = str(report.original_url)
    return rf"""
\begin{{titlepage}}
\centering
{{\LARGE\bfseries {latex_text(report.title)}\par}}
\vspace{{1.5cm}}
{{\large Report of the event of {long_date(report.conference_date)}
({latex_text(report.conference_format)}), organised by the {latex_text(report.organiser)}\par}}
\vfill
Report published by {latex_text(report.publisher)}; it states no author.\\
Original page: \sphinxhref{{{latex_url(url)}}}{{{latex_text(url)}}}\par
\vspace{{0.5cm}}
Digital edition by its editors, the {latex_text(editors[:1].lower() + editors[1:])};
their additions are marked as editorial.\par
\vspace{{0.5cm}}
{{\small SHA-256 of the source text: \texttt{{{report.text.sha256}}}\par}}
\end{{titlepage}}
"""


def latex_combined_title_page(title: str, editors: str, reports: list[ReportMetadata]) -> str:
    """The combined PDF's title page: the site's title, each report it holds (newest first), its editors."""
    lines = "\\\\[0.8em]\n".join(
        f"{latex_text(report.title)} ({long_date(report.conference_date)}), published by {latex_text(report.publisher)}"
        for report in reports
    )
    return rf"""
\begin{{titlepage}}
\centering
{{\LARGE\bfseries {latex_text(title)}\par}}
\vspace{{1.5cm}}
{{\large Combined edition of {len(reports)} report{"s" * (len(reports) != 1)}\par}}
\vfill
{lines}\par
\vspace{{0.5cm}}
Each report's text belongs to its original publisher; no report states an author.\\
Digital edition by its editors, the {latex_text(editors[:1].lower() + editors[1:])};
their additions are marked as editorial.\par
\end{{titlepage}}
"""


def pdf_info(report: ReportMetadata, editors: str) -> str:
    """The PDF's document information (title, author, subject, language) for one report.

    The Author field names the edition's editors, marked as such: the report states no author.
    """
    subject = f"Report of the event of {long_date(report.conference_date)}, {report.conference_format}"
    return (
        rf"\hypersetup{{pdftitle={{{latex_text(report.title)}}}, pdfauthor={{{latex_text(editors)} (editors)}}, "
        rf"pdfsubject={{{latex_text(subject)}}}, pdflang={{{report.language}}}, bookmarksopen=true}}"
    )


def combined_pdf_info(title: str, editors: str, reports: list[ReportMetadata]) -> str:
    """The combined PDF's document information."""
    years = sorted({report.conference_date.year for report in reports})
    span = f"{years[0]}" if len(years) == 1 else f"{years[0]}–{years[-1]}"
    subject = f"Reports of {len(reports)} event{'s' * (len(reports) != 1)}, {span}"
    return (
        rf"\hypersetup{{pdftitle={{{latex_text(title)}}}, pdfauthor={{{latex_text(editors)} (editors)}}, "
        rf"pdfsubject={{{latex_text(subject)}}}, pdflang={{{reports[0].language}}}, bookmarksopen=true}}"
    )


def language_name(code: str) -> str:
    """A report's language (a BCP 47 tag: ``en``, ``en-GB``) named in English: ``English``.

    The names are the Unicode CLDR's, through Babel (which Sphinx uses for its own translations);
    a tag CLDR does not know is shown as it is. The tag itself stays in the page's ``lang`` and
    in every machine-readable reference.
    """
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code, sep="-").get_display_name("en")
    except (UnknownLocaleError, ValueError):
        return code
    return name or code


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
        # Nothing says who wrote a report: it is not attributed to its organiser or publisher.
        fields += _field("Author", nodes.Text("none stated"))
        fields += _field(
            "Conference", nodes.Text(f"{long_date(report['conference_date'])}, {report['conference_format']}")
        )
        fields += _field("Organiser", nodes.Text(report["organiser"]))
        fields += _field("Published by", nodes.Text(report["publisher"]))
        fields += _field("Original page", nodes.reference(url, "the report on the publisher's site", refuri=url))
        fields += _field("Language", nodes.Text(language_name(report["language"])))
        fields += _field("SHA-256 of the text", nodes.literal(report["text"]["sha256"], report["text"]["sha256"]))
        # The reference to cite (report_reference.py, issue 18): on the web and the EPUB's first page.
        fields += reference_field(self.config, ReportMetadata.model_validate(report))
        self.set_source_info(fields)
        return [fields]


class ReportListDirective(SphinxDirective):
    """``{report-list}``: every report, newest first, with its date, format and publisher."""

    def run(self) -> list[nodes.Node]:
        reports: dict[str, dict[str, Any]] = self.config.edition_reports
        items = nodes.bullet_list(classes=["report-list"])
        for slug, report in reports.items():
            # The landing page's own title, resolved by Sphinx once every page is read.
            landing = pending_xref(
                "", refdomain="std", reftype="doc", reftarget=f"/reports/{slug}/index", refexplicit=False, refwarn=True
            )
            landing += nodes.inline(slug, slug)
            when = f"{long_date(report['conference_date'])}, {report['conference_format']}"
            about = f" — {when}. Published by {report['publisher']} as “{report['title']}”."
            items += nodes.list_item("", nodes.paragraph("", "", landing, nodes.Text(about)))
        self.set_source_info(items)
        return [items]


def format_references_ahead(app: Sphinx) -> None:
    """A book's build: start formatting each report's reference before Sphinx reads a page.

    The reference opens a report's landing page (its "Cite as" field) and the PDF's title page.
    The web site formats it among the Cite panel's references (``cite.format_reports_ahead``). A
    book formats only this one a report, too few for the panel's threshold; but the first one costs
    the build's own process some 50 ms (citeproc-py imported, the style parsed), which a worker
    spends while Sphinx reads the pages before the landing page.
    """
    if app.builder.name in ("html", "dirhtml"):
        return
    edition = edition_from_config(app.config)
    jobs = [reference_job(report, edition) for report in reports_of(app.config)]
    start_formatting(jobs, parallel=app.parallel > 1, fewest=1)


def stop_formatting(app: Sphinx, exception: BaseException | None) -> None:
    """Stop the worker: a reference not taken by now is no longer needed."""
    stop_formatting_ahead()


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("edition_reports", {}, "env", types=[dict])
    # After the references earlier builds formatted are recalled (cite.recall_references).
    app.connect("builder-inited", format_references_ahead, priority=600)
    app.connect("build-finished", stop_formatting)
    # Its LaTeX text may hold break points, whose commands long_words defines.
    app.setup_extension("dialogue_edition.sphinxext.long_words")
    app.add_directive("report-metadata", ReportMetadataDirective)
    app.add_directive("report-list", ReportListDirective)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
