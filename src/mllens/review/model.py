"""The Review: what `review.evaluate(lens, evidence, answers)` returns and reporters render.

Reporters, the store and the web app read these models only; none of them re-derives a
status or a risk.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from mllens.answers.model import AcceptedRisk, Workload
from mllens.lens.model import Risk
from mllens.scan.evidence import Evidence


class CheckState(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class PracticeStatus(StrEnum):
    IMPLEMENTED = "implemented"
    PARTIAL = "partial"
    MISSING = "missing"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class Source(StrEnum):
    EVIDENCE = "evidence"
    ANSWERS = "answers"
    BOTH = "both"
    NONE = "none"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckResult(_Model):
    id: str
    kind: str  # automated | manual
    text: str
    state: CheckState
    source: Source
    evidence_state: CheckState = CheckState.UNKNOWN  # what the files alone say
    answer_state: CheckState | None = None  # what the team said, if anything
    evidence: list[Evidence] = []

    @property
    def disagrees(self) -> bool:
        """The team's answer and the files say different things about this check."""
        known = (CheckState.MET, CheckState.NOT_MET)
        return (
            self.answer_state in known
            and self.evidence_state in known
            and self.answer_state != self.evidence_state
        )


class PracticeResult(_Model):
    id: str
    id_2023: str | None
    question: str
    pillar: str
    phase: str | None
    title: str
    risk_if_missing: str | None
    status: PracticeStatus
    source: Source
    evidence_status: PracticeStatus = PracticeStatus.UNKNOWN  # from files alone
    checks: list[CheckResult] = []
    notes: str | None = None
    na_reason: str | None = None
    accepted: AcceptedRisk | None = None  # an accepted (possibly expired) risk on this practice
    accepted_expired: bool = False  # `accepted` ran out before the day the review was made

    @property
    def disagreements(self) -> list[CheckResult]:
        return [c for c in self.checks if c.disagrees]


class QuestionResult(_Model):
    id: str
    pillar: str
    phase: str | None
    title: str
    risk: Risk
    selected: list[str] = []  # practice ids counted as in place
    not_applicable: list[str] = []
    missing: list[str] = []  # practice ids known to be missing or partial
    unknown: list[str] = []
    notes: str | None = None
    rule_ambiguous: bool = False  # result relies on undocumented not-applicable cases
    strict_risk: Risk | None = None  # risk when not-applicable counts as missing, if it differs


class RiskCounts(_Model):
    HIGH: int = 0
    MEDIUM: int = 0
    NONE: int = 0
    UNANSWERED: int = 0
    NOT_APPLICABLE: int = 0

    def add(self, risk: Risk) -> None:
        setattr(self, risk.value, getattr(self, risk.value) + 1)


class Summary(_Model):
    risk_counts: RiskCounts
    by_pillar: dict[str, RiskCounts]
    by_phase: dict[str, RiskCounts]


class PlanEvidence(_Model):
    """A finding behind a plan item: where the files prove the gap."""

    rule: str
    file: str
    line: int | None = None
    message: str


AdviceSource = Literal["rule", "check", "check_text", "practice", "none"]


class Advice(_Model):
    """What to do next about one gap (mllens.review.advice); `source` says whose words:
    the contradicting rule's fix, the check's own step, the check's statement, or the
    practice's step."""

    text: str
    source: AdviceSource
    practice: str
    check: str | None = None
    rule: str | None = None  # the contradicting rule whose fix this is
    syntax: str | None = None  # the fix's syntax key (terraform, cloudformation, docker ...)
    snippet: str | None = None  # the rule's fix for that syntax
    stacks: dict[str, str] = {}  # stack -> note of the chosen step


# fix: a check the files (or the team) show not met; practice: a practice missing as a
# whole; answer: questions to answer, grouped (practice and question are then "").
PlanKind = Literal["fix", "practice", "answer"]


class PlanStep(_Model):
    """One improvement: fix a failing check, implement a practice, or answer questions.
    Gaps the files prove come first, by the risk they sit under, then gaps the team
    reported, then questions to answer (high, then medium), then accepted risks."""

    rank: int
    practice: str
    question: str
    pillar: str
    phase: str | None
    title: str
    risk_now: Risk
    risk_after: Risk  # the question's risk if this practice alone were put in place
    status: PracticeStatus
    accepted: bool = False
    steps: list[str] = []
    stacks: dict[str, list[str]] = {}  # stack -> notes, in step order
    kind: PlanKind = "practice"
    checks: list[str] = []  # the checks this item closes
    evidence: list[PlanEvidence] = []  # contradicting findings that prove the gap
    advice: Advice | None = None  # the next step for this item (lens and rule text)
    questions: list[str] = []  # answer: the questions to answer
    practices: list[str] = []  # answer: their practices still unknown
    command: str | None = None  # answer: the command that asks them


class Review(_Model):
    lens_id: str
    lens_version: str
    workload: Workload
    generated_at: dt.datetime
    evidence: list[Evidence] = []
    practices: list[PracticeResult]
    questions: list[QuestionResult]
    summary: Summary
    plan: list[PlanStep] = []
    accepted_risks: list[AcceptedRisk] = []

    def practice(self, practice_id: str) -> PracticeResult:
        for p in self.practices:
            if p.id == practice_id:
                return p
        raise KeyError(practice_id)

    def question(self, question_id: str) -> QuestionResult:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)
