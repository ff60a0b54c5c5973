"""The archival source reports: byte-for-byte integrity and metadata that says what is known."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SOURCE_REPORTS
from dialogue_edition.errors import InputError
from dialogue_edition.source_report import SourceReport, load_report, sha256_of

# The checksum of the 2020 report as received with it (also recorded in its metadata.yaml). Written
# here a second time on purpose: if someone edits both the text and its metadata, this still fails.
RECEIVED_SHA256 = {"strategic-conference-2020": "89c5601c8e835528e1ecd62140da76b6cc0fb63b62d1b540c5f168fba33cd999"}


def test_every_report_is_byte_for_byte_as_received(reports: list[SourceReport]) -> None:
    assert {report.slug for report in reports} == set(RECEIVED_SHA256)
    for report in reports:
        assert sha256_of(report.text_path) == RECEIVED_SHA256[report.slug], report.text_path


def test_the_2020_report_has_the_shape_described_on_receipt(report_2020: SourceReport) -> None:
    report = report_2020
    blocks = report.blocks()
    assert len(blocks) == 27
    assert not report.text.endswith("\n")
    assert blocks[7] == "30 years of diplomatic relations: past and future perspectives"
    assert blocks[4].startswith("Chairman of the Russian DRRK Coordination Committee")
    assert str(report.metadata.conference_date) == "2020-11-05"


@pytest.fixture
def report_copy(tmp_path: Path, report_2020: SourceReport) -> Path:
    folder = tmp_path / report_2020.slug
    shutil.copytree(report_2020.folder, folder)
    return folder


def test_a_changed_text_is_refused_naming_the_file(report_copy: Path) -> None:
    text = report_copy / "report.txt"
    text.write_bytes(text.read_bytes().replace(b"Lotte Corporation", b"Lotte"))
    with pytest.raises(InputError, match=r"report\.txt: SHA-256 is [0-9a-f]{64}, but metadata\.yaml records"):
        load_report(report_copy)


def line_of(key: str) -> int:
    """The line of the 2020 report's metadata that starts with ``key``: the file may gain comments."""
    lines = (SOURCE_REPORTS / "strategic-conference-2020" / "metadata.yaml").read_text("utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.startswith(key))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "conference_date: 2020-11-05",
            "conference_date: 5 November",
            rf"metadata\.yaml:{line_of('conference_date:')}: conference_date: Value error, a day is written YYYY-MM-DD",
        ),
        ("language: en", "language: English", r"metadata\.yaml:\d+: language: String should match"),
        ("publisher: St Petersburg University", "publisher: [unclosed", r"metadata\.yaml:\d+: invalid YAML"),
        (
            "slug: strategic-conference-2020",
            "slug: other-report",
            rf"metadata\.yaml:{line_of('slug:')}: slug 'other-report' differs",
        ),
        ("organiser:", "organizer:", r"metadata\.yaml:\d+: organiser: Field required"),
    ],
)
def test_bad_metadata_is_reported_with_file_and_line(report_copy: Path, old: str, new: str, expected: str) -> None:
    metadata = report_copy / "metadata.yaml"
    original = metadata.read_text(encoding="utf-8")
    assert old in original
    metadata.write_text(original.replace(old, new), encoding="utf-8")
    with pytest.raises(InputError, match=expected):
        load_report(report_copy)
