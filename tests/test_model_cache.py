"""Validated models kept between builds (``model_cache``): taken for the same text, never for another.

Most cases play two builds in one process: the first validates and keeps, then the process's
memory is emptied as a new process's would be, and the second takes what was kept.
"""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest
from conftest import SOURCE_REPORTS
from dialogue_edition import data_files, model_cache
from dialogue_edition.build import Layout, build
from dialogue_edition.data_files import load_model
from dialogue_edition.errors import InputError
from dialogue_edition.kept_values import KeptValues
from dialogue_edition.source_report import ReportDescription, ReportMetadata
from pydantic import BaseModel

METADATA = SOURCE_REPORTS / "strategic-conference-2020" / "metadata.yaml"


@pytest.fixture(autouse=True)
def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """The validated models and records of use of this process, empty as a new process's (put back after)."""
    monkeypatch.setattr(data_files, "_VALIDATED", KeptValues(data_files.KEPT_MODELS))
    monkeypatch.setattr(data_files, "_USED", [])
    monkeypatch.setattr(model_cache, "_taken", set())


def as_a_new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Forget what this process validated, and refuse to validate a report's metadata again."""
    monkeypatch.setattr(data_files, "_VALIDATED", KeptValues(data_files.KEPT_MODELS))

    def never_again(path: Path, model: type[data_files.Model], text: str) -> data_files.Model:
        raise AssertionError(f"{path} validated again")

    monkeypatch.setattr(data_files, "_validated", never_again)


def one_build(folder: Path) -> tuple[Path, Path]:
    """A build that validates a report's metadata (a copy in ``folder``) and keeps it: the file and the kept models."""
    metadata, kept = folder / "metadata.yaml", folder / model_cache.FILE
    shutil.copyfile(METADATA, metadata)
    model_cache.take_kept(kept)
    load_model(metadata, ReportMetadata)
    model_cache.keep(kept)
    return metadata, kept


def test_a_kept_model_is_taken_for_the_same_text_and_never_for_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    metadata, kept = one_build(tmp_path)
    first = load_model(metadata, ReportMetadata)
    assert kept.is_file()

    as_a_new_process(monkeypatch)
    model_cache.take_kept(kept)
    assert load_model(metadata, ReportMetadata) == first
    # Another text (one byte more) is validated, whatever is kept.
    metadata.write_text(metadata.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="validated again"):
        load_model(metadata, ReportMetadata)


HEADER = object()
"""In a case's content: the header this code writes."""


@pytest.mark.parametrize(
    "content",
    [
        pytest.param([b"not a pickle"], id="damaged"),
        pytest.param([["a list"]], id="another shape"),
        pytest.param(["other code", None], id="other code"),
        pytest.param([HEADER, ["a list"]], id="this code, another shape"),
        pytest.param([HEADER, {("a", "b"): "not a model"}], id="this code, not models"),
    ],
)
def test_kept_models_of_other_code_or_damaged_are_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: list[object]
) -> None:
    metadata, kept = one_build(tmp_path)
    with kept.open("rb") as written:
        header, models = pickle.load(written), pickle.load(written)
    assert header == model_cache.made_by()
    assert len(models) == 1
    parts = [header if part is HEADER else models if part is None else part for part in content]
    kept.write_bytes(b"".join(part if isinstance(part, bytes) else pickle.dumps(part) for part in parts))

    as_a_new_process(monkeypatch)
    model_cache.take_kept(kept)
    assert data_files._VALIDATED.items() == []
    with pytest.raises(AssertionError, match="validated again"):
        load_model(metadata, ReportMetadata)


def test_a_model_is_kept_for_its_own_class_only(tmp_path: Path) -> None:
    # The same text is another model's too: validated for it (and refused, a field too many).
    metadata = tmp_path / "metadata.yaml"
    shutil.copyfile(METADATA, metadata)
    load_model(metadata, ReportMetadata)
    with pytest.raises(InputError, match="text: Extra inputs are not permitted"):
        load_model(metadata, ReportDescription)


def test_models_that_cannot_be_kept_leave_the_build_as_it_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Local(BaseModel):  # a class pickle cannot name
        value: int

    kept = tmp_path / model_cache.FILE
    model_cache.take_kept(kept)
    monkeypatch.setattr(model_cache, "used_models", lambda: {("a", "b"): Local(value=1)})
    model_cache.keep(kept)
    assert not kept.exists()


def test_the_kept_models_are_written_again_only_when_a_build_used_others(tmp_path: Path) -> None:
    metadata, kept = one_build(tmp_path)
    written = kept.stat().st_ino

    model_cache.take_kept(kept)  # the next build uses the same models: the file stays
    load_model(metadata, ReportMetadata)
    model_cache.keep(kept)
    assert kept.stat().st_ino == written

    model_cache.take_kept(kept)  # one that uses none keeps none
    model_cache.keep(kept)
    assert kept.stat().st_ino != written
    with kept.open("rb") as rewritten:
        assert pickle.load(rewritten) == model_cache.made_by()
        assert pickle.load(rewritten) == {}


def test_an_edit_takes_the_report_models_the_last_build_kept(
    draft_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # draft_project is a copy of a built project: its kept models, made by a build in another
    # folder. The data check, which starts before they are taken, validates what it reads.
    layout = Layout(docs=draft_project / "docs", build=draft_project / "build", draft=True)
    assert layout.cache(model_cache.FILE).is_file()
    validate, take_kept, taken_by = data_files._validated, model_cache.take_kept, []

    def taking(path: Path) -> None:
        take_kept(path)
        taken_by.append(os.getpid())

    def reports_never_again(path: Path, model: type[data_files.Model], text: str) -> data_files.Model:
        if model is ReportMetadata and os.getpid() in taken_by:
            raise AssertionError(f"{path} validated again")
        return validate(path, model, text)

    monkeypatch.setattr(model_cache, "take_kept", taking)
    monkeypatch.setattr(data_files, "_validated", reports_never_again)
    page = draft_project / "docs" / "reports" / "strategic-conference-2020" / "close.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nA paragraph added by the test.\n", encoding="utf-8")
    build(["html"], layout)
    assert taken_by == [os.getpid()]
