"""Merging a session's answers into a mllens.yaml that changed since it was read."""

from __future__ import annotations

from pathlib import Path

import pytest

from mllens.answers import merge
from mllens.answers.io import AnswersDocument, read_answers, set_practice_answer
from mllens.answers.merge import (
    AnswersConflict,
    changed,
    conflicts,
    describe,
    merge_answers,
    save_document,
    save_merged,
    snapshot,
)
from mllens.answers.model import PracticeAnswer
from mllens.errors import AnswersError
from mllens.lens import Lens, load_shipped_lens

BASE = """\
# Answers for the fraud model.
workload:
  name: fraud
answers:
  # Security first.
  MLSEC-04: {status: partial}   # keys next
  MLSEC05-BP01: {status: missing}
"""

MISSING = PracticeAnswer(status="missing")
DONE = PracticeAnswer(status="implemented")


@pytest.fixture(scope="module")
def lens() -> Lens:
    return load_shipped_lens()


def opened(tmp_path: Path, lens: Lens, text: str = BASE) -> tuple[AnswersDocument, dict[str, PracticeAnswer]]:
    """The session's view: the file as read, and its snapshot (the base of the next merge)."""
    path = tmp_path / "mllens.yaml"
    path.write_text(text, encoding="utf-8")
    doc = read_answers(path, lens=lens, display="mllens.yaml")
    return doc, snapshot(doc)


# --- the three-way comparison -----------------------------------------------------------


def test_changed_lists_added_edited_and_removed_practices() -> None:
    base = {"A": MISSING, "B": MISSING, "C": MISSING}
    ours = {"A": MISSING, "B": DONE, "D": DONE}
    assert sorted(changed(base, ours)) == ["B", "C", "D"]
    assert changed(base, dict(base)) == []


def test_a_conflict_is_the_same_practice_changed_differently_on_both_sides() -> None:
    base = {"A": MISSING, "B": MISSING}
    ours = {"A": DONE, "B": DONE, "C": DONE}
    # A: theirs untouched; B: theirs made the same change; C: theirs added another answer.
    theirs = {"A": MISSING, "B": DONE, "C": PracticeAnswer(status="partial")}
    assert conflicts(base, ours, theirs) == ["C"]
    # A practice only the other side changed is theirs to keep, never a conflict.
    assert conflicts(base, {"A": MISSING}, {"A": DONE}) == []
    # Removed on the other side while edited here.
    assert conflicts({"A": MISSING}, {"A": DONE}, {}) == ["A"]


def test_describe_names_status_reason_checks_and_notes() -> None:
    assert describe(None) == "no answer"
    assert describe(PracticeAnswer()) == "no answer"
    answer = PracticeAnswer(status="not_applicable", reason="other", checks={"c1": "met"}, notes="later")
    assert describe(answer) == "not_applicable, reason other, checks c1 met, notes 'later'"


# --- merging into the fresh tree --------------------------------------------------------


def test_merge_applies_only_our_changes_onto_the_files_tree(tmp_path: Path, lens: Lens) -> None:
    doc, base = opened(tmp_path, lens)
    set_practice_answer(doc, "MLOPS01-BP01", DONE)
    theirs = read_answers(doc.path, lens=lens, display="mllens.yaml")
    set_practice_answer(theirs, "MLSEC05-BP01", PracticeAnswer(status="implemented", notes="rotated"))
    applied = merge_answers(theirs, base=base, ours=doc.answers.answers)
    assert applied == ["MLOPS01-BP01"]
    answers = theirs.answers.answers
    assert answers["MLOPS01-BP01"] == DONE
    assert answers["MLSEC05-BP01"].notes == "rotated"  # the other side's edit stays
    assert answers["MLSEC03-BP02"].status == "partial"


