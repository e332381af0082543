"""Geometry of the report's two inline SVG pictures: the ML lifecycle the scan found and the
risk trend over milestones. Only numbers and raw labels here; the template draws and
escapes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from mllens.lens.model import Risk
from mllens.report.labels import RISKS
from mllens.review.model import Summary
from mllens.scan.evidence import Evidence

STAGES = (
    ("data_sources", "Data sources"),
    ("processing", "Processing"),
    ("training", "Training"),
    ("registry", "Registry"),
    ("deployment", "Deployment"),
    ("monitoring", "Monitoring"),
)
BOX_W, BOX_GAP, BOX_Y, BOX_H = 140, 32, 16, 104
# A stage's state in words: the SVG's title and the text beside it (which the PDF keeps
# as real text for search and screen readers) both say it this way.
STAGE_STATES = {"found": "found", "gaps": "only gaps found", "missing": "nothing found"}


@dataclass(frozen=True)
class Note:
    location: str  # "file:line" or "file"
    what: str
    gap: bool  # the note is a finding that contradicts a practice: something is missing here


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    number: int
    notes: list[Note]
    x: int

    @property
    def state(self) -> str:
        """found (something in place), gaps (only findings of what is missing) or missing (nothing)."""
        if any(not n.gap for n in self.notes):
            return "found"
        return "gaps" if self.notes else "missing"

    @property
    def found(self) -> bool:
        return self.state == "found"

    @property
    def in_place(self) -> int:
        return sum(1 for n in self.notes if not n.gap)

    @property
    def gaps(self) -> int:
        return sum(1 for n in self.notes if n.gap)

    @property
    def state_label(self) -> str:
        return STAGE_STATES[self.state]

    @property
    def counts(self) -> str:
        """`6 in place, 1 gap`; empty for a stage with nothing found."""
        parts = [f"{self.in_place} in place"] if self.in_place else []
        if self.gaps:
            parts.append(f"{self.gaps} gap{'s' if self.gaps != 1 else ''}")
        return ", ".join(parts)


def _gap_keys(evidence: Iterable[Evidence]) -> set[tuple[str, str]]:
    """(location, message start) of every contradicting finding, to recognise its note."""
    keys = set()
    for e in evidence:
        if e.outcome == "contradicts":
            location = f"{e.file}:{e.line}" if e.line else e.file
            keys.add((location, " ".join(e.message.split())[:40]))
    return keys


def lifecycle_stages(lifecycle: Mapping[str, list[str]], evidence: Iterable[Evidence] = ()) -> list[Stage]:
    """The six stages left to right, each with what the scan found there (maybe nothing).

    Scan notes read "file:line what"; a note that repeats a contradicting finding is marked
    as a gap, so a stage whose only notes say what is missing is not shown as covered."""
    gaps = _gap_keys(evidence)

    def note(text: str) -> Note:
        location, _, what = text.partition(" ")
        return Note(location=location, what=what, gap=(location, what[:40]) in gaps)

    return [
        Stage(id=sid, name=name, number=i + 1, notes=[note(t) for t in lifecycle.get(sid, [])],
              x=i * (BOX_W + BOX_GAP))
        for i, (sid, name) in enumerate(STAGES)
    ]


# The trend: one line per risk, each with its own dash and marker so print and
# colour-blind readers can tell them apart.
SERIES = (
    (Risk.HIGH, RISKS[Risk.HIGH], "", "triangle", "#b42318"),
    (Risk.MEDIUM, RISKS[Risk.MEDIUM], "7 4", "diamond", "#b54708"),
    (Risk.NONE, RISKS[Risk.NONE], "2 4", "circle", "#067647"),
)
CHART_W, CHART_H = 720, 250
PAD_L, PAD_R, PAD_T, PAD_B = 64, 72, 20, 56


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: int


@dataclass(frozen=True)
class Series:
    risk: str
    label: str
    dash: str
    marker: str
    color: str
    points: list[Point]

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points))


@dataclass(frozen=True)
class Trend:
    labels: list[tuple[float, str, str]]  # x, name, date
    series: list[Series]
    ticks: list[tuple[float, int]]  # y, value
    rows: list[tuple[str, str, dict[str, int]]]  # name, date, counts: the same data as a table
    left: float = PAD_L
    right: float = CHART_W - PAD_R


def _day(when: dt.date | dt.datetime) -> str:
    return (when.date() if isinstance(when, dt.datetime) else when).isoformat()


def _count(summary: Summary, risk: Risk) -> int:
    return int(getattr(summary.risk_counts, risk.value))


def trend(points: Sequence[tuple[str, dt.date | dt.datetime, Summary]]) -> Trend:
    """Chart geometry for the risk counts of `points` (oldest first)."""
    n = len(points)
    top = max([1] + [_count(s, r) for _, _, s in points for r, *_ in SERIES])
    step = max(1, -(-top // 5))
    top = step * -(-top // step)
    inner_w = CHART_W - PAD_L - PAD_R
    inner_h = CHART_H - PAD_T - PAD_B

    def x_at(i: int) -> float:
        return PAD_L + (inner_w / 2 if n == 1 else inner_w * i / (n - 1))

    def y_at(v: int) -> float:
        return PAD_T + inner_h * (1 - v / top)

    series = [
        Series(
            risk=risk.value,
            label=label,
            dash=dash,
            marker=marker,
            color=color,
            points=[
                Point(x_at(i), y_at(_count(s, risk)), _count(s, risk))
                for i, (_, _, s) in enumerate(points)
            ],
        )
        for risk, label, dash, marker, color in SERIES
    ]
    return Trend(
        labels=[(x_at(i), name, _day(when)) for i, (name, when, _) in enumerate(points)],
        series=series,
        ticks=[(y_at(v), v) for v in range(0, top + 1, step)],
        rows=[(name, _day(when), s.risk_counts.model_dump()) for name, when, s in points],
    )
