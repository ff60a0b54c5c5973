"""The search index in parts (``dialogue_edition.search_parts``): an edit rewrites only its report's part.

Small sites made of a few HTML pages, indexed by Pagefind itself: which records go into which
part, which files an edit writes again and which it links from the published index, and that the
result is the index a clean build writes, byte for byte.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import dialogue_edition.search as search_module
import dialogue_edition.search_parts as search_parts
import dialogue_edition.search_scratch as search_scratch
import pytest
from dialogue_edition.search import BUNDLE, Record, index_site
from dialogue_edition.search_parts import PARTS_FILE, SITE_UNIT, Document, split_into_parts, unit_of

WRITER = "test"


def _records(urls: list[str]) -> list[Record]:
    return [Record(url, url, "Report text") for url in urls]


def test_a_record_belongs_to_its_report_or_to_the_site() -> None:
    assert unit_of("reports/a-report/close.html#p3") == "reports/a-report"
    assert unit_of("reports/a-report/index.html") == "reports/a-report"
    assert unit_of("people.html#person-x") == SITE_UNIT
    assert unit_of("reports/index.html#p1") == SITE_UNIT  # a page of the folder itself, not of a report


def test_a_small_site_is_one_part_in_the_site_order() -> None:
    urls = ["agreements.html#a", "reports/b/x.html#p1", "people.html#p", "reports/a/y.html#p1", "timeline.html#e"]
    parts = split_into_parts(_records(urls), "en", WRITER)
    assert [part.folder for part in parts] == [""]
    assert [url for _, url in parts[0].documents] == urls


def test_a_large_site_has_a_part_of_its_own_pages_then_parts_of_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_parts, "UNITS_PER_PART", 2)
    urls = [f"reports/r{number}/page.html#p{paragraph}" for number in (5, 1, 4, 2, 3) for paragraph in (1, 2)]
    urls.insert(3, "people.html#person-x")
    parts = split_into_parts(_records(urls), "en", WRITER)
    assert [part.folder for part in parts] == ["", "part-1", "part-2", "part-3"]
    assert [[url.split("/")[1] for _, url in part.documents] for part in parts[1:]] == [
        ["r1", "r1", "r2", "r2"],
        ["r4", "r4", "r3", "r3"],  # reports 3 and 4 together, in the order of the site's records
        ["r5", "r5"],
    ]
    assert [url for _, url in parts[0].documents] == ["people.html#person-x"]


def test_a_part_digest_changes_with_its_records_and_only_with_them() -> None:
    urls = ["people.html#a", "reports/r1/page.html#p1"]
    before = split_into_parts(_records(urls), "en", WRITER)[0].digest
    assert split_into_parts(_records(urls), "en", WRITER)[0].digest == before
    changed = _records(urls)
    changed[1].add("One more word.")
    assert split_into_parts(changed, "en", WRITER)[0].digest != before
    assert split_into_parts(_records(urls), "en", "another writer")[0].digest != before
    assert split_into_parts(_records(urls), "ko", WRITER)[0].digest != before


def _page(words: str) -> str:
    return (
        '<html lang="en"><body><article role="main"><h1>Page</h1>'
        f'<p><span class="target" id="p1"></span>{words}</p></article></body></html>'
    )


def _site(folder: Path, words: dict[str, str]) -> Path:
    for name, text in words.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(_page(text), encoding="utf-8")
    return folder


def _files(bundle: Path) -> dict[str, bytes]:
    return {path.relative_to(bundle).as_posix(): path.read_bytes() for path in bundle.rglob("*") if path.is_file()}


PAGES = {
    "people.html": "Glossary words.",
    "reports/first/page.html": "Words of the first report.",
    "reports/second/page.html": "Words of the second report.",
    "reports/third/page.html": "Words of the third report.",
}


def _published_in_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, bytes], Path]:
    """``PAGES`` indexed one unit a part: the site, its index's files, and a copy as the published index."""
    monkeypatch.setattr(search_parts, "UNITS_PER_PART", 1)
    site = _site(tmp_path / "site", PAGES)
    index_site(site)
    return site, _files(site / BUNDLE), shutil.copytree(site / BUNDLE, tmp_path / "published")


