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
from dialogue_edition.pybtex_plugins import register_plugins  # noqa: E402
from dialogue_edition.source_report import load_reports  # noqa: E402
from dialogue_edition.sphinxext.epub import COMBINED_NAME, COVER_IMAGE, COVER_TEMPLATE  # noqa: E402

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
# Our own pybtex plugins (tools/dialogue_edition/treaty_style.py): an agreement reads as an
# agreement, sorted and cited by its date of signature: [1884]. They and the installed plugins a
# build uses are registered here, before sphinxcontrib-bibtex is imported: its import looks two
# of them up, and a lookup pybtex cannot answer from its store reads every installed package's
# metadata (about 4 ms each).
register_plugins()
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
# The edition's editors in its references (dialogue_edition.sphinxext.cite): the authors of
# CITATION.cff, written there once.
edition_citation_file = str(PROJECT_ROOT / "CITATION.cff")

# -- Project ---------------------------------------------------------------------------------
project = "Russia–Republic of Korea Dialogue Forum: reports"
# No report states who wrote it (the Forum organised the event; the publisher published the
# report), so no report is given an author. What Sphinx calls the author is the edition's: its
# editors, the project's contributors, named once in pyproject.toml ([project] authors).
EDITORS = PROJECT_METADATA["authors"][0]["name"]
author = EDITORS
PUBLISHERS = "; ".join(sorted({report.metadata.publisher for report in REPORTS}))
# Shown as "Copyright © St Petersburg University (the report texts)": the texts are their
# publishers'; the edition's own work is under the licences in README.md.
copyright = f"{PUBLISHERS} (the report texts)"  # noqa: A001
language = LATEST.language
root_doc = "index"
# The edition's version is the project's, written once in pyproject.toml.
release = version = PROJECT_METADATA["version"]

# -- Extensions ------------------------------------------------------------------------------
# What only the web site has: its sidebar, search, metadata for search engines and reference
# managers, open data, redirects, 404 page, content security policy and code copy buttons. The
# books (tagged "book" by edition-build) do not load them (below): most would only check their
# builder and step aside, after their import and setup, and the copy buttons' stylesheet went into
# every book, which has no button. (The Cite panel's extension stays: it gives each paragraph of a
# report the anchor the books keep too.)
WEB_ONLY_EXTENSIONS: set[str] = set()


def web_only(name: str) -> str:
    """An extension only the web site uses (``WEB_ONLY_EXTENSIONS``)."""
    WEB_ONLY_EXTENSIONS.add(name)
    return name


extensions = [
    "myst_parser",
    "sphinx_design",
    web_only("sphinx_copybutton"),
    "sphinxcontrib.bibtex",
    "dialogue_edition.sphinxext.editorial",
    "dialogue_edition.sphinxext.missing_photo",
    "dialogue_edition.sphinxext.report_metadata",
    "dialogue_edition.sphinxext.theme",
    "dialogue_edition.sphinxext.downloads",
    "dialogue_edition.sphinxext.epub",
    "dialogue_edition.sphinxext.pdf_front_matter",
    # The PDF index groups an entry under the letter the site lists it under (makeindex reads bytes).
    "dialogue_edition.sphinxext.pdf_index",
    # The general index sorts "The ceasefire …" among the Cs it is filed under, not after them.
    "dialogue_edition.sphinxext.index_filing",
    # Runs of characters too long for a line get break points in the PDF (TeX stalls on them).
    "dialogue_edition.sphinxext.long_words",
    "dialogue_edition.sphinxext.safety",
    "dialogue_edition.sphinxext.html_writer",
    "dialogue_edition.sphinxext.page_assets",
    web_only("dialogue_edition.sphinxext.navigation"),
    "dialogue_edition.sphinxext.contributing",
    web_only("dialogue_edition.sphinxext.social_previews"),  # sphinxext-opengraph, without its matplotlib notice
    web_only("dialogue_edition.sphinxext.sitemap"),
    web_only("dialogue_edition.sphinxext.search_index"),
    web_only("dialogue_edition.sphinxext.search_page"),
    web_only("notfound.extension"),
    web_only("dialogue_edition.sphinxext.redirects"),
    web_only("dialogue_edition.sphinxext.content_security"),
    # The search index reads each page as it is written, in a worker beside the build.
    web_only("dialogue_edition.sphinxext.search_ahead"),
    # Pages written as new files: an edit's staged site shares its unchanged pages with the
    # published site (dialogue_edition.build links them), which writing must never change.
    web_only("dialogue_edition.sphinxext.staged_site"),
    # An edit's few pages read and written in one process, even where a large archive builds in parallel.
    "dialogue_edition.sphinxext.parallel_jobs",
    # The page templates' compiled code kept between builds (Sphinx compiles them in every build).
    "dialogue_edition.sphinxext.template_cache",
    # Sphinx's debug messages write a node out as XML only when a message is written (-vv).
    "dialogue_edition.sphinxext.deferred_node_xml",
    "dialogue_edition.sphinxext.mentions",
    # Cite this: a ¶ link and a Cite panel for every paragraph and page of a report (issue 18).
    "dialogue_edition.sphinxext.cite",
    # The same reference as Highwire/Dublin Core meta tags, for Zotero and other reference managers.
    web_only("dialogue_edition.sphinxext.citation_meta"),
    # schema.org JSON-LD: the report, its event, people, organisations and agreements, by permalink.
    web_only("dialogue_edition.sphinxext.jsonld"),
    # data/: the registry and every mention as CSV and JSON, with schemas and a datapackage.json.
    web_only("dialogue_edition.sphinxext.open_data"),
]

