"""Every report held to the standard of the first: a raw draft fails the data check, its review passes it.

Also the importer's recall, measured on the fictional report and on a second fictional report
written only for this (``tests/fixtures/fictional-recall/``): every new name is found, and nothing
that is not a name.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import FICTIONAL, FICTIONAL_METADATA, PROJECT_ROOT, review_fictional
from dialogue_edition import report_review
from dialogue_edition.block_kinds import block_kinds, shape_kind
from dialogue_edition.build import copy_project
from dialogue_edition.check_data import ReviewIncomplete, check, main
from dialogue_edition.errors import InputError
from dialogue_edition.importer import import_report, review_list
from dialogue_edition.registry import load_registry
from dialogue_edition.source_report import load_report, split_blocks

SLUG = FICTIONAL_METADATA["slug"]
RECALL = Path(__file__).resolve().parent / "fixtures" / "fictional-recall" / "report.txt"

# Every name the fictional reports give, listed by hand (independently of the rules that find
# them), with the review list's line for each. Nothing else may be listed.
NEW_IN_THE_FICTIONAL_REPORT = [
    "organisation: Northern Ferry Institute",
    "person: Mirae Testova",
    "organisation: Imaginary Harbour Foundation",
    "person: Olaf Fictus",
]
NEW_IN_THE_RECALL_REPORT = [
    "organisation: Bright Lantern Company",
    "organisation: Centre for Imaginary Coastal Studies",
    "organisation: Institute of Pretend Navigation",
    "person: Han Seo-yeon",
    "organisation: Paper Tide Foundation",
    "person: Dr Han (a form of Han Seo-yeon, new)",
    "organisation: Tinfoil Harbour Authority",
    "organisation: THA (short form of Tinfoil Harbour Authority)",  # codespell:ignore (a fictional short form)
    "person: Volkova Anastasia Igorevna",
    "organisation: Unreal Academy of Maritime Arts",
    "person: Ryu Jae-won",
    "organisation: Fog Signal Agency",
    "person: Yegor Pavlovich Lantern",
    "organisation: Ministry of Invented Affairs",
    "person: Park Min-ji",
    "organisation: Kelp Valley University",
    "organisation: Mirror Bay Shipping Corporation",
    "person: Mr Ryu (a form of Ryu Jae-won, new)",
    "person: Boris Glimmer",
    "organisation: Council for Fictional Tides",
    "person: Ivan Petrovich Moonbeam",
    "organisation: Lighthouse Keepers' Association",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path)


def _problems(project: Path) -> list[str]:
    try:
        check(project)
    except ReviewIncomplete as incomplete:
        return [str(problem) for problem in incomplete.problems]
    return []


@pytest.mark.parametrize(
    ("report", "expected"),
    [(FICTIONAL / "report.txt", NEW_IN_THE_FICTIONAL_REPORT), (RECALL, NEW_IN_THE_RECALL_REPORT)],
    ids=["fictional", "recall"],
)
def test_the_review_list_finds_every_new_name_and_nothing_else(report: Path, expected: list[str]) -> None:
    registry = load_registry(PROJECT_ROOT / "registry")
    found = [item.split("\n")[0] for item in review_list(split_blocks(report.read_text(encoding="utf-8")), registry)]
    assert found == expected


def test_the_recall_report_has_names_of_every_shape() -> None:
    # At least ten new names, and each shape the issue names: "… Company", "Centre for …",
    # "Institute of …", a short form in brackets, honorifics, Korean and Russian name orders.
    assert len(NEW_IN_THE_RECALL_REPORT) >= 10
    for shape in (r"Company$", r": Centre for ", r": Institute of ", r"short form of", r": (Mr|Dr) ", r"-", r"vich "):
        assert any(re.search(shape, line) for line in NEW_IN_THE_RECALL_REPORT), shape


def test_a_fragment_of_a_registered_name_never_hides_a_new_one() -> None:
    # "Centre for Korean Studies" is registered; "Centre for Ferry Studies" is new all the same.
    registry = load_registry(PROJECT_ROOT / "registry")
    found = review_list(["Professor Ann Ivanova of the Centre for Ferry Studies spoke."], registry)
    assert [item.split("\n")[0] for item in found] == ["person: Ann Ivanova", "organisation: Centre for Ferry Studies"]


def test_a_registered_person_s_honorific_form_is_named_as_such() -> None:
    registry = load_registry(PROJECT_ROOT / "registry")
    found = review_list(["Mr Kurbanov agreed."], registry)
    assert [item.split("\n")[0] for item in found] == [
        "person: Mr Kurbanov (a form of Sergei Kurbanov <kurbanov>, registered)"
    ]


def test_the_real_report_meets_the_standard() -> None:
    assert _problems(PROJECT_ROOT) == []


def test_a_raw_draft_fails_with_the_file_and_line_of_each_name_and_its_review_passes(project: Path) -> None:
    import_report(FICTIONAL / "report.txt", FICTIONAL_METADATA, project)
    pages = project / "docs" / "reports" / SLUG
    ferries = pages / "ferries-on-northern-rivers.md"
    review = pages / "review.yaml"
    unmarked = "but is not marked: register and mark it, or list it under not_entities in " + str(review)
    events = project / "registry" / "events.yaml"
    event_line = events.read_text(encoding="utf-8").splitlines().index(f"  - id: {SLUG}") + 1
    assert _problems(project) == [
        f"{ferries}:7: 'Mirae Testova' looks like the name of a person {unmarked}",
        f"{ferries}:7: 'Northern Ferry Institute' looks like the name of an organisation {unmarked}",
        f"{ferries}:9: 'Imaginary Harbour Foundation' looks like the name of an organisation {unmarked}",
        f"{ferries}:9: 'Olaf Fictus' looks like the name of a person {unmarked}",
        f"{ferries}:12: 'Imaginary Harbour Foundation' looks like the name of an organisation {unmarked}",
        f"{ferries}:12: 'Olaf Fictus' looks like the name of a person {unmarked}",
        f"{pages / 'opening.md'}:9: 'Northern Ferry Institute' looks like the name of an organisation {unmarked}",
        f"{events}:{event_line}: event '{SLUG}' still has the importer's name "
        "(The event reported in …): say what the event was, in the report's words",
    ]
    review_fictional(project)
    assert _problems(project) == []


def test_the_command_lists_every_problem_on_a_line_of_its_own(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import_report(FICTIONAL / "report.txt", FICTIONAL_METADATA, project)
    assert main([str(project)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 8
    assert all(re.match(r"check-data: /\S+:\d+: ", line) for line in lines)


@pytest.fixture
def reviewed(project: Path) -> Path:
    import_report(FICTIONAL / "report.txt", FICTIONAL_METADATA, project)
    review_fictional(project)
    return project


def test_a_caption_kept_as_a_paragraph_is_named(reviewed: Path) -> None:
    page = reviewed / "docs" / "reports" / SLUG / "ferries-on-northern-rivers.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r"````\{missing-photo\}\n(.*?)\n````\n", r"\1\n", text, flags=re.DOTALL), encoding="utf-8")
    (problem,) = _problems(reviewed)
    assert problem.startswith(f"{page}:11: this paragraph is a caption in the report")
    assert "write it in a ```{missing-photo}``` directive" in problem


def test_a_heading_kept_as_a_paragraph_is_named(reviewed: Path) -> None:
    page = reviewed / "docs" / "reports" / SLUG / "closing-remarks.md"
    page.write_text(page.read_text(encoding="utf-8").replace("# Closing remarks", "# Close\n\nClosing remarks"))
    (problem,) = _problems(reviewed)
    assert problem == f"{page}:3: this paragraph is a heading in the report: make it the page's heading"


def test_a_registered_name_left_unmarked_is_named(reviewed: Path) -> None:
    page = reviewed / "docs" / "reports" / SLUG / "opening.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("{org}`St Petersburg University <spbu>`", "St Petersburg University")
    )
    assert _problems(reviewed) == [
        f"{page}:9: 'St Petersburg University' is organisation 'spbu' in the registry but is not marked here"
    ]


def test_names_reviewed_as_not_entities_pass_and_a_stale_one_is_named(reviewed: Path) -> None:
    page = reviewed / "docs" / "reports" / SLUG / "opening.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("{org}`St Petersburg University <spbu>`", "St Petersburg University")
    )
    review = reviewed / "docs" / "reports" / SLUG / "review.yaml"
    review.write_text(
        "not_entities:\n"
        "  - text: St Petersburg University\n    reason: taken as no entity, for the test\n"
        "  - text: Atlantis Harbour Council\n    reason: not in the report\n",
        encoding="utf-8",
    )
    assert _problems(reviewed) == [f"{review}:4: 'Atlantis Harbour Council' is not in the report: remove it"]


def test_a_bad_review_file_is_named_at_its_line(reviewed: Path) -> None:
    review = reviewed / "docs" / "reports" / SLUG / "review.yaml"
    review.write_text("not_entities:\n  - text: Northern Sea\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"review.yaml:2: not_entities.0.reason: Field required"):
        check(reviewed)


def test_block_kinds_by_shape_and_by_review() -> None:
    report = load_report(PROJECT_ROOT / "source_reports" / "strategic-conference-2020")
    kinds = block_kinds(report.blocks())
    assert kinds.count("heading") == 3
    assert [block[:20] for block, kind in zip(report.blocks(), kinds, strict=True) if kind == "caption"] == [
        "Chairman of the Russ"
    ]
    assert shape_kind("Professor Mirae Testova at the ferry") == "caption"
    assert shape_kind("Ferries on northern rivers") == "heading"
    assert block_kinds(["Ferries on northern rivers"], {"Ferries on": "paragraph"}) == ["paragraph"]


def test_a_report_whose_review_passed_is_reviewed_again_only_when_what_it_reads_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The build remembers each report that passed (build/.doctrees/reviewed.json), by a digest of
    # its source, its pages, the registry and the code: an edit anywhere in them reviews it again.
    project = copy_project(tmp_path / "project", PROJECT_ROOT)
    reviewed = tmp_path / "reviewed.json"
    check(project, reviewed, "code")
    reviews: list[str] = []
    original = report_review.review_problems
    monkeypatch.setattr(
        report_review, "review_problems", lambda report, *rest: reviews.append(report.slug) or original(report, *rest)
    )
    check(project, reviewed, "code")
    assert reviews == []
    page = project / "docs" / "reports" / "strategic-conference-2020" / "close.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    check(project, reviewed, "code")
    assert reviews == ["strategic-conference-2020"]
    check(project, reviewed, "changed code")
    assert reviews == ["strategic-conference-2020"] * 2
