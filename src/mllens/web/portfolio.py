"""The workloads a user may see, with their team and latest counts: what the portfolio
page and `GET /api/v1/workloads` both show."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from mllens.review.model import RiskCounts
from mllens.store import Store, get_workload, list_workloads
from mllens.store.access import workload_teams
from mllens.store.records import UserInfo, WorkloadInfo, WorkloadSummary
from mllens.store.sessions import answered_workloads
from mllens.web.access import can_see
from mllens.web.current import current_review


class WorkloadLine(BaseModel):
    """One workload of the portfolio (the API's JSON shape too)."""

    model_config = ConfigDict(frozen=True)

    name: str
    team: str | None
    owner: str | None
    environment: str | None
    last_scan: dt.datetime | None
    risk_counts: RiskCounts | None


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
