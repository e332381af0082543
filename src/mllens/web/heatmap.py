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

from mllens.fleet.summary import HeatMap, HeatRow, heat_map_csv
from mllens.lens.load import load_shipped_lens
from mllens.lens.model import Lens
from mllens.store import Store
from mllens.store.records import TokenGrant, UserInfo
from mllens.web.api import reader
from mllens.web.api import store_of as api_store
from mllens.web.auth import store_of
from mllens.web.pages import PortfolioFilters, Session, page_number
from mllens.web.portfolio import (
    PAGE_SIZE,
    RISK_FILTERS,
    Filters,
    Page,
    PortfolioRow,
    filtered_portfolio,
    passes,
    visible_rows,
)
from mllens.web.views import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["api"])


def heat_map(lens: Lens, rows: list[PortfolioRow], *, columns: slice | None = None) -> HeatMap:
    """The heat map of these workloads as `mllens fleet report` draws it (mllens.fleet.summary),
    from their stored summaries: HIGH and MEDIUM counted over every row, the columns
    (workloads) limited to `columns` of them (a page)."""
    risks = {row.entry.name: {c.question: c.risk for c in row.cells() or []} for row in rows}
    shown = [row.entry.name for row in rows][columns or slice(None)]
    order = {q.id: i for i, q in enumerate(lens.questions)}
    out = []
    for question in lens.questions:
        values = [found.get(question.id) for found in risks.values()]
        out.append(HeatRow(
            question=question.id, title=question.title, pillar=question.pillar, phase=question.phase,
            HIGH=values.count("HIGH"), MEDIUM=values.count("MEDIUM"),
            risks={name: risks[name].get(question.id) for name in shown},
        ))  # fmt: skip
    out.sort(key=lambda r: (-r.HIGH, -r.MEDIUM, order[r.question]))
    return HeatMap(workloads=shown, rows=out)


def _map(store: Store, user: UserInfo, filters: Filters, *, columns: slice | None = None) -> HeatMap:
    rows = filtered_portfolio(store, user=user, filters=filters, cells=True)
    return heat_map(load_shipped_lens(), rows, columns=columns)


@pages.get("/heatmap")
def heatmap_page(request: Request, session: Session, filters: PortfolioFilters,
                 page: Annotated[int, Depends(page_number)]) -> Response:
    store = store_of(request)
    lens = load_shipped_lens()
    every = visible_rows(store, user=session.user, cells=True)
    rows = [row for row in every if passes(row, filters)]
    shown = Page.of(len(rows), page)
    found = heat_map(lens, rows, columns=slice(shown.first, shown.first + PAGE_SIZE))
    return render(request, "heatmap.html.j2", {
        "user": session.user, "csrf": session.csrf, "map": found, "lens": lens, "page": shown,
        "pillars": {p.id: p.name for p in lens.pillars}, "phases": {p.id: p.name for p in lens.phases},
        "teams": sorted({row.entry.team for row in every if row.entry.team}),
        "environments": sorted({row.entry.environment for row in every if row.entry.environment}),
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
