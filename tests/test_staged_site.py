"""An edit's staged site: what it links, which page each file is of, what staging makes of a site.

``build.stage_previous_site`` starts it from the published site. It links only files that are
written as new files; the removal of pages whose source is gone asks which page a file is of.
Both take paths as ``/``-separated strings.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from dialogue_edition.build import stage_previous_site
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


def published_site(root: Path) -> Path:
    """A published site of every shape staging meets: pages, Sphinx's folders, the index, links, an empty folder."""
    site = root / "html"
    for relative, text in {
        "index.html": "<p>home</p>",
        "reports/a/one.html": "<p>one</p>",
        "cite/reports/a/one.json": "{}",
        "_static/edition.css": "p {}",
        "data/people.csv": "id\n",
        "pagefind/pagefind-entry.json": "{}",
    }.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(text, encoding="utf-8")
    (site / "empty").mkdir()
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "secret.txt").write_text("not the site's", encoding="utf-8")
    (site / "archive").symlink_to(root / "elsewhere", target_is_directory=True)
    for path in [*site.rglob("*"), site]:
        os.utime(path, (1_600_000_000, 1_600_000_000), follow_symlinks=False)
    return site


def test_the_staged_site_links_pages_copies_the_rest_and_keeps_every_time(tmp_path: Path) -> None:
    site = published_site(tmp_path)
    staged = tmp_path / "staged"
    stage_previous_site(site, staged)
    found = sorted(path.relative_to(staged).as_posix() for path in staged.rglob("*"))
    # The search index is written anew; a link to a folder is left out (os.walk's rule), never followed.
    assert found == [
        "_static",
        "_static/edition.css",
        "cite",
        "cite/reports",
        "cite/reports/a",
        "cite/reports/a/one.json",
        "data",
        "data/people.csv",
        "empty",
        "index.html",
        "reports",
        "reports/a",
        "reports/a/one.html",
    ]
    for relative in ("index.html", "reports/a/one.html", "cite/reports/a/one.json"):
        assert (staged / relative).samefile(site / relative)  # linked: written only as new files
    for relative in ("_static/edition.css", "data/people.csv"):
        assert not (staged / relative).samefile(site / relative)  # copied: may be written in place
    for path in [staged, *staged.rglob("*")]:
        assert path.stat().st_mtime == 1_600_000_000, path


def test_a_search_index_that_is_a_link_is_left_out_too(tmp_path: Path) -> None:
    site = published_site(tmp_path)
    shutil.rmtree(site / "pagefind")
    (site / "pagefind").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    stage_previous_site(site, tmp_path / "staged")
    assert not (tmp_path / "staged" / "pagefind").exists()