def _written_parts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The folders Pagefind writes a part into from now on (relative to the bundle, ``""`` the first).

    In no set order: several parts are written at once, one a core (``search._write_parts``).
    """
    written: list[str] = []
    original = search_module._write_index

    def write(bundle: Path, language: str, documents: list[Document], *, first: bool = True) -> None:
        written.append("" if first else bundle.name)
        original(bundle, language, documents, first=first)

    monkeypatch.setattr(search_module, "_write_index", write)
    return written


def test_parts_written_in_memory_and_placed_one_by_one_equal_parts_written_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # search._write_parts: each part leaves memory for the staged site as soon as it is written,
    # the first without the others' folders (each of which its own writer places).
    if search_scratch.memory_folder(0) is None:
        pytest.skip("this machine has no /dev/shm with room: the bundle is written in place")
    monkeypatch.setattr(search_parts, "UNITS_PER_PART", 1)
    site = _site(tmp_path / "site", PAGES)
    placed: list[str] = []
    original = search_module.place

    def place(written: Path, bundle: Path, previous: Path | None, leave: frozenset[str] = frozenset()) -> None:
        placed.append(bundle.relative_to(site / BUNDLE).as_posix())
        original(written, bundle, previous, leave)

    monkeypatch.setattr(search_module, "place", place)
    index_site(site)
    assert sorted(placed) == [".", "part-1", "part-2", "part-3"]
    in_memory = _files(site / BUNDLE)
    monkeypatch.setattr(search_scratch, "MEMORY", tmp_path / "no-such-folder")
    index_site(site)
    assert _files(site / BUNDLE) == in_memory


def test_an_edit_writes_only_its_reports_part_and_equals_a_clean_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_parts, "UNITS_PER_PART", 1)
    site = _site(tmp_path / "site", PAGES)
    written = _written_parts(monkeypatch)
    index_site(site)
    assert sorted(written) == ["", "part-1", "part-2", "part-3"]
    parts = json.loads((site / BUNDLE / PARTS_FILE).read_text(encoding="utf-8"))["parts"]
    assert [part["folder"] for part in parts] == ["", "part-1/", "part-2/", "part-3/"]
    assert not (site / BUNDLE / "part-1" / "pagefind.js").exists()  # the first part's script runs them all
    published = shutil.copytree(site / BUNDLE, tmp_path / "published")

    written.clear()
    _site(site, {"reports/second/page.html": "Other words of the second report."})
    index_site(site, previous=published)
    assert sorted(written) == ["part-2"]
    bundle = site / BUNDLE
    for name in ("pagefind.js", "part-1/pagefind-entry.json", "part-3/pagefind-entry.json"):
        assert (bundle / name).stat().st_ino == (published / name).stat().st_ino, name  # linked
    edited = _files(bundle)
    assert edited != _files(published)

    shutil.rmtree(bundle)
    index_site(site)
    assert _files(bundle) == edited  # the clean build's index, byte for byte


def test_a_published_part_with_a_missing_file_is_written_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, clean, published = _published_in_parts(tmp_path, monkeypatch)
    next((published / "part-2" / "fragment").iterdir()).unlink()
    written = _written_parts(monkeypatch)
    index_site(site, previous=published)
    assert sorted(written) == ["part-2"]
    assert _files(site / BUNDLE) == clean


def test_a_site_whose_own_pages_give_no_records_starts_with_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pagefind writes no index for no records: the first part is then the first reports'.
    monkeypatch.setattr(search_parts, "UNITS_PER_PART", 1)
    parts = split_into_parts(_records(["reports/a/page.html#p1", "reports/b/page.html#p1"]), "en", WRITER)
    assert [(part.folder, [url for _, url in part.documents]) for part in parts] == [
        ("", ["reports/a/page.html#p1"]),
        ("part-1", ["reports/b/page.html#p1"]),
    ]


def test_only_the_files_a_published_part_names_are_reused_and_never_a_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Whatever else lies in the published index (a link out of the project, a stray file, a file
    # where a part's folder goes) stays behind: the new index is the clean one.
    site, clean, published = _published_in_parts(tmp_path, monkeypatch)
    outside = tmp_path / "outside.txt"
    outside.write_text("not the project's", encoding="utf-8")
    (published / "part-1" / "fragment" / "stray.pf_fragment").symlink_to(outside)
    (published / "part-1" / "stray.txt").write_text("stray", encoding="utf-8")
    shutil.rmtree(published / "part-3")
    (published / "part-3").write_text("a file where a folder was", encoding="utf-8")
    index_site(site, previous=published)
    assert _files(site / BUNDLE) == clean
    assert not any(path.is_symlink() for path in (site / BUNDLE).rglob("*"))

    # A part whose named file is a link is written again, not linked.
    named = next((published / "part-2" / "fragment").iterdir())
    named.unlink()
    named.symlink_to(outside)
    written = _written_parts(monkeypatch)
    index_site(site, previous=published)
    assert sorted(written) == ["part-2", "part-3"]
    assert _files(site / BUNDLE) == clean


@pytest.mark.parametrize(
    "listing",
    [
        '{"parts": [{"folder": 3}',
        "[" * 100_000,
        '{"parts": [{"folder": "../../", "digest": "x"}]}',
        '{"parts": null}',
        "\x00\xff",
    ],
)
def test_a_published_parts_file_of_any_shape_reuses_nothing_it_should_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listing: str
) -> None:
    site, clean, published = _published_in_parts(tmp_path, monkeypatch)
    (published / PARTS_FILE).write_text(listing, encoding="utf-8")
    written = _written_parts(monkeypatch)
    index_site(site, previous=published)
    assert sorted(written) == ["", "part-1", "part-2", "part-3"]
    assert _files(site / BUNDLE) == clean


def _assert_as_clean(site: Path) -> None:
    """The site's index is the one a clean build writes, byte for byte."""
    edited = _files(site / BUNDLE)
    shutil.rmtree(site / BUNDLE)
    index_site(site)
    assert _files(site / BUNDLE) == edited


