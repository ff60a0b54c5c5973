"""The projects the benchmark builds: synthetic archives, their plain-Sphinx twins, the edit.

- An archive of N reports is this project with the real report and N - 1 renamed copies of it,
  each a report of its own (slug, landing page, figure names).
- Its baseline is the same pages for plain Sphinx (myst-parser, sphinx-design and Furo), as
  issue 17 defines it: "over the same pages with the roles turned into text" (its one-report
  site has 11 pages: the reports' and the landing, people, organisations, agreements and
  timeline pages).
  - Our roles become their text, our directives their content (an editorial box's title becomes
    a paragraph), and the directives that generate content from data (``report-metadata``, the
    glossaries, the bibliography, the timeline, the data dictionary, the landing page's list of
    reports and downloads) are left out: plain Sphinx has nothing to show for them. A citation
    (``{cite:p}``) is left out too: its label is made from the bibliography.
  - The landing page is ours made so, its toctrees kept; sphinx-design's cards are written with
    colon fences, as ours are (MyST's ``colon_fence``).
  - The books' baseline leaves out the page our books leave out (the data page).
  - Optionally with the navigation collapsed the way ``dialogue_edition.sphinxext.navigation``
    collapses ours.
  - Optionally (``content_from``: our HTML build of the same archive) with the generated pages'
    text: what a plain Sphinx project would hold to show the same pages, written as plain MyST
    (``plain_pages``). Not the issue's measure; a figure beside it.
- The one-page edit adds or removes one word at the end of the first line of the first
  editorial box of one report page, in both projects: the same change in the same page.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from dialogue_edition.build import copy_project
from plain_pages import page_as_myst
from timing import BuildError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout the benchmark measures: a development tool, it lives beside the code, not in it."""
SLUG = "strategic-conference-2020"
EDITED_PAGE = Path("reports") / SLUG / "close.md"
EDIT_MARKER = " benchmark"
"""The word the one-page edit adds and removes, in turn."""


# -- Archives --------------------------------------------------------------------------------