if tags.has("book"):  # noqa: F821  (Sphinx gives conf.py its tags)
    extensions = [name for name in extensions if name not in WEB_ONLY_EXTENSIONS]

# -- Strictness ------------------------------------------------------------------------------
# Every reference must resolve: the build scripts add -W, so any warning fails the edition.
nitpicky = True
# The source mixes straight and curly quotes; the edition keeps the report's own characters
# instead of letting Sphinx "educate" them into something the report never printed.
smartquotes = False
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
# The open data's dictionary describes files of the web site (data/): the books leave it out
# (epub_exclude_files below; no PDF lists it). edition-build tags the books' builds "book", so
# that they do not even read it.
if tags.has("book"):  # noqa: F821  (Sphinx gives conf.py its tags)
    exclude_patterns += ["data.md"]
    # The landing page links it only on the web site ({only} html and not epub): a book drops
    # that paragraph, link and all, but only after Sphinx has looked for the page it names.
    nitpick_ignore = [("std:doc", "data")]

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
# The edition's own mark (drawn for it, docs/_static/favicon.svg): a page and a dialogue's two voices.
html_favicon = "_static/favicon.svg"
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
# On a phone the sidebar is folded away: the page itself says what happened and where to go.
notfound_context = {
    "title": "Page not found",
    "body": (
        "<h1>Page not found</h1>\n"
        "<p>No page of the edition has this address: it may be mistyped, or the page may have moved.</p>\n"
        f'<p><a href="{notfound_urls_prefix}index.html">The reports and glossaries</a> · '
        f'<a href="{notfound_urls_prefix}search.html">Search the edition</a></p>\n'
    ),
}
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
        # The table names the report by its landing page's (short) title, as the sidebar does.
        "page": f"reports/{report.slug}/index",
        "label": "This report",
        "files": [f"{report.slug}.pdf", f"{report.slug}.epub"],
        "scope": f"reports/{report.slug}/",
    }
    for report in REPORTS
] + [{"title": COMBINED_TITLE, "label": "All reports", "files": [f"{COMBINED_NAME}.pdf", f"{COMBINED_NAME}.epub"]}]
edition_downloads_dir = str(PROJECT_ROOT / "build")
# A plain `sphinx-build docs out` makes a draft that offers whichever files exist; edition-build
# requires them all for the published site (it sets edition_downloads_required=1).
edition_downloads_required = False

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
    (f"reports/{report.slug}/index", f"{report.slug}.tex", report.metadata.title, EDITORS, "manual")
    for report in REPORTS
] + [("index", f"{COMBINED_NAME}.tex", project, EDITORS, "manual", True)]
latex_show_urls = "footnote"
# The glossaries, the agreements and the timeline close every PDF, with the page of each mention;
# the agreements' entries are printed inside their appendix (dialogue_edition.sphinxext.pdf_front_matter).
latex_appendices = edition_appendices
# The page design, for a book read on screen as much as printed:
# - one-sided, every chapter on the next page (openany): no blank pages before chapters;
# - a running head on one line: the document's short title (set per document as
#   \editionrunninghead by pdf_front_matter) and the chapter's title, cut (not wrapped) only when
#   both do not fit, and then the book's title first: the chapter's is what tells pages apart;
#   the page number alone in the footer (no "CONTENTS", no "Release");
# - the contents list chapters only: the glossaries' one-letter sections would fill a page;
# - no heading, nor a label of a list of fields, stranded at the foot of a page (needspace), long
#   addresses break anywhere (xurl);
# - the index in the body font, ragged right and unhyphenated (Sphinx sets its entries as code);
# - a mention that links to the glossary is underlined with a thin rule, word by word, so that
#   two adjacent names stay two (dialogue_edition.sphinxext.mentions).
# (xurl, needspace and truncate come with texlive-latex-extra, which texlive-xetex depends on.)
latex_elements = {
    "papersize": "a4paper",
    "extraclassoptions": "openany,oneside",
    # Keep the caption of the missing photograph where the report has it, not floated away.
    "figure_align": "H",
    # After the contents, the marks are emptied: the page before chapter 1 is not "CONTENTS".
    "tableofcontents": r"\setcounter{tocdepth}{0}\sphinxtableofcontents\markboth{}{}",
    "preamble": r"""
\usepackage{xurl}
\usepackage{needspace}
\usepackage{truncate}
\makeatletter
% A paragraph's number at its end (dialogue_edition.sphinxext.cite), small and grey, as the site
% shows it: the number "Mentioned in" gives with its page ("¶4 (p. 3)"). Robust: captions hold it too.
\DeclareRobustCommand{\editionparagraphnumber}[1]{\nobreak\hspace{.35em}{\footnotesize\textcolor{gray}{¶#1}}}
% The running head's room (2em between its halves): the chapter's title, which changes from
% chapter to chapter, comes first and takes all the line but the gap and at most .3 of it for
% the book's title; the book's title takes what the chapter's leaves. Neither is cut when both fit.
\newlength{\editionchapterroom}
\newlength{\editionbookroom}
\newcommand{\editionheadrooms}{%
  \settowidth{\editionbookroom}{\editionrunninghead}%
  \ifdim\editionbookroom>.3\headwidth \editionbookroom=.3\headwidth\fi
  \editionchapterroom=\dimexpr\headwidth-\editionbookroom-2em\relax
  \settowidth{\editionbookroom}{\nouppercase{\leftmark}}%
  \ifdim\editionbookroom>\editionchapterroom \editionbookroom=\editionchapterroom\fi
  \editionbookroom=\dimexpr\headwidth-\editionbookroom-2em\relax}
\fancypagestyle{normal}{%
  \fancyhf{}%
  \fancyhead[L]{{\py@HeaderFamily\small\editionheadrooms
    \truncate{\editionbookroom}{\editionrunninghead}}}%
  \fancyhead[R]{{\py@HeaderFamily\small\editionheadrooms
    \truncate{\editionchapterroom}{\hfill\nouppercase{\leftmark}}}}%
  \fancyfoot[R]{{\py@HeaderFamily\thepage}}%
  \renewcommand{\headrulewidth}{0.4pt}%
  \renewcommand{\footrulewidth}{0pt}%
  \renewcommand{\chaptermark}[1]{\markboth{##1}{##1}}%
}
\fancypagestyle{plain}{%
  \fancyhf{}%
  \fancyfoot[R]{{\py@HeaderFamily\thepage}}%
  \renewcommand{\headrulewidth}{0pt}%
  \renewcommand{\footrulewidth}{0pt}%
}
% The appendices (glossaries, agreements, timeline) number their chapters only: a letter's
% section and its entries read "A", "Astafev, Aleksei", as on the site, not "A.1 A", "A.1.1 ...".
\apptocmd{\appendix}{\setcounter{secnumdepth}{0}}{}{}
% No heading is hyphenated ("diplo-" / "matic relations"): a title breaks between its words.
\g@addto@macro\py@HeaderFamily{\hyphenpenalty=10000\exhyphenpenalty=10000\relax}
% And a heading that takes two lines is set ragged right: justified without hyphens, its words
% were spread across the line ("5   November   2020:   The   strategic"). Only the format changes.
\titleformat*{\section}{\Large\py@HeaderFamily\raggedright}
\titleformat*{\subsection}{\large\py@HeaderFamily\raggedright}
\titleformat*{\subsubsection}{\normalsize\py@HeaderFamily\raggedright}
\preto\section{\Needspace{12\baselineskip}}
\preto\subsection{\Needspace{7\baselineskip}}
\preto\subsubsection{\Needspace{5\baselineskip}}
% A label of a list of fields (a glossary entry's "Sources", "Mentioned in") keeps two lines of
% what it labels with it: it was left alone at the foot of a page, its list on the next.
\pretocmd{\sphinxlineitem}{\Needspace{3\baselineskip}}{}{}
\def\sphinxstyleindexentry#1{#1}
\AtBeginEnvironment{sphinxtheindex}{\raggedright\hyphenpenalty=10000\exhyphenpenalty=10000\relax}
% The agreements' entries as a list inside their appendix, not a chapter of their own at the end.
\renewenvironment{sphinxthebibliography}[1]{%
  \list{\@biblabel{\@arabic\c@enumiv}}{%
    \settowidth\labelwidth{\@biblabel{#1}}%
    \leftmargin\labelwidth\advance\leftmargin\labelsep
    \usecounter{enumiv}\let\p@enumiv\@empty\renewcommand\theenumiv{\@arabic\c@enumiv}}%
  \sloppy\clubpenalty4000\widowpenalty4000}%
  {\endlist}
% A mention linked to its glossary entry: each word and each space underlined by a thin rule.
\newcommand{\editionmentionword}[1]{\setbox0\hbox{#1}\rlap{\rule[-1.6pt]{\wd0}{0.4pt}}\box0}
\newcommand{\editionmentionspace}{%
  \leaders\hrule height -1.2pt depth 1.6pt\hskip\fontdimen2\font plus\fontdimen3\font minus\fontdimen4\font\relax}
\makeatother
""",
    # The title page and the PDF's document information come from each report's metadata
    # (dialogue_edition.sphinxext.pdf_front_matter).
}

