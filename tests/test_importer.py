"""The importer: a plain-text report becomes a draft edition that builds and is faithful at once."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import FICTIONAL, FICTIONAL_METADATA, PROJECT_ROOT
from dialogue_edition.build import copy_project
from dialogue_edition.errors import InputError
from dialogue_edition.fidelity import normalise
from dialogue_edition.importer import ImportRefused, import_report, index_text, main
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
    # What the edition divides and what the editors wrote is said, never that the parts are the report's.
    assert "The report has 2 headed sections; this edition divides it into 3 pages" in " ".join(landing.split())
    assert "follow its own structure" not in landing
    assert "Page 1 of the 3 into which this edition divides the report." in opening
    events = load_registry(project / "registry").events
    assert events[SLUG].when == "20 May 2031"
    assert events[SLUG].sources == {"date": [SLUG], "name": [SLUG]}


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
        "organisation: Imaginary Harbour Foundation",
        "person: Olaf Fictus",
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
        # Who organised the event is a fact of the report: never a default.
        (
            [
                *("--slug", "x-1", "--title", "T", "--date", "2031-01-01", "--format", "online"),
                *("--url", "https://e.invalid", "--publisher", "P"),
            ],
            "command line: --organiser: Field required",
        ),
        # What the data files refuse is refused as it is given, not when metadata.yaml is next read.
        (
            ["--metadata", "GOOD", "--title", "A\u200breport"],
            "command line: --title: invisible character U+200B in a value: remove it",
        ),
        (["--metadata", "GOOD", "--publisher", "P" * 5001], "command line: --publisher: a value of 5,001 characters"),
        (["--metadata", "GOOD", "--organiser", "O" * 1001], "command line: --organiser: a word of 1,001 characters"),
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


def _files(project: Path) -> dict[str, bytes]:
    return {str(path.relative_to(project)): path.read_bytes() for path in sorted(project.rglob("*")) if path.is_file()}


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: folder / "absent.txt", "absent.txt: no such file"),
        (lambda folder: folder, ": is a folder: give the report's text file"),
        (lambda folder: _write(folder / "empty.txt", b""), "empty.txt: empty: no text to import"),
        (lambda folder: _write(folder / "blank.txt", b" \n\t\n\n"), "blank.txt: only white space: no text to import"),
        (
            lambda folder: _write(folder / "bom.txt", b"\xef\xbb\xbf\n\n"),
            "bom.txt: only white space: no text to import",
        ),
        # What no page may hold is refused before anything is written, with its line.
        (
            lambda folder: _write(folder / "override.txt", "One.\n\nTwo \u202eowt.\n".encode()),
            "override.txt:3: control character U+202E: no page of the edition may hold it",
        ),
        (lambda folder: _write(folder / "bell.txt", b"One.\n\nTwo\x07.\n"), "bell.txt:3: control character U+0007"),
        # Lines counted as Markdown counts them: an old Mac's carriage returns end lines too.
        (lambda folder: _write(folder / "mac.txt", b"One.\r\rTwo\x01.\r"), "mac.txt:3: control character U+0001"),
        (
            lambda folder: _write(folder / "long.txt", b"One.\n\nSee https://e.invalid/" + b"a" * 1200 + b".\n"),
            "long.txt:3: a word of 1,219 characters without a space",
        ),
    ],
)
def test_input_that_is_no_report_is_one_line_and_leaves_nothing_behind(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], make: object, message: str
) -> None:
    source = make(tmp_path / "input")  # type: ignore[operator]
    (tmp_path / "input").mkdir(exist_ok=True)
    before = _files(project)
    assert main([str(source), "--metadata", str(FICTIONAL / "metadata.yaml"), "--project", str(project)]) == 1
    error = capsys.readouterr().err
    assert message in error
    assert len(error.strip().splitlines()) == 1
    assert "Traceback" not in error
    assert _files(project) == before


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_a_non_utf8_file_is_named_with_its_likely_encoding_and_the_command_that_converts_it(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Форум «Диалог Россия – Республика Корея» провёл конференцию в Санкт-Петербурге.\n\n" * 20
    source = _write(tmp_path / "report-1251.txt", text.encode("cp1251"))
    assert main([str(source), "--metadata", str(FICTIONAL / "metadata.yaml"), "--project", str(project)]) == 1
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"edition-import: {source}:1: not UTF-8 text")
    assert "it looks like CP1251" in error
    assert f"iconv -f CP1251 -t UTF-8 {source} > {tmp_path / 'report-1251.utf8.txt'}" in error
    assert not (project / "source_reports" / SLUG).exists()


def test_a_byte_order_mark_stays_in_the_archive_and_out_of_the_pages(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = _write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + (FICTIONAL / "report.txt").read_bytes())
    assert main([str(source), "--metadata", str(FICTIONAL / "metadata.yaml"), "--project", str(project)]) == 0
    assert "byte-order mark: kept in the archived report.txt, left out of the pages" in capsys.readouterr().out
    assert (project / "source_reports" / SLUG / "report.txt").read_bytes() == source.read_bytes()
    pages = project / "docs" / "reports" / SLUG
    assert not any("\ufeff" in page.read_text(encoding="utf-8") for page in pages.glob("*.md"))
    report = load_report(project / "source_reports" / SLUG)
    assert report.blocks()[0].startswith("This is a fictional report")


def test_force_says_what_it_discards_and_needs_yes_without_a_terminal(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    arguments = [str(FICTIONAL / "report.txt"), "--metadata", str(FICTIONAL / "metadata.yaml")]
    arguments += ["--project", str(project)]
    assert main(arguments) == 0
    reviewed = project / "docs" / "reports" / SLUG / "opening.md"
    reviewed.write_text(reviewed.read_text(encoding="utf-8") + "\nA reviewed line.\n", encoding="utf-8")
    before = _files(project)
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main([*arguments, "--force"]) == 1
    error = capsys.readouterr().err
    assert f"{project / 'docs' / 'reports' / SLUG} (its pages, reviewed or not: " in error
    assert "closing-remarks.md, ferries-on-northern-rivers.md, index.md, opening.md" in error
    assert error.strip().splitlines()[-1] == (
        "edition-import: --force needs --yes when no one can answer (standard input is not a terminal); "
        "nothing was changed"
    )
    assert _files(project) == before
    assert main([*arguments, "--force", "--yes"]) == 0
    assert "A reviewed line." not in reviewed.read_text(encoding="utf-8")


def test_force_asks_and_a_no_changes_nothing(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    arguments = [str(FICTIONAL / "report.txt"), "--metadata", str(FICTIONAL / "metadata.yaml")]
    arguments += ["--project", str(project)]
    assert main(arguments) == 0
    before = _files(project)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main([*arguments, "--force"]) == 1
    assert "not confirmed; nothing was changed" in capsys.readouterr().err
    assert _files(project) == before


def test_a_failed_write_leaves_the_project_as_it_was(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import_report(FICTIONAL / "report.txt", FICTIONAL_METADATA, project)
    before = _files(project)
    real_write = Path.write_text

    def failing_write(self: Path, *args: object, **kwargs: object) -> int:
        if self.name == "index.md" and self.parent.name == "docs":
            raise OSError(28, "No space left on device")
        return real_write(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", failing_write)
    with pytest.raises(OSError, match="No space left"):
        import_report(FICTIONAL / "report.txt", FICTIONAL_METADATA, project, force=True)
    assert _files(project) == before


def test_repeated_headings_get_pages_of_their_own_and_no_text_is_lost(project: Path, tmp_path: Path) -> None:
    text = "Opening words.\n\nThe same heading\n\nThe first text.\n\nThe same heading\n\nThe second text.\n\n"
    text += "Index\n\nLast.\n"
    source = _write(tmp_path / "repeated.txt", text.encode())
    parts, _ = import_report(source, FICTIONAL_METADATA, project)
    assert [part.name for part in parts] == ["opening", "the-same-heading", "the-same-heading-2", "index-2"]
    pages = project / "docs" / "reports" / SLUG
    written = " ".join(normalise(page.read_text(encoding="utf-8")) for page in pages.glob("*.md"))
    assert all(normalise(block) in written for block in split_blocks(text))


def test_twenty_megabytes_without_a_full_stop_are_imported(project: Path, tmp_path: Path) -> None:
    # The 2020 report's prose without its full stops, repeated to 20 MB: one block of names, titles
    # and organisations that the review list and the marking must each read in one pass. It must
    # finish (how long it takes is for the benchmark; it is never asserted here).
    prose = (PROJECT_ROOT / "source_reports" / "strategic-conference-2020" / "report.txt").read_text(encoding="utf-8")
    prose = prose.replace(".", "").replace("\n\n", " ") + " "
    source = _write(tmp_path / "huge.txt", (prose * (20_000_000 // len(prose))).encode())
    parts, review = import_report(source, FICTIONAL_METADATA, project)
    assert len(parts) == 1
    assert len(review) < 10


INJECTIONS = [
    "```{include} /etc/passwd",
    "```",
    ":::{raw} html",
    "<script>alert(1)</script> &amp; [a link](javascript:alert(1)) ![an image](https://example.invalid/x.png)",
    "{person}`Not a mention <kurbanov>` and {eval-rst}`x` and *emphasis* and $math$ and <https://autolink.invalid>",
    "(a-target)=",
    "% a comment",
    "+++ a block break",
    "# a heading",
    "- a list item",
    "1. an ordered item",
    "> a quotation",
    "    indented code",
    "---",
]


def _tokens(text: str) -> list[object]:
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    parser = create_md_parser(MdParserConfig(enable_extensions={"colon_fence"}), RendererHTML)
    return list(parser.parse(text))


def _inline_text(token: object) -> str:
    children = token.children or []  # type: ignore[attr-defined]
    return "".join(
        "\n" if child.type == "softbreak" else child.content for child in children if child.type != "myst_role"
    )


def test_report_text_and_metadata_never_become_markup(project: Path, tmp_path: Path) -> None:
    # Every line an attacker could write, as a report's paragraph and in its title: the pages must
    # hold them as text (MyST's own parser sees no directive, role, link, HTML, image or block of theirs).
    title = " ".join(INJECTIONS)
    body = "Opening words.\n\n" + "\n".join(INJECTIONS) + "\n\nMore words.\n"
    source = _write(tmp_path / "attack.txt", body.encode())
    import_report(source, {**FICTIONAL_METADATA, "title": title}, project)
    pages = project / "docs" / "reports" / SLUG
    allowed_fences = {"{editorial}", "{editorial} About this report", f"{{report-metadata}} {SLUG}", "{toctree}"}
    for page in pages.glob("*.md"):
        tokens = _tokens(page.read_text(encoding="utf-8"))
        kinds = {token.type for token in tokens}  # type: ignore[attr-defined]
        assert kinds <= {"heading_open", "heading_close", "inline", "paragraph_open", "paragraph_close", "fence"}
        assert {token.info for token in tokens if token.type == "fence"} <= allowed_fences  # type: ignore[attr-defined]
        for token in tokens:
            for child in token.children or []:  # type: ignore[attr-defined]
                assert child.type in ("text", "softbreak", "myst_role"), (page.name, child.type, child.content)
                if child.type == "myst_role":
                    assert child.meta["name"] in ("person", "org", "event"), child.content
    landing = _tokens((pages / "index.md").read_text(encoding="utf-8"))
    assert _inline_text(landing[1]) == " ".join(title.split())  # white space folded to single spaces
    opening = _tokens((pages / "opening.md").read_text(encoding="utf-8"))
    paragraphs = [_inline_text(token) for token in opening if token.type == "inline"]  # type: ignore[attr-defined]
    assert "\n".join(INJECTIONS).replace("    indented", "indented") in paragraphs


def test_the_first_report_of_a_project_is_listed_though_it_had_no_report_folder(
    tmp_path: Path, report_2020: Any
) -> None:
    (tmp_path / "docs").mkdir()
    shutil.copy(PROJECT_ROOT / "docs" / "index.md", tmp_path / "docs" / "index.md")
    text = index_text(tmp_path, report_2020.metadata)
    assert f"reports/{report_2020.slug}/index" in text


def test_a_heading_ending_in_hashes_keeps_them(project: Path, tmp_path: Path) -> None:
    # Markdown reads a run of '#' at a heading's end as its closing sequence: written as they are,
    # "Agenda item #" would be the heading "Agenda item".
    headings = ["Agenda item #", "Results and next steps ###", "Closing words ##"]
    body = "Opening words.\n\n" + "".join(f"{heading}\n\nA paragraph.\n\n" for heading in headings)
    source = _write(tmp_path / "hashes.txt", body.encode())
    parts, _ = import_report(source, FICTIONAL_METADATA, project)
    shown = []
    for part in parts:
        tokens = _tokens((project / "docs" / "reports" / SLUG / f"{part.name}.md").read_text(encoding="utf-8"))
        shown += [_inline_text(tokens[n + 1]) for n, token in enumerate(tokens) if token.type == "heading_open"]  # type: ignore[attr-defined]
    assert [heading for heading in shown if heading in headings] == headings, shown


def test_a_report_with_carriage_returns_alone_has_its_blocks(project: Path, tmp_path: Path) -> None:
    # Old Mac line endings: Markdown ends a line at a carriage return, so the blocks must be split there too.
    source = _write(tmp_path / "mac.txt", b"Para one.\r\rA first section\r\rPara two.\r\rThe event closed.\r")
    assert split_blocks(source.read_text(encoding="utf-8")) == [
        "Para one.",
        "A first section",
        "Para two.",
        "The event closed.",
    ]
    parts, _ = import_report(source, FICTIONAL_METADATA, project)
    assert "A first section" in [part.heading for part in parts]
