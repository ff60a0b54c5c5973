"""Every fact the registry adds to the reports' words names its source, inside the repository.

The walk below reads the registry's YAML files on its own (not through ``registry.py``), so that
it checks the loader as well as the data: every added field of every entry has a source, every
source resolves to ``registry/sources.yaml`` or a report, and every agreement says where it was
checked. The loader's own check (``nox -s data``, ``edition-check-data``) is then broken on
purpose, once per kind of fault, and must name the file and line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT_ROOT
from dialogue_edition.agreements import load_agreements
from dialogue_edition.check_data import main as check_data
from dialogue_edition.errors import InputError
from dialogue_edition.registry import Event, Organisation, Person, load_registry

REGISTRY = PROJECT_ROOT / "registry"
ADDED = {
    "people.yaml": ("people", Person.ADDED),
    "organisations.yaml": ("organisations", Organisation.ADDED),
    "events.yaml": ("events", Event.ADDED),
}
"""Each file, its list, and the fields that are the editors' additions rather than a report's words."""


def _entries_with_lines(path: Path, key: str) -> list[tuple[dict, dict[str, int]]]:
    """Each entry of the file's list, with the line of each of its fields."""
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)[key]
    root = yaml.compose(text)
    sequence = next(value for name, value in root.value if name.value == key)
    return [
        (entry, {name.value: name.start_mark.line + 1 for name, _ in node.value})
        for entry, node in zip(data, sequence.value, strict=True)
    ]


def unsourced_facts(registry: Path) -> list[str]:
    """``file:line: ...`` for every added fact without a source, or with a source that does not exist."""
    sources_file = registry / "sources.yaml"
    known = {source["id"] for source in yaml.safe_load(sources_file.read_text(encoding="utf-8"))["sources"]}
    known |= {path.name for path in (registry.parent / "source_reports").iterdir() if path.is_dir()}
    problems = []
    for name, (key, added) in ADDED.items():
        path = registry / name
        for entry, lines in _entries_with_lines(path, key):
            sources = entry.get("sources") or {}
            for field in added:
                if field in entry and not sources.get(field):
                    problems.append(f"{path}:{lines[field]}: {entry['id']}: {field} has no source")
                for source in sources.get(field) or []:
                    if source not in known:
                        problems.append(f"{path}:{lines['sources']}: {entry['id']}: {field}: no source {source!r}")
    for key, agreement in load_agreements(registry / "agreements.bib").items():
        if not agreement.sources.strip():
            problems.append(f"{registry / 'agreements.bib'}: {key}: no sources")
    return problems


def test_every_added_fact_in_the_registry_names_a_source_in_the_repository() -> None:
    assert unsourced_facts(REGISTRY) == []


def test_the_walk_finds_a_fact_without_a_source(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    path = project / "registry" / "organisations.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    sources: {country: [editors-seat]}\n", "", 1), encoding="utf-8")
    line = _line_of(path, "country: both")
    assert unsourced_facts(project / "registry") == [f"{path}:{line}: dialogue-forum: country has no source"]


def test_every_source_is_the_repository_s_own() -> None:
    """Nothing in the repository sends a contributor to material outside it (the shared facts)."""
    outside = "shared/" + "facts"
    places = [
        *REGISTRY.iterdir(),
        PROJECT_ROOT / "CONTRIBUTING.md",
        PROJECT_ROOT / "README.md",
        *(PROJECT_ROOT / "tests").glob("*.py"),
        *(PROJECT_ROOT / "tools").rglob("*.py"),
        *(PROJECT_ROOT / "source_reports").rglob("metadata.yaml"),
    ]
    assert [str(path) for path in places if outside in path.read_text(encoding="utf-8")] == []
    assert [str(path) for path in places if "shared/" + "source" in path.read_text(encoding="utf-8")] == []


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(REGISTRY, tmp_path / "registry")
    shutil.copytree(PROJECT_ROOT / "source_reports", tmp_path / "source_reports")
    shutil.copytree(PROJECT_ROOT / "docs", tmp_path / "docs")
    return tmp_path


def _line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


SLUG = "strategic-conference-2020"