# -- EPUB ------------------------------------------------------------------------------------
# The combined EPUB holds the whole site; each report's own EPUB (dialogue_edition.sphinxext.epub)
# is described from that report's metadata.
epub_basename = COMBINED_NAME
epub_title = project
# No dc:creator: EPUB 3 does not require one, and the reports state no author, so the books are
# entered under their titles, as catalogues enter an edited work with no stated author
# (dialogue_edition.sphinxext.epub leaves the element out). Sphinx still wants a value here: the
# editors, who appear as what they are, the books' contributors (dc:contributor).
epub_author = EDITORS
epub_publisher = PUBLISHERS
epub_language = LATEST.language
# The same words describe the site's landing page (dialogue_edition.sphinxext.theme).
epub_description = edition_description = (
    f"Digital edition of the reports of events organised by the {LATEST.organiser} ({len(REPORTS)} so far), "
    "each as published by its original publisher, with glossaries of people and organisations, historical "
    "agreements and a timeline."
)
epub_contributor = f"{EDITORS} (editors)"
# A stable identifier derived from the site's address: the same edition, the same identifier.
epub_scheme = "uuid"
epub_identifier = uuid.uuid5(uuid.NAMESPACE_URL, SITE_URL).urn
epub_uid = "edition-id"
epub_show_urls = "footnote"
# A cover drawn at build time from each book's title and dates (dialogue_edition.sphinxext.epub).
# dc:date: a report's book carries its conference date; the combined book its newest report's,
# the date its contents run to (the build time is the package's dcterms:modified).
epub_cover = (COVER_IMAGE, COVER_TEMPLATE)
# Each report's own book is written beside the combined one: not a file of the combined book.
epub_exclude_files = [f"{report.slug}.epub" for report in REPORTS]
# The open data's dictionary describes files of the web site (data/): a page of the site only.
epub_exclude_files += ["data.xhtml"]
# Site, report, part: the EPUB's contents reach every part page.
epub_tocdepth = 3
# The report's parts sit in a hidden toctree (its landing page shows them as cards).
epub_tocscope = "includehidden"
