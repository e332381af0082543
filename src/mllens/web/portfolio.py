"""The workloads a user may see, with their team and latest counts: what the portfolio
page and `GET /api/v1/workloads` both show."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from mllens.review.model import RiskCounts
from mllens.store import Store, get_workload, list_workloads
from mllens.store.access import workload_teams
from mllens.store.records import UserInfo, WorkloadInfo
from mllens.web.access import can_see


class WorkloadLine(BaseModel):
    """One workload of the portfolio (the API's JSON shape too)."""

    model_config = ConfigDict(frozen=True)

    name: str
    team: str | None
    owner: str | None
    environment: str | None
    last_scan: dt.datetime | None
    risk_counts: RiskCounts | None


def visible_workloads(store: Store, *, user: UserInfo) -> list[WorkloadLine]:
    teams = workload_teams(store)
    return [
        WorkloadLine(
            name=line.workload.name,
            team=teams.get(line.workload.name),
            owner=line.workload.owner,
            environment=line.workload.environment,
            last_scan=line.latest.created_at if line.latest else None,
            risk_counts=line.latest.risk_counts if line.latest else None,
        )
        for line in list_workloads(store)
        if can_see(user, teams.get(line.workload.name))
    ]


def team_of(store: Store, *, workload: str) -> tuple[WorkloadInfo, str | None]:
    """The workload (NotFoundError if unknown) and its team."""
    info = get_workload(store, name=workload)
    return info, workload_teams(store).get(workload)
