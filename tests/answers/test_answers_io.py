"""mllens.yaml: reading, validating against the lens, editing in place, saving atomically."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from mllens.answers.io import (
    load_answers,
    new_document,
    read_answers,
    save_answers,
    set_practice_answer,
)
from mllens.answers.model import PracticeAnswer, Workload
from mllens.errors import AnswersError
from mllens.lens import Lens, load_shipped_lens

EXAMPLE = Path(__file__).parents[2] / "examples" / "fraud-detection" / "mllens.yaml"

SAMPLE = """\
# Answers for the fraud model.
workload:
  name: fraud   # the team calls it this
answers:
  # Security first.
  MLSEC-04:
    status: partial   # private subnets done, keys next
    checks: {private_networking: met}
  MLSEC05-BP01: {status: not_applicable, reason: out_of_scope}
questions:
  mlperf05: {applicable: false, reason: architecture_constraints}
accepted_risks:
  - {practice: MLSEC-01, reason: legal review booked, owner: ana, expires: 2027-03-31}
"""


@pytest.fixture(scope="module")
def lens() -> Lens:
    return load_shipped_lens()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mllens.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str, lens: Lens) -> str:
    path = write(tmp_path, text)
    with pytest.raises(AnswersError) as info:
        read_answers(path, lens=lens, display="mllens.yaml")
    return str(info.value)


# --- reading ----------------------------------------------------------------------------


def test_read_normalises_ids_and_remembers_the_keys_written(tmp_path: Path, lens: Lens) -> None:
    doc = read_answers(write(tmp_path, SAMPLE), lens=lens)
    answers = doc.answers
    assert answers.workload.name == "fraud"
    assert list(answers.answers) == ["MLSEC03-BP02", "MLSEC05-BP01"]
    assert answers.answers["MLSEC03-BP02"].status == "partial"
    assert answers.answers["MLSEC03-BP02"].checks == {"private_networking": "met"}
    assert answers.answers["MLSEC05-BP01"].reason == "out_of_scope"
    assert list(answers.questions) == ["MLPERF05"]
    assert answers.questions["MLPERF05"].applicable is False
    assert answers.accepted_risks[0].practice == "MLSEC01-BP01"
    assert answers.accepted_risks[0].expires == dt.date(2027, 3, 31)
    assert doc.keys == {"MLSEC03-BP02": "MLSEC-04", "MLSEC05-BP01": "MLSEC05-BP01"}


def test_the_example_project_answers_are_valid(lens: Lens) -> None:
    answers = load_answers(EXAMPLE, lens=lens)
    assert answers.workload.name == "card-fraud-scoring"
    assert answers.answers["MLSEC05-BP01"].status == "missing"  # written as MLSEC-11


def test_unknown_practice_names_file_and_field(tmp_path: Path, lens: Lens) -> None:
    text = "workload: {name: x}\nanswers:\n  MLSEC03-BP9: {status: missing}\n"
    assert error_of(tmp_path, text, lens) == (
        "mllens.yaml: answers.MLSEC03-BP9: 'MLSEC03-BP9' is not a practice of lens ml"
    )


def test_unknown_check_lists_the_practice_checks(tmp_path: Path, lens: Lens) -> None:
    text = "workload: {name: x}\nanswers:\n  MLSEC03-BP02: {checks: {vpn: met}}\n"
    message = error_of(tmp_path, text, lens)
    assert message.startswith(
        "mllens.yaml: answers.MLSEC03-BP02.checks.vpn: 'vpn' is not a check of practice "
        "MLSEC03-BP02 (its checks: storage_encrypted_cmk, encryption_in_transit,"
    )


def test_unknown_question(tmp_path: Path, lens: Lens) -> None:
    text = "workload: {name: x}\nquestions:\n  MLPERF09: {applicable: false}\n"
    assert error_of(tmp_path, text, lens) == (
        "mllens.yaml: questions.MLPERF09: 'MLPERF09' is not a question of lens ml"
    )


def test_unknown_accepted_risk_practice(tmp_path: Path, lens: Lens) -> None:
    text = (
        "workload: {name: x}\naccepted_risks:\n"
        "  - {practice: MLX-1, reason: r, owner: o, expires: 2027-01-01}\n"
    )
    assert error_of(tmp_path, text, lens) == (
        "mllens.yaml: accepted_risks[0].practice: 'MLX-1' is not a practice of lens ml"
    )


def test_unknown_keys_list_what_is_expected(tmp_path: Path, lens: Lens) -> None:
    top = error_of(tmp_path, "workload: {name: x}\nanwsers: {}\n", lens)
    assert top == (
        "mllens.yaml: anwsers: unknown key 'anwsers' "
        "(expected one of: workload, lens, answers, questions, accepted_risks, scan)"
    )
    nested = error_of(tmp_path, "workload: {name: x}\nanswers:\n  MLSEC-04: {state: missing}\n", lens)
    assert nested == (
        "mllens.yaml: answers.MLSEC-04.state: unknown key 'state' "
        "(expected one of: status, checks, notes, reason)"
    )


def test_bad_values_say_what_was_expected_and_given(tmp_path: Path, lens: Lens) -> None:
    message = error_of(tmp_path, "workload: {name: x}\nanswers:\n  MLSEC-04: {status: done}\n", lens)
    assert message.startswith("mllens.yaml: answers.MLSEC-04.status: Input should be 'implemented'")
    assert message.endswith("(got 'done')")
    missing = error_of(tmp_path, "answers: {}\n", lens)
    assert missing == "mllens.yaml: workload: required key is missing"
    reason = error_of(
        tmp_path, "workload: {name: x}\nanswers:\n  MLSEC-04: {status: missing, reason: other}\n", lens
    )
    assert reason == "mllens.yaml: answers.MLSEC-04: 'reason' is only for status not_applicable"


def test_malformed_yaml_names_the_line(tmp_path: Path, lens: Lens) -> None:
    message = error_of(tmp_path, "workload: {name: x}\nanswers: [1,\n", lens)
    assert message.startswith("mllens.yaml: malformed YAML at line 3, column 1:")
    duplicate = error_of(tmp_path, "workload: {name: x}\nworkload: {name: y}\n", lens)
    assert duplicate.startswith("mllens.yaml: malformed YAML at line 2, column 1:")
    assert "duplicate key" in duplicate


def test_not_a_mapping_and_empty_file(tmp_path: Path, lens: Lens) -> None:
    assert error_of(tmp_path, "- a\n- b\n", lens) == (
        "mllens.yaml: expected a mapping at the top level, got a list"
    )
    assert error_of(tmp_path, "# only a comment\n", lens).startswith("mllens.yaml: the file is empty")


def test_the_same_practice_twice_in_two_numberings(tmp_path: Path, lens: Lens) -> None:
    text = "workload: {name: x}\nanswers:\n  MLSEC-04: {status: missing}\n  MLSEC03-BP02: {status: partial}\n"
    assert error_of(tmp_path, text, lens) == (
        "mllens.yaml: answers.MLSEC03-BP02: 'MLSEC03-BP02' and 'MLSEC-04' both answer "
        "practice MLSEC03-BP02; keep one"
    )


def test_a_file_for_another_lens(tmp_path: Path, lens: Lens) -> None:
    assert error_of(tmp_path, "workload: {name: x}\nlens: genai\n", lens) == (
        "mllens.yaml: lens: this file answers lens 'genai', but the review uses lens 'ml'"
    )


def test_unreadable_bytes(tmp_path: Path, lens: Lens) -> None:
    path = tmp_path / "mllens.yaml"
    path.write_bytes(b"workload: {name: \xff}\n")
    with pytest.raises(AnswersError, match=r"not UTF-8 text \(byte 17\)"):
        read_answers(path, lens=lens)


# --- writing ----------------------------------------------------------------------------


def test_setting_an_answer_keeps_comments_order_and_the_users_key(tmp_path: Path, lens: Lens) -> None:
    path = write(tmp_path, SAMPLE)
    doc = read_answers(path, lens=lens)
    set_practice_answer(
        doc,
        "MLSEC03-BP02",
        PracticeAnswer(status="implemented", checks={"private_networking": "met"}, notes="done"),
    )
    set_practice_answer(doc, "MLOPS01-BP01", PracticeAnswer(status="missing", notes="line 1\nline 2"))
    save_answers(doc)
    assert path.read_text(encoding="utf-8") == """\
