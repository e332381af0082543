"""The stored summary of each workload (mllens.store.summaries): computed here from the
review the app shows (web.current.current_review) and the workload's milestones, refreshed
after every write the app makes, and lazily whenever a listing finds one stale (a scan
uploaded by the fleet or the CLI, a summary from an older mllens, a day on which an
accepted risk ran out).

The portfolio, heat map, CSV and `GET /api/v1/workloads` read summaries only.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from mllens.lens.load import load_shipped_lens
from mllens.lens.model import Risk
from mllens.report.base import accepted_counts
from mllens.review.model import Review, RiskCounts
from mllens.store import Store, list_milestones
from mllens.store.records import MilestoneInfo
from mllens.store.summaries import PortfolioEntry, SummaryKey, current_key, portfolio_entries, put_summary
from mllens.web.current import current_review
from mllens.web.trend import TrendPoint, trend_of

FORMAT = 1  # bump when what a summary holds changes: every stored one is computed again


@cache
def basis() -> str:
    """The summary format and the shipped lens's version (a new lens: summaries go stale)."""
    return f"{FORMAT}:{load_shipped_lens().version}"


class Cell(NamedTuple):
    """One question of the review: its pillar, phase and risk (a tuple: listings read
    35,000 of them per filtered request)."""

    question: str
    pillar: str
    phase: str | None
    risk: str


class Digest(BaseModel):
    """What the portfolio shows of one workload (module docstring)."""

    model_config = ConfigDict(frozen=True)

    risk_counts: RiskCounts
    accepted_high: int
    accepted_medium: int
    cells: list[Cell]
    by_pillar: dict[str, RiskCounts]
    by_phase: dict[str, RiskCounts]
    trend: list[TrendPoint]
    valid_until: dt.date | None  # the last day it holds (an acceptance runs out after it)


def digest_of(review: Review, milestones: Sequence[MilestoneInfo]) -> Digest:
    """The summary of `review` (the review the app shows now) and the workload's milestones."""
    by_pillar: dict[str, RiskCounts] = {}
    by_phase: dict[str, RiskCounts] = {}
    for q in review.questions:
        by_pillar.setdefault(q.pillar, RiskCounts()).add(q.risk)
        if q.phase is not None:
            by_phase.setdefault(q.phase, RiskCounts()).add(q.risk)
    accepted = accepted_counts(review)
    running = [p.accepted.expires for p in review.practices if p.accepted is not None and not p.accepted_expired]
    return Digest(
        risk_counts=review.summary.risk_counts, accepted_high=accepted[Risk.HIGH],
        accepted_medium=accepted[Risk.MEDIUM],
        cells=[Cell(question=q.id, pillar=q.pillar, phase=q.phase, risk=q.risk.value) for q in review.questions],
        by_pillar=by_pillar, by_phase=by_phase, trend=trend_of(list(milestones), review.summary.risk_counts),
        valid_until=min(running) if running else None,
    )


def cells_json(cells: Sequence[Cell]) -> str:
    return json.dumps([[c.question, c.pillar, c.phase, c.risk] for c in cells], separators=(",", ":"))


def cells_from(text: str) -> list[Cell]:
    return [Cell(*found) for found in json.loads(text)]


def detail_json(digest: Digest) -> str:
    return json.dumps({
        "by_pillar": {k: v.model_dump() for k, v in digest.by_pillar.items()},
        "by_phase": {k: v.model_dump() for k, v in digest.by_phase.items()},
        "trend": [p.model_dump() for p in digest.trend],
    }, separators=(",", ":"))


def trend_from(detail: str) -> list[TrendPoint]:
    return [TrendPoint.model_validate(p) for p in json.loads(detail)["trend"]]


def refresh_summary(store: Store, *, workload: str) -> Digest | None:
    """Compute the workload's summary now and store it; None (nothing stored) before its
    first review."""
    key = current_key(store, workload=workload, basis=basis())  # first: see current_key
    if key is None:
        return None
    review = current_review(store, workload=workload, plan=False)  # a summary shows no plan
    if review is None:
        return None
    digest = digest_of(review, list_milestones(store, workload=workload))
    put_summary(store, workload=workload, key=key, valid_until=digest.valid_until,
                risk_counts=digest.risk_counts, accepted_high=digest.accepted_high,
                accepted_medium=digest.accepted_medium, cells=cells_json(digest.cells), detail=detail_json(digest))
    return digest


def is_fresh(entry: PortfolioEntry, *, today: dt.date) -> bool:
    """The entry's stored summary is the one a refresh would compute (or it has no review)."""
    if entry.review_id is None:
        return True
    found = entry.summary
    return (
        found is not None
        and found.key == SummaryKey(entry.review_id, entry.revision, basis())
        and (found.valid_until is None or today <= found.valid_until)
    )


# One refresh of stale summaries at a time in this process: fifty users opening the portfolio
# after a bulk import wait for one pass instead of each evaluating every review.
_refreshing = threading.Lock()


def fresh_entries(
    store: Store, *, teams: Sequence[str] | None, team: str = "", environment: str = "", cells: bool = False
) -> list[PortfolioEntry]:
    """portfolio_entries with every summary fresh: the stale ones are computed first."""
    entries = portfolio_entries(store, teams=teams, team=team, environment=environment, cells=cells)
    today = dt.datetime.now(dt.UTC).date()
    if all(is_fresh(e, today=today) for e in entries):
        return entries
    with _refreshing:
        entries = portfolio_entries(store, teams=teams, team=team, environment=environment, cells=cells)
        stale = [e.name for e in entries if not is_fresh(e, today=today)]
        for name in stale:
            refresh_summary(store, workload=name)
        if stale:
            entries = portfolio_entries(store, teams=teams, team=team, environment=environment, cells=cells)
    return entries


class ShownReviews:
    """The last reviews the review page evaluated, by workload and the key they were computed
    from (and the day: acceptances are judged against it): a team walking the same review
    in a workshop evaluates it once per change, not once per person and page. One per app
    (its store): review ids and revisions identify a state only within one store."""

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._found: OrderedDict[tuple[str, SummaryKey, dt.date], Review] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, store: Store, *, workload: str) -> Review | None:
        """current_review(detail=True) of the workload, without the plan the review page does
        not show, kept while its key holds."""
        key = current_key(store, workload=workload, basis=basis())  # first: see current_key
        if key is None:
            return None
        wanted = (workload, key, dt.datetime.now(dt.UTC).date())
        with self._lock:
            found = self._found.get(wanted)
            if found is not None:
                self._found.move_to_end(wanted)
                return found
        review = current_review(store, workload=workload, detail=True, plan=False)
        if review is not None:
            with self._lock:
                self._found[wanted] = review
                while len(self._found) > self._size:
                    self._found.popitem(last=False)
        return review
