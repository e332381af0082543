"""Milestone diff: which practices and questions moved, and which way."""

from __future__ import annotations

import datetime as dt

import pytest

from mllens.answers.model import Workload
from mllens.lens.model import Risk
from mllens.review.diff import Change, diff, judge_risk, judge_status
from mllens.review.model import (
    PracticeResult,
    PracticeStatus,
    QuestionResult,
    Review,
    RiskCounts,
    Source,
    Summary,
)

S = PracticeStatus


def review(
    practices: dict[str, S],
    risks: dict[str, Risk],
    *,
    version: str = "2025.11",
    id_2023: dict[str, str] | None = None,
) -> Review:
    """A review with exactly these practice statuses and question risks."""
    counts = RiskCounts()
    for risk in risks.values():
        counts.add(risk)
    return Review(
        lens_id="ml",
        lens_version=version,
        workload=Workload(name="fraud"),
        generated_at=dt.datetime(2025, 5, 1, tzinfo=dt.UTC),
        practices=[
            PracticeResult(
                id=pid,
                id_2023=(id_2023 or {}).get(pid),
                question=pid.split("-")[0],
                pillar="security",
                phase="deployment",
                title=f"title of {pid}",
                risk_if_missing="high" if pid.endswith("1") else "medium",
                status=status,
                source=Source.ANSWERS,
            )
            for pid, status in practices.items()
        ],
        questions=[
            QuestionResult(id=q, pillar="security", phase="deployment", title=f"title of {q}", risk=r)
            for q, r in risks.items()
        ],
        summary=Summary(risk_counts=counts, by_pillar={}, by_phase={}),
    )


def test_status_order_is_missing_partial_unknown_then_done() -> None:
    assert judge_status(S.MISSING, S.PARTIAL) == Change.IMPROVED
    assert judge_status(S.PARTIAL, S.UNKNOWN) == Change.IMPROVED
    assert judge_status(S.UNKNOWN, S.IMPLEMENTED) == Change.IMPROVED
    assert judge_status(S.IMPLEMENTED, S.MISSING) == Change.WORSENED
    assert judge_status(S.NOT_APPLICABLE, S.PARTIAL) == Change.WORSENED
    # both leave nothing to do: a change, but neither better nor worse
    assert judge_status(S.IMPLEMENTED, S.NOT_APPLICABLE) == Change.UNCHANGED


def test_risk_order_follows_risk_rank() -> None:
    assert judge_risk(Risk.HIGH, Risk.MEDIUM) == Change.IMPROVED
    assert judge_risk(Risk.MEDIUM, Risk.UNANSWERED) == Change.IMPROVED
    assert judge_risk(Risk.UNANSWERED, Risk.NONE) == Change.IMPROVED
    assert judge_risk(Risk.NONE, Risk.NOT_APPLICABLE) == Change.IMPROVED
    assert judge_risk(Risk.NOT_APPLICABLE, Risk.HIGH) == Change.WORSENED


A = review(
    {
        "MLSEC01-BP01": S.MISSING,
        "MLSEC01-BP02": S.PARTIAL,
        "MLSEC02-BP01": S.IMPLEMENTED,
        "MLSEC02-BP02": S.IMPLEMENTED,
        "MLSEC03-BP01": S.UNKNOWN,
        "MLSEC03-BP02": S.MISSING,
    },
    {"MLSEC01": Risk.HIGH, "MLSEC02": Risk.NONE, "MLSEC03": Risk.MEDIUM},
)
B = review(
    {
        "MLSEC01-BP01": S.IMPLEMENTED,  # improved by 3
        "MLSEC01-BP02": S.UNKNOWN,  # improved by 1
        "MLSEC02-BP01": S.MISSING,  # worsened by 3
        "MLSEC02-BP02": S.NOT_APPLICABLE,  # changed, same rank
        "MLSEC03-BP01": S.UNKNOWN,  # not changed: not listed
        "MLSEC03-BP02": S.PARTIAL,  # improved by 1, medium risk
    },
    {"MLSEC01": Risk.NONE, "MLSEC02": Risk.HIGH, "MLSEC03": Risk.MEDIUM},
)


