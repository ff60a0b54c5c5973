"""Sphinx configuration of the Dialogue Forum edition.

One configuration serves the three editions (HTML, PDF, EPUB). Facts about each report (title,
dates, publisher) are read from ``source_reports/<slug>/metadata.yaml``, never retyped here.
"""

from __future__ import annotations

import sys
import tomllib
import uuid
from pathlib import Path

from sphinx.errors import ConfigError

# -- Where things are ------------------------------------------------------------------------
# The pipeline's own package lives in tools/; importing it from the checkout keeps a plain
# ``sphinx-build docs out`` working even before ``pip install -e .``.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_ROOT / "tools"))

from dialogue_edition.errors import InputError  # noqa: E402
from dialogue_edition.source_report import load_reports  # noqa: E402
from dialogue_edition.sphinxext.epub import COMBINED_NAME  # noqa: E402

# -- The reports -----------------------------------------------------------------------------
# A bad metadata file or a changed source text stops the build with the file and line named,
# rather than a traceback from inside conf.py.
try:
    REPORTS = load_reports(PROJECT_ROOT / "source_reports")
except InputError as error:
    raise ConfigError(str(error)) from None
if not REPORTS:
    raise ConfigError(f"{PROJECT_ROOT / 'source_reports'}: no source report found")
LATEST = REPORTS[0].metadata
edition_reports = {report.slug: report.metadata.model_dump(mode="json") for report in REPORTS}

# -- People and organisations (dialogue_edition.sphinxext.mentions) --------------------------
edition_registry_dir = str(PROJECT_ROOT / "registry")

# -- Historical agreements (sphinxcontrib-bibtex) ----------------------------------------------
# Our own pybtex plugins (tools/dialogue_edition/treaty_style.py, registered in pyproject.toml):
# an agreement reads as an agreement, sorted and cited by its date of signature: [1884].
bibtex_bibfiles = [str(PROJECT_ROOT / "registry" / "agreements.bib")]
bibtex_default_style = "agreement"
bibtex_reference_style = "label"
# Stable anchors for each agreement, used by "Cited in", the timeline and permalinks.
bibtex_cite_id = "agreement-{key}"

# -- Repository and site (written once, in pyproject.toml's [project.urls]) --------------------
PROJECT_METADATA = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
SITE_URL = PROJECT_METADATA["urls"]["Homepage"]
REPOSITORY_URL = PROJECT_METADATA["urls"]["Repository"]
html_baseurl = SITE_URL  # canonical URLs and the sitemap
edition_repository = REPOSITORY_URL  # "report an error" (dialogue_edition.sphinxext.contributing)

# -- Project ---------------------------------------------------------------------------------
project = "Russia–Republic of Korea Dialogue Forum: reports"
author = LATEST.organiser
PUBLISHERS = "; ".join(sorted({report.metadata.publisher for report in REPORTS}))
copyright = f"report texts: {PUBLISHERS}, their original publishers"  # noqa: A001
language = LATEST.language
root_doc = "index"
# The edition's version is the project's, written once in pyproject.toml.
release = version = PROJECT_METADATA["version"]

# -- Extensions ------------------------------------------------------------------------------
extensions = [
    "myst_parser",
    "sphinx_design",
    "sphinx_copybutton",
    "sphinxcontrib.bibtex",
    "dialogue_edition.sphinxext.editorial",
    "dialogue_edition.sphinxext.missing_photo",
    "dialogue_edition.sphinxext.report_metadata",
    "dialogue_edition.sphinxext.theme",
    "dialogue_edition.sphinxext.downloads",
    "dialogue_edition.sphinxext.epub",
    "dialogue_edition.sphinxext.pdf_front_matter",
    "dialogue_edition.sphinxext.safety",
    "dialogue_edition.sphinxext.html_writer",
    "dialogue_edition.sphinxext.page_assets",
    "dialogue_edition.sphinxext.navigation",
    "dialogue_edition.sphinxext.contributing",
    "sphinxext.opengraph",
    "dialogue_edition.sphinxext.sitemap",
    "dialogue_edition.sphinxext.search_index",
    "notfound.extension",
    "dialogue_edition.sphinxext.redirects",
    "dialogue_edition.sphinxext.content_security",
    "dialogue_edition.sphinxext.mentions",
]

# -- Strictness ------------------------------------------------------------------------------
# Every reference must resolve: the build scripts add -W, so any warning fails the edition.
nitpicky = True
# The source mixes straight and curly quotes; the edition keeps the report's own characters
# instead of letting Sphinx "educate" them into something the report never printed.
smartquotes = False
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

# -- What a page may contain (dialogue_edition.sphinxext.safety) ----------------------------------
# Every file a build reads or publishes (images, downloads, static files) is inside the project.
edition_project_root = str(PROJECT_ROOT)

