"""Reproducible editions: the same sources give the same bytes, clean or incremental."""

from __future__ import annotations

import contextlib
import filecmp
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import dialogue_edition.build as build_module
import pytest
from dialogue_edition import search_parts
from dialogue_edition.build import EDITIONS, Layout, build, copy_project
from dialogue_edition.open_data import Table
from dialogue_edition.search import WrittenIndex
from dialogue_edition.source_report import load_reports
from dialogue_edition.sphinxext import open_data as open_data_extension
from dialogue_edition.sphinxext import parallel_jobs
from dialogue_edition.sphinxext import search_ahead as search_ahead_extension
from dialogue_edition.sphinxext.epub import COMBINED_NAME
from dialogue_edition.sphinxext.staged_site import shared
from dialogue_edition.work_ahead import spare_cores
from sphinx.builders import Builder
from sphinx.util.parallel import make_chunks

EPOCH = "1606521600"  # any fixed time: the tests pin it rather than take the last commit's


def _outputs(layout: Layout) -> Path:
    """Move the editions aside (without caches and logs) and return where they went."""
    kept = layout.build.parent / f"kept-{len(list(layout.build.parent.glob('kept-*')))}"
    kept.mkdir()
    for item in layout.build.iterdir():
        if item.name not in {".doctrees", ".staging", "logs"}:
            shutil.move(item, kept / item.name)
    return kept


def _differences(first: Path, second: Path) -> list[str]:
    comparison = filecmp.dircmp(first, second)
    found = [*comparison.left_only, *comparison.right_only]
    found += [name for name in comparison.common_files if not filecmp.cmp(first / name, second / name, shallow=False)]
    for name in comparison.common_dirs:
        found += [f"{name}/{item}" for item in _differences(first / name, second / name)]
    return found


