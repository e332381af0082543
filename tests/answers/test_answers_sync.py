"""answers.sync: the three-way comparison of file, app and base, and writing one practice's
answer and accepted risk into mllens.yaml with its comments and layout kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from mllens.answers.io import dump_answers, read_answers
from mllens.answers.model import AcceptedRisk, AnswersFile, PracticeAnswer, Workload
from mllens.answers.sync import (
    Acceptance,
    SyncAnswer,
    describe,
    reconcile,
    sync_answers,
    with_sync_answers,
    write_answer,
)
from mllens.lens.load import load_shipped_lens

A = SyncAnswer(status="implemented")
B = SyncAnswer(status="missing", notes="no owner yet")
C = SyncAnswer(status="partial")
RISK = Acceptance(owner="ana", expires=dt.date(2027, 3, 31), reason="keys next quarter")

FILE = """\
# The fraud team's review: kept in the repo.
workload:
  name: fraud-detection   # as on the server
answers:
  MLOE-01:                # the 2023 id, as we first wrote it
    status: implemented
    notes: the business goal is in docs/goal.md
  MLSEC03-BP02: {status: partial}
accepted_risks:
  - practice: MLSEC05-BP01   # reviewed with risk
    reason: a later release
    owner: bo
    expires: 2027-01-31
"""


def test_each_side_s_change_goes_to_the_other_and_two_changes_conflict() -> None:
    base = {"P1": A, "P2": A, "P3": A, "P4": A, "P5": A}
    file = {"P1": A, "P2": B, "P3": B, "P4": B, "P6": C}  # P5 removed from the file, P6 new there
    app = {"P1": B, "P2": A, "P3": B, "P4": C, "P5": A}
    found = reconcile(base=base, file=file, app=app)
    assert found.to_file == {"P1": B}
    assert found.to_app == {"P2": B, "P5": None, "P6": C}
    assert found.agreed == {"P3": B}
    assert [(c.practice, c.file, c.app) for c in found.conflicts] == [("P4", B, C)]


def test_an_empty_answer_is_no_answer() -> None:
    found = reconcile(base={}, file={"P1": SyncAnswer()}, app={})
    assert found.agreed == {"P1": None} and not found.to_app and not found.conflicts


def test_an_accepted_risk_is_part_of_its_practice_s_answer() -> None:
    lens = load_shipped_lens()
    answers = AnswersFile(
        workload=Workload(name="w"),
        answers={"MLSEC05-BP01": PracticeAnswer(status="missing")},
        accepted_risks=[
            AcceptedRisk(practice="MLSEC-07", owner="old", expires=dt.date(2026, 1, 1), reason="r"),
            AcceptedRisk(practice="MLSEC05-BP01", owner="ana", expires=dt.date(2027, 3, 31),
                         reason="keys next quarter"),
        ],
    )
    pid = lens.resolve("MLSEC-07")
    assert pid is not None
    found = sync_answers(answers, lens=lens)
    assert found["MLSEC05-BP01"] == SyncAnswer(status="missing", accepted=RISK)  # the longest-running one
    back = with_sync_answers(answers, {"MLSEC05-BP01": SyncAnswer(status="partial")})
    assert back.answers["MLSEC05-BP01"] == PracticeAnswer(status="partial") and back.accepted_risks == [
        r for r in answers.accepted_risks if r.practice == "MLSEC-07"]
    assert describe(found["MLSEC05-BP01"]) == "missing, risk accepted by ana until 2027-03-31: 'keys next quarter'"


@pytest.fixture
def written(tmp_path: Path) -> Path:
    path = tmp_path / "mllens.yaml"
    path.write_text(FILE)
    return path


def test_writing_answers_keeps_comments_layout_and_the_file_s_ids(written: Path) -> None:
    lens = load_shipped_lens()
    doc = read_answers(written, lens=lens)
    write_answer(doc, "MLOPS01-BP01", SyncAnswer(status="partial", notes="goal agreed, ROI open", accepted=RISK))
    write_answer(doc, "MLSEC05-BP01", None)  # the app withdrew the acceptance
    write_answer(doc, "MLOPS02-BP01", SyncAnswer(status="not_applicable", reason="out_of_scope"))
    text = dump_answers(doc)
    assert text.startswith("# The fraud team's review: kept in the repo.\nworkload:\n  name: fraud-detection   # as on")
    assert "  MLOE-01:                # the 2023 id, as we first wrote it\n    status: partial\n" in text
    assert "    notes: goal agreed, ROI open\n" in text
    assert "  MLSEC03-BP02: {status: partial}\n" in text  # untouched answers keep their flow style
    assert "  MLOPS02-BP01:\n    status: not_applicable\n    reason: out_of_scope\n" in text
    assert "bo" not in text and "MLSEC05-BP01" not in text
    assert ("accepted_risks:\n  - practice: MLOE-01\n    owner: ana\n    expires: 2027-03-31\n"
            "    reason: keys next quarter\n") in text
    assert sync_answers(doc.answers, lens=lens)["MLOPS01-BP01"].accepted == RISK


def test_an_acceptance_is_updated_in_place(written: Path) -> None:
    lens = load_shipped_lens()
    doc = read_answers(written, lens=lens)
    write_answer(doc, "MLSEC05-BP01", SyncAnswer(accepted=RISK))
    text = dump_answers(doc)
    assert "  - practice: MLSEC05-BP01   # reviewed with risk\n    reason: keys next quarter\n    owner: ana\n" in text
    assert "    expires: 2027-03-31\n" in text and "answers:\n  MLOE-01:" in text


def test_a_question_s_answer_is_read_and_written_under_questions(written: Path) -> None:
    lens = load_shipped_lens()
    doc = read_answers(written, lens=lens)
    na = SyncAnswer(status="not_applicable", reason="architecture_constraints", notes="no edge devices")
    write_answer(doc, "MLPERF05", na)
    text = dump_answers(doc)
    assert text.endswith("questions:\n  MLPERF05:\n    applicable: false\n    reason: architecture_constraints\n"
                         "    notes: no edge devices\n")
    assert sync_answers(doc.answers, lens=lens)["MLPERF05"] == na
    assert doc.answers.questions["MLPERF05"].applicable is False
    write_answer(doc, "MLPERF05", SyncAnswer(notes="edge later"))
    assert dump_answers(doc).endswith("questions:\n  MLPERF05:\n    notes: edge later\n")
    write_answer(doc, "MLPERF05", None)
    assert "MLPERF05" not in dump_answers(doc)
