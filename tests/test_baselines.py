"""``nox -s baselines``: the generated lists follow an addition, and a lost permalink stays guarded."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT
from dialogue_edition.baselines import PERMALINKS, WORDS, add_new_permalinks, main, update_words
from dialogue_edition.build import Layout


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(PROJECT_ROOT / "registry", tmp_path / "registry")
    # The registry cites the reports as sources of what they say: it is checked against them.
    shutil.copytree(PROJECT_ROOT / "source_reports", tmp_path / "source_reports")
    (tmp_path / "tests").mkdir()
    shutil.copyfile(PROJECT_ROOT / PERMALINKS, tmp_path / PERMALINKS)
    shutil.copyfile(PROJECT_ROOT / WORDS, tmp_path / WORDS)
    return tmp_path


def test_new_permalinks_are_added_and_lost_ones_kept(project: Path, editions: Layout) -> None:
    baseline = project / PERMALINKS
    kept = baseline.read_text(encoding="utf-8").split()
    baseline.write_text("\n".join(["gone.html", *kept[1:]]) + "\n", encoding="utf-8")
    assert add_new_permalinks(project, editions.build / "html") == 1
    assert baseline.read_text(encoding="utf-8").split() == ["gone.html", *kept[1:], kept[0]]


def test_a_new_name_reaches_the_spell_check_word_list(project: Path) -> None:
    people = project / "registry" / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("name: Marina Kukla", "name: Marina Kuklova"))
    people.write_text(people.read_text(encoding="utf-8").replace("family_name: Kukla", "family_name: Kuklova"))
    assert update_words(project) == 1
    assert "kuklova" in (project / WORDS).read_text(encoding="utf-8").split()


def test_without_a_built_site_it_says_what_to_do(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--project", str(project)]) == 1
    assert "no built site here: run ./bootstrap editions first" in capsys.readouterr().err
