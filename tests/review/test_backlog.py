"""The plan as a backlog: CSV and JSON rows a tracker imports, owner and due from mllens.yaml."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from mllens.answers.model import AcceptedRisk, AnswersFile, PracticeAnswer, Workload
from mllens.lens import Lens
from mllens.review import Review, evaluate
from mllens.review.backlog import COLUMNS, backlog_rows, to_csv, to_json
from mllens.scan.evidence import Evidence


def reviewed(mini: Lens) -> Review:
    answers = AnswersFile(
        workload=Workload(name="demo"),
        answers={"SEC2-A": PracticeAnswer(status="missing"), "REL2-B": PracticeAnswer(status="implemented")},
        accepted_risks=[AcceptedRisk(practice="SEC2-A", reason="later", owner="ana", expires=dt.date(2027, 3, 31))],
    )
    evidence = [
        Evidence(rule="test.rule", practice="SEC1-A", check="encrypted", outcome="contradicts",
                 file="infra/main.tf", line=7, message='bucket "raw", no key', confidence=0.9),
        Evidence(rule="test.rule", practice="SEC1-A", check="encrypted", outcome="contradicts",
                 file="infra/data.tf", line=None, message="second,\nline", confidence=0.9),
    ]  # fmt: skip
    return evaluate(mini, evidence, answers, today=dt.date(2026, 6, 1))


def test_rows_follow_the_plan_with_step_evidence_risk_owner_and_due(mini: Lens) -> None:
    review = reviewed(mini)
    rows = backlog_rows(review, path="svc/fraud")
    assert [r["rank"] for r in rows] == [s.rank for s in review.plan]
    assert all(set(r) == set(COLUMNS) for r in rows)
    fix = rows[0]
    assert (fix["kind"], fix["practice"], fix["checks"], fix["risk"]) == ("fix", "SEC1-A", ["encrypted"], "HIGH")
    assert fix["step"] == "Turn on encryption with a managed key"  # the encrypted check's step
    assert [e["file"] for e in fix["evidence"]] == ["infra/main.tf", "infra/data.tf"]
    assert (fix["owner"], fix["due"]) == ("", "")  # nobody set them
    accepted = next(r for r in rows if r["practice"] == "SEC2-A")
    assert (accepted["owner"], accepted["due"]) == ("ana", "2027-03-31")
    ask = next(r for r in rows if r["kind"] == "answer")
    assert ask["command"].startswith("mllens review svc/fraud --question ")


def test_csv_round_trips_every_cell(mini: Lens) -> None:
    rows = backlog_rows(reviewed(mini))
    read = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert [tuple(r) for r in read] == [COLUMNS] * len(rows)
    fix = read[0]
    assert fix["evidence"] == (
        'infra/main.tf:7: bucket "raw", no key (test.rule)\ninfra/data.tf: second,\nline (test.rule)'
    )
    assert fix["checks"] == "encrypted" and fix["rank"] == "1"
    for row, back in zip(rows, read, strict=True):
        assert back["step"] == row["step"] and back["risk"] == row["risk"] and back["practice"] == row["practice"]


def test_json_is_the_rows_as_they_are(mini: Lens) -> None:
    rows = backlog_rows(reviewed(mini))
    assert json.loads(to_json(rows)) == rows


def test_a_cell_a_spreadsheet_would_run_starts_with_a_quote(mini: Lens) -> None:
    rows = backlog_rows(reviewed(mini))
    rows[0]["evidence"] = [{"rule": "test.rule", "file": "=HYPERLINK(\"x\")", "line": 1, "message": "m"}]
    rows[0]["title"] = "@SUM(A1)"
    read = list(csv.DictReader(io.StringIO(to_csv(rows))))
    assert read[0]["evidence"] == "'=HYPERLINK(\"x\"):1: m (test.rule)"
    assert read[0]["title"] == "'@SUM(A1)"
    assert read[0]["practice"] == "SEC1-A"  # other cells as they are
