"""Which question is HIGH across most workloads: a heat map of the lens's questions (rows)
x the workloads a user sees (columns), the portfolio's filters applied, questions with the
most HIGH workloads first (then MEDIUM, then the lens's order).

Page: GET /heatmap (and /heatmap.csv). API: GET /api/v1/heatmap.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from mllens.lens.load import load_shipped_lens
from mllens.lens.model import Lens, Risk
from mllens.review.model import Review
from mllens.store import Store
from mllens.store.records import TokenGrant, UserInfo
from mllens.web.api import reader
from mllens.web.api import store_of as api_store
from mllens.web.auth import store_of
from mllens.web.pages import PortfolioFilters, Session, _csv_cell
from mllens.web.portfolio import RISK_FILTERS, Filters, WorkloadLine, filtered_portfolio, visible_workloads
from mllens.web.views import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["api"])


class HeatRow(BaseModel):
    question: str
    title: str
    pillar: str
    phase: str | None
    HIGH: int
    MEDIUM: int
    risks: dict[str, str | None]  # workload -> the question's risk there (None: no review yet)


class HeatMap(BaseModel):
    workloads: list[str]
    rows: list[HeatRow]


def heat_map(lens: Lens, rows: list[tuple[WorkloadLine, Review | None]]) -> HeatMap:
    risks: dict[str, dict[str, Risk]] = {
        line.name: {q.id: q.risk for q in review.questions} for line, review in rows if review is not None
    }
    names = [line.name for line, _ in rows]
    out = []
    for question in lens.questions:
        cells = {name: (r.value if (r := risks.get(name, {}).get(question.id)) else None) for name in names}
        values = list(cells.values())
        out.append(HeatRow(
            question=question.id, title=question.title, pillar=question.pillar, phase=question.phase,
            HIGH=values.count("HIGH"), MEDIUM=values.count("MEDIUM"), risks=cells,
        ))
    order = {q.id: i for i, q in enumerate(lens.questions)}
    out.sort(key=lambda r: (-r.HIGH, -r.MEDIUM, order[r.question]))
    return HeatMap(workloads=names, rows=out)


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
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_csv_cell(v) for v in ("question", "title", "pillar", "phase", "HIGH", "MEDIUM",
                                            *found.workloads)])
    for row in found.rows:
        writer.writerow([_csv_cell(v) for v in (row.question, row.title, row.pillar, row.phase or "", row.HIGH,
                                                row.MEDIUM, *(row.risks[w] or "" for w in found.workloads))])
    headers = {"Content-Disposition": 'attachment; filename="heatmap.csv"', "Cache-Control": "no-store"}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


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
