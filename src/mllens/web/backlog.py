"""The improvement plan as a backlog: the plan the CLI writes (review.plan, in its order,
with review.backlog's rows), each item with an owner, a due date and a status (open, in
progress, done, won't do) that editors set, audit-logged; a CSV export; the API to match.

An item's key is stable across scans while the gap stays: the practice, with the check
for an item that closes one check ("MLSEC03-BP02:encryption_at_rest"), or "answer:HIGH" /
"answer:MEDIUM" for the questions still to answer. Before anyone sets it, an item's owner
and due date are those of an accepted risk on its practice, and its status is open.

Pages: GET /workloads/{name}/backlog, GET /workloads/{name}/backlog.csv,
POST /workloads/{name}/backlog (form, CSRF, editors).
API: GET /api/v1/workloads/{name}/backlog (read), PUT /api/v1/workloads/{name}/backlog/{item}
(upload scope, editors).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from mllens.review.backlog import COLUMNS, backlog_rows
from mllens.review.backlog import _cell as cell
from mllens.review.backlog import _inert as inert
from mllens.review.model import PlanStep, Review
from mllens.store import Store
from mllens.store.models import PLAN_STATUSES
from mllens.store.plan_items import plan_states, set_plan_item
from mllens.store.records import PlanItemState, StoreError, TokenGrant, UserInfo
from mllens.web.access import can_write
from mllens.web.api import WorkloadName, reader, uploader
from mllens.web.api import _visible_team as api_team
from mllens.web.api import store_of as api_store
from mllens.web.auth import store_of
from mllens.web.current import current_review
from mllens.web.errors import ApiError
from mllens.web.links import Repository, source_link, source_of
from mllens.web.pages import PageError, Session, _editor, _visible, saved_or_back
from mllens.web.views import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["api"])
ITEM_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$"
CSV_EXTRA = ("item", "status", "updated_by")
STATUS_LABELS = {"open": "open", "in_progress": "in progress", "done": "done", "wont_do": "won't do"}


def item_key(step: PlanStep) -> str:
    if step.kind == "answer":
        return f"answer:{step.risk_now.value}"
    return f"{step.practice}:{step.checks[0]}" if step.checks else step.practice


class BacklogItem(BaseModel):
    """One item of the backlog: the plan's row (review.backlog.COLUMNS) and what the team set."""

    item: str
    rank: int
    kind: str
    practice: str
    checks: list[str]
    question: str
    title: str
    step: str
    fix_syntax: str
    fix: str
    evidence: list[dict[str, Any]]
    risk: str
    risk_after: str
    owner: str
    due: str
    command: str
    status: str = Field(description="open | in_progress | done | wont_do")
    updated_by: str | None = None
    updated_at: str | None = None


def backlog_items(
    review: Review, states: dict[str, PlanItemState], *, repository: Repository = None
) -> list[BacklogItem]:
    """The plan's items with what the team set; evidence gets a `link` into `repository`."""
    items = []
    for step, row in zip(review.plan, backlog_rows(review), strict=True):
        key = item_key(step)
        state = states.get(key)
        if state is not None:
            row = {**row, "owner": state.owner or "", "due": state.due.isoformat() if state.due else ""}
        row["evidence"] = [{**e, "link": source_link(repository, e["file"], e["line"])} for e in row["evidence"]]
        items.append(BacklogItem(
            item=key, **row, status=state.status if state else "open",
            updated_by=state.updated_by if state else None,
            updated_at=state.updated_at.isoformat() if state else None,
        ))
    return items


def _items(store: Store, name: str, review: Review | None = None) -> list[BacklogItem]:
    # Evaluated again (detail): an uploaded scan carries no plan, the engine gives it back.
    review = review or current_review(store, workload=name, detail=True)
    if review is None:
        return []
    repository = source_of(store, workload=name)
    return backlog_items(review, plan_states(store, workload=name), repository=repository)


