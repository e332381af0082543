"""The CI gate: does a review reach the `--fail-on` threshold?

A question fails the gate when its risk is at or above the threshold, unless

- a baseline review is given and the question was already at that risk or worse there
  (CI blocks only what a change made new or worse), or
- every practice that makes it risky (missing or partial) is covered by an accepted risk
  in mllens.yaml that has not expired.

An accepted risk that has expired excuses nothing: its question fails even when the
baseline already had it, because the team's decision ran out and must be renewed or acted on.
The gate reads risks the review engine decided; it never re-derives one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from mllens.errors import InputError
from mllens.lens.model import Lens, Risk
from mllens.review.model import PracticeResult, QuestionResult, Review

Threshold = Literal["high", "medium"]
THRESHOLDS: dict[str, tuple[Risk, ...]] = {
    "high": (Risk.HIGH,),
    "medium": (Risk.HIGH, Risk.MEDIUM),
}


@dataclass(frozen=True)
class GateReason:
    """Why one question fails the gate (or would have, for `known` and `accepted`)."""

    question: str
    risk: Risk
    why: str


@dataclass(frozen=True)
class Acceptance:
    """An accepted risk the gate looked at, for the CI log."""

    question: str
    practice: str
    owner: str
    expires: dt.date
    reason: str


@dataclass(frozen=True)
class GateResult:
    threshold: Threshold
    reasons: list[GateReason] = field(default_factory=list)  # questions that fail the gate
    accepted: list[Acceptance] = field(default_factory=list)  # acceptances that let a question pass
    expired: list[Acceptance] = field(default_factory=list)  # acceptances that ran out (they fail)
    known: list[GateReason] = field(default_factory=list)  # risks already in the baseline

    @property
    def passed(self) -> bool:
        return not self.reasons

    @property
    def exit_code(self) -> int:
        """0 when the gate passes, 1 when the threshold is reached (design.md exit codes)."""
        return 0 if self.passed else 1

    def lines(self) -> list[str]:
        """What CI prints: the verdict, then each failing question, acceptance and known risk."""
        if self.passed:
            out = [f"mllens gate passed: no question at or above {self.threshold.upper()} fails."]
        else:
            out = [f"mllens gate failed: {len(self.reasons)} question(s) at or above {self.threshold.upper()}:"]
        out += [f"  {r.question} {r.risk.value}: {r.why}" for r in self.reasons]
        for a in self.expired:
            out.append(f"  expired: {a.practice} ({a.question}) accepted by {a.owner} until {a.expires}")
        for a in self.accepted:
            out.append(f"  accepted: {a.practice} ({a.question}) by {a.owner} until {a.expires}: {a.reason}")
        if self.known:
            ids = ", ".join(f"{r.question} {r.risk.value}" for r in self.known)
            out.append(f"  already in the baseline (not failing): {ids}")
        return out


def parse_threshold(value: str) -> Threshold:
    """`high` or `medium` (any case); anything else is a usage error naming the option."""
    wanted = value.strip().lower()
    if wanted == "high":
        return "high"
    if wanted == "medium":
        return "medium"
    raise InputError(f"expected high or medium, got {value!r}", field="--fail-on")


def load_baseline(path: Path, *, lens: Lens) -> Review:
    """A baseline review from a `mllens scan --format json` result (or `mllens report
    --format json`); a file that is missing or not such a report is a usage error naming it."""
    from mllens.report.json import review_from_json  # reporters import the review package, not back

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"expected a JSON report from `mllens scan --format json`: {exc}", file=str(path)) from None
    return review_from_json(data, lens=lens, file=str(path))


def _acceptance(question: str, practice: PracticeResult) -> Acceptance:
    assert practice.accepted is not None
    return Acceptance(
        question=question,
        practice=practice.id,
        owner=practice.accepted.owner,
        expires=practice.accepted.expires,
        reason=practice.accepted.reason,
    )


def _why(question: QuestionResult, practices: Sequence[PracticeResult]) -> str:
    missing = [p for p in practices if p.id in question.missing]
    if missing:
        listed = ", ".join(f"{p.id} {p.status.value}" for p in missing)
        return f"{question.title} ({listed})"
    return question.title


def evaluate_gate(review: Review, *, fail_on: Threshold, baseline: Review | None = None) -> GateResult:
    """Judge `review` against the threshold, optionally only for what is new since `baseline`.

    Every expired acceptance is listed in `expired`; it fails the gate when its question's
    risk reaches the threshold."""
    failing = THRESHOLDS[fail_on]
    before = {q.id: q.risk for q in baseline.questions} if baseline is not None else None
    by_question: dict[str, list[PracticeResult]] = {}
    for p in review.practices:
        by_question.setdefault(p.question, []).append(p)
    result = GateResult(threshold=fail_on)
    for q in review.questions:
        practices = by_question.get(q.id, [])
        risky = [p for p in practices if p.id in q.missing and p.accepted is not None]
        expired = [_acceptance(q.id, p) for p in risky if p.accepted_expired]
        result.expired.extend(expired)
        if q.risk not in failing:
            continue
        covered = [_acceptance(q.id, p) for p in risky if not p.accepted_expired]
        reason = GateReason(question=q.id, risk=q.risk, why=_why(q, practices))
        was = before.get(q.id) if before is not None else None
        if expired:
            names = ", ".join(f"{a.practice} (expired {a.expires})" for a in expired)
            result.reasons.append(GateReason(question=q.id, risk=q.risk, why=f"accepted risk ran out: {names}"))
        elif q.missing and len(covered) == len(q.missing):
            result.accepted.extend(covered)
        elif was is not None and was.rank >= q.risk.rank:
            result.known.append(reason)
        elif before is not None:
            change = "new question" if was is None else f"was {was.value}"
            result.reasons.append(GateReason(question=q.id, risk=q.risk, why=f"{reason.why}; {change} in the baseline"))
        else:
            result.reasons.append(reason)
    return result
