"""The API `mllens pull` uses (web.sync): GET what the app says and the base, POST the
file's answers into the app (`pull --ours`).

GET takes a token of scope read or upload (a pull that resolves with --ours needs the
upload one for its POST, and may then read with it too); POST takes scope upload, and an
editor or admin of the workload's team. Both 401 without a valid token, 403 outside the
team, 404 for an unknown workload or one without a review.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict
from starlette.concurrency import run_in_threadpool

from mllens.answers.sync import SyncAnswer
from mllens.lens.load import load_shipped_lens
from mllens.store import latest_review
from mllens.store.records import TokenGrant
from mllens.web.access import can_write
from mllens.web.api import WorkloadName, _grant, _visible_team, store_of, uploader
from mllens.web.errors import ApiError
from mllens.web.summary import refresh_summary
from mllens.web.sync import SyncView, app_take, locked_latest_review, sync_view

router = APIRouter(prefix="/api/v1", tags=["sync"])


def sync_reader(request: Request) -> TokenGrant:
    grant = _grant(request)
    if grant.scope not in ("read", "upload"):
        raise ApiError(403, f"this token's scope is {grant.scope!r}; expected 'read' or 'upload'")
    return grant


class TakeAnswers(BaseModel):
    """Answers the app takes as its own, by practice or question id; null: no answer."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[str, SyncAnswer | None]


def _view(request: Request, grant: TokenGrant, name: str) -> SyncView:
    store = store_of(request)
    _visible_team(store, grant, name)
    review = latest_review(store, workload=name)
    if review is None:
        raise ApiError(404, f"workload {name!r} has no review yet")
    return sync_view(store, workload=name, review=review, lens=load_shipped_lens(review.lens_id))


@router.get("/workloads/{name}/sync", response_model=SyncView)
def get_sync(request: Request, name: WorkloadName, grant: Annotated[TokenGrant, Depends(sync_reader)]) -> SyncView:
    """The answers as the app holds them (`app`), the base of the three-way comparison
    (`base`: what mllens.yaml and the app last agreed on), mllens.yaml's answers at the last
    upload, and the conflicts between those."""
    return _view(request, grant, name)


def _take(request: Request, grant: TokenGrant, name: str, body: TakeAnswers) -> SyncView:
    store = store_of(request)
    team = _visible_team(store, grant, name)
    if not can_write(grant.user, team):
        raise ApiError(403, f"user {grant.user.name!r} may read workload {name!r} but not answer it")
    with store.transaction() as tx:
        review = locked_latest_review(tx, workload=name)
        if review is None:
            raise ApiError(404, f"workload {name!r} has no review yet")
        lens = load_shipped_lens(review.lens_id)
        unknown = [p for p in body.answers if lens.resolve(p) is None and not lens.has_question(p)]
        if unknown:
            raise ApiError(422, f"expected practice or question ids of lens {lens.id}, got {', '.join(unknown)}",
                           field="body.answers")
        given = {lens.resolve(p) or lens.question(p).id: a for p, a in body.answers.items()}
        shown = sync_view(tx, workload=name, review=review, lens=lens).app
        app_take(tx, user=grant.user, workload=name, answers=given, shown=shown)
    refresh_summary(store, workload=name)
    return _view(request, grant, name)


@router.post("/workloads/{name}/sync", response_model=SyncView)
async def post_sync(
    request: Request, name: WorkloadName, body: TakeAnswers, grant: Annotated[TokenGrant, Depends(uploader)]
) -> SyncView:
    """The app takes these answers as its own (audit-logged as the token's user): how
    `mllens pull --ours` resolves a conflict in the file's favour."""
    return await run_in_threadpool(_take, request, grant, name, body)