def _set(store: Store, *, user: UserInfo, workload: str, item: str, owner: str, due: str, status: str) -> None:
    """Validate and keep one item's owner, due date and status; StoreError names the field."""
    found = {i.item: i for i in _items(store, workload)}
    if item not in found:
        raise StoreError(f"item: expected an item of the workload's current plan, got {item!r}")
    if status not in PLAN_STATUSES:
        raise StoreError(f"status: expected one of {', '.join(PLAN_STATUSES)}, got {status!r}")
    try:
        day = dt.date.fromisoformat(due) if due else None
    except ValueError:
        raise StoreError(f"due: expected a date as YYYY-MM-DD, got {due!r}") from None
    practice = found[item].practice or "plan"
    set_plan_item(store, user=user, workload=workload, item=item, practice=practice,
                  owner=owner.strip() or None, due=day, status=status)


@pages.get("/workloads/{name}/backlog")
def backlog_page(request: Request, name: str, session: Session) -> Response:
    team = _visible(request, session, name)
    store = store_of(request)
    review = current_review(store, workload=name, detail=True)
    return render(request, "backlog.html.j2", {
        "user": session.user, "csrf": session.csrf, "name": name, "team": team, "items": _items(store, name, review),
        "can_edit": can_write(session.user, team), "statuses": STATUS_LABELS, "has_review": review is not None,
    })


@pages.get("/workloads/{name}/backlog.csv")
def backlog_csv(request: Request, name: str, session: Session) -> Response:
    _visible(request, session, name)
    items = _items(store_of(request), name)
    # review.backlog's columns and cells (formula-safe), then the item key, status and who set it.
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*COLUMNS, *CSV_EXTRA])
    for i in items:
        data = i.model_dump()
        writer.writerow([inert(cell(data[key])) for key in (*COLUMNS, *CSV_EXTRA)])
    filename = quote(f"{name}-backlog.csv", safe="")
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


@pages.post("/workloads/{name}/backlog")
def backlog_set(
    request: Request,
    name: str,
    session: Session,
    item: Annotated[str, Form(max_length=200)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    owner: Annotated[str, Form(max_length=200)] = "",
    due: Annotated[str, Form(max_length=20)] = "",
    status: Annotated[str, Form(max_length=20)] = "open",
) -> Response:
    store = _editor(request, session, name, csrf,
                    refused="Viewers read the backlog; changing it needs an editor or an admin.")
    try:
        _set(store, user=session.user, workload=name, item=item, owner=owner, due=due, status=status)
    except StoreError as exc:
        raise PageError(422, f"Backlog item not saved: {exc}") from None
    return saved_or_back(request, f"/workloads/{quote(name, safe='')}/backlog#{quote(item, safe='')}")


@api.get("/workloads/{name}/backlog", response_model=list[BacklogItem])
def backlog_api(
    request: Request, name: WorkloadName, grant: Annotated[TokenGrant, Depends(reader)]
) -> list[BacklogItem]:
    """The improvement plan as a backlog, in plan order, with each item's owner, due date and status."""
    store = api_store(request)
    api_team(store, grant, name)
    return _items(store, name)


class ItemWanted(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner: str = Field(default="", max_length=200)
    due: str = Field(default="", max_length=20, description="YYYY-MM-DD, or empty for none.")
    status: str = Field(default="open", description="open | in_progress | done | wont_do")


@api.put("/workloads/{name}/backlog/{item}", response_model=BacklogItem)
def backlog_put(
    request: Request,
    name: WorkloadName,
    item: Annotated[str, Path(pattern=ITEM_PATTERN, description="The item's key (see GET .../backlog).")],
    body: ItemWanted,
    grant: Annotated[TokenGrant, Depends(uploader)],
) -> BacklogItem:
    """Set one backlog item's owner, due date and status (editors; audit-logged)."""
    store = api_store(request)
    if not can_write(grant.user, api_team(store, grant, name)):
        raise ApiError(403, f"user {grant.user.name!r} may read workload {name!r} but not change it")
    try:
        _set(store, user=grant.user, workload=name, item=item, owner=body.owner, due=body.due, status=body.status)
    except StoreError as exc:
        field = str(exc).split(":", 1)[0]
        raise ApiError(422, str(exc), field=f"body.{field}" if field in ("due", "status", "owner") else "path.item"
                       ) from None
    return next(i for i in _items(store, name) if i.item == item)

