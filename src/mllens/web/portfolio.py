"""The workloads a user may see, with their team and latest counts: what the portfolio
page and `GET /api/v1/workloads` both show."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from mllens.lens.model import Risk
from mllens.report.base import accepted_counts
from mllens.review.model import Review, RiskCounts
from mllens.store import Store, get_workload, list_workloads
from mllens.store.access import workload_teams
from mllens.store.records import UserInfo, WorkloadInfo, WorkloadSummary
from mllens.store.sessions import answered_workloads
from mllens.web.access import can_see
from mllens.web.current import current_review


class AcceptedCounts(BaseModel):
    """How many of the HIGH and MEDIUM questions the team accepted (acceptances still
    running): counted in `risk_counts` too, said apart as the CLI's reports do."""

    model_config = ConfigDict(frozen=True)

    HIGH: int = 0
    MEDIUM: int = 0


class WorkloadLine(BaseModel):
    """One workload of the portfolio (the API's JSON shape too)."""

    model_config = ConfigDict(frozen=True)

    name: str
    team: str | None
    owner: str | None
    environment: str | None
    last_scan: dt.datetime | None
    risk_counts: RiskCounts | None
    accepted_counts: AcceptedCounts | None = None


def _accepted(review: Review | None) -> AcceptedCounts | None:
    if review is None:
        return None
    counts = accepted_counts(review)
    return AcceptedCounts(HIGH=counts[Risk.HIGH], MEDIUM=counts[Risk.MEDIUM])


def _counts(store: Store, line: WorkloadSummary, answered: set[str]) -> RiskCounts | None:
    """The latest review's counts, recomputed with the app's answers where there are some."""
    if line.latest is None:
        return None
    if line.workload.name not in answered:
        return line.latest.risk_counts
    review = current_review(store, workload=line.workload.name)
    return review.summary.risk_counts if review is not None else line.latest.risk_counts


def visible_workloads(store: Store, *, user: UserInfo) -> list[WorkloadLine]:
    teams = workload_teams(store)
    answered = answered_workloads(store)
    return [
        WorkloadLine(
            name=line.workload.name,
            team=teams.get(line.workload.name),
            owner=line.workload.owner,
            environment=line.workload.environment,
            last_scan=line.latest.created_at if line.latest else None,
            risk_counts=_counts(store, line, answered),
        )
        for line in list_workloads(store)
        if can_see(user, teams.get(line.workload.name))
    ]


def team_of(store: Store, *, workload: str) -> tuple[WorkloadInfo, str | None]:
    """The workload (NotFoundError if unknown) and its team."""
    info = get_workload(store, name=workload)
    return info, workload_teams(store).get(workload)


RISK_FILTERS = ("HIGH", "MEDIUM")


class Filters(BaseModel):
    """The portfolio's filters; empty means any. `risk` (HIGH or MEDIUM) keeps workloads
    with a question of that risk; with a pillar or a phase, within that pillar or phase,
    where a workload with no HIGH or MEDIUM question (of the chosen risk) is left out."""

    model_config = ConfigDict(frozen=True)

    team: str = ""
    environment: str = ""
    pillar: str = ""
    phase: str = ""
    risk: str = ""

    @property
    def sliced(self) -> bool:
        return bool(self.pillar or self.phase)


def in_slice(review: Review | None, filters: Filters) -> bool:
    """The review has a question of the filter's risk (or HIGH or MEDIUM when the filter
    names none) in the filter's pillar and phase."""
    if review is None:
        return False
    wanted = {filters.risk} if filters.risk in RISK_FILTERS else set(RISK_FILTERS)
    return any(
        q.risk.value in wanted
        and (not filters.pillar or q.pillar == filters.pillar)
        and (not filters.phase or q.phase == filters.phase)
        for q in review.questions
    )


def filtered_portfolio(store: Store, *, user: UserInfo, filters: Filters) -> list[tuple[WorkloadLine, Review | None]]:
    """The workloads `user` sees that pass `filters`, each with its review now."""
    rows = []
    for line in visible_workloads(store, user=user):
        if (filters.team and line.team != filters.team) or (
            filters.environment and line.environment != filters.environment
        ):
            continue
        review = current_review(store, workload=line.name) if line.risk_counts is not None else None
        if (filters.sliced or filters.risk in RISK_FILTERS) and not in_slice(review, filters):
            continue
        rows.append((line.model_copy(update={"accepted_counts": _accepted(review)}), review))
    return rows
