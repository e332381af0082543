"""What every reporter shares: the signature, its options, and how risks are labelled.

A reporter is a module with `render(review, *, scan=None, baseline=None, options) -> str`;
`mllens.report.REPORTERS` maps a format name to it. Reporters only read a Review (and the
scan's project facts and diagnostics); none re-derives a status or a risk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from mllens.lens.model import Risk
from mllens.report import labels
from mllens.review.model import QuestionResult, Review
from mllens.scan.result import ScanResult


@dataclass(frozen=True, kw_only=True)
class ReportOptions:
    color: bool = False  # terminal: ANSI colours (off when writing to a file or a pipe)
    width: int = 100  # terminal: line width
    # terminal: wrap long lines at `width`. None: only on a terminal (colour on); a pipe or
    # a file gets one line per item at full length, so CI logs never split a sentence.
    wrap: bool | None = None
    top: int = 5  # markdown: how many plan steps to list
    stack: str | None = None  # aws | gcp | azure | open_source: add that stack's notes


class Reporter(Protocol):
    def __call__(
        self,
        review: Review,
        *,
        scan: ScanResult | None = None,
        baseline: Review | None = None,
        options: ReportOptions = ...,
    ) -> str: ...


class BinaryReporter(Protocol):
    """The same signature for formats whose output is bytes (PDF): written to a file,
    never to a terminal. They live in mllens.report.BINARY_REPORTERS."""

    def __call__(
        self,
        review: Review,
        *,
        scan: ScanResult | None = None,
        baseline: Review | None = None,
        options: ReportOptions = ...,
    ) -> bytes: ...


# Words, not only colours, carry each risk (colour-blind readers, plain terminals, logs);
# the words themselves live in mllens.report.labels.
LABELS = labels.RISKS
# The Well-Architected Framework's own short names for its pillars, for narrow grids.
PILLAR_CODES = {
    "operational_excellence": "OPS",
    "security": "SEC",
    "reliability": "REL",
    "performance_efficiency": "PERF",
    "cost_optimization": "COST",
    "sustainability": "SUS",
}
COUNT_ORDER = (Risk.HIGH, Risk.MEDIUM, Risk.NONE, Risk.UNANSWERED, Risk.NOT_APPLICABLE)


def humanize(identifier: str) -> str:
    """`operational_excellence` -> `Operational excellence` (pillar and phase ids)."""
    text = identifier.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def pillar_code(pillar: str) -> str:
    return PILLAR_CODES.get(pillar, humanize(pillar))


def grid(review: Review) -> Iterator[tuple[str, list[QuestionResult | None]]]:
    """The phase x pillar map: per phase (lens order), the question of each pillar's cell
    (lens order), None where the lens has no question (reliability x business goal)."""
    pillars = list(review.summary.by_pillar)
    cells = {(q.phase, q.pillar): q for q in review.questions}
    for phase in review.summary.by_phase:
        yield phase, [cells.get((phase, pillar)) for pillar in pillars]


@dataclass(frozen=True)
class QuestionAcceptance:
    """The team accepted the risk of every practice that makes a question risky."""

    owner: str  # every owner, comma-separated
    expires: dt.date  # the first of the acceptances to run out
    expired: bool  # one of them ran out: the question is open again

    @property
    def phrase(self) -> str:
        """`accepted until 2027-03-01, owner ana` (or `acceptance expired ...`)."""
        return labels.acceptance(owner=self.owner, expires=self.expires, expired=self.expired)

    def describe(self, risk: Risk) -> str:
        """`HIGH (accepted until 2027-03-01, owner ana)`."""
        return labels.accepted_risk(risk, owner=self.owner, expires=self.expires, expired=self.expired)


def question_acceptances(review: Review) -> dict[str, QuestionAcceptance]:
    """Question id -> its acceptance, for HIGH and MEDIUM questions whose every missing or
    partial practice carries an accepted risk (the same rule as the CI gate)."""
    out: dict[str, QuestionAcceptance] = {}
    by_id = {p.id: p for p in review.practices}
    for q in review.questions:
        if q.risk not in (Risk.HIGH, Risk.MEDIUM) or not q.missing:
            continue
        practices = [by_id[pid] for pid in q.missing if pid in by_id]
        accepted = [p.accepted for p in practices if p.accepted is not None]
        if not practices or len(accepted) != len(practices):
            continue
        out[q.id] = QuestionAcceptance(
            owner=", ".join(sorted({a.owner for a in accepted})),
            expires=min(a.expires for a in accepted),
            expired=any(p.accepted_expired for p in practices),
        )
    return out


def risk_text(q: QuestionResult, acceptances: dict[str, QuestionAcceptance]) -> str:
    """`HIGH`, or `HIGH (accepted until 2027-03-01, owner ana)` for an accepted question."""
    acceptance = acceptances.get(q.id)
    return acceptance.describe(q.risk) if acceptance is not None else labels.risk(q.risk)


def accepted_counts(review: Review) -> dict[Risk, int]:
    """How many questions of each risk the team accepted (acceptances still running)."""
    counts = dict.fromkeys(COUNT_ORDER, 0)
    risks = {q.id: q.risk for q in review.questions}
    for qid, acceptance in question_acceptances(review).items():
        if not acceptance.expired:
            counts[risks[qid]] += 1
    return counts


def count_line(review: Review) -> str:
    """`3 HIGH (1 accepted) · 0 MEDIUM · ...`: every question keeps its risk in the counts
    (as in the JSON), and the accepted ones are said apart."""
    counts = review.summary.risk_counts
    accepted = accepted_counts(review)
    return " · ".join(labels.counted(getattr(counts, r.value), r, accepted[r]) for r in COUNT_ORDER)


def accepted_line(review: Review) -> str | None:
    """`Accepted risks: 2 practices (1 expired)`, or None when the team accepted none."""
    accepted = [p for p in review.practices if p.accepted is not None]
    if not accepted:
        return None
    expired = sum(p.accepted_expired for p in accepted)
    noun = "practice" if len(accepted) == 1 else "practices"
    return f"Accepted risks: {len(accepted)} {noun}" + (f" ({expired} expired)" if expired else "")
