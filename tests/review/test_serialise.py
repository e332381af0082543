"""A Review to and from JSON, in one module that the review package owns (and never a reporter)."""

from __future__ import annotations

import ast
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from mllens.answers.model import AcceptedRisk, AnswersFile, PracticeAnswer, QuestionAnswer, Workload
from mllens.errors import InputError
from mllens.lens import Lens
from mllens.report import json as json_report
from mllens.review import Review, evaluate
from mllens.review.serialise import (
    CONTRACT_KEYS,
    EXTRA_KEYS,
    answers_data,
    review_from_data,
    review_from_stored_json,
    review_to_data,
    review_to_stored_json,
)
from mllens.scan.evidence import Evidence

REVIEW_PACKAGE = Path(__file__).parents[2] / "src" / "mllens" / "review"
# Packages that sit on top of the review engine: importing one from review/ closes a circle.
ABOVE_REVIEW = ("mllens.report", "mllens.store", "mllens.web", "mllens.cli", "mllens.workflow")


@pytest.fixture
def review(shipped: Lens, ev: Callable[..., Evidence]) -> Review:
    answers = AnswersFile(
        workload=Workload(name="fraud", owner="ml@acme.example"),
        answers={"MLOPS01-BP01": PracticeAnswer(status="implemented")},
    )
    finding = ev("MLSEC03-BP02", "storage_encrypted_cmk", "contradicts", line=42)
    return evaluate(shipped, [finding], answers)


def _imports(path: Path) -> set[str]:
    """Every module a source file imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_the_review_package_imports_nothing_above_it() -> None:
    files = sorted(REVIEW_PACKAGE.glob("*.py"))
    assert {f.name for f in files} >= {"evaluate.py", "gate.py", "serialise.py"}  # the real package
    wrong = {
        f"{f.name} imports {name}"
        for f in files
        for name in _imports(f)
        if any(name == top or name.startswith(f"{top}.") for top in ABOVE_REVIEW)
    }
    assert wrong == set()


def test_the_import_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    source = tmp_path / "late.py"
    source.write_text("def f():\n    from mllens.report.json import render\n    return render\n")
    assert "mllens.report.json" in _imports(source)


def test_report_form_is_the_contract_and_the_json_reporter_renders_it(review: Review) -> None:
    data = review_to_data(review)
    assert tuple(data) == CONTRACT_KEYS + EXTRA_KEYS
    assert json_report.render(review) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    assert data["project"] == {"path": None, "files_scanned": 0, "duration_s": 0.0}
    assert data["evidence"][0]["line"] == 42


def test_report_form_reads_back_through_json_text(review: Review, shipped: Lens) -> None:
    data = json.loads(json.dumps(review_to_data(review)))
    back = review_from_data(data, lens=shipped, file="main.json")
    assert [(q.id, q.risk, q.selected) for q in back.questions] == [
        (q.id, q.risk, q.selected) for q in review.questions
    ]
    assert [(p.id, p.status, p.source) for p in back.practices] == [
        (p.id, p.status, p.source) for p in review.practices
    ]
    assert back.evidence == review.evidence
    assert back.summary == review.summary
    assert back.workload == review.workload


def test_an_upload_keeps_accepted_risks_and_the_answers_notes_and_reasons(shipped: Lens) -> None:
    """What `mllens scan --upload` sends (the report, its accepted risks and mllens.yaml's
    answers under `answers`) reads back with them: the web app shows and syncs them."""
    answers = AnswersFile(
        workload=Workload(name="fraud"),
        answers={"MLOPS01-BP01": PracticeAnswer(status="missing", notes="no goal yet"),
                 "MLSEC05-BP01": PracticeAnswer(status="not_applicable", reason="out_of_scope")},
        questions={"MLPERF05": QuestionAnswer(applicable=False, notes="no edge devices")},
        accepted_risks=[AcceptedRisk(practice="MLOE-01", owner="ana", expires=dt.date(2027, 3, 31), reason="r"),
                        AcceptedRisk(practice="MLSEC05-BP01", owner="bo", expires=dt.date(2020, 1, 1), reason="old")],
    )
    data = review_to_data(evaluate(shipped, [], answers))
    data["answers"] = answers_data(answers.answers, answers.questions)
    back = review_from_data(json.loads(json.dumps(data)), lens=shipped, file="body", today=dt.date(2026, 6, 1))
    goal, pii = back.practice("MLOPS01-BP01"), back.practice("MLSEC05-BP01")
    assert (goal.notes, goal.accepted, goal.accepted_expired) == ("no goal yet", answers.accepted_risks[0], False)
    assert (pii.na_reason, pii.accepted_expired) == ("out_of_scope", True)
    assert next(q for q in back.questions if q.id == "MLPERF05").notes == "no edge devices"
    assert back.accepted_risks == answers.accepted_risks
    plain = review_from_data(json.loads(json.dumps(review_to_data(evaluate(shipped, [], answers)))), lens=shipped,
                             file="base.json")  # a report without `answers` (a baseline) has no notes
    assert plain.practice("MLOPS01-BP01").notes is None and plain.accepted_risks == answers.accepted_risks


def test_reading_something_else_names_the_file(shipped: Lens) -> None:
    with pytest.raises(InputError, match=r"main\.json: not an mllens JSON report .*got an array"):
        review_from_data([], lens=shipped, file="main.json")
    with pytest.raises(InputError, match=r"main\.json: .*the key lens is missing"):
        review_from_data({"practices": [], "questions": []}, lens=shipped, file="main.json")


def test_stored_form_leaves_the_lens_text_out_and_gets_it_back(review: Review) -> None:
    assert review.plan and review.plan[0].steps  # the shipped lens has how-to text for the first step
    stored = review_to_stored_json(review)
    plan = json.loads(stored)["plan"]
    assert all("steps" not in step and "stacks" not in step and "advice" not in step for step in plan)
    assert plan[0]["evidence"] and plan[0]["checks"] == ["storage_encrypted_cmk"]  # ids and places stay
    assert review.plan[0].advice is not None  # the next step comes back from the lens
    assert review_from_stored_json(stored) == review
