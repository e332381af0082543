"""What every reporter shares: the signature, its options, and how risks are labelled.

A reporter is a module with `render(review, *, scan=None, baseline=None, options) -> str`;
`mllens.report.REPORTERS` maps a format name to it. Reporters only read a Review (and the
scan's project facts and diagnostics); none re-derives a status or a risk.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from mllens.lens.model import Risk
from mllens.review.model import QuestionResult, Review
from mllens.scan.result import ScanResult


@dataclass(frozen=True, kw_only=True)
class ReportOptions:
    color: bool = False  # terminal: ANSI colours (off when writing to a file or a pipe)
    width: int = 100  # terminal: line width
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


# Words, not only colours, carry each risk (colour-blind readers, plain terminals, logs).
LABELS = {
    Risk.HIGH: "HIGH",
    Risk.MEDIUM: "MEDIUM",
    Risk.NONE: "no risk",
    Risk.UNANSWERED: "unanswered",
    Risk.NOT_APPLICABLE: "n/a",
}
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


def count_line(review: Review) -> str:
    counts = review.summary.risk_counts
    return " · ".join(f"{getattr(counts, r.value)} {LABELS[r]}" for r in COUNT_ORDER)


def accepted_line(review: Review) -> str | None:
    """`Accepted risks: 2 (1 expired)`, or None when the team accepted none."""
    accepted = [p for p in review.practices if p.accepted is not None]
    if not accepted:
        return None
    expired = sum(p.accepted_expired for p in accepted)
    return f"Accepted risks: {len(accepted)}" + (f" ({expired} expired)" if expired else "")
