"""The registry of people and organisations: complete, consistent, and strict about bad data."""

from __future__ import annotations

import shutil
from pathlib import Path

import dialogue_edition.registry as registry_module
import pytest
from conftest import PROJECT_ROOT
from dialogue_edition.errors import InputError
from dialogue_edition.fidelity import normalise
from dialogue_edition.registry import Registry, load_registry, name_words, report_slugs
from dialogue_edition.source_report import SourceReport

REGISTRY = PROJECT_ROOT / "registry"

# Every person and organisation the 2020 report names, listed by hand from the report (in the
# order they appear), independently of the registry. States are not organisations.
PEOPLE_IN_THE_REPORT = [
    "Lee Kyu Hyung", "Nikolay Kropachev", "Andrey Kulik", "Oh Yeoung-ju", "Kwon Dong Seok", "Lee Sang Don",
    "Konstantin Khudoley", "Ko Jae Nam", "Roh Tae-woo", "Moon Jae-In", "Sergei Kurbanov", "Lee Beom-jin",
    "Boris Yeltsin", "Hong Wan Suk", "Gleb Ivashentsov", "Ko Sangtu", "Chang Duck Joon", "Lee TaeRim",
    "Andrey Kovsh", "Irina Lantsova", "Chae Wook", "Marina Kukla", "Vladimir Putin", "Lee Sang Joon",
    "Aleksei Astafev", "Eom Gu Ho", "Sergei Belozerov", "Elena Sokolovskaia", "Inna Tsoy", "Kim Hyun Taek",
    "Maria Osetrova", "Kim Sang Hwoan", "Pyeong Hyeong-seop", "Lee Ji-yeon", "Valentin Chen",
]  # fmt: skip
ORGANISATIONS_IN_THE_REPORT = [
    "Russia–Republic of Korea Dialogue Forum", "Politics and International Relations",
    "Economics, Trade and Resources", "National Assembly of the Republic of Korea",
    "Korea National Diplomatic Academy", "JSC Russian Railways",
    "Korean Coordination Committee of the Republic of Korea", "Russian DRRK Coordination Committee",
    "St Petersburg University", "Institute of Foreign Affairs and National Security",
    "Consul General of the Republic of Korea in St Petersburg", "Eurasia Policy Studies Centre",
    "Department of Korean Studies", "Lotte Corporation", "Hankuk University of Foreign Studies",
    "Russian International Affairs Council", "Yonsei University", "Kookmin University",
    "Korean Diplomatic Academy", "Kyung Hee University", "Far Eastern Federal University",
    "Department of Foreign Projects and International Cooperation", "Hanyang University",
    "Laboratory of Asian Economic Studies", "‘Russia–Republic of Korea Dialogue’ Forum Directorate",
    "Centre for Korean Studies", "Institute of Far Eastern Studies", "Russian Academy of Sciences",
    "Moscow State Linguistic University", "Korean Techno-Venture Foundation", "Russian Koreans",
]  # fmt: skip


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(REGISTRY)


def _forms(entries: dict) -> set[str]:
    return {normalise(form) for entry in entries.values() for form in entry.all_forms}


def test_every_person_the_report_names_is_registered(registry: Registry, report_2020: SourceReport) -> None:
    text = normalise(report_2020.text)
    for name in PEOPLE_IN_THE_REPORT:
        assert normalise(name) in text, f"{name!r} is not in the report: fix the hand-made list"
    at_the_event = [p for p in registry.people.values() if any(e.report == report_2020.slug for e in p.events)]
    assert sorted(normalise(p.name) for p in at_the_event) == sorted(PEOPLE_IN_THE_REPORT)


def test_every_organisation_the_report_names_is_registered(registry: Registry, report_2020: SourceReport) -> None:
    text = normalise(report_2020.text)
    known = _forms(registry.organisations)
    for name in map(normalise, ORGANISATIONS_IN_THE_REPORT):
        assert name in text, f"{name!r} is not in the report: fix the hand-made list"
        assert name in known, f"{name!r} is named in the report but not in the registry"


# Names the report implies but does not write: the consulate, whose head the report names (its
# entry's note cites its sources, registry/sources.yaml).
NAMES_FROM_THE_FACTS = {"Consulate General of the Republic of Korea in St Petersburg"}