def _site_built_clean(project: Layout, monkeypatch: pytest.MonkeyPatch) -> Layout:
    """The HTML site (a draft) built from nothing at the fixed time; the layout to build it again."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    html = Layout(docs=project.docs, build=project.build, draft=True)
    shutil.rmtree(project.build, ignore_errors=True)
    build(["html"], html)
    return html


@contextlib.contextmanager
def _editorial_edit(project: Layout, word: str) -> Iterator[None]:
    """``word`` added to an editorial box of a report page (not to the report's text), then taken back."""
    page = project.docs / "reports" / "strategic-conference-2020" / "close.md"
    original = page.read_text(encoding="utf-8")
    assert word not in original
    page.write_text(original.replace("```{editorial}\n", f"```{{editorial}}\n{word} ", 1), encoding="utf-8")
    assert word in page.read_text(encoding="utf-8")
    try:
        yield
    finally:
        page.write_text(original, encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Layout:
    root = copy_project(tmp_path_factory.mktemp("reproducible"))
    return Layout(docs=root / "docs", build=root / "build")


def test_two_clean_builds_are_byte_identical(project: Layout, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    build(EDITIONS, project)
    first = _outputs(project)
    shutil.rmtree(project.build)
    build(EDITIONS, project)
    second = _outputs(project)
    stems = [COMBINED_NAME] + [report.slug for report in load_reports(project.docs.parent / "source_reports")]
    assert sorted(path.name for path in first.iterdir()) == sorted(
        ["html"] + [f"{stem}.{suffix}" for stem in stems for suffix in ("pdf", "epub")]
    )
    assert _differences(first, second) == []


def test_an_incremental_build_equals_a_clean_build_of_the_edited_sources(
    project: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    shutil.rmtree(project.build, ignore_errors=True)
    build(EDITIONS, project)
    page = project.docs / "reports" / "strategic-conference-2020" / "close.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace(
            "this page's title is editorial.", "this page's title is editorial (edited)."
        ),
        encoding="utf-8",
    )
    build(EDITIONS, project)
    incremental = _outputs(project)
    shutil.rmtree(project.build)
    build(EDITIONS, project)
    clean = _outputs(project)
    assert "(edited)" in (incremental / "html" / "reports" / "strategic-conference-2020" / "close.html").read_text(
        encoding="utf-8"
    )
    assert _differences(incremental, clean) == []


def test_a_page_taken_out_of_the_sources_is_taken_out_of_the_site(
    project: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An edit starts from the published site: a page whose source is gone must not stay in it.
    html = _site_built_clean(project, monkeypatch)
    page = project.docs / "gone-soon.md"
    page.write_text("---\norphan: true\n---\n# A page for a while\n\nIts only paragraph.\n", encoding="utf-8")
    # A page in a folder of its own, as a report's are: the folder goes with it.
    folder_page = project.docs / "gone-folder" / "inside" / "page.md"
    folder_page.parent.mkdir(parents=True)
    folder_page.write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
    build(["html"], html)
    assert (project.build / "html" / "gone-soon.html").is_file()
    assert (project.build / "html" / "cite" / "gone-soon.json").is_file()
    assert (project.build / "html" / "gone-folder" / "inside" / "page.html").is_file()
    page.unlink()
    shutil.rmtree(project.docs / "gone-folder")
    build(["html"], html)
    incremental = _outputs(project)
    shutil.rmtree(project.build)
    build(["html"], html)
    clean = _outputs(project)
    assert not (incremental / "html" / "gone-soon.html").exists()
    assert not (incremental / "html" / "gone-folder").exists()
    assert not (incremental / "html" / "cite" / "gone-folder").exists()
    assert _differences(incremental, clean) == []


def test_a_parallel_build_equals_a_serial_one(project: Layout, monkeypatch: pytest.MonkeyPatch) -> None:
    # A large archive is built with -j auto (dialogue_edition.build.sphinx_jobs); what the
    # extensions gather while pages are written in other processes must still reach the site.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    sites = []
    for jobs in ("1", "2"):
        monkeypatch.setenv("EDITION_JOBS", jobs)
        shutil.rmtree(project.build, ignore_errors=True)
        build(["html"], Layout(docs=project.docs, build=project.build, draft=True))
        sites.append(_outputs(project))
    assert _differences(sites[0], sites[1]) == []


def test_an_edit_that_changes_the_mentions_rewrites_the_glossaries(
    project: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Glossaries are written again only when a page read again changed what their "Mentioned in"
    # lists show (dialogue_edition.sphinxext.mentions.domain): an added mention must reach them.
    html = _site_built_clean(project, monkeypatch)
    landing = project.docs / "reports" / "strategic-conference-2020" / "index.md"
    landing.write_text(landing.read_text(encoding="utf-8") + "\nSee {person}`Inna Tsoy <tsoy>`.\n", encoding="utf-8")
    build(["html"], html)
    incremental = _outputs(project)
    shutil.rmtree(project.build)
    build(["html"], html)
    clean = _outputs(project)
    people = (incremental / "html" / "people.html").read_text(encoding="utf-8")
    assert people.count("reports/strategic-conference-2020/index.html#") > 0
    assert _differences(incremental, clean) == []


def _fail_after_sphinx(site: Path, cache: Path, previous: Path, written: WrittenIndex | None = None) -> None:
    raise build_module.BuildFailed("stopped after Sphinx, for this test")


def test_the_open_data_is_written_again_only_when_it_changes(project: Layout, monkeypatch: pytest.MonkeyPatch) -> None:
    # data/ is kept from the published site while its digest is the same
    # (dialogue_edition.sphinxext.open_data.write_data); a changed mention writes it again.
    html = _site_built_clean(project, monkeypatch)
    written: list[str] = []
    to_csv = open_data_extension.to_csv

    def counted(table: Table, rows: list[dict[str, Any]]) -> str:
        written.append(table.name)
        return to_csv(table, rows)

    monkeypatch.setattr(open_data_extension, "to_csv", counted)
    with _editorial_edit(project, "(the same data)"):
        build(["html"], html)
    assert written == []
    landing = project.docs / "reports" / "strategic-conference-2020" / "index.md"
    original = landing.read_text(encoding="utf-8")
    mentioned = original + "\nSee {org}`the Forum <dialogue-forum>`.\n"
    landing.write_text(mentioned, encoding="utf-8")
    try:
        # A build that wrote the new data and its digest, then failed: the published data is the old.
        with monkeypatch.context() as failing:
            failing.setattr(build_module, "index_site_or_fail", _fail_after_sphinx)
            with pytest.raises(build_module.BuildFailed):
                build(["html"], html)
        written.clear()
        build(["html"], html)
        assert "mentions" in written
        # Taken out and put back by edits that keep Sphinx's environment: data/ is written each time.
        for text in (original, mentioned):
            landing.write_text(text, encoding="utf-8")
            written.clear()
            build(["html"], html)
            assert "mentions" in written
        incremental = _outputs(project)
        shutil.rmtree(project.build)
        build(["html"], html)
        clean = _outputs(project)
    finally:
        landing.write_text(original, encoding="utf-8")
    assert _differences(incremental, clean) == []


@pytest.mark.parametrize("forked", ["once the pages are written", "as Sphinx starts writing"])
def test_an_edit_carries_the_index_parts_it_left_alone_into_the_new_site_and_equals_a_clean_build(
    project: Layout, monkeypatch: pytest.MonkeyPatch, forked: str
) -> None:
    # One unit a part: the site's own pages, then the report. An edit of the landing page leaves
    # the report's part alone: it is moved from the published site into the new one when placed.
    # The index is written by a child (dialogue_edition.index_ahead), forked when the pages are
    # written or, as for a large site, as Sphinx starts writing.
    monkeypatch.setattr(search_parts, "UNITS_PER_PART", 1)
    early = forked == "as Sphinx starts writing"
    monkeypatch.setattr(search_ahead_extension, "EARLY_FROM_PAGES", 0 if early else 1_000_000)
    begun: list[bool] = []
    begin_index = search_ahead_extension.begin_index

    def noted(app: Any, *, early: bool = False) -> bool:
        forked = begin_index(app, early=early)
        if forked:
            begun.append(early)
        return forked

    monkeypatch.setattr(search_ahead_extension, "begin_index", noted)
    html = _site_built_clean(project, monkeypatch)
    begun.clear()
    assert (project.build / "html" / "pagefind" / "part-1" / "pagefind-entry.json").is_file()
    carried: list[list[str]] = []
    ahead: list[bool] = []
    original = build_module.index_site_or_fail

    def index_and_note(site: Path, cache: Path, previous: Path, written: WrittenIndex | None = None) -> list[str]:
        carried.append(original(site, cache, previous, written))
        ahead.append(written is not None)
        return carried[-1]

    monkeypatch.setattr(build_module, "index_site_or_fail", index_and_note)
    landing = project.docs / "index.md"
    text = landing.read_text(encoding="utf-8")
    try:
        landing.write_text(text.replace("Each report is also published", "Each report is also (carried) published"))
        build(["html"], html)
        incremental = _outputs(project)
        _site_built_clean(project, monkeypatch)
        clean = _outputs(project)
    finally:
        landing.write_text(text, encoding="utf-8")
    assert carried[0] == ["part-1"]
    if spare_cores() >= 1:  # else no child: the index is written after Sphinx
        assert begun[0] == early  # the edit's child (then the clean build's, once its pages are written)
        assert ahead[0]  # the child's index was taken
    assert "(carried)" in (incremental / "html" / "index.html").read_text(encoding="utf-8")
    assert _differences(incremental, clean) == []


def test_an_edit_that_fails_after_sphinx_leaves_the_published_site_as_it_was(
    project: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An edit's staged site shares its unchanged pages with the published one (linked:
    # dialogue_edition.build.stage_previous_site): Sphinx and the extensions must write new files
    # (dialogue_edition.sphinxext.staged_site), never into the files the published site holds.
    html = _site_built_clean(project, monkeypatch)
    published = project.build / "html"
    before = {path: path.read_bytes() for path in sorted(published.rglob("*")) if path.is_file()}
    staged: list[tuple[str, int]] = []

    def stop_after_sphinx(site: Path, cache: Path, previous: Path, written: WrittenIndex | None = None) -> None:
        written = (site / "reports" / "strategic-conference-2020" / "close.html").read_text(encoding="utf-8")
        pages = [path for path in site.rglob("*") if shared(path.relative_to(site).as_posix())]
        staged.append((written, sum(1 for path in pages if path.is_file() and path.stat().st_nlink > 1)))
        raise build_module.BuildFailed("stopped after Sphinx, for this test")

    monkeypatch.setattr(build_module, "index_site_or_fail", stop_after_sphinx)
    with _editorial_edit(project, "(staged)"), pytest.raises(build_module.BuildFailed):
        build(["html"], html)
    [(written, linked)] = staged
    assert "(staged)" in written  # Sphinx wrote the edited page into the staged site...
    assert linked > 0  # ...which shared pages with the published one
    assert {path: path.read_bytes() for path in sorted(published.rglob("*")) if path.is_file()} == before


def test_an_edit_in_a_parallel_build_is_read_and_written_in_one_process_and_equals_a_clean_build(
    project: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With -j auto (a large archive) Sphinx would fork to read and write even an edit's few
    # pages; dialogue_edition.sphinxext.parallel_jobs has it do both itself, with the same result.
    monkeypatch.setenv("EDITION_JOBS", "2")
    monkeypatch.setattr(parallel_jobs, "SERIAL_BELOW", 6)  # this site has 11 pages, an edit writes fewer than 6
    forks: list[str] = []
    read_parallel, write_parallel = Builder._read_parallel, Builder._write_parallel

    def counted_reading(builder: Builder, docnames: list[str], nproc: int) -> None:
        forks.append("read")
        read_parallel(builder, docnames, nproc)

    def counted_writing(builder: Builder, docnames: Sequence[str], nproc: int) -> None:
        forks.append(f"write with {nproc}")
        write_parallel(builder, docnames, nproc)

    monkeypatch.setattr(Builder, "_read_parallel", counted_reading)
    monkeypatch.setattr(Builder, "_write_parallel", counted_writing)
    # The build's objects are frozen before each fork: a forked process's collections leave them alone.
    monkeypatch.setattr(parallel_jobs, "before_forking", lambda: forks.append("freeze"))
    tapered = parallel_jobs.tapered

    def counted_chunks(chunks: list[list[str]]) -> list[list[str]]:
        forks.append("chunks tapered")
        return tapered(chunks)

    monkeypatch.setattr(parallel_jobs, "tapered", counted_chunks)
    html = _site_built_clean(project, monkeypatch)
    # Every page: read and written in parallel, by as many writers as jobs (parallel_jobs.a_writer_per_job),
    # in Sphinx's chunks of pages with small ones first and last (parallel_jobs.tapered).
    assert forks == ["freeze", "read", "freeze", "write with 2", "chunks tapered"]
    with _editorial_edit(project, "(parallel)"):
        build(["html"], html)
        assert forks == ["freeze", "read", "freeze", "write with 2", "chunks tapered"]  # the edit's: in this process
        incremental = _outputs(project)
        shutil.rmtree(project.build)
        build(["html"], html)
        clean = _outputs(project)
    assert "(parallel)" in (incremental / "html" / "reports" / "strategic-conference-2020" / "close.html").read_text(
        encoding="utf-8"
    )
    assert _differences(incremental, clean) == []


def test_few_pages_to_read_lower_the_process_count_only_while_reading() -> None:
    app: Any = SimpleNamespace(parallel=2)
    reading = parallel_jobs.ReadingJobs()
    reading.before_reading(app, cast(Any, None), ["a"] * (parallel_jobs.SERIAL_BELOW - 1))
    assert app.parallel == 1
    reading.after_reading(app, cast(Any, None))
    assert app.parallel == 2  # writing decides for itself
    reading.before_reading(app, cast(Any, None), ["a"] * parallel_jobs.SERIAL_BELOW)
    assert app.parallel == 2


def test_a_parallel_write_starts_and_ends_with_small_chunks_and_writes_every_page_once_in_order() -> None:
    pages = [f"page-{number:03}" for number in range(304)]
    sphinx_chunks = [list(chunk) for chunk in make_chunks(pages, 2)]  # 8 chunks of 38
    chunks = parallel_jobs.tapered(sphinx_chunks)
    assert [page for chunk in chunks for page in chunk] == pages
    sizes = [len(chunk) for chunk in chunks]
    assert sizes[:4] == [4, 5, 10, 19]  # an eighth, an eighth, a quarter, a half
    assert sizes[-4:] == [19, 10, 5, 4]
    assert chunks[4:-4] == sphinx_chunks[1:-1]
    assert parallel_jobs.tapered([["a", "b"]]) == [["a", "b"]]  # one chunk: as Sphinx made it
    assert parallel_jobs.tapered([["a"], ["b", "c"]]) == [["a"], ["b"], ["c"]]
