"""The shipped ML lens against the reference list of practices (../shared/lens-map.csv)."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from mllens.lens import load_shipped_lens
from mllens.lens.model import STACKS

HERE = Path(__file__).parent
# The shared list beside the work tree is the reference; a copy travels with the tests.
SHARED = HERE.parents[2] / "shared" / "lens-map.csv"
CSV = SHARED if SHARED.exists() else HERE / "data" / "lens-map.csv"
ROWS = list(csv.DictReader(CSV.open(encoding="utf-8")))
LENS = load_shipped_lens()


def test_reference_list_is_the_105_practices() -> None:
    assert len(ROWS) == 105


def test_exactly_the_reference_practices() -> None:
    assert sorted(p.id for p in LENS.practices) == sorted(r["id"] for r in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_practice_matches_reference(row: dict[str, str]) -> None:
    practice = LENS.practice(row["id"])
    assert (practice.id_2023, practice.pillar, practice.phase, practice.question, practice.risk_if_missing) == (
        row["id_2023"],
        row["pillar"],
        row["phase"],
        row["question"],
        row["risk_if_missing"],
    )
    assert LENS.practice(row["id_2023"]) is practice  # the 2023 id resolves to the same practice


def test_35_questions_one_per_cell() -> None:
    assert len(LENS.questions) == 35
    cells = Counter((q.pillar, q.phase) for q in LENS.questions)
    assert set(cells.values()) == {1}
    assert LENS.cell("reliability", "business_goal") is None


@pytest.mark.parametrize("practice", LENS.practices, ids=[p.id for p in LENS.practices])
def test_practice_is_complete(practice) -> None:  # type: ignore[no-untyped-def]
    assert "TODO" not in practice.title + practice.description + practice.why
    assert practice.description and practice.why
    # at most six (MLSEC03-BP02 holds five hardening checks and the integrity of loaded model files)
    assert 2 <= len(practice.checks) <= 6
    for stack in STACKS:
        assert any(getattr(step.stacks, stack) for step in practice.improvement), f"no {stack} step"
    page = f"https://docs.aws.amazon.com/wellarchitected/latest/machine-learning-lens/{practice.id.lower()}.html"
    assert page in [r.url for r in practice.resources]


def test_questions_and_principles_are_written() -> None:
    texts = [q.title + q.description for q in LENS.questions]
    texts += [p.description for p in LENS.pillars] + [p.description for p in LENS.phases]
    texts += [d.description for d in LENS.design_principles] + [LENS.description]
    assert all(t.strip() and "TODO" not in t for t in texts)
    assert len(LENS.design_principles) == 10
    assert [p.id for p in LENS.phases] == [
        "business_goal", "problem_framing", "data_processing", "model_development", "deployment", "monitoring",
    ]


def test_every_question_guards_none_of_these() -> None:
    for q in LENS.questions:
        assert q.none_choice is not None
        for rule in q.risk_rules[:-1]:
            assert f"!{q.none_choice.id}" in rule.condition.replace(" ", "")


def test_rules_follow_risk_if_missing() -> None:
    from mllens.lens.model import Risk
    from mllens.lens.rules import evaluate_rules

    for q in LENS.questions:
        assert q.none_choice is not None
        high = {p.choice_id for p in q.choices if p.risk_if_missing == "high"}
        everything = {p.choice_id for p in q.choices}
        assert evaluate_rules(q.risk_rules, everything) is Risk.NONE
        for p in q.choices:
            expected = Risk.HIGH if p.risk_if_missing == "high" else Risk.MEDIUM
            # A lone practice left out means the team ticked "none of these".
            rest = (everything - {p.choice_id}) or {q.none_choice.id}
            assert evaluate_rules(q.risk_rules, rest) is expected, p.id
        if high and high != everything:
            assert evaluate_rules(q.risk_rules, high) is Risk.MEDIUM


def test_no_sentence_copied_from_the_reference_summaries() -> None:
    """Our text is ours: no run of 8+ words from the CSV summaries appears in the lens."""

    def shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
        words = re.findall(r"[a-z0-9]+", text.lower())
        return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}

    reference: set[tuple[str, ...]] = set()
    for row in ROWS:
        reference |= shingles(row["summary"])
    for p in LENS.practices:
        ours = shingles(" ".join([p.title, p.description, p.why, *(s.text for s in p.improvement)]))
        assert not ours & reference, p.id