def test_improved_first_lists_only_changes_biggest_first() -> None:
    result = diff(A, B)
    assert [(c.id, c.before, c.after, c.change) for c in result.practices] == [
        ("MLSEC01-BP01", S.MISSING, S.IMPLEMENTED, Change.IMPROVED),
        ("MLSEC01-BP02", S.PARTIAL, S.UNKNOWN, Change.IMPROVED),
        ("MLSEC03-BP02", S.MISSING, S.PARTIAL, Change.IMPROVED),
        ("MLSEC02-BP01", S.IMPLEMENTED, S.MISSING, Change.WORSENED),
        ("MLSEC02-BP02", S.IMPLEMENTED, S.NOT_APPLICABLE, Change.UNCHANGED),
    ]
    assert [(c.id, c.before, c.after, c.change) for c in result.questions] == [
        ("MLSEC01", Risk.HIGH, Risk.NONE, Change.IMPROVED),
        ("MLSEC02", Risk.NONE, Risk.HIGH, Change.WORSENED),
    ]
    assert result.risk_counts_delta == {
        "HIGH": 0, "MEDIUM": 0, "NONE": 0, "UNANSWERED": 0, "NOT_APPLICABLE": 0,
    }
    assert result.count(Change.IMPROVED, of="practices") == 3
    assert result.count(Change.WORSENED, of="questions") == 1
    assert not result.lens_changed
    assert not result.unchanged


def test_worsened_first_puts_regressions_on_top() -> None:
    result = diff(A, B, order="worsened")
    assert [c.id for c in result.practices] == [
        "MLSEC02-BP01", "MLSEC01-BP01", "MLSEC01-BP02", "MLSEC03-BP02", "MLSEC02-BP02",
    ]
    assert [c.id for c in result.questions] == ["MLSEC02", "MLSEC01"]


def test_counts_delta_is_after_minus_before() -> None:
    before = review({}, {"Q1": Risk.HIGH, "Q2": Risk.HIGH, "Q3": Risk.UNANSWERED})
    after = review({}, {"Q1": Risk.MEDIUM, "Q2": Risk.NONE, "Q3": Risk.NONE})
    result = diff(before, after)
    assert result.risk_counts_delta == {
        "HIGH": -2, "MEDIUM": 1, "NONE": 2, "UNANSWERED": -1, "NOT_APPLICABLE": 0,
    }
    assert result.risk_counts_before == RiskCounts(HIGH=2, UNANSWERED=1)


def test_a_review_compared_with_itself_is_unchanged() -> None:
    result = diff(A, A)
    assert result.unchanged
    assert result.practices == [] and result.questions == []


def test_lens_versions_apart_list_one_sided_practices_separately() -> None:
    old = review(
        {"MLSEC01-BP01": S.MISSING, "MLSEC01-BP09": S.PARTIAL, "MLSEC04-BP01": S.MISSING},
        {"MLSEC01": Risk.HIGH, "MLSEC04": Risk.HIGH},
        version="2023.1",
    )
    new = review(
        {"MLSEC01-BP01": S.MISSING, "MLSEC01-BP03": S.IMPLEMENTED, "MLSEC05-BP01": S.UNKNOWN},
        {"MLSEC01": Risk.HIGH, "MLSEC05": Risk.UNANSWERED},
        version="2025.11",
        id_2023={"MLSEC05-BP01": "MLSEC-04"},
    )
    result = diff(old, new)
    assert result.lens_changed
    assert (result.before.lens_version, result.after.lens_version) == ("2023.1", "2025.11")
    assert result.practices == []  # nothing comparable moved
    assert [(o.id, o.value) for o in result.practices_only_before] == [
        ("MLSEC01-BP09", "partial"), ("MLSEC04-BP01", "missing"),
    ]
    assert [(o.id, o.value) for o in result.practices_only_after] == [
        ("MLSEC01-BP03", "implemented"), ("MLSEC05-BP01", "unknown"),
    ]
    assert [(o.id, o.value) for o in result.questions_only_before] == [("MLSEC04", "HIGH")]
    assert [(o.id, o.value) for o in result.questions_only_after] == [("MLSEC05", "UNANSWERED")]


def test_a_renumbered_practice_is_matched_through_its_2023_id() -> None:
    old = review({"MLSEC-04": S.MISSING}, {}, version="2023.1")
    new = review({"MLSEC03-BP02": S.PARTIAL}, {}, id_2023={"MLSEC03-BP02": "MLSEC-04"})
    result = diff(old, new)
    assert [(c.id, c.before_id, c.change) for c in result.practices] == [
        ("MLSEC03-BP02", "MLSEC-04", Change.IMPROVED)
    ]
    assert result.practices_only_before == [] and result.practices_only_after == []


@pytest.mark.parametrize("order", ["improved", "worsened"])
def test_diff_names_its_sides_and_serialises_to_json_and_back(order: str) -> None:
    result = diff(A, B, order=order, labels=("v1", "current"))  # type: ignore[arg-type]
    assert (result.before.label, result.after.label, result.order) == ("v1", "current", order)
    assert (result.before.workload, result.after.lens_version) == ("fraud", "2025.11")
    assert type(result).model_validate_json(result.model_dump_json()) == result
