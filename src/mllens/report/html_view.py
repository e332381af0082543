"""What the HTML report shows, worked out in Python so the template only lays it out.

Everything here is plain data taken from a Review (and the scan's lifecycle notes and
diagnostics); nothing re-derives a status or a risk. Text from a project or an answer
stays raw here: the Jinja environment escapes it on output.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from mllens.lens.model import Risk
from mllens.report import labels
from mllens.report.base import (
    COUNT_ORDER,
    QuestionAcceptance,
    accepted_counts,
    grid,
    humanize,
    question_acceptances,
)
from mllens.review.advice import shown_stacks
from mllens.review.model import (
    CheckState,
    PlanStep,
    PracticeResult,
    PracticeStatus,
    QuestionResult,
    Review,
    RiskCounts,
    Summary,
)
from mllens.scan.evidence import Evidence

Milestone = tuple[str, dt.date | dt.datetime, Summary]
"""One point of the risk trend: a saved milestone's name, its date and its risk counts."""

RISK_CLASS = {
    Risk.HIGH: "high",
    Risk.MEDIUM: "medium",
    Risk.NONE: "none",
    Risk.UNANSWERED: "unanswered",
    Risk.NOT_APPLICABLE: "na",
}
# A shape beside every colour, so colour is never the only signal.
RISK_ICON = {
    Risk.HIGH: "▲",
    Risk.MEDIUM: "◆",
    Risk.NONE: "✓",
    Risk.UNANSWERED: "?",
    Risk.NOT_APPLICABLE: "–",
}
STATUS_ICON = {
    PracticeStatus.IMPLEMENTED: "✓",
    PracticeStatus.PARTIAL: "◐",
    PracticeStatus.MISSING: "✗",
    PracticeStatus.UNKNOWN: "?",
    PracticeStatus.NOT_APPLICABLE: "–",
}
CHECK_LABELS = labels.CHECKS
STATUS_LABELS = labels.STATUSES
SOURCE_LABELS = {"evidence": "from the files", "answers": "from mllens.yaml", "both": "files and mllens.yaml",
                 "none": "no data yet"}
# Colours as (background, text). Every pair passes WCAG AA (4.5:1, tested), and the CSS
# adds a pattern and the template an icon and a word, so colour is never the only signal.
PALETTE = {
    "high": ("#b42318", "#ffffff"),
    "medium": ("#fec84b", "#4a3000"),
    "none": ("#d1fadf", "#05603a"),
    "unanswered": ("#eaecf0", "#344054"),
    "na": ("#ffffff", "#475467"),
    # practice statuses: lighter tints, they sit in long lists
    "implemented": ("#ecfdf3", "#05603a"),
    "partial": ("#fffaeb", "#93370d"),
    "missing": ("#fef3f2", "#b42318"),
    "unknown": ("#f2f4f7", "#344054"),
    "not_applicable": ("#f9fafb", "#475467"),
}
STACK_LABELS = {"aws": "AWS", "gcp": "Google Cloud", "azure": "Azure", "open_source": "Open source"}


@dataclass(frozen=True)
class Cell:
    phase: str
    pillar: str
    question: QuestionResult | None
    implemented: int = 0
    partial: int = 0
    missing: int = 0
    unknown: int = 0
    not_applicable: int = 0
    acceptance: QuestionAcceptance | None = None  # the team accepted this question's risk
    was: Risk | None = None  # the baseline's risk, when it differs

    @property
    def total(self) -> int:
        return self.implemented + self.partial + self.missing + self.unknown + self.not_applicable

    @property
    def gaps(self) -> str:
        """`1 missing · 2 unknown`: the practices not in place, by status."""
        counts = ((PracticeStatus.PARTIAL, self.partial), (PracticeStatus.MISSING, self.missing),
                  (PracticeStatus.UNKNOWN, self.unknown))
        return " · ".join(f"{n} {labels.status(s)}" for s, n in counts if n)


@dataclass(frozen=True)
class CountRow:
    id: str
    name: str
    counts: RiskCounts

    @property
    def total(self) -> int:
        return sum(getattr(self.counts, r.value) for r in COUNT_ORDER)

    def share(self, risk: Risk) -> float:
        """Percentage of this row's questions at `risk` (for the stacked bars)."""
        return 100.0 * getattr(self.counts, risk.value) / self.total if self.total else 0.0