@pytest.mark.parametrize(
    ("file", "old", "new", "line_of", "message"),
    [
        (
            "organisations.yaml",
            "    sources: {country: [editors-seat]}\n",
            "",
            "country: both",
            "organisation 'dialogue-forum': country is not the report's words and has no source",
        ),
        (
            "organisations.yaml",
            "    sources: {parent: [editors-structure], country: [organisation-name]}\n",
            "    sources: {country: [organisation-name]}\n",
            "parent: dialogue-forum",
            "organisation 'korean-coordination-committee': parent is not the report's words and has no source",
        ),
        (
            "people.yaml",
            "  sources: {name_order: [editors-names]}\n",
            "",
            "name_order: family-first",
            "person 'lee-kyu-hyung': name_order is not the report's words and has no source",
        ),
        (
            "events.yaml",
            "    sources: {date: [tsoy-interview], name: [strategic-conference-2020, tsoy-interview]}\n",
            "    sources: {name: [strategic-conference-2020, tsoy-interview]}\n",
            "date: 2020-11-05",
            "event 'conference-2020': date is not the report's words and has no source",
        ),
        (
            "events.yaml",
            "The ceasefire in 1953 (the Korean Armistice Agreement)\n",
            "The ceasefire in 1953 (the Korean Armistice Agreement)\n    note: An added remark.\n",
            "note: An added remark.",
            "event 'armistice-1953': note is not the report's words and has no source",
        ),
        (
            "organisations.yaml",
            "    sources: {country: [editors-seat]}\n",
            "    sources: {country: [editors-seet]}\n",
            "editors-seet",
            "organisation 'dialogue-forum': unknown source 'editors-seet'",
        ),
        (
            "organisations.yaml",
            "    sources: {country: [editors-seat]}\n",
            "    sources: {country: [editors-seat], parent: [editors-seat]}\n",
            "parent: [editors-seat]",
            "organisation 'dialogue-forum': sources.parent: the entry has no parent",
        ),
        (
            "sources.yaml",
            "        silently correct them.\n",
            "        silently correct them.\n  - id: tsoy-interview  # again\n    citation: A\n    facts: [a]\n",
            "id: tsoy-interview  # again",
            "source 'tsoy-interview': duplicate id",
        ),
        (
            "sources.yaml",
            "sources:\n",
            f"sources:\n  - id: {SLUG}\n    citation: A report\n    facts: [its text]\n",
            f"id: {SLUG}",
            f"source '{SLUG}': a report's slug",
        ),
        (
            "sources.yaml",
            "sources:\n",
            "sources:\n  - id: unused\n    citation: Nobody\n    facts: [nothing]\n",
            "id: unused",
            "source 'unused' is cited by no entry",
        ),
    ],
)
def test_a_fact_without_a_known_source_fails_the_data_check_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], file: str, old: str, new: str, line_of: str, message: str
) -> None:
    project = _copy(tmp_path)
    path = project / "registry" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as failure:
        load_registry(project / "registry")
    assert str(failure.value) == f"{path}:{_line_of(path, line_of)}: {message}" or message in str(failure.value)
    assert failure.value.line == _line_of(path, line_of)
    # The same through the data check's command line (nox -s data, the pre-commit hook): one line.
    assert check_data([str(project)]) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1
    assert f"{path}:{_line_of(path, line_of)}: " in error
    assert message in error


def test_the_report_itself_is_a_source_and_a_missing_report_is_not(tmp_path: Path) -> None:
    project = _copy(tmp_path)
    registry = load_registry(project / "registry")
    assert registry.organisations["spbu-korean-studies"].sources["parent"] == [SLUG]
    shutil.rmtree(project / "source_reports" / SLUG)
    with pytest.raises(InputError, match=f"unknown source '{SLUG}'"):
        load_registry(project / "registry")


def test_every_source_copies_the_facts_taken_from_it() -> None:
    registry = load_registry(REGISTRY)
    assert registry.sources, "registry/sources.yaml lists no source"
    for source in registry.sources.values():
        assert source.citation.strip(), source.id
        assert all(fact.strip() for fact in source.facts), source.id