def test_merge_refuses_a_conflict_and_changes_nothing(tmp_path: Path, lens: Lens) -> None:
    doc, base = opened(tmp_path, lens)
    set_practice_answer(doc, "MLSEC03-BP02", PracticeAnswer(status="missing", notes="no VPC yet"))
    theirs = read_answers(doc.path, lens=lens, display="mllens.yaml")
    set_practice_answer(theirs, "MLSEC-04", DONE)
    before = theirs.answers.model_copy(deep=True)
    with pytest.raises(AnswersConflict) as info:
        merge_answers(theirs, base=base, ours=doc.answers.answers)
    assert info.value.practices == ["MLSEC03-BP02"]
    assert str(info.value) == (
        "mllens.yaml: MLSEC03-BP02 changed both in the file and in this session (MLSEC03-BP02: "
        "the file now says implemented, this session says missing, notes 'no VPC yet'); nothing written"
    )
    assert theirs.answers == before


# --- saving ------------------------------------------------------------------------------


def test_save_keeps_what_the_other_side_wrote_meanwhile(tmp_path: Path, lens: Lens) -> None:
    doc, base = opened(tmp_path, lens)
    set_practice_answer(doc, "MLSEC-04", PracticeAnswer(status="implemented"))
    # Another editor: a new comment, a workload description, another answer, a 2025 key.
    doc.path.write_text(
        BASE.replace("  name: fraud\n", "  name: fraud\n  description: card fraud scoring  # new\n")
        .replace("  MLSEC05-BP01: {status: missing}\n", "  MLSEC05-BP01: {status: missing, notes: by ana}\n")
        + "  MLOPS01-BP01: {status: partial}\n",
        encoding="utf-8",
    )
    saved = save_document(doc, base=base)
    assert doc.path.read_text(encoding="utf-8") == (
        "# Answers for the fraud model.\n"
        "workload:\n"
        "  name: fraud\n"
        "  description: card fraud scoring  # new\n"
        "answers:\n"
        "  # Security first.\n"
        "  MLSEC-04: {status: implemented} # keys next\n"
        "  MLSEC05-BP01: {status: missing, notes: by ana}\n"
        "  MLOPS01-BP01: {status: partial}\n"
    )
    assert saved.answers.workload.description == "card fraud scoring"
    assert snapshot(saved) == saved.answers.answers  # the next base is what is on disk


def test_save_applies_our_edit_under_the_key_the_file_uses_now(tmp_path: Path, lens: Lens) -> None:
    doc, base = opened(tmp_path, lens)
    set_practice_answer(doc, "MLSEC05-BP01", DONE)
    doc.path.write_text(BASE.replace("MLSEC-04:", "MLSEC03-BP02:"), encoding="utf-8")
    save_document(doc, base=base)
    text = doc.path.read_text(encoding="utf-8")
    assert "  MLSEC03-BP02: {status: partial}   # keys next\n" in text
    assert "  MLSEC05-BP01: {status: implemented}\n" in text
    assert "MLSEC-04" not in text


def test_the_same_change_on_both_sides_is_no_conflict_and_no_write(tmp_path: Path, lens: Lens) -> None:
    doc, base = opened(tmp_path, lens)
    set_practice_answer(doc, "MLSEC05-BP01", DONE)
    theirs = BASE.replace("MLSEC05-BP01: {status: missing}", "MLSEC05-BP01:   {status:  implemented}")
    doc.path.write_text(theirs, encoding="utf-8")
    saved = save_document(doc, base=base)
    assert saved.answers.answers["MLSEC05-BP01"] == DONE
    assert doc.path.read_text(encoding="utf-8") == theirs  # not even re-formatted


def test_a_conflicting_save_writes_nothing(tmp_path: Path, lens: Lens) -> None:
    doc, base = opened(tmp_path, lens)
    set_practice_answer(doc, "MLSEC05-BP01", DONE)
    theirs = BASE.replace("MLSEC05-BP01: {status: missing}", "MLSEC05-BP01: {status: partial}")
    doc.path.write_text(theirs, encoding="utf-8")
    with pytest.raises(AnswersConflict, match="MLSEC05-BP01 changed both in the file and in this session"):
        save_document(doc, base=base)
    assert doc.path.read_text(encoding="utf-8") == theirs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mllens.yaml"]