def test_every_name_and_form_is_spelt_as_in_a_report(registry: Registry, reports: list[SourceReport]) -> None:
    text = normalise("\n".join(report.text for report in reports))
    for entries in (registry.people, registry.organisations):
        for entry in entries.values():
            for form in set(entry.all_forms) - NAMES_FROM_THE_FACTS:
                assert normalise(form) in text, f"{entry.id}: {form!r} is not how any report writes it"


def test_family_names_follow_the_name_order(registry: Registry) -> None:
    for person in registry.people.values():
        words = person.name.split()
        expected = words[0] if person.name_order == "family-first" else words[-1]
        assert person.family_name == expected, person.id


@pytest.fixture
def registry_copy(tmp_path: Path) -> Path:
    shutil.copytree(REGISTRY, tmp_path / "registry")
    return tmp_path / "registry"


def _last_line(path: Path, text: str) -> int:
    return [number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line][-1]


@pytest.mark.parametrize(
    ("file", "old", "new", "line_of", "message"),
    [
        (
            "people.yaml",
            "organisation: hufs",
            "organisation: hufs-typo",
            "hufs-typo",
            "unknown organisation id 'hufs-typo'",
        ),
        ("organisations.yaml", "parent: spbu", "parent: spbu-typo", "spbu-typo", "unknown organisation id 'spbu-typo'"),
        ("people.yaml", "id: kukla", "id: kurbanov", "id: kurbanov", "duplicate id 'kurbanov'"),
        ("organisations.yaml", "id: lotte", "id: spbu", "id: spbu", "duplicate id 'spbu'"),
        ("people.yaml", "  family_name: Kukla\n", "", "id: kukla", "people.21.family_name: Field required"),
        ("people.yaml", "name_order: given-first", "name_order: 3", "name_order: 3", "name_order: Input should be"),
        (
            "people.yaml",
            "- continued the discussion",
            "- ' '\n    - continued",
            "roles:",
            "roles: Value error, a role is empty",
        ),
        ("organisations.yaml", "country: Russia", "country: [Russia", "country: [Russia", "invalid YAML"),
    ],
)
def test_bad_registry_data_is_reported_at_its_line(
    registry_copy: Path, file: str, old: str, new: str, line_of: str, message: str
) -> None:
    path = registry_copy / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1) if new else text.replace(old, "", 1), encoding="utf-8")
    with pytest.raises(InputError) as failure:
        load_registry(registry_copy)
    # A YAML syntax error is found where the parser gives up, at most a few lines further on.
    assert 0 <= failure.value.line - _last_line(path, line_of) <= (3 if "YAML" in message else 0)
    assert str(failure.value).startswith(f"{path}:{failure.value.line}: ")
    assert message in str(failure.value)


def test_the_spell_check_knows_every_name(registry: Registry) -> None:
    words = (PROJECT_ROOT / ".codespell-words.txt").read_text(encoding="utf-8").split()
    assert words == name_words(registry), "regenerate it: .venv/bin/nox -s baselines"


def test_a_registry_is_validated_once_for_the_same_bytes_and_never_kept_for_other_ones(
    registry_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A build loads the registry several times (the data check, the configuration, the mentions):
    # the same bytes give the very same registry; other bytes, a registry of their own.
    reports = report_slugs(PROJECT_ROOT)
    first = load_registry(registry_copy, reports)
    assert load_registry(registry_copy, reports) is first
    people = registry_copy / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    assert load_registry(registry_copy, reports) is not first
    # A file that changes while it is read is one clear error, and what was read is not kept.
    original = registry_module._load_registry
    kept = registry_module.loaded_registries()

    def load_then_change(*arguments: object) -> Registry:
        loaded = original(*arguments)  # type: ignore[arg-type]
        people.write_text(people.read_text(encoding="utf-8") + "# another\n", encoding="utf-8")
        return loaded

    monkeypatch.setattr(registry_module, "_load_registry", load_then_change)
    people.write_text(people.read_text(encoding="utf-8") + "# bytes not loaded yet\n", encoding="utf-8")
    with pytest.raises(InputError, match="changed while it was being read"):
        load_registry(registry_copy, reports)
    assert registry_module.loaded_registries() == kept
