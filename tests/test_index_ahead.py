"""The search index written in a child while Sphinx finishes (``dialogue_edition.index_ahead``).

The build takes the child's index only if every page of the site is still one the child read:
otherwise it writes the index again, as it would have without the child. These tests run the
child on a small site of pages, without Sphinx; ``tests/test_reproducible.py`` checks that the
edits it is used for equal clean builds.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import dialogue_edition.search as search_module
import pytest
from conftest import page_saying, process_alive
from dialogue_edition import search_ahead
from dialogue_edition.index_ahead import IndexAhead, expect, expected, forget
from dialogue_edition.search import BUNDLE, WrittenIndex, index_site, page_key, prepare_index
from dialogue_edition.work_ahead import spare_cores

# The child is forked only beside the build, on a core of its own.
pytestmark = pytest.mark.skipif(spare_cores() < 1, reason="one core only: the index is written after Sphinx")


def _site(root: Path) -> Path:
    site = root / "site"
    site.mkdir()
    for name, words in {"a.html": "Alpha words.", "b.html": "Beta words.", "c.html": "Gamma words."}.items():
        (site / name).write_text(page_saying(words), encoding="utf-8")
    return site


def _same_bundles(first: Path, second: Path) -> bool:
    comparison = filecmp.dircmp(first, second)
    if comparison.left_only or comparison.right_only or comparison.funny_files:
        return False
    if any(not filecmp.cmp(first / name, second / name, shallow=False) for name in comparison.common_files):
        return False
    return all(_same_bundles(first / name, second / name) for name in comparison.common_dirs)


def _begun(site: Path, cache: Path) -> IndexAhead:
    """A child begun once the pages are written: told to go at once."""
    ahead = IndexAhead(site, cache, None)
    assert ahead.begin()
    ahead.go()
    return ahead


def _finished_by_the_child(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A file the child writes once its index is written (the child runs this module's index_site, patched)."""
    finished = tmp_path / "finished"
    original = search_module.index_site

    def index_and_say(*arguments: Any, **options: Any) -> WrittenIndex:
        written = original(*arguments, **options)
        finished.touch()
        return written

    monkeypatch.setattr(search_module, "index_site", index_and_say)
    return finished


def _wait_for(path: Path) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never came"
        time.sleep(0.01)


def test_the_childs_index_is_taken_and_is_the_index_written_after(tmp_path: Path) -> None:
    site, cache = _site(tmp_path), tmp_path / "cache.json"
    written = _begun(site, cache).taken()
    assert written is not None
    assert written.records == 3
    assert sorted(written.pages) == ["a.html", "b.html", "c.html"]
    shutil.copytree(site / BUNDLE, tmp_path / "from-the-child")
    index_site(site, tmp_path / "another-cache.json")
    assert _same_bundles(tmp_path / "from-the-child", site / BUNDLE)


@pytest.mark.parametrize("change", ["rewritten", "added", "removed"])
def test_a_page_changed_after_the_child_read_it_has_the_index_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    site, cache = _site(tmp_path), tmp_path / "cache.json"
    finished = _finished_by_the_child(monkeypatch, tmp_path)
    ahead = _begun(site, cache)
    _wait_for(finished)
    page = site / ("d.html" if change == "added" else "b.html")
    if change == "removed":
        page.unlink()
    else:
        page.unlink(missing_ok=True)  # a new file, as the build writes pages
        page.write_text(page_saying("Changed words."), encoding="utf-8")
    assert ahead.taken() is None


def test_a_child_begun_before_the_pages_were_written_indexes_them_as_written(tmp_path: Path) -> None:
    # An edit: the child forks as Sphinx starts writing, knows the unchanged pages by their files
    # (the last build's cache), and is told to go once the edited page is written.
    site, cache = _site(tmp_path), tmp_path / "cache.json"
    long_ago = time.time_ns() - 60 * 1_000_000_000
    for page in site.iterdir():
        os.utime(page, ns=(long_ago, long_ago))
    index_site(site, cache)
    ahead = IndexAhead(site, cache, None)
    assert ahead.begin()
    (site / "b.html").unlink()  # a new file, as Sphinx writes pages
    (site / "b.html").write_text(page_saying("Changed words."), encoding="utf-8")
    (site / "d.html").write_text(page_saying("Delta words."), encoding="utf-8")
    ahead.go()
    written = ahead.taken()
    assert written is not None
    assert sorted(written.pages) == ["a.html", "b.html", "c.html", "d.html"]
    shutil.copytree(site / BUNDLE, tmp_path / "from-the-child")
    index_site(site, tmp_path / "another-cache.json")
    assert _same_bundles(tmp_path / "from-the-child", site / BUNDLE)


def test_what_is_prepared_before_the_pages_change_gives_the_index_written_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, cache = _site(tmp_path), tmp_path / "cache.json"
    long_ago = time.time_ns() - 60 * 1_000_000_000
    for page in site.iterdir():
        os.utime(page, ns=(long_ago, long_ago))
    index_site(site, cache)
    published = shutil.copytree(site, tmp_path / "published")
    prepared = prepare_index(site, cache, published / BUNDLE)
    assert sorted(prepared.kept.unchanged) == ["a.html", "b.html", "c.html"]
    assert prepared.published_parts  # the published bundle's files, listed once
    (site / "a.html").unlink()
    (site / "a.html").write_text(page_saying("Changed words."), encoding="utf-8")
    listed: list[Path] = []
    original = search_module._published_part
    monkeypatch.setattr(
        search_module,
        "_published_part",
        lambda *arguments, **options: listed.append(arguments[0]) or original(*arguments, **options),
    )
    written = index_site(site, cache, published / BUNDLE, prepared=prepared)
    assert listed == []
    shutil.copytree(site / BUNDLE, tmp_path / "prepared")
    monkeypatch.undo()
    assert index_site(site, tmp_path / "another-cache.json", published / BUNDLE).pages == written.pages
    assert _same_bundles(tmp_path / "prepared", site / BUNDLE)


