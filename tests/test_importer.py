"""The importer: a plain-text report becomes a draft edition that builds and is faithful at once."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT
from dialogue_edition.bench import CITATION, ROLE
from dialogue_edition.build import Layout, build, copy_project
from dialogue_edition.checks.rendered_text import html_report_text
from dialogue_edition.errors import InputError
from dialogue_edition.fidelity import compare, normalise
from dialogue_edition.importer import ImportRefused, import_report
from dialogue_edition.source_report import load_report, load_reports, split_blocks
from pypdf import PdfReader

FIXTURE = Path(__file__).parent / "fixtures" / "fictional-report"
SLUG = "fictional-workshop-2031"
METADATA = {
    "slug": SLUG, "title": "A fictional workshop on river ferries", "conference_date": "2031-05-20",
    "conference_format": "online", "original_url": "https://example.invalid/fictional-workshop", "language": "en",
    "publisher": "Nobody (a test fixture)", "organiser": "Russia–Republic of Korea Dialogue Forum",
}  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def test_a_new_report_becomes_a_faithful_draft_that_builds(project: Path) -> None:
    parts, _ = import_report(FIXTURE / "report.txt", METADATA, project)
    assert [part.name for part in parts] == ["opening", "ferries-on-northern-rivers", "closing-remarks"]
    report = load_report(project / "source_reports" / SLUG)
    assert (project / "source_reports" / SLUG / "report.txt").read_bytes() == (FIXTURE / "report.txt").read_bytes()
    assert (
        "reports/fictional-workshop-2031/index\nreports/strategic-conference-2020/index"
        in (project / "docs" / "index.md").read_text()
    )
    layout = Layout(docs=project / "docs", build=project / "build", draft=True)
    build(["html"], layout)
    assert layout.log("html-warnings.log").read_text() == ""
    assert compare(report.blocks(), html_report_text(project / "build" / "html", SLUG)) == []
    opening = (project / "docs" / "reports" / SLUG / "opening.md").read_text()
    assert "{person}`Professor Sergei Kurbanov <kurbanov>`" in opening
    assert "{org}`St Petersburg University <spbu>`" in opening


def test_the_review_list_names_what_the_registry_lacks(project: Path) -> None:
    _, review = import_report(FIXTURE / "report.txt", METADATA, project)
    candidates = [item.split("\n")[0] for item in review]
    assert candidates == [
        "organisation: Northern Ferry Institute",
        "person: Mirae Testova",
        "person: Olaf Fictus",
        "organisation: Imaginary Harbour Foundation",
    ]
    assert "in: The first discussion was moderated by Professor Mirae Testova" in review[1]


def test_an_existing_report_is_replaced_only_with_force(project: Path) -> None:
    import_report(FIXTURE / "report.txt", METADATA, project)
    with pytest.raises(ImportRefused, match="use --force"):
        import_report(FIXTURE / "report.txt", METADATA, project)
    parts, _ = import_report(FIXTURE / "report.txt", METADATA, project, force=True)
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
        import_report(source, METADATA, project)
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


def test_each_report_gets_its_own_pdf_with_its_own_front_matter(project: Path) -> None:
    import_report(FIXTURE / "report.txt", METADATA, project)
    build(["pdf"], Layout(docs=project / "docs", build=project / "build"))
    for report in load_reports(project / "source_reports"):
        reader = PdfReader(project / "build" / f"{report.slug}.pdf")
        assert reader.metadata.title == report.metadata.title
        assert reader.metadata.subject.startswith(f"Report of the event of {report.metadata.conference_date.day} ")
        assert report.metadata.title.split()[0] in reader.pages[0].extract_text()