# -- MyST ------------------------------------------------------------------------------------
# colon_fence: sphinx-design's grids and cards read best as ::: blocks.
myst_enable_extensions = ["colon_fence"]
# No raw HTML from page sources (the docutils half, the raw directive, is switched off by
# dialogue_edition.sphinxext.safety): HTML in a page shows as the text it is.
myst_disable_syntax = ["html_block", "html_inline"]

# -- HTML ------------------------------------------------------------------------------------
# Furo: light, maintained, accessible, with a dark mode and a search that works offline.
html_theme = "furo"
html_title = project
html_static_path = ["_static"]
html_css_files = ["edition.css"]
html_copy_source = False
# "Edit this page" and "View source" on every page, from the one repository address.
html_theme_options = {
    "source_repository": REPOSITORY_URL + "/",
    "source_branch": "main",
    "source_directory": "docs/",
}
# Social previews: text only (no generated images), from the page's first paragraph.
ogp_site_url = SITE_URL
ogp_social_cards = {"enable": False}
ogp_enable_meta_description = True
# A 404 page that helps: it links the reports, glossaries and search. Its links are absolute
# from the site's root, which on GitHub Pages is the repository's folder.
notfound_urls_prefix = "/" + SITE_URL.rstrip("/").rsplit("/", 1)[-1] + "/"
html_last_updated_fmt = None

# -- Editions and their downloads (dialogue_edition.sphinxext.downloads) ------------------------
# Each report has a PDF and an EPUB of its own, the report followed by these appendices; the
# combined edition holds the whole site. Report pages offer their report's files and the
# combined ones; the landing page lists every file with its checksum.
edition_appendices = ["people", "organisations", "agreements", "timeline"]
COMBINED_TITLE = "All reports, with the glossaries (combined edition)"
edition_downloads = [
    {
        "title": report.metadata.title,
        "label": "This report",
        "files": [f"{report.slug}.pdf", f"{report.slug}.epub"],
        "scope": f"reports/{report.slug}/",
    }
    for report in REPORTS
] + [{"title": COMBINED_TITLE, "label": "All reports", "files": [f"{COMBINED_NAME}.pdf", f"{COMBINED_NAME}.epub"]}]
edition_downloads_dir = str(PROJECT_ROOT / "build")

# -- Permalinks (dialogue_edition.sphinxext.redirects) ------------------------------------------
edition_redirects_file = str(PROJECT_ROOT / "docs" / "redirects.yaml")

# -- LaTeX / PDF -----------------------------------------------------------------------------
# One PDF per report, its chapters the report's parts; and the combined PDF, a chapter per
# report (the site's contents only: its landing page's notes and download table are for the web).
# xelatex for Unicode (en dashes, curly quotes, no-break spaces) with the FreeFont families
# Debian ships; no xindy, which Debian's minimal TeX lacks.
latex_engine = "xelatex"
latex_use_xindy = False
latex_documents = [
    (f"reports/{report.slug}/index", f"{report.slug}.tex", report.metadata.title, report.metadata.organiser, "manual")
    for report in REPORTS
] + [("index", f"{COMBINED_NAME}.tex", project, LATEST.organiser, "manual", True)]
latex_show_urls = "footnote"
# The glossaries, the agreements and the timeline close every PDF, with the page of each mention.
# (Sphinx gathers the agreements' entries themselves at the very end, as the Bibliography.)
latex_appendices = edition_appendices
latex_elements = {
    "papersize": "a4paper",
    # Keep the caption of the missing photograph where the report has it, not floated away.
    "figure_align": "H",
    # The title page and the PDF's document information come from each report's metadata
    # (dialogue_edition.sphinxext.pdf_front_matter).
}

# -- EPUB ------------------------------------------------------------------------------------
# The combined EPUB holds the whole site; each report's own EPUB (dialogue_edition.sphinxext.epub)
# is described from that report's metadata.
epub_basename = COMBINED_NAME
epub_title = project
epub_author = LATEST.organiser
epub_publisher = PUBLISHERS
epub_language = LATEST.language
epub_description = (
    f"Digital edition of the reports of the {LATEST.organiser} ({len(REPORTS)} so far), each as published by "
    "its original publisher, with glossaries of people and organisations, historical agreements and a timeline."
)
# Sphinx writes "unknown" when this is empty; the edition's editors are who contributed.
epub_contributor = "Editors of this digital edition"
# A stable identifier derived from the site's address: the same edition, the same identifier.
epub_scheme = "uuid"
epub_identifier = uuid.uuid5(uuid.NAMESPACE_URL, SITE_URL).urn
epub_uid = "edition-id"
epub_show_urls = "footnote"
# Each report's own book is written beside the combined one: not a file of the combined book.
epub_exclude_files = [f"{report.slug}.epub" for report in REPORTS]
# Site, report, part: the EPUB's contents reach every part page.
epub_tocdepth = 3
# The report's parts sit in a hidden toctree (its landing page shows them as cards).
epub_tocscope = "includehidden"
