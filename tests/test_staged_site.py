"""Which files of the site the staged site links (``staged_site.shared``) and which page each is of (``source_of``).

The staged site links only files that are written as new files; the removal of pages whose
source is gone asks which page a file is of. Both take paths as ``/``-separated strings.
"""

from __future__ import annotations

import pytest
from dialogue_edition.sphinxext.staged_site import shared, source_of


@pytest.mark.parametrize(
    ("relative", "linked"),
    [
        ("index.html", True),
        ("reports/strategic-conference-2020/opening.html", True),
        ("cite/reports/strategic-conference-2020/opening.json", True),
        # Sphinx's own folders: it copies files into them in place, whatever their names.
        ("_static/edition.css", False),
        ("_static/template.html", False),
        ("_downloads/abc/report.html", False),
        # Not a page: no suffix (a name that is only ".html"), another suffix, JSON outside cite/.
        (".html", False),
        ("reports/notes.txt", False),
        ("data/people.json", False),
        ("cite.json", False),
        ("searchindex.js", False),
    ],
)
def test_only_pages_and_reference_files_are_linked(relative: str, linked: bool) -> None:
    assert shared(relative) is linked


@pytest.mark.parametrize(
    ("relative", "page"),
    [
        ("index.html", "index"),
        ("reports/strategic-conference-2020/opening.html", "reports/strategic-conference-2020/opening"),
        ("cite/reports/strategic-conference-2020/opening.json", "reports/strategic-conference-2020/opening"),
        ("cite/index.json", "index"),
        ("cite/about.html", "cite/about"),
        ("a.b.html", "a.b"),
        ("_static/template.html", None),
        ("_images/a.html", None),
        ("data/people.json", None),
        ("cite.json", None),
        ("reports/notes.txt", None),
        (".html", None),
    ],
)
def test_each_page_and_reference_file_is_of_its_page(relative: str, page: str | None) -> None:
    assert source_of(relative) == page