def _indexed_with_a_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, dict[str, bytes]]:
    """``PAGES`` indexed one unit a part with a record cache: the site, the cache file, the index's files."""
    monkeypatch.setattr(search_parts, "UNITS_PER_PART", 1)
    site, cache = _site(tmp_path / "site", PAGES), tmp_path / "cache" / "search-pages.json"
    index_site(site, cache)
    return site, cache, _files(site / BUNDLE)


# -- What an edit reads ------------------------------------------------------------------------
# The record cache (search.RecordCache) keeps, for each part, the digest of what it was written
# from: its pages' keys and the names every part shares. A part whose inputs are unchanged is
# linked from the published index without its records being read at all.


def _mentioning(entity: str) -> str:
    return (
        '<html lang="en"><head><meta name="edition-search-report" content="First report"></head>'
        '<body><article role="main"><h1>Page</h1><p><span class="target" id="p1"></span>'
        f'Words about <span class="mention-text" data-kind="person" data-entity="{entity}">someone</span>.'
        "</p></article></body></html>"
    )


def _glossary(name: str) -> str:
    return (
        '<html lang="en"><body><article role="main"><h1>People</h1>'
        f'<section class="glossary-entry person" id="person-x"><h2>{name}</h2><p>An entry.</p></section>'
        "</article></body></html>"
    )