def test_a_page_rewritten_with_the_same_bytes_keeps_the_childs_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The redirect stubs and the content policy write pages again after the child read them: the same bytes.
    site, cache = _site(tmp_path), tmp_path / "cache.json"
    finished = _finished_by_the_child(monkeypatch, tmp_path)
    ahead = _begun(site, cache)
    _wait_for(finished)
    page = site / "b.html"
    text = page.read_text(encoding="utf-8")
    page.unlink()
    page.write_text(text, encoding="utf-8")
    assert ahead.taken() is not None


def test_a_child_that_failed_gives_nothing_to_take(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*arguments: object, **options: object) -> None:
        raise search_module.SearchIndexFailed("failed in the child")

    monkeypatch.setattr(search_module, "index_site", fail)
    assert _begun(_site(tmp_path), tmp_path / "cache.json").taken() is None


def test_a_child_never_told_to_go_writes_nothing_and_is_stopped(tmp_path: Path) -> None:
    site = _site(tmp_path)
    ahead = IndexAhead(site, tmp_path / "cache.json", None)
    assert ahead.begin()
    taken: list[WrittenIndex | None] = []
    asking = threading.Thread(target=lambda: taken.append(ahead.taken()))
    asking.start()
    asking.join(30)
    try:
        assert taken == [None]  # at once: a child waiting for the word to go would never answer
    finally:
        ahead.stop()  # (if it waited: the child's end closes what it waited on)
        asking.join()
    assert not ahead.begun()
    assert not (site / BUNDLE).exists()


def test_no_child_is_forked_beside_another_thread(tmp_path: Path) -> None:
    # A fork copies the calling thread alone: a lock the other held would stay held in the child.
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        ahead = IndexAhead(_site(tmp_path), tmp_path / "cache.json", None)
        assert not ahead.begin()
        assert ahead.taken() is None
    finally:
        release.set()
        other.join()


def test_forgetting_stops_a_child_still_writing_and_what_it_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The child's own processes (its page readers, Pagefind) go with it: here, one that would sleep on.
    started = tmp_path / "started"

    def start_and_wait(*arguments: object, **options: object) -> None:
        process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        (tmp_path / "starting").write_text(str(process.pid), encoding="utf-8")
        (tmp_path / "starting").rename(started)  # whole when seen
        time.sleep(60)

    monkeypatch.setattr(search_module, "index_site", start_and_wait)
    site = _site(tmp_path)
    ahead = expect(site, tmp_path / "cache.json", None)
    assert expected(site) is ahead
    assert expected(tmp_path) is None
    assert ahead.begin()
    ahead.go()
    pid = ahead._pid
    assert pid is not None
    _wait_for(started)
    grandchild = int(started.read_text(encoding="utf-8"))
    began = time.monotonic()
    forget()
    assert time.monotonic() - began < 10
    assert expected(site) is None
    with pytest.raises(ChildProcessError):  # stopped and reaped
        os.waitpid(pid, os.WNOHANG)
    deadline = time.monotonic() + 10
    while process_alive(grandchild):
        assert time.monotonic() < deadline, "the child's own process runs on"
        time.sleep(0.01)


def test_a_pools_workers_end_with_the_process_that_forked_them(tmp_path: Path) -> None:
    # The index's page readers (search._read_pages): killed with the child that started them.
    script = (
        "import os, sys, time\n"
        "from concurrent.futures import ProcessPoolExecutor\n"
        "from multiprocessing import get_context\n"
        "from dialogue_edition.check_ahead import end_with_parent\n"
        "pool = ProcessPoolExecutor(2, get_context('fork'), initializer=end_with_parent)\n"
        "pool.submit(os.getpid).result()\n"
        "print(' '.join(map(str, pool._processes)), flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    workers = [int(pid) for pid in result.stdout.split()]
    assert workers, result.stderr
    deadline = time.monotonic() + 10
    while any(process_alive(pid) for pid in workers):
        assert time.monotonic() < deadline, "a worker runs on without the process that forked it"
        time.sleep(0.01)


def test_the_child_takes_the_pages_read_ahead_with_the_word_to_go(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pages Sphinx writes after the fork are read by the build's worker (search_ahead): the child
    # gets what it read with the word to go, and does not read those pages again.
    site, cache = _site(tmp_path), tmp_path / "cache.json"
    ahead = IndexAhead(site, cache, None)
    original = search_module.page_parts

    def not_this_page(page: bytes, url: str) -> search_module.PageParts:
        if url == "b.html":
            raise AssertionError("read again in the child")
        return original(page, url)

    monkeypatch.setattr(search_module, "page_parts", not_this_page)
    assert ahead.begin()
    content = (site / "b.html").read_bytes()
    monkeypatch.setitem(search_ahead.READ, "b.html", (page_key("b.html", content), asdict(original(content, "b.html"))))
    ahead.go()
    assert ahead.taken() is not None
