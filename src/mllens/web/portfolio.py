"""The workloads a user may see, with their team and latest counts: what the portfolio
page, the heat map, the CSV and `GET /api/v1/workloads` show, read from the stored
summaries (web.summary), filtered and paged."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from mllens.review.model import RiskCounts
from mllens.store import Store, get_workload
from mllens.store.access import workload_teams
from mllens.store.records import UserInfo, WorkloadInfo
from mllens.store.summaries import PortfolioEntry
from mllens.web.access import is_admin
from mllens.web.summary import Cell, cells_from, fresh_entries


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


class PortfolioRow(NamedTuple):
    """One workload of a listing, with its question risks (JSON, parsed when needed)."""

    line: WorkloadLine
    workload_id: int
    cells_text: str | None

    def cells(self) -> list[Cell] | None:
        return None if self.cells_text is None else cells_from(self.cells_text)


def _row(entry: PortfolioEntry) -> PortfolioRow:
    found = entry.summary if entry.review_id is not None else None
    line = WorkloadLine(
        name=entry.name, team=entry.team, owner=entry.owner, environment=entry.environment,
        last_scan=entry.last_scan, risk_counts=found.risk_counts if found else None,
        accepted_counts=AcceptedCounts(HIGH=found.accepted_high, MEDIUM=found.accepted_medium) if found else None,
    )
    return PortfolioRow(line=line, workload_id=entry.workload_id, cells_text=found.cells if found else None)


def visible_rows(store: Store, *, user: UserInfo, cells: bool = False) -> list[PortfolioRow]:
    """Every workload `user` sees, by name, from the stored summaries (refreshed when stale)."""
    teams = None if is_admin(user) else list(user.teams)
    return [_row(e) for e in fresh_entries(store, teams=teams, cells=cells)]


def visible_workloads(store: Store, *, user: UserInfo) -> list[WorkloadLine]:
    return [row.line for row in visible_rows(store, user=user)]


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


def in_slice(cells: list[Cell] | None, filters: Filters) -> bool:
    """The workload has a question of the filter's risk (or HIGH or MEDIUM when the filter
    names none) in the filter's pillar and phase."""
    if cells is None:
        return False
    wanted = {filters.risk} if filters.risk in RISK_FILTERS else set(RISK_FILTERS)
    return any(
        c.risk in wanted and (not filters.pillar or c.pillar == filters.pillar)
        and (not filters.phase or c.phase == filters.phase)
        for c in cells
    )


def passes(row: PortfolioRow, filters: Filters) -> bool:
    line = row.line
    if filters.team and line.team != filters.team:
        return False
    if filters.environment and line.environment != filters.environment:
        return False
    return not (filters.sliced or filters.risk in RISK_FILTERS) or in_slice(row.cells(), filters)


def filtered_portfolio(store: Store, *, user: UserInfo, filters: Filters) -> list[PortfolioRow]:
    """The workloads `user` sees that pass `filters`, by name, with their question risks."""
    return [row for row in visible_rows(store, user=user, cells=True) if passes(row, filters)]


PAGE_SIZE = 50


class Page(BaseModel):
    """Which slice of a listing a page shows: `number` from 1, of `pages`."""

    model_config = ConfigDict(frozen=True)

    number: int
    pages: int
    total: int
    first: int  # the index of its first row

    @classmethod
    def of(cls, total: int, number: int, size: int = PAGE_SIZE) -> Page:
        pages = max(1, -(-total // size))
        number = min(max(number, 1), pages)
        return cls(number=number, pages=pages, total=total, first=(number - 1) * size)
