"""Milestones in the app: an editor saves the review shown (the scan merged with the app's
answers) under a name; anyone who sees the workload lists them and compares any two
(mllens.review.diff: what got better or worse per question and practice).

Pages: POST /workloads/{name}/milestones (form, CSRF), GET /workloads/{name}/compare?a=&b=.
API: POST /api/v1/workloads/{name}/milestones ({"name": ...}, upload scope, editors),
GET /api/v1/workloads/{name}/milestones/compare?a=&b= (read scope).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from mllens.review.diff import ReviewDiff, diff
from mllens.store import Store, get_milestone, list_milestones, save_milestone
from mllens.store.records import DuplicateError, MilestoneInfo, NotFoundError, StoreError, TokenGrant
from mllens.web.access import can_write
from mllens.web.api import WorkloadName, reader, uploader
from mllens.web.api import _visible_team as api_team
from mllens.web.api import store_of as api_store
from mllens.web.auth import store_of
from mllens.web.current import current_review
from mllens.web.errors import ApiError
from mllens.web.pages import PageError, Session, _editor, _visible, saved_or_back
from mllens.web.summary import refresh_summary
from mllens.web.views import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["api"])
MilestoneName = Annotated[str, Query(min_length=1, max_length=100)]


def _save(store: Store, *, workload: str, name: str) -> MilestoneInfo:
    """Keep the review shown now; StoreError when there is none or the name is taken or bad."""
    review = current_review(store, workload=workload)
    if review is None:
        raise StoreError(f"workload {workload!r} has no review yet: upload a scan before saving a milestone")
    saved = save_milestone(store, name=name, review=review, workload=workload)
    refresh_summary(store, workload=workload)  # its trend gained a point
    return saved


def _compare(store: Store, *, workload: str, a: str, b: str) -> ReviewDiff:
    first, second = get_milestone(store, workload=workload, name=a), get_milestone(store, workload=workload, name=b)
    return diff(first.review, second.review, labels=(first.name, second.name))


@pages.post("/workloads/{name}/milestones")
def save_page(
    request: Request,
    name: str,
    session: Session,
    milestone: Annotated[str, Form(max_length=100)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    store = _editor(request, session, name, csrf,
                    refused="Viewers read reviews; saving a milestone needs an editor or an admin.")
    try:
        _save(store, workload=name, name=milestone)
    except DuplicateError as exc:
        raise PageError(409, f"Milestone not saved: {exc}") from None
    except StoreError as exc:
        raise PageError(422, f"Milestone not saved: {exc}") from None
    return saved_or_back(request, f"/workloads/{quote(name, safe='')}#milestones")


@pages.get("/workloads/{name}/compare")
def compare_page(request: Request, name: str, session: Session, a: MilestoneName, b: MilestoneName) -> Response:
    team = _visible(request, session, name)
    store = store_of(request)
    try:
        result = _compare(store, workload=name, a=a, b=b)
    except NotFoundError as exc:
        raise PageError(404, str(exc)) from None
    return render(request, "compare.html.j2", {
        "user": session.user, "csrf": session.csrf, "name": name, "team": team, "diff": result,
        "milestones": list_milestones(store, workload=name),
    })


class MilestoneWanted(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="The milestone's name, new for the workload.")


class MilestoneSaved(BaseModel):
    workload: str
    name: str
    created_at: str
    risk_counts: dict[str, int]


@api.post("/workloads/{name}/milestones", status_code=201, response_model=MilestoneSaved)
def save_api(
    request: Request, name: WorkloadName, body: MilestoneWanted, grant: Annotated[TokenGrant, Depends(uploader)]
) -> MilestoneSaved:
    """Save the review shown now (scan merged with the app's answers) as a milestone."""
    store = api_store(request)
    if not can_write(grant.user, api_team(store, grant, name)):
        raise ApiError(403, f"user {grant.user.name!r} is a {grant.user.role}; saving needs an editor or admin")
    try:
        info = _save(store, workload=name, name=body.name)
    except DuplicateError as exc:
        raise ApiError(409, str(exc), field="body.name") from None
    except StoreError as exc:
        raise ApiError(422, str(exc), field="body.name") from None
    return MilestoneSaved(workload=name, name=info.name, created_at=info.created_at.isoformat(),
                          risk_counts=info.risk_counts.model_dump())


@api.get("/workloads/{name}/milestones/compare", response_model=ReviewDiff)
def compare_api(
    request: Request, name: WorkloadName, grant: Annotated[TokenGrant, Depends(reader)],
    a: MilestoneName,
    b: MilestoneName,
) -> ReviewDiff:
    """What got better or worse from milestone `a` to milestone `b`, per question and practice."""
    store = api_store(request)
    api_team(store, grant, name)
    try:
        return _compare(store, workload=name, a=a, b=b)
    except NotFoundError as exc:
        raise ApiError(404, str(exc), field="query") from None
