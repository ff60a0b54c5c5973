"""An edit's staged site: what it links, which page each file is of, what staging makes of a site.

``build.stage_previous_site`` starts it from the published site. It links only files that are
written as new files; the removal of pages whose source is gone asks which page a file is of.
Both take paths as ``/``-separated strings.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

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


def _tree(root: Path) -> dict[str, tuple[str, bytes | None, int]]:
    """Every path below ``root``: its kind, its bytes (files) and its modification time."""
    found = {}
    for path in sorted(root.rglob("*")):
        kind = "link" if path.is_symlink() else "folder" if path.is_dir() else "file"
        data = path.read_bytes() if kind == "file" else None
        found[path.relative_to(root).as_posix()] = (kind, data, path.lstat().st_mtime_ns)
    return found


def spare_site(root: Path, site: Path) -> Path:
    """A site a build replaced: some files the published site's own, others stale, missing, extra or of another kind."""
    spare = root / "spare"
    (spare / "reports" / "a").mkdir(parents=True)
    os.link(site / "index.html", spare / "index.html")  # a page the last build did not write: still linked
    (spare / "reports" / "a" / "one.html").write_text("<p>one, before the edit</p>", encoding="utf-8")
    (spare / "reports" / "a" / "evil.html").symlink_to(root / "elsewhere" / "secret.txt")
    (spare / "reports" / "gone").mkdir()
    (spare / "reports" / "gone" / "page.html").write_text("<p>a page whose source went</p>", encoding="utf-8")
    (spare / "cite" / "reports" / "a" / "one.json").mkdir(parents=True)  # a folder where a file is now
    (spare / "_static").mkdir()
    shutil.copy2(site / "_static" / "edition.css", spare / "_static" / "edition.css")  # copied, written since by nobody
    (spare / "data").mkdir()
    (spare / "data" / "people.csv").write_text("no\n", encoding="utf-8")  # the same size, written again since
    (spare / "empty").write_text("a file where a folder is now", encoding="utf-8")
    (spare / "archive").mkdir()  # a folder where the published site has a link to one: not staged
    (spare / "archive" / "old.txt").write_text("old", encoding="utf-8")
    (spare / "pagefind").mkdir()
    (spare / "pagefind" / "pagefind-entry.json").write_text("{}", encoding="utf-8")
    return spare


def test_a_spare_site_is_brought_up_to_the_published_one_and_staged_as_from_nothing(tmp_path: Path) -> None:
    site = published_site(tmp_path)
    spare = spare_site(tmp_path, site)
    kept_copy = (spare / "_static" / "edition.css").stat().st_ino
    from_nothing, from_spare = tmp_path / "from-nothing", tmp_path / "from-spare"
    stage_previous_site(site, from_nothing)
    stage_previous_site(site, from_spare, spare)
    assert not spare.exists()  # it became the staged site
    assert _tree(from_spare) == _tree(from_nothing)
    for relative in ("index.html", "reports/a/one.html", "cite/reports/a/one.json"):
        assert (from_spare / relative).samefile(site / relative)
    for relative in ("_static/edition.css", "data/people.csv"):
        assert not (from_spare / relative).samefile(site / relative)
    assert (from_spare / "_static" / "edition.css").stat().st_ino == kept_copy  # unchanged: not copied again
    assert (tmp_path / "elsewhere" / "secret.txt").read_text(encoding="utf-8") == "not the site's"


def test_a_spare_that_is_a_link_is_not_used(tmp_path: Path) -> None:
    site = published_site(tmp_path)
    spare = spare_site(tmp_path, site)
    link = tmp_path / "spare-link"
    link.symlink_to(spare, target_is_directory=True)
    stage_previous_site(site, tmp_path / "staged", link)
    assert link.is_symlink()
    assert (spare / "reports" / "gone" / "page.html").exists()  # left as it was
    assert _tree(tmp_path / "staged")["index.html"][0] == "file"


def test_a_spare_copy_with_another_link_is_copied_again(tmp_path: Path) -> None:
    # Sphinx writes _static and the like in place: a kept copy must be a file of its own.
    site = published_site(tmp_path)
    spare = spare_site(tmp_path, site)
    (spare / "_static" / "edition.css").unlink()
    os.link(site / "_static" / "edition.css", spare / "_static" / "edition.css")  # all else the same
    stage_previous_site(site, tmp_path / "staged", spare)
    assert not (tmp_path / "staged" / "_static" / "edition.css").samefile(site / "_static" / "edition.css")


def test_a_spare_folder_that_cannot_be_listed_is_staged_from_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = published_site(tmp_path)
    spare = spare_site(tmp_path, site)
    (spare / "reports" / "a" / "planted.html").write_text("<p>not the site's</p>", encoding="utf-8")
    scandir = os.scandir

    def refused(path: str) -> Any:
        if str(path).endswith("reports/a") and "staged" in str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refused)
    stage_previous_site(site, tmp_path / "staged", spare)
    monkeypatch.undo()
    from_nothing = tmp_path / "from-nothing"
    stage_previous_site(site, from_nothing)
    assert _tree(tmp_path / "staged") == _tree(from_nothing)