@dataclass(frozen=True)
class Disagreement:
    practice: PracticeResult
    check_text: str
    files_say: str
    team_says: str
    evidence: list[Evidence]


@dataclass
class View:
    review: Review
    phases: list[str]
    pillars: list[str]
    rows: list[tuple[str, list[Cell]]]
    by_pillar: list[CountRow]
    by_phase: list[CountRow]
    practices_of: dict[str, list[PracticeResult]]
    plan_active: list[PlanStep]
    plan_accepted: list[PlanStep]
    accepted: list[PracticeResult]
    disagreements: list[Disagreement]
    acceptances: dict[str, QuestionAcceptance] = field(default_factory=dict)  # question id ->
    accepted_counts: dict[Risk, int] = field(default_factory=dict)  # accepted questions per risk
    changed: list[tuple[QuestionResult, Risk | None]] = field(default_factory=list)
    stacks_shown: tuple[str, ...] = ()  # whose notes each plan item shows: --stack, else the stacks found

    @property
    def expired(self) -> list[PracticeResult]:
        return [p for p in self.accepted if p.accepted_expired]


def _cell(phase: str, pillar: str, q: QuestionResult | None, practices: Sequence[PracticeResult],
          was: Risk | None, acceptance: QuestionAcceptance | None) -> Cell:
    if q is None:
        return Cell(phase=phase, pillar=pillar, question=None)
    statuses = [p.status for p in practices]
    return Cell(
        phase=phase,
        pillar=pillar,
        question=q,
        implemented=statuses.count(PracticeStatus.IMPLEMENTED),
        partial=statuses.count(PracticeStatus.PARTIAL),
        missing=statuses.count(PracticeStatus.MISSING),
        unknown=statuses.count(PracticeStatus.UNKNOWN),
        not_applicable=statuses.count(PracticeStatus.NOT_APPLICABLE),
        acceptance=acceptance,
        was=was if was is not None and was != q.risk else None,
    )


def _disagreements(review: Review) -> list[Disagreement]:
    out = []
    for p in review.practices:
        for c in p.disagreements:
            out.append(
                Disagreement(
                    practice=p,
                    check_text=c.text,
                    files_say=CHECK_LABELS[c.evidence_state],
                    team_says=CHECK_LABELS[c.answer_state or CheckState.UNKNOWN],
                    evidence=list(c.evidence),
                )
            )
    return out


def build_view(review: Review, *, baseline: Review | None = None, stack: str | None = None) -> View:
    before = {q.id: q.risk for q in baseline.questions} if baseline is not None else {}
    practices_of: dict[str, list[PracticeResult]] = {}
    for p in review.practices:
        practices_of.setdefault(p.question, []).append(p)
    pillars = list(review.summary.by_pillar)
    acceptances = question_acceptances(review)
    rows = []
    for phase, cells in grid(review):
        rows.append(
            (phase, [
                _cell(phase, pillar, q, practices_of.get(q.id, []) if q else [], before.get(q.id) if q else None,
                      acceptances.get(q.id) if q else None)
                for pillar, q in zip(pillars, cells, strict=True)
            ])
        )
    changed = [(q, before.get(q.id)) for q in review.questions if baseline is not None and before.get(q.id) != q.risk]
    return View(
        review=review,
        phases=list(review.summary.by_phase),
        pillars=pillars,
        rows=rows,
        by_pillar=[CountRow(k, humanize(k), v) for k, v in review.summary.by_pillar.items()],
        by_phase=[CountRow(k, humanize(k), v) for k, v in review.summary.by_phase.items()],
        practices_of=practices_of,
        plan_active=[s for s in review.plan if not s.accepted],
        plan_accepted=[s for s in review.plan if s.accepted],
        accepted=[p for p in review.practices if p.accepted is not None],
        disagreements=_disagreements(review),
        changed=changed,
        acceptances=acceptances,
        accepted_counts=accepted_counts(review),
        stacks_shown=shown_stacks(review.evidence, stack),
    )


def practice_acceptance(practice: PracticeResult) -> str:
    """`accepted until 2027-03-01, owner ana` (or `acceptance expired ...`), as every report says it."""
    if practice.accepted is None:
        return ""
    return labels.acceptance(
        owner=practice.accepted.owner, expires=practice.accepted.expires, expired=practice.accepted_expired
    )
