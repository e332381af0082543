"""The workloads a user may see, with their team and latest counts: what the portfolio
page, the heat map, the CSV and `GET /api/v1/workloads` show, read from the stored
summaries (web.summary), filtered and paged."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict

from mllens.review.model import RiskCounts
from mllens.store import Store, get_workload
from mllens.store.access import team_of_workload
from mllens.store.records import UserInfo, WorkloadInfo
from mllens.store.summaries import PortfolioEntry, StoredSummary
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
    """One workload of a listing (its stored summary's row); its line and question risks
    are built when asked for, so filtering 1,000 rows builds only the page's lines."""

    entry: PortfolioEntry

    @property
    def summary(self) -> StoredSummary | None:
        return self.entry.summary if self.entry.review_id is not None else None

    @property
    def line(self) -> WorkloadLine:
        entry, found = self.entry, self.summary
        return WorkloadLine(
            name=entry.name, team=entry.team, owner=entry.owner, environment=entry.environment,
            last_scan=entry.last_scan, risk_counts=found.risk_counts if found else None,
            accepted_counts=AcceptedCounts(HIGH=found.accepted_high, MEDIUM=found.accepted_medium) if found else None,
        )

    def cells(self) -> list[Cell] | None:
        found = self.summary
        return None if found is None or found.cells is None else cells_from(found.cells)


def visible_rows(store: Store, *, user: UserInfo, cells: bool = False) -> list[PortfolioRow]:
    """Every workload `user` sees, by name, from the stored summaries (refreshed when stale)."""
    teams = None if is_admin(user) else list(user.teams)
    return [PortfolioRow(e) for e in fresh_entries(store, teams=teams, cells=cells)]


def visible_workloads(store: Store, *, user: UserInfo) -> list[WorkloadLine]:
    return [row.line for row in visible_rows(store, user=user)]


def team_of(store: Store, *, workload: str) -> tuple[WorkloadInfo, str | None]:
    """The workload (NotFoundError if unknown) and its team."""
    info = get_workload(store, name=workload)
    return info, team_of_workload(store, workload=workload)


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
    entry = row.entry
    if filters.team and entry.team != filters.team:
        return False
    if filters.environment and entry.environment != filters.environment:
        return False
    if filters.sliced:
        return in_slice(row.cells(), filters)
    if filters.risk in RISK_FILTERS:  # anywhere in the review: its counts say it
        found = row.summary
        return found is not None and found.counts[RISK_FILTERS.index(filters.risk)] > 0
    return True


def filtered_portfolio(store: Store, *, user: UserInfo, filters: Filters, cells: bool = False) -> list[PortfolioRow]:
    """The workloads `user` sees that pass `filters`, by name; `cells`: with their question
    risks (read anyway for a pillar or phase filter)."""
    rows = visible_rows(store, user=user, cells=cells or filters.sliced)
    return [row for row in rows if passes(row, filters)]


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
