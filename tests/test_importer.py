"""The importer: a plain-text report becomes a draft edition that builds and is faithful at once."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import FICTIONAL, FICTIONAL_METADATA, PROJECT_ROOT
from dialogue_edition.build import copy_project
from dialogue_edition.errors import InputError
from dialogue_edition.fidelity import normalise
from dialogue_edition.importer import ImportRefused, import_report, main
from dialogue_edition.registry import load_registry
from dialogue_edition.source_report import load_report, split_blocks

SLUG = FICTIONAL_METADATA["slug"]
ROLE = re.compile(r"\{(?:person|org|event)\}`([^`<]*?)\s*<[^>]+>`")
"""A mention's markup; its text is the report's words."""
CITATION = re.compile(r"\s*\{cite:p\}`[^`]+`")
"""A citation's markup, an editorial addition."""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def test_a_new_report_becomes_a_draft_with_its_pages_mentions_and_place_on_the_site(project: Path) -> None:
    parts, _ = import_report(FICTIONAL / "report.txt", FICTIONAL_METADATA, project)
    assert [part.name for part in parts] == ["opening", "ferries-on-northern-rivers", "closing-remarks"]
    assert (project / "source_reports" / SLUG / "report.txt").read_bytes() == (FICTIONAL / "report.txt").read_bytes()
    assert load_report(project / "source_reports" / SLUG).metadata.title == FICTIONAL_METADATA["title"]
    assert (
        "reports/fictional-workshop-2031/index\nreports/strategic-conference-2020/index"
        in (project / "docs" / "index.md").read_text()
    )
    opening = (project / "docs" / "reports" / SLUG / "opening.md").read_text()
    assert "{person}`Professor Sergei Kurbanov <kurbanov>`" in opening
    assert "{org}`St Petersburg University <spbu>`" in opening
    landing = (project / "docs" / "reports" / SLUG / "index.md").read_text()
    assert f"{{event}}`event of 20 May 2031 <{SLUG}>`" in landing
    events = load_registry(project / "registry").events
    assert events[SLUG].when == "20 May 2031"
    assert events[SLUG].source == "metadata"


@pytest.mark.parametrize(
    ("date", "after", "before"),
    [("2010-06-01", "six-party-talks", "move-east-2012"), ("1800-01-01", None, "treaty-1884")],
)
def test_the_event_of_an_older_report_goes_to_its_place_in_the_timeline(
    project: Path, date: str, after: str | None, before: str
) -> None:
    import_report(FICTIONAL / "report.txt", {**FICTIONAL_METADATA, "conference_date": date}, project)
    order = list(load_registry(project / "registry").events)
    position = order.index(SLUG)
    assert order[position + 1] == before
    assert (order[position - 1] if position else None) == after


def test_the_review_list_names_what_the_registry_lacks(project: Path) -> None:
    _, review = import_report(FICTIONAL / "report.txt", FICTIONAL_METADATA, project)
    candidates = [item.split("\n")[0] for item in review]
    assert candidates == [
        "organisation: Northern Ferry Institute",
        "person: Mirae Testova",
        "person: Olaf Fictus",
        "organisation: Imaginary Harbour Foundation",
    ]
    assert "in: The first discussion was moderated by Professor Mirae Testova" in review[1]


def test_an_existing_report_is_replaced_only_with_force(project: Path) -> None:
    import_report(FICTIONAL / "report.txt", FICTIONAL_METADATA, project)
    with pytest.raises(ImportRefused, match="use --force"):
        import_report(FICTIONAL / "report.txt", FICTIONAL_METADATA, project)
    parts, _ = import_report(FICTIONAL / "report.txt", FICTIONAL_METADATA, project, force=True)
    assert len(parts) == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"A report\n\n\x00\x01binary", r"report.bin:3: binary data"),
        (b"A report\n\ncaf\xe9", r"report.bin:3: not UTF-8 text"),
    ],
)
def test_binary_or_non_utf8_input_is_refused(project: Path, tmp_path: Path, data: bytes, message: str) -> None:
    source = tmp_path / "report.bin"
    source.write_bytes(data)
    with pytest.raises(InputError, match=message):
        import_report(source, FICTIONAL_METADATA, project)
    assert not (project / "source_reports" / SLUG).exists()


def test_importing_the_2020_report_from_scratch_reproduces_its_page_split(project: Path) -> None:
    slug = "strategic-conference-2020"
    received = project / "source_reports" / slug / "report.txt"
    shutil.copyfile(received, project / "received.txt")
    metadata = load_report(project / "source_reports" / slug).metadata.model_dump(mode="json", exclude={"text"})
    parts, _ = import_report(project / "received.txt", metadata, project, force=True)
    edition = PROJECT_ROOT / "docs" / "reports" / slug
    pages = ["opening", "first-session", "second-session", "culture", "close"]
    assert [len(part.blocks) for part in parts] == [7, 7, 7, 5, 1]
    for part, page in zip(parts, pages, strict=True):
        text = normalise(CITATION.sub("", ROLE.sub(r"\1", (edition / f"{page}.md").read_text(encoding="utf-8"))))
        assert all(normalise(block) in text for block in part.blocks), page
    assert sum(len(part.blocks) for part in parts) == len(split_blocks(received.read_text(encoding="utf-8")))
    assert re.match(r"^30 years", parts[1].heading)


def test_the_command_takes_a_metadata_file_and_options_win(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    metadata = FICTIONAL / "metadata.yaml"
    arguments = [str(FICTIONAL / "report.txt"), "--metadata", str(metadata), "--project", str(project)]
    assert main([*arguments, "--title", "Another title"]) == 0
    assert "imported fictional-workshop-2031: 3 pages" in capsys.readouterr().out
    assert load_report(project / "source_reports" / SLUG).metadata.title == "Another title"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--metadata", "GOOD", "--url", "not-a-url"], "command line: --url: Input should be a valid URL"),
        (["--metadata", "BAD"], "bad.yaml:3: conference_date: Input should be a valid date"),
        (["--slug", "x-1", "--title", "T", "--url", "https://e.invalid"], "command line: --date: Field required"),
    ],
)
def test_bad_metadata_is_named_and_nothing_is_written(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("slug: a-report\ntitle: A report\nconference_date: 2031-02-30\n", encoding="utf-8")
    files = {"GOOD": str(FICTIONAL / "metadata.yaml"), "BAD": str(bad)}
    arguments = [files.get(item, item) for item in arguments]
    before = sorted(path.relative_to(project) for path in project.rglob("*"))
    assert main([str(FICTIONAL / "report.txt"), *arguments, "--project", str(project)]) == 1
    assert message in capsys.readouterr().err
    assert sorted(path.relative_to(project) for path in project.rglob("*")) == before
