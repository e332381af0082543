"""What an organisation's reviews add up to, computed once for `mllens fleet report` and
the web app's heat map: the questions x repositories heat map (and its CSV), the risk
counts per pillar and per phase, and the repositories that got worse since a date.

Each takes reviews already chosen (the store's latest scans for the fleet report; the
reviews a user sees, with the app's answers, for the web app), so both show the same
numbers for the same reviews.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from mllens.lens.model import Lens, Risk
from mllens.review.model import Review, RiskCounts

RANK = {Risk.HIGH.value: 2, Risk.MEDIUM.value: 1}  # how bad a question's risk is; others count 0


class HeatRow(BaseModel):
    question: str
    title: str
    pillar: str
    phase: str | None
    HIGH: int
    MEDIUM: int
    risks: dict[str, str | None]  # workload -> the question's risk there (None: no review yet)


class HeatMap(BaseModel):
    workloads: list[str]
    rows: list[HeatRow]


def heat_map(lens: Lens, reviews: Sequence[tuple[str, Review | None]]) -> HeatMap:
    """Questions (rows) x workloads (columns, in the order given), the questions with the
    most HIGH workloads first, then MEDIUM, then the lens's order."""
    risks: dict[str, dict[str, Risk]] = {
        name: {q.id: q.risk for q in review.questions} for name, review in reviews if review is not None
    }
    names = [name for name, _ in reviews]
    out = []
    for question in lens.questions:
        cells = {name: (r.value if (r := risks.get(name, {}).get(question.id)) else None) for name in names}
        values = list(cells.values())
        out.append(HeatRow(
            question=question.id, title=question.title, pillar=question.pillar, phase=question.phase,
            HIGH=values.count("HIGH"), MEDIUM=values.count("MEDIUM"), risks=cells,
        ))  # fmt: skip
    order = {q.id: i for i, q in enumerate(lens.questions)}
    out.sort(key=lambda r: (-r.HIGH, -r.MEDIUM, order[r.question]))
    return HeatMap(workloads=names, rows=out)


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def heat_map_csv(found: HeatMap) -> str:
    """One row per question: id, title, pillar, phase, HIGH and MEDIUM workloads, then its
    risk in each workload (empty: no review)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(v) for v in ("question", "title", "pillar", "phase", "HIGH", "MEDIUM", *found.workloads)])
    for row in found.rows:
        cells = (row.question, row.title, row.pillar, row.phase or "", row.HIGH, row.MEDIUM,
                 *(row.risks[w] or "" for w in found.workloads))  # fmt: skip
        writer.writerow([csv_cell(v) for v in cells])
    return out.getvalue()


class Totals(BaseModel):
    """The organisation's question risks added up: overall, per pillar, per phase."""

    risk_counts: RiskCounts
    by_pillar: dict[str, RiskCounts]
    by_phase: dict[str, RiskCounts]


def totals(lens: Lens, reviews: Sequence[Review]) -> Totals:
    """Every question of every review counted once, in its pillar and its phase (a
    question without a phase counts in the pillar only); every pillar and phase listed."""
    overall = RiskCounts()
    by_pillar = {p.id: RiskCounts() for p in lens.pillars}
    by_phase = {p.id: RiskCounts() for p in lens.phases}
    for review in reviews:
        for q in review.questions:
            overall.add(q.risk)
            by_pillar.setdefault(q.pillar, RiskCounts()).add(q.risk)
            if q.phase is not None:
                by_phase.setdefault(q.phase, RiskCounts()).add(q.risk)
    return Totals(risk_counts=overall, by_pillar=by_pillar, by_phase=by_phase)


class Worse(BaseModel):
    """A workload whose review after a date is worse than its last one before it: more
    HIGH questions, or as many HIGH and more MEDIUM. `questions`: those whose risk rose
    (NONE or unanswered to MEDIUM or HIGH, MEDIUM to HIGH), each as (id, before, after)."""

    model_config = ConfigDict(frozen=True)

    workload: str
    before: RiskCounts
    after: RiskCounts
    questions: list[tuple[str, str, str]]


def is_worse(before: RiskCounts, after: RiskCounts) -> bool:
    return (after.HIGH, after.MEDIUM) > (before.HIGH, before.MEDIUM)


def worse(workload: str, before: Review, after: Review) -> Worse | None:
    """`workload`'s change from `before` to `after`, if it got worse (see Worse)."""
    old, new = before.summary.risk_counts, after.summary.risk_counts
    if not is_worse(old, new):
        return None
    was = {q.id: q.risk.value for q in before.questions}
    rose = [
        (q.id, was.get(q.id, Risk.UNANSWERED.value), q.risk.value)
        for q in after.questions
        if RANK.get(q.risk.value, 0) > RANK.get(was.get(q.id, ""), 0)
    ]
    return Worse(workload=workload, before=old, after=new, questions=rose)
