"""The CI gate: does a review reach the `--fail-on` threshold?

A question fails the gate when its risk is at or above the threshold, unless

- a baseline review is given and the question was already at that risk or worse there
  (CI blocks only what a change made new or worse), or
- every practice that makes it risky (missing or partial) is covered by an accepted risk
  in mllens.yaml that has not expired.

With a baseline, a finding fails the gate too: contradicting evidence the baseline did not
have (told apart by the fingerprint SARIF uses, mllens.scan.fingerprint), for a practice whose
risk when missing is at or above the threshold, in a project or test file. A question that was
HIGH already stays HIGH when a change commits a key; the new finding is what must not pass.
An unexpired accepted risk on the practice excuses it, as it excuses a question.

An accepted risk that has expired excuses nothing: its question fails even when the
baseline already had it, because the team's decision ran out and must be renewed or acted on.
The gate reads risks the review engine decided; it never re-derives one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from mllens.errors import InputError
from mllens.lens.model import Lens, Risk
from mllens.review.model import PracticeResult, QuestionResult, Review
from mllens.review.serialise import review_from_data
from mllens.scan.fingerprint import findings, known_fingerprints

Threshold = Literal["high", "medium"]
THRESHOLDS: dict[str, tuple[Risk, ...]] = {
    "high": (Risk.HIGH,),
    "medium": (Risk.HIGH, Risk.MEDIUM),
}
# Evidence in vendored, fixture, generated or docs files never fails the gate (when the
# evidence says where it was found; evidence without a class counts as the project's own).
GATED_FILE_CLASSES = frozenset({"project", "test"})
_IF_MISSING = {"high": Risk.HIGH, "medium": Risk.MEDIUM}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


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
class NewFinding:
    """Contradicting evidence the baseline did not have."""

    rule: str
    practice: str
    if_missing: Risk  # the practice's risk when missing
    file: str
    line: int | None
    message: str
    fingerprint: str

    def describe(self) -> str:
        """`rule file:line message (practice P, HIGH if missing)`, never shortened, on one line."""
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        text = f"{self.rule} {where} {self.message} (practice {self.practice}, {self.if_missing.value} if missing)"
        # A file name or message from the project must not break the line or drive the CI log's terminal.
        return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True)
class GateResult:
    threshold: Threshold
    reasons: list[GateReason] = field(default_factory=list)  # questions that fail the gate
    accepted: list[Acceptance] = field(default_factory=list)  # acceptances that let a question or finding pass
    expired: list[Acceptance] = field(default_factory=list)  # acceptances that ran out (they fail)
    known: list[GateReason] = field(default_factory=list)  # risks already in the baseline
    baseline: bool = False  # the result compares with a baseline (findings are judged only then)
    new_findings: list[NewFinding] = field(default_factory=list)  # new since the baseline: they fail
    accepted_findings: list[NewFinding] = field(default_factory=list)  # new, on an accepted practice
    below: list[NewFinding] = field(default_factory=list)  # new, on practices below the threshold
    known_findings: int = 0  # findings the baseline had already (not failing)

    @property
    def passed(self) -> bool:
        return not self.reasons and not self.new_findings

    @property
    def exit_code(self) -> int:
        """0 when the gate passes, 1 when the threshold is reached (design.md exit codes)."""
        return 0 if self.passed else 1

    def lines(self) -> list[str]:
        """What CI prints: the verdict, each failing question and new finding (one per line,
        whole), then acceptances and what the baseline already had."""
        level = self.threshold.upper()
        if self.passed and self.baseline:
            out = [f"mllens gate passed: no new or worse question and no new finding at or above {level}."]
        elif self.passed:
            out = [f"mllens gate passed: no question at or above {level} fails."]
        else:
            counts = [f"{len(self.reasons)} question(s)"] if self.reasons else []
            counts += [f"{len(self.new_findings)} new finding(s)"] if self.new_findings else []
            out = [f"mllens gate failed: {' and '.join(counts)} at or above {level}:"]
        out += [f"  {r.question} {r.risk.value}: {r.why}" for r in self.reasons]
        out += [f"  new: {f.describe()}" for f in self.new_findings]
        for a in self.expired:
            out.append(f"  expired: {a.practice} ({a.question}) accepted by {a.owner} until {a.expires}")
        for a in self.accepted:
            out.append(f"  accepted: {a.practice} ({a.question}) by {a.owner} until {a.expires}: {a.reason}")
        out += [f"  new, risk accepted: {f.describe()}" for f in self.accepted_findings]
        if self.below:
            out.append(f"  new finding(s) on practices below {level} (not failing): {len(self.below)}")
        if self.known:
            ids = ", ".join(f"{r.question} {r.risk.value}" for r in self.known)
            out.append(f"  already in the baseline (not failing): {ids}")
        if self.known_findings:
            out.append(f"  findings already in the baseline (not failing): {self.known_findings}")
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
    from mllens.readers import read_json

    data = read_json(path, expected="a JSON report from `mllens scan --format json`")  # bounded
    return review_from_data(data, lens=lens, file=str(path))


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


def _gated(item: object) -> bool:
    file_class = getattr(item, "file_class", None)  # not every mllens's evidence carries one
    return file_class is None or file_class in GATED_FILE_CLASSES


def _judge_findings(review: Review, baseline: Review, failing: tuple[Risk, ...], result: GateResult) -> int:
    """Sort the review's findings the baseline did not have into `result`; returns how many
    it did have (the gate's known findings)."""
    practices: dict[str, PracticeResult] = {}
    for p in review.practices:
        practices[p.id.upper()] = p
        if p.id_2023:
            practices.setdefault(p.id_2023.upper(), p)
    known = known_fingerprints(baseline.evidence)
    count = 0
    for found in findings(review.evidence):
        item = found.evidence
        practice = practices.get(item.practice.upper())
        if_missing = _IF_MISSING.get(practice.risk_if_missing or "") if practice is not None else None
        if practice is None or if_missing is None or not _gated(item):
            continue  # no lens practice to weigh it by, or not the project's own file
        if found.fingerprint in known:
            count += 1
            continue
        new = NewFinding(rule=item.rule, practice=practice.id, if_missing=if_missing, file=item.file,
                         line=item.line, message=item.message, fingerprint=found.fingerprint)
        if if_missing not in failing:
            result.below.append(new)
        elif practice.accepted is not None and not practice.accepted_expired:
            result.accepted_findings.append(new)
            acceptance = _acceptance(practice.question, practice)
            if acceptance not in result.accepted:
                result.accepted.append(acceptance)
        else:
            result.new_findings.append(new)
    return count


def evaluate_gate(review: Review, *, fail_on: Threshold, baseline: Review | None = None) -> GateResult:
    """Judge `review` against the threshold, optionally only for what is new since `baseline`:
    new or worse question risks, and new findings on practices at or above the threshold.

    Every expired acceptance is listed in `expired`; it fails the gate when its question's
    risk reaches the threshold."""
    failing = THRESHOLDS[fail_on]
    before = {q.id: q.risk for q in baseline.questions} if baseline is not None else None
    by_question: dict[str, list[PracticeResult]] = {}
    for p in review.practices:
        by_question.setdefault(p.question, []).append(p)
    result = GateResult(threshold=fail_on, baseline=baseline is not None)
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
    if baseline is not None:
        known = _judge_findings(review, baseline, failing, result)
        return replace(result, known_findings=known)
    return result
