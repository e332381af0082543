"""Pull: the tool's answers into mllens.yaml, comments kept; push then pull changes nothing."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

from mllens.answers.io import AnswersDocument, dump_answers, read_answers
from mllens.aws.wa_project import Prepared
from mllens.aws.wa_pull import apply_pull

EXAMPLE = Path(__file__).parents[2] / "examples" / "fraud-detection"


def _doc(example: Prepared, tmp_path: Path) -> AnswersDocument:
    shutil.copy(EXAMPLE / "mllens.yaml", tmp_path / "mllens.yaml")
    return read_answers(tmp_path / "mllens.yaml", lens=example.lens)


def test_push_then_pull_changes_nothing(example: Prepared, tmp_path: Path) -> None:
    doc = _doc(example, tmp_path)
    before = dump_answers(doc)
    assert apply_pull(doc, example.lens, example.answers, {a.question: a for a in example.answers}) == []
    assert dump_answers(doc) == before


def test_answers_changed_in_the_tool_come_back_with_comments_kept(example: Prepared, tmp_path: Path) -> None:
    doc = _doc(example, tmp_path)
    tool = {a.question: a for a in example.answers}
    sec05 = tool["MLSEC05"]
    ticked = next(p for p in example.lens.question("MLSEC05").choices if p.choice_id not in sec05.selected)
    tool["MLSEC05"] = replace(sec05, selected=(*sec05.selected, ticked.choice_id))
    tool["MLCOST05"] = replace(
        tool["MLCOST05"], applicable=False, reason="BUSINESS_PRIORITIES", notes="decided in the workshop"
    )
    tool["MLREL01"] = replace(tool["MLREL01"], not_applicable={"MLREL01_BP01": "OUT_OF_SCOPE"})
    changes = apply_pull(doc, example.lens, example.answers, tool)
    assert f"{ticked.id}: implemented" in changes and "MLREL01-BP01: not_applicable" in changes
    assert "MLCOST05: not applicable" in changes and "MLCOST05: notes" in changes
    text = dump_answers(doc)
    assert "# Business goal: agreed with the payments risk committee in 2026-Q2." in text
    answers = doc.answers
    assert answers.answers[ticked.id].status == "implemented"
    assert (answers.answers["MLREL01-BP01"].status, answers.answers["MLREL01-BP01"].reason) == (
        "not_applicable",
        "out_of_scope",
    )
    q = answers.questions["MLCOST05"]
    assert (q.applicable, q.reason, q.notes) == (False, "business_priorities", "decided in the workshop")