# Answers for the fraud model.
workload:
  name: fraud   # the team calls it this
answers:
  # Security first.
  MLSEC-04:
    status: implemented # private subnets done, keys next
    checks: {private_networking: met}
    notes: done
  MLSEC05-BP01: {status: not_applicable, reason: out_of_scope}
  MLOPS01-BP01:
    status: missing
    notes: |-
      line 1
      line 2
questions:
  mlperf05: {applicable: false, reason: architecture_constraints}
accepted_risks:
  - {practice: MLSEC-01, reason: legal review booked, owner: ana, expires: 2027-03-31}
"""
    again = read_answers(path, lens=lens)
    assert again.answers.answers["MLOPS01-BP01"].notes == "line 1\nline 2"
    assert again.keys["MLSEC03-BP02"] == "MLSEC-04"


def test_an_empty_answer_removes_the_entry(tmp_path: Path, lens: Lens) -> None:
    doc = read_answers(write(tmp_path, SAMPLE), lens=lens)
    set_practice_answer(doc, "MLSEC05-BP01", PracticeAnswer())
    assert "MLSEC05-BP01" not in doc.answers.answers
    assert "MLSEC05-BP01" not in doc.data["answers"]


def test_setting_an_unknown_practice_is_refused(tmp_path: Path, lens: Lens) -> None:
    doc = read_answers(write(tmp_path, SAMPLE), lens=lens)
    with pytest.raises(AnswersError, match="'NOPE-1' is not a practice of lens ml"):
        set_practice_answer(doc, "NOPE-1", PracticeAnswer(status="missing"))


def test_an_invalid_edit_is_refused_before_anything_is_written(tmp_path: Path, lens: Lens) -> None:
    path = write(tmp_path, SAMPLE)
    doc = read_answers(path, lens=lens)
    with pytest.raises(AnswersError, match=r"answers\.MLSEC-04\.checks\.vpn"):
        set_practice_answer(doc, "MLSEC-04", PracticeAnswer(checks={"vpn": "met"}))
    assert path.read_text(encoding="utf-8") == SAMPLE


def test_a_new_document_grows_block_style_answers(tmp_path: Path, lens: Lens) -> None:
    path = tmp_path / "mllens.yaml"
    doc = new_document(path, Workload(name="churn", owner="ml@acme.example"), lens=lens)
    save_answers(doc)
    set_practice_answer(doc, "MLOE-01", PracticeAnswer(status="implemented"))
    save_answers(doc)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# mllens answers for this project")
    # A practice new to the file is written under its current id.
    assert text.endswith(
        "workload:\n  name: churn\n  owner: ml@acme.example\nlens: ml\n"
        "answers:\n  MLOPS01-BP01:\n    status: implemented\n"
    )
    assert load_answers(path, lens=lens).answers["MLOPS01-BP01"].status == "implemented"


def test_an_interrupted_save_leaves_the_old_file(
    tmp_path: Path, lens: Lens, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, SAMPLE)
    path.chmod(0o640)
    doc = read_answers(path, lens=lens)
    set_practice_answer(doc, "MLSEC03-BP02", PracticeAnswer(status="implemented"))

    def crash(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        save_answers(doc)
    assert path.read_text(encoding="utf-8") == SAMPLE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mllens.yaml"]  # no temp file left
    monkeypatch.undo()
    save_answers(doc)
    assert "status: implemented" in path.read_text(encoding="utf-8")
    assert path.stat().st_mode & 0o777 == 0o640


def test_the_scan_section_holds_exclude_patterns_and_nothing_else(tmp_path: Path, lens: Lens) -> None:
    doc = read_answers(write(tmp_path, "workload: {name: x}\nscan:\n  exclude: [tests/, '!tests/e2e/']\n"), lens=lens)
    assert doc.answers.scan.exclude == ["tests/", "!tests/e2e/"]
    assert read_answers(write(tmp_path, "workload: {name: x}\n"), lens=lens).answers.scan.exclude == []
    unknown = error_of(tmp_path, "workload: {name: x}\nscan: {exclude: [], vendor: [lib/]}\n", lens)
    assert unknown == "mllens.yaml: scan.vendor: unknown key 'vendor' (expected one of: exclude, vendored, project)"
    bad = error_of(tmp_path, "workload: {name: x}\nscan:\n  exclude: [tests/, '[z-a].py']\n", lens)
    assert bad == "mllens.yaml: scan.exclude[1]: expected a gitignore-style pattern (got '[z-a].py')"


def test_an_unwritable_destination_is_one_error_naming_the_file(
    tmp_path: Path, lens: Lens, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = new_document(tmp_path / "mllens.yaml", Workload(name="churn"), lens=lens)

    def refused(path: Path, data: str | bytes) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("mllens.answers.io.write_atomic", refused)
    with pytest.raises(AnswersError) as info:
        save_answers(doc)
    assert str(info.value) == f"{doc.display}: cannot write (Permission denied)"
    assert not (tmp_path / "mllens.yaml").exists()


def test_saving_an_answer_keeps_the_scan_section_and_its_comments(tmp_path: Path, lens: Lens) -> None:
    path = write(tmp_path, "workload: {name: x}\nscan:\n  exclude: [tests/]  # fixtures\n")
    doc = read_answers(path, lens=lens)
    set_practice_answer(doc, "MLSEC03-BP01", PracticeAnswer(status="implemented"))
    save_answers(doc)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("workload: {name: x}\nscan:\n  exclude: [tests/]  # fixtures\nanswers:\n")
    assert load_answers(path, lens=lens).scan.exclude == ["tests/"]