def test_a_deleted_file_is_not_recreated(tmp_path: Path, lens: Lens) -> None:
    doc, base = opened(tmp_path, lens)
    set_practice_answer(doc, "MLSEC05-BP01", DONE)
    doc.path.unlink()
    with pytest.raises(AnswersError) as info:
        save_document(doc, base=base)
    assert str(info.value) == (
        "mllens.yaml: was deleted while answers were being edited; not recreated, nothing written "
        "(unsaved: MLSEC05-BP01: implemented)"
    )
    assert not doc.path.exists()


def test_a_file_broken_meanwhile_is_not_overwritten(tmp_path: Path, lens: Lens) -> None:
    doc, base = opened(tmp_path, lens)
    set_practice_answer(doc, "MLSEC05-BP01", DONE)
    broken = BASE + "<<<<<<< HEAD\n"
    doc.path.write_text(broken, encoding="utf-8")
    with pytest.raises(AnswersError) as info:
        save_document(doc, base=base)
    message = str(info.value)
    assert message.startswith("mllens.yaml: changed while answers were being edited and no longer reads (")
    assert "malformed YAML at line 9" in message
    assert message.endswith("nothing written (unsaved: MLSEC05-BP01: implemented)")
    assert doc.path.read_text(encoding="utf-8") == broken
    # Valid YAML that no longer validates names the field.
    doc.path.write_text(BASE + "  MLSEC05-BP09: {status: missing}\n", encoding="utf-8")
    with pytest.raises(AnswersError, match=r"no longer reads \(answers\.MLSEC05-BP09: 'MLSEC05-BP09' is not"):
        save_document(doc, base=base)


def test_a_write_during_the_save_is_read_again_not_lost(
    tmp_path: Path, lens: Lens, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc, base = opened(tmp_path, lens)
    set_practice_answer(doc, "MLOPS01-BP01", DONE)
    reads: list[int] = []

    def read_then_race(path: Path, **kw: object) -> AnswersDocument:
        """The other writer lands just after our read, once."""
        fresh = read_answers(path, **kw)  # type: ignore[arg-type]
        reads.append(1)
        if len(reads) == 1:
            path.write_text(BASE + "  MLREL01-BP01: {status: missing}\n", encoding="utf-8")
        return fresh

    monkeypatch.setattr(merge, "read_answers", read_then_race)
    saved = save_merged(doc.path, base=base, ours=doc.answers.answers, lens=lens)
    assert len(reads) == 2
    assert set(saved.answers.answers) == {"MLSEC03-BP02", "MLSEC05-BP01", "MLREL01-BP01", "MLOPS01-BP01"}
    assert doc.path.read_text(encoding="utf-8").endswith(
        "  MLREL01-BP01: {status: missing}\n  MLOPS01-BP01:\n    status: implemented\n"
    )


def test_a_file_that_keeps_changing_is_left_alone(
    tmp_path: Path, lens: Lens, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc, base = opened(tmp_path, lens)
    set_practice_answer(doc, "MLOPS01-BP01", DONE)
    count = iter(range(100))

    def always_racing(path: Path, **kw: object) -> AnswersDocument:
        fresh = read_answers(path, **kw)  # type: ignore[arg-type]
        path.write_text(BASE + f"# edit {next(count)}\n", encoding="utf-8")
        return fresh

    monkeypatch.setattr(merge, "read_answers", always_racing)
    with pytest.raises(AnswersError, match=r"mllens.yaml: kept changing while it was being saved \(5 tries\)"):
        save_merged(doc.path, base=base, ours=doc.answers.answers, lens=lens)
    assert doc.path.read_text(encoding="utf-8") == BASE + "# edit 4\n"


def test_an_unwritable_file_is_one_error_naming_it(
    tmp_path: Path, lens: Lens, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc, base = opened(tmp_path, lens)
    set_practice_answer(doc, "MLOPS01-BP01", DONE)

    def refused(path: Path, data: str | bytes) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(merge, "write_atomic", refused)
    with pytest.raises(AnswersError) as info:
        save_document(doc, base=base)
    assert str(info.value) == (
        "mllens.yaml: cannot write (Permission denied); nothing written (unsaved: MLOPS01-BP01: implemented)"
    )
    assert doc.path.read_text(encoding="utf-8") == BASE