def _records_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages whose records the index is built from from now on (taken from the cache or read)."""
    read: list[str] = []
    original = search_module.RecordCache.records

    def records(self: search_module.RecordCache, page: search_module.CachedPage) -> list[Record]:
        read.append(page.url)
        return original(self, page)

    monkeypatch.setattr(search_module.RecordCache, "records", records)
    return read


def test_an_edit_reads_the_records_of_its_own_part_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_parts, "UNITS_PER_PART", 1)
    site, cache = _site(tmp_path / "site", PAGES), tmp_path / "cache" / "search-pages.json"
    index_site(site, cache)
    published = shutil.copytree(site / BUNDLE, tmp_path / "published")
    read, written = _records_read(monkeypatch), _written_parts(monkeypatch)
    _site(site, {"reports/second/page.html": "Other words of the second report."})
    index_site(site, cache, previous=published)
    assert read == ["reports/second/page.html"]
    assert sorted(written) == ["part-2"]
    _assert_as_clean(site)  # the clean build's index, byte for byte

    # Nothing changed: no part's records are needed.
    read.clear()
    index_site(site, cache, previous=shutil.copytree(site / BUNDLE, tmp_path / "published-2"))
    assert read == []


def test_a_changed_name_rewrites_the_parts_that_mention_it_though_their_pages_are_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A paragraph's "mentions" filter names a person as the site's other pages do: a new name in
    # the glossary changes the records of every page that mentions them.
    monkeypatch.setattr(search_parts, "UNITS_PER_PART", 1)
    site, cache = tmp_path / "site", tmp_path / "cache" / "search-pages.json"
    site.mkdir()
    (site / "people.html").write_text(_glossary("First Name"), encoding="utf-8")
    (site / "reports" / "first").mkdir(parents=True)
    (site / "reports" / "first" / "page.html").write_text(_mentioning("x"), encoding="utf-8")
    _site(site, {"reports/second/page.html": "Words that mention nobody."})
    index_site(site, cache)
    published = shutil.copytree(site / BUNDLE, tmp_path / "published")
    written = _written_parts(monkeypatch)
    (site / "people.html").write_text(_glossary("Second Name"), encoding="utf-8")
    index_site(site, cache, previous=published)
    assert sorted(written) == ["", "part-1"]  # the glossary's part and the part that mentions them
    _assert_as_clean(site)


@pytest.mark.parametrize(
    ("damage", "read_again"),
    [
        ("a records file missing", "its page"),
        ("a records file not JSON", "its page"),
        ("a records file of another count", "its page"),
        ("a records file of another shape", "its page"),
        ("a records file a link out of the project", "its page"),
        ("a records file a pipe", "its page"),
        ("a records file a folder", "its page"),
        ("a folder in the folder", "none"),
        ("the folder a link out of the project", "every page"),
        ("the folder a file", "every page"),
    ],
)
def test_whatever_is_wrong_in_the_records_folder_the_index_is_the_clean_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str, read_again: str
) -> None:
    # The page is read again where its records are not whole; nothing outside the folder is
    # read, written, removed or waited on; no traceback, in this build or the next.
    site, cache, clean = _indexed_with_a_cache(tmp_path, monkeypatch)
    folder = cache.parent / "search-pages-records"
    key = search_module.unsealed(cache.read_text(encoding="utf-8"))["files"]["reports/second/page.html"][4]
    records_file = folder / f"{key}.json"
    outside = tmp_path / "outside"
    outside.mkdir()
    # Whole records, written otherwise: read through a link they would do; written through it, they would change.
    outside_records = json.dumps(json.loads(records_file.read_text(encoding="utf-8")), indent=2)
    (outside / "records.json").write_text(outside_records, encoding="utf-8")
    if damage.startswith("a records file"):
        records_file.unlink()
    if damage == "a records file not JSON":
        records_file.write_text("[{", encoding="utf-8")
    elif damage == "a records file of another count":
        records_file.write_text("[]", encoding="utf-8")
    elif damage == "a records file of another shape":
        records_file.write_text('[{"url": 5}]', encoding="utf-8")
    elif damage == "a records file a link out of the project":
        records_file.symlink_to(outside / "records.json")
    elif damage == "a records file a pipe":
        os.mkfifo(records_file)
    elif damage == "a records file a folder":
        records_file.mkdir()
    elif damage == "a folder in the folder":
        (folder / "stray").mkdir()
    elif damage == "the folder a link out of the project":
        shutil.rmtree(folder)
        folder.symlink_to(outside)
    elif damage == "the folder a file":
        shutil.rmtree(folder)
        folder.write_text("not a folder", encoding="utf-8")
    data = search_module.unsealed(cache.read_text(encoding="utf-8"))
    data["parts"] = {}  # every part's records are needed
    cache.write_text(search_module.sealed(data), encoding="utf-8")
    pages_read: list[str] = []
    original = search_module.page_parts
    monkeypatch.setattr(search_module, "page_parts", lambda page, url: pages_read.append(url) or original(page, url))
    shutil.rmtree(site / BUNDLE)
    index_site(site, cache)
    assert _files(site / BUNDLE) == clean
    expected = {"its page": ["reports/second/page.html"], "none": [], "every page": sorted(PAGES)}
    assert sorted(pages_read) == expected[read_again]
    assert sorted(path.name for path in outside.iterdir()) == ["records.json"]
    assert (outside / "records.json").read_text(encoding="utf-8") == outside_records
    assert folder.is_dir()
    assert not folder.is_symlink()
    assert not records_file.is_symlink()
    assert json.loads(records_file.read_text(encoding="utf-8"))
    shutil.rmtree(site / BUNDLE)
    index_site(site, cache)  # and the next build too
    assert _files(site / BUNDLE) == clean


def test_the_cache_names_no_file_but_its_own_and_keeps_none_it_no_longer_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, cache = _site(tmp_path / "site", PAGES), tmp_path / "cache" / "search-pages.json"
    long_ago = time.time_ns() - 60 * 1_000_000_000
    for page in site.rglob("*.html"):  # files the cache trusts by their identity (search._known_key)
        os.utime(page, ns=(long_ago, long_ago))
    index_site(site, cache)
    clean = _files(site / BUNDLE)
    records = cache.parent / "search-pages-records"
    assert len(list(records.iterdir())) == len(PAGES)
    # A key that is not a digest (a damaged or planted cache) is never a file's name.
    data = search_module.unsealed(cache.read_text(encoding="utf-8"))
    victim = tmp_path / "victim.json"
    victim.write_text("[]", encoding="utf-8")
    bad_key = "../../victim"
    url = "reports/first/page.html"
    data["pages"][bad_key] = data["pages"][data["files"][url][4]]
    data["files"][url][4] = bad_key
    cache.write_text(search_module.sealed(data), encoding="utf-8")
    shutil.rmtree(site / BUNDLE)
    index_site(site, cache)
    assert _files(site / BUNDLE) == clean
    assert victim.read_text(encoding="utf-8") == "[]"
    # A page gone, or changed: its old records file goes.
    (site / "reports" / "third" / "page.html").unlink()
    _site(site, {"reports/second/page.html": "Changed words."})
    index_site(site, cache)
    kept = search_module.unsealed(cache.read_text(encoding="utf-8"))
    assert sorted(path.name for path in records.iterdir()) == sorted(f"{key}.json" for key in kept["pages"])
    assert len(kept["pages"]) == len(PAGES) - 1


def test_unchanged_parts_are_left_for_the_placing_to_carry_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # build.place_all moves a carried folder from the published site into the new one: the
    # result is the clean build's index. A folder with anything beside its files is linked instead.
    site, _, published = _published_in_parts(tmp_path, monkeypatch)
    (published / "part-3" / "stray.txt").write_text("stray", encoding="utf-8")
    written = _written_parts(monkeypatch)
    _site(site, {"reports/second/page.html": "Other words of the second report."})
    index = index_site(site, previous=published, carry=True)
    assert sorted(written) == ["part-2"]
    assert index.carried == ["part-1"]  # never the first part (the bundle itself), nor part-3
    assert not (site / BUNDLE / "part-1").exists()
    assert (site / BUNDLE / "part-3" / "pagefind-entry.json").stat().st_ino == (
        (published / "part-3" / "pagefind-entry.json").stat().st_ino
    )
    (published / "part-1").rename(site / BUNDLE / "part-1")
    _assert_as_clean(site)


def test_records_of_another_page_are_not_taken_for_a_pages_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site, cache, clean = _indexed_with_a_cache(tmp_path, monkeypatch)
    data = search_module.unsealed(cache.read_text(encoding="utf-8"))
    first, second = (data["files"][f"reports/{name}/page.html"][4] for name in ("first", "second"))
    folder = cache.parent / "search-pages-records"
    texts = {key: (folder / f"{key}.json").read_text(encoding="utf-8") for key in (first, second)}
    (folder / f"{first}.json").write_text(texts[second], encoding="utf-8")
    (folder / f"{second}.json").write_text(texts[first], encoding="utf-8")
    data["parts"] = {}
    cache.write_text(search_module.sealed(data), encoding="utf-8")
    shutil.rmtree(site / BUNDLE)
    index_site(site, cache)
    assert _files(site / BUNDLE) == clean


def test_a_page_that_changes_while_the_index_is_written_stops_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its records would otherwise be kept under the digest of the bytes it had before.
    site, cache = _site(tmp_path / "site", PAGES), tmp_path / "cache" / "search-pages.json"
    index_site(site, cache)
    data = search_module.unsealed(cache.read_text(encoding="utf-8"))
    data["parts"] = {}
    cache.write_text(search_module.sealed(data), encoding="utf-8")
    shutil.rmtree(cache.parent / "search-pages-records")
    original = search_module.RecordCache.pages

    def pages_then_change(self: search_module.RecordCache, *arguments: Any) -> list[search_module.CachedPage]:
        found = original(self, *arguments)
        _site(site, {"reports/second/page.html": "Words written meanwhile."})
        return found

    monkeypatch.setattr(search_module.RecordCache, "pages", pages_then_change)
    with pytest.raises(search_module.SearchIndexFailed, match=r"second/page\.html changed while"):
        index_site(site, cache)
    monkeypatch.undo()
    assert not cache.exists()  # the next build digests every page afresh, and succeeds
    assert index_site(site, cache).records == len(PAGES)


def test_a_published_index_reached_through_a_link_is_never_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A site folder that is a link may be another site's (a web server's root): its parts are linked.
    site, clean, published = _published_in_parts(tmp_path, monkeypatch)
    (tmp_path / "site-link").symlink_to(published.parent)
    index = index_site(site, previous=tmp_path / "site-link" / published.name, carry=True)
    assert index.carried == []
    assert _files(site / BUNDLE) == clean
    assert all((published / "part-1").iterdir())  # still there


def test_the_cache_file_is_never_written_through_a_link(tmp_path: Path) -> None:
    site, cache = _site(tmp_path / "site", PAGES), tmp_path / "cache" / "search-pages.json"
    outside = tmp_path / "outside.json"
    outside.write_text("precious", encoding="utf-8")
    cache.parent.mkdir()
    cache.symlink_to(outside)
    index_site(site, cache)
    assert outside.read_text(encoding="utf-8") == "precious"
    assert not cache.is_symlink()
    assert search_module.unsealed(cache.read_text(encoding="utf-8"))


def _emptying_a_chunk(monkeypatch: pytest.MonkeyPatch, times: int) -> list[int]:
    """Pagefind's writes, the first ``times`` of which leave an index chunk empty once Pagefind has exited."""
    calls: list[int] = []
    original = search_module._pagefind_write

    def write(bundle: Path, language: str, documents: list[Document], *, first: bool) -> None:
        original(bundle, language, documents, first=first)
        calls.append(1)
        if len(calls) <= times:
            next((bundle / "index").glob("*.pf_index")).write_bytes(b"")

    monkeypatch.setattr(search_module, "_pagefind_write", write)
    return calls


def test_a_file_left_empty_after_pagefind_exited_is_written_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean_site = _site(tmp_path / "clean", PAGES)
    index_site(clean_site)
    clean = _files(clean_site / BUNDLE)
    site = _site(tmp_path / "site", PAGES)
    calls = _emptying_a_chunk(monkeypatch, times=1)
    index_site(site)
    assert len(calls) == 2
    assert _files(site / BUNDLE) == clean


def test_a_bundle_that_stays_incomplete_fails_the_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = _site(tmp_path / "site", PAGES)
    calls = _emptying_a_chunk(monkeypatch, times=search_module.WRITE_ATTEMPTS)
    with pytest.raises(search_module.SearchIndexFailed, match="incomplete once it had exited"):
        index_site(site)
    assert len(calls) == search_module.WRITE_ATTEMPTS