def replace_in(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in a text file."""
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def add_copy(project: Path, number: int) -> str:
    """The real report copied under a new slug, as a report of its own; its slug."""
    slug = f"{SLUG}-copy-{number}"
    shutil.copytree(project / "source_reports" / SLUG, project / "source_reports" / slug)
    replace_in(project / "source_reports" / slug / "metadata.yaml", f"slug: {SLUG}", f"slug: {slug}")
    pages = project / "docs" / "reports" / slug
    shutil.copytree(project / "docs" / "reports" / SLUG, pages)
    replace_in(pages / "index.md", f"{{report-metadata}} {SLUG}", f"{{report-metadata}} {slug}")
    # Figure names are site-wide labels: each copy's must differ.
    for page in pages.glob("*.md"):
        replace_in(page, ":name: photo-", f":name: {slug}-photo-")
    return slug


def archive(target: Path, reports: int) -> Path:
    """A synthetic archive of ``reports`` reports: the real one and renamed copies of it."""
    project = copy_project(target, PROJECT_ROOT)
    entries = [f"reports/{SLUG}/index"] + [f"reports/{add_copy(project, n)}/index" for n in range(2, reports + 1)]
    replace_in(project / "docs" / "index.md", f"reports/{SLUG}/index\n", "\n".join(entries) + "\n")
    return project


def page_count(docs: Path) -> int:
    """The pages Sphinx reads: the Markdown files of the source folder."""
    return sum(1 for _ in docs.rglob("*.md"))


# -- The plain-Sphinx baseline ---------------------------------------------------------------

OPENING = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}(?P<argument>.*)$")
OPTION = re.compile(r"^:[\w-]+:")
UNWRAPPED = {"editorial", "missing-photo"}
"""Our directives that become their content (``only`` stays: plain Sphinx reads its builder tags as ours does)."""
TITLED = {"editorial"}
"""Our directives whose argument is a title, kept as a paragraph of its own."""
DROPPED = {
    "report-metadata",
    "people-glossary",
    "organisations-glossary",
    "bibliography",
    "timeline",
    "data-dictionary",
    "report-list",
    "edition-downloads",
}
"""Our directives (and sphinxcontrib-bibtex's) that generate content from data: plain Sphinx has nothing to show."""
ROLE = re.compile(r"\{(?:person|org|event|download)\}`(?P<text>[^`<]*?)\s*(?:<[^>`]*>)?`")
"""Our roles, and ``download`` (its file, the agreements' BibTeX, is outside the pages), as their text."""
CITATION = re.compile(r"\s*\{cite:[a-z]+\}`[^`]*`")


def plain_lines(lines: list[str]) -> list[str]:
    """Our directives' fences and options removed (their content kept), or the whole block dropped."""
    kept: list[str] = []
    open_blocks: list[tuple[str, str]] = []  # (fence, what becomes of the block)
    in_options = False
    for line in lines:
        opening = OPENING.match(line)
        if opening:
            name = opening["name"]
            fate = "drop" if name in DROPPED else "unwrap" if name in UNWRAPPED else "keep"
            open_blocks.append((opening["fence"], fate))
            in_options = True
            if fate == "keep" and not any(block[1] == "drop" for block in open_blocks):
                kept.append(line)
            elif name in TITLED and opening["argument"].strip():
                kept += [opening["argument"].strip(), ""]
            continue
        fate = open_blocks[-1][1] if open_blocks else "keep"
        if open_blocks and line.strip() == open_blocks[-1][0]:
            open_blocks.pop()
            if fate == "keep" and not any(block[1] == "drop" for block in open_blocks):
                kept.append(line)
            continue
        if in_options and OPTION.match(line) and fate != "keep":
            continue
        in_options = in_options and bool(OPTION.match(line))
        if not any(block[1] == "drop" for block in open_blocks):
            kept.append(line)
    return kept


def plain_markdown(text: str) -> str:
    """A page of ours as plain MyST: roles as their text, citations gone, our directives unwrapped."""
    text = "\n".join(plain_lines(text.splitlines())) + "\n"
    return CITATION.sub("", ROLE.sub(lambda match: match["text"], text))


COLLAPSING = """
# The navigation collapsed to the branch being read, as dialogue_edition.sphinxext.navigation does.
import functools


def collapse_navigation(app, pagename, templatename, context, doctree):
    if "toctree" in context:
        toctree = context["toctree"]
        context["toctree"] = functools.wraps(toctree)(lambda **options: toctree(**{**options, "collapse": True}))


def setup(app):
    app.connect("html-page-context", collapse_navigation, priority=400)
"""


def baseline_conf(slugs: list[str], collapse: bool, content: bool = False) -> str:
    """The baseline's conf.py: the same extensions and theme, LaTeX like ours, one PDF per report and one combined.

    With ``content``, MyST's definition lists too (the open data's dictionary, as plain_pages writes it).
    """
    documents = [(f"reports/{slug}/index", f"{slug}.tex", slug, "Editors", "manual") for slug in slugs]
    combined = ("index", "all-reports.tex", "Reports", "Editors", "manual", True)
    lines = [
        'project = "Reports"',
        'extensions = ["myst_parser", "sphinx_design"]',
        'html_theme = "furo"',
        # The report's landing page writes sphinx-design's cards with colon fences, as ours does.
        'myst_enable_extensions = ["colon_fence"' + (', "deflist"]' if content else "]"),
        'latex_engine = "xelatex"',
        "latex_use_xindy = False",
        f"latex_documents = {[*documents, combined]!r}",
    ]
    return "\n".join(lines) + "\n" + (COLLAPSING if collapse else "")


BOOKS_LEAVE_OUT = ("data",)
"""The generated pages our books do not have (``docs/conf.py``, under the "book" tag)."""


def other_pages(ours: Path, book: bool = False) -> list[str]:
    """Our pages outside the reports but the landing page (those of a book only, with ``book``)."""
    left_out = {"index", *(BOOKS_LEAVE_OUT if book else ())}
    return sorted(page.stem for page in (ours / "docs").glob("*.md") if page.stem not in left_out)


def write_other_pages(docs: Path, ours: Path, names: list[str], content_from: Path | None) -> None:
    """Our other pages in ``docs``: their source made plain, or the text our site ``content_from`` shows."""
    reports = {str(page.relative_to(docs).with_suffix("")) for page in (docs / "reports").rglob("*.md")}
    for name in names:
        source = (ours / "docs" / f"{name}.md").read_text(encoding="utf-8")
        if content_from is None:
            text = plain_markdown(source)
        else:
            orphan = "---\norphan: true\n---\n\n" if source.startswith("---\norphan: true\n") else ""
            html = (content_from / f"{name}.html").read_text(encoding="utf-8")
            text = orphan + page_as_myst(html, reports | set(names))
        (docs / f"{name}.md").write_text(text, encoding="utf-8")


def baseline_project(
    ours: Path, target: Path, collapse: bool = False, content_from: Path | None = None, book: bool = False
) -> Path:
    """The pages of the archive ``ours`` (a book's, with ``book``) as a plain Sphinx project in ``target``.

    Returns its source folder. ``content_from``: our HTML build of ``ours``, whose generated
    pages' text the baseline then holds (``plain_pages``).
    """
    docs = target / "docs"
    shutil.copytree(ours / "docs" / "reports", docs / "reports", ignore=shutil.ignore_patterns("*.yaml"))
    for page in docs.rglob("*.md"):
        page.write_text(plain_markdown(page.read_text(encoding="utf-8")), encoding="utf-8")
    slugs = sorted(path.name for path in (docs / "reports").iterdir())
    write_other_pages(docs, ours, other_pages(ours, book), content_from)
    landing = plain_markdown((ours / "docs" / "index.md").read_text(encoding="utf-8"))
    (docs / "index.md").write_text(landing, encoding="utf-8")
    (docs / "conf.py").write_text(baseline_conf(slugs, collapse, content_from is not None), encoding="utf-8")
    return docs


# -- The one-page edit -----------------------------------------------------------------------


def edited_line(page: Path) -> str:
    """The line the edit changes: the first of the page's first editorial box (options skipped)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    start = next(number for number, line in enumerate(lines) if re.match(r"^`{3,}\{editorial\}", line))
    return next(line for line in lines[start + 1 :] if line.strip() and not OPTION.match(line))


def toggle_word(page: Path, line: str) -> None:
    """Add the marker word to the end of ``line`` in ``page``, or take it away if it is there."""
    text = page.read_text(encoding="utf-8")
    if line + "\n" not in text and line + EDIT_MARKER + "\n" not in text:
        # Else the "edit" would change nothing, and its build would be timed as an edit.
        raise BuildError(f"{page}: the line to edit is not there: {line!r}")
    if line + EDIT_MARKER + "\n" in text:
        text = text.replace(line + EDIT_MARKER + "\n", line + "\n", 1)
    else:
        text = text.replace(line + "\n", line + EDIT_MARKER + "\n", 1)
    page.write_text(text, encoding="utf-8")
