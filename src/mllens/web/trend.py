"""Risk over milestones: each saved milestone's HIGH and MEDIUM counts, then the review
now, as data (the API) and as the geometry of a small inline SVG chart (the pages draw it
with no script and nothing fetched from elsewhere)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from mllens.review.model import RiskCounts
from mllens.store import Store, list_milestones
from mllens.store.records import MilestoneInfo
from mllens.store.trends import milestones_by_workload

WIDTH, HEIGHT, PAD = 120, 32, 3


class TrendPoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str  # the milestone's name, or "now"
    at: str | None  # when the milestone was saved (None for now)
    HIGH: int
    MEDIUM: int


class Sparkline(BaseModel):
    """Polyline points (numbers only) for HIGH and MEDIUM, in a WIDTH x HEIGHT box."""

    model_config = ConfigDict(frozen=True)

    high: str
    medium: str
    width: int = WIDTH
    height: int = HEIGHT
    top: int  # the count the top of the box stands for
    summary: str  # the same trend in words, for screen readers and the title


def trend_of(milestones: list[MilestoneInfo], now: RiskCounts | None) -> list[TrendPoint]:
    """`milestones` (oldest first), then the review now (when there is one)."""
    points = [
        TrendPoint(label=m.name, at=m.created_at.isoformat(), HIGH=m.risk_counts.HIGH, MEDIUM=m.risk_counts.MEDIUM)
        for m in milestones
    ]
    if now is not None:
        points.append(TrendPoint(label="now", at=None, HIGH=now.HIGH, MEDIUM=now.MEDIUM))
    return points


def workload_trend(store: Store, *, workload: str, now: RiskCounts | None) -> list[TrendPoint]:
    """The workload's milestones, oldest first, then its review now (when it has one)."""
    return trend_of(list_milestones(store, workload=workload), now)


def portfolio_sparklines(store: Store, *, now: dict[str, RiskCounts | None]) -> dict[str, Sparkline | None]:
    """The chart of each workload of `now` (name -> its counts now), in one query."""
    found = milestones_by_workload(store, workloads=list(now))
    return {name: sparkline(trend_of(found[name], counts)) for name, counts in now.items()}


def _line(values: list[int], top: int) -> str:
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    span = HEIGHT - 2 * PAD
    return " ".join(f"{PAD + i * step:.1f},{HEIGHT - PAD - (v / top) * span:.1f}" for i, v in enumerate(values))


def sparkline(points: list[TrendPoint]) -> Sparkline | None:
    """The chart of `points`; None with fewer than two (no trend to draw)."""
    if len(points) < 2:
        return None
    top = max(1, *(p.HIGH for p in points), *(p.MEDIUM for p in points))
    words = "; ".join(f"{p.label}: {p.HIGH} high, {p.MEDIUM} medium" for p in points)
    return Sparkline(high=_line([p.HIGH for p in points], top), medium=_line([p.MEDIUM for p in points], top),
                     top=top, summary=words)
