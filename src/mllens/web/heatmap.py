"""Which question is HIGH across most workloads: a heat map of the lens's questions (rows)
x the workloads a user sees (columns), the portfolio's filters applied, questions with the
most HIGH workloads first (then MEDIUM, then the lens's order).

Page: GET /heatmap (and /heatmap.csv). API: GET /api/v1/heatmap.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from mllens.fleet.summary import HeatMap, heat_map_csv
from mllens.fleet.summary import heat_map as shared_heat_map
from mllens.lens.load import load_shipped_lens
from mllens.lens.model import Lens
from mllens.review.model import Review
from mllens.store import Store
from mllens.store.records import TokenGrant, UserInfo
from mllens.web.api import reader
from mllens.web.api import store_of as api_store
from mllens.web.auth import store_of
from mllens.web.pages import PortfolioFilters, Session
from mllens.web.portfolio import RISK_FILTERS, Filters, WorkloadLine, filtered_portfolio, visible_workloads
from mllens.web.views import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["api"])


def heat_map(lens: Lens, rows: list[tuple[WorkloadLine, Review | None]]) -> HeatMap:
    """The shared heat map (mllens.fleet.summary, as `mllens fleet report` draws it) of these workloads."""
    return shared_heat_map(lens, [(line.name, review) for line, review in rows])


def _map(store: Store, user: UserInfo, filters: Filters) -> HeatMap:
    return heat_map(load_shipped_lens(), filtered_portfolio(store, user=user, filters=filters))


@pages.get("/heatmap")
def heatmap_page(request: Request, session: Session, filters: PortfolioFilters) -> Response:
    store = store_of(request)
    lens = load_shipped_lens()
    every = visible_workloads(store, user=session.user)
    return render(request, "heatmap.html.j2", {
        "user": session.user, "csrf": session.csrf, "map": _map(store, session.user, filters), "lens": lens,
        "pillars": {p.id: p.name for p in lens.pillars}, "phases": {p.id: p.name for p in lens.phases},
        "teams": sorted({line.team for line in every if line.team}),
        "environments": sorted({line.environment for line in every if line.environment}),
        "chosen": filters, "risks": RISK_FILTERS,
        "query": urlencode(filters.model_dump()),
    })


@pages.get("/heatmap.csv")
def heatmap_csv(request: Request, session: Session, filters: PortfolioFilters) -> Response:
    found = _map(store_of(request), session.user, filters)
    headers = {"Content-Disposition": 'attachment; filename="heatmap.csv"', "Cache-Control": "no-store"}
    return Response(heat_map_csv(found), media_type="text/csv; charset=utf-8", headers=headers)


@api.get("/heatmap", response_model=HeatMap)
def heatmap_api(
    request: Request,
    grant: Annotated[TokenGrant, Depends(reader)],
    team: Annotated[str, Query(max_length=100)] = "",
    environment: Annotated[str, Query(max_length=100)] = "",
    pillar: Annotated[str, Query(max_length=64)] = "",
    phase: Annotated[str, Query(max_length=64)] = "",
    risk: Annotated[str, Query(max_length=20)] = "",
) -> HeatMap:
    """Questions x the workloads the token's user sees (filtered as the portfolio is):
    each question's risk per workload and how many workloads have it HIGH or MEDIUM, most HIGH first."""
    filters = Filters(team=team, environment=environment, pillar=pillar, phase=phase, risk=risk)
    return _map(api_store(request), grant.user, filters)
