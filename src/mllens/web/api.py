"""The JSON API under /api/v1: bearer tokens (`mllens token create`), scoped upload|read,
limited to the teams of the token's user.

401 without a valid token, 403 for a token without the scope or the team, 404 for an
unknown workload, 413 for a body over the limit, 422 naming the field that is wrong.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from mllens.errors import InputError
from mllens.lens.load import load_shipped_lens
from mllens.review.model import RiskCounts
from mllens.review.serialise import review_from_data, review_to_data
from mllens.store import Store, list_milestones, save_review
from mllens.store.access import audit_log, set_workload_team, token_grant
from mllens.store.records import AnswerInfo, AuditEntry, NotFoundError, TokenGrant
from mllens.store.sessions import answers_of
from mllens.web.access import WRITERS, can_see, can_write, team_for_new_workload
from mllens.web.current import current_review
from mllens.web.errors import ApiError, unauthorized
from mllens.web.portfolio import Filters, WorkloadLine, filtered_portfolio, team_of
from mllens.web.security import token_digest
from mllens.web.summary import refresh_summary
from mllens.web.sync import ConflictLine, file_answers, locked_latest_review, sync_upload
from mllens.web.trend import TrendPoint, workload_trend

MAX_SCAN_BYTES = 16 * 1024 * 1024  # a scan of a large monorepo is a few MB of JSON
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"

router = APIRouter(prefix="/api/v1", tags=["api"])
WorkloadName = Annotated[str, Path(pattern=NAME_PATTERN, description="The workload's name.")]


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _grant(request: Request) -> TokenGrant:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("expected an Authorization: Bearer <token> header (mllens token create)")
    grant = token_grant(store_of(request), digest=token_digest(token.strip()))
    if grant is None:
        raise unauthorized("the bearer token is unknown or revoked")
    return grant


def reader(request: Request) -> TokenGrant:
    grant = _grant(request)
    if grant.scope != "read":
        raise ApiError(403, f"this token's scope is {grant.scope!r}; reading needs a token of scope 'read'")
    return grant


def uploader(request: Request) -> TokenGrant:
    grant = _grant(request)
    if grant.scope != "upload":
        raise ApiError(403, f"this token's scope is {grant.scope!r}; uploading needs a token of scope 'upload'")
    return grant


def _visible_team(store: Store, grant: TokenGrant, name: str) -> str | None:
    try:
        _info, team = team_of(store, workload=name)
    except NotFoundError:
        raise ApiError(404, f"no workload named {name!r}", field="path.name") from None
    if not can_see(grant.user, team):
        raise ApiError(403, f"user {grant.user.name!r} is not in the team of workload {name!r}")
    return team


class MilestoneLine(BaseModel):
    name: str
    created_at: str
    lens_version: str
    risk_counts: RiskCounts


class ScanStored(BaseModel):
    workload: str
    team: str | None
    review_id: int
    risk_counts: RiskCounts
    # Practices changed in mllens.yaml and in the app since the last sync: the app kept its answer.
    conflicts: list[ConflictLine] = []


@router.get("/workloads", response_model=list[WorkloadLine])
def workloads(
    request: Request,
    response: Response,
    grant: Annotated[TokenGrant, Depends(reader)],
    team: Annotated[str, Query(max_length=100)] = "",
    environment: Annotated[str, Query(max_length=100)] = "",
    pillar: Annotated[str, Query(max_length=64)] = "",
    phase: Annotated[str, Query(max_length=64)] = "",
    risk: Annotated[str, Query(max_length=20)] = "",
    limit: Annotated[int, Query(ge=1, le=1000, description="How many workloads at most (a page).")] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000, description="How many to skip (by name).")] = 0,
) -> list[WorkloadLine]:
    """The workloads the token's user may see, by name: name, team, owner, environment, last
    scan, risk counts and how many of its HIGH and MEDIUM questions are accepted risks;
    filtered as the portfolio page is (risk HIGH or MEDIUM, within a pillar or phase), a page
    of `limit` from `offset`; the X-Total-Count header says how many passed the filters."""
    filters = Filters(team=team, environment=environment, pillar=pillar, phase=phase, risk=risk)
    rows = filtered_portfolio(store_of(request), user=grant.user, filters=filters)
    response.headers["X-Total-Count"] = str(len(rows))
    return [row.line for row in rows[offset:offset + limit]]


@router.get("/workloads/{name}/trend", response_model=list[TrendPoint])
def trend(request: Request, name: WorkloadName, grant: Annotated[TokenGrant, Depends(reader)]) -> list[TrendPoint]:
    """HIGH and MEDIUM counts of each milestone, oldest first, then of the review now."""
    store = store_of(request)
    _visible_team(store, grant, name)
    found = current_review(store, workload=name)
    return workload_trend(store, workload=name, now=found.summary.risk_counts if found else None)


@router.get("/workloads/{name}/review")
def review(request: Request, name: WorkloadName, grant: Annotated[TokenGrant, Depends(reader)]) -> dict[str, Any]:
    """The workload's latest review with the answers given in the app (over the uploaded
    mllens.yaml answers), in the form of `mllens scan --format json`."""
    store = store_of(request)
    _visible_team(store, grant, name)
    found = current_review(store, workload=name)
    if found is None:
        raise ApiError(404, f"workload {name!r} has no review yet")
    return review_to_data(found)


@router.get("/workloads/{name}/milestones", response_model=list[MilestoneLine])
def milestones(
    request: Request, name: WorkloadName, grant: Annotated[TokenGrant, Depends(reader)]
) -> list[MilestoneLine]:
    """The workload's milestones, oldest first, with their risk counts."""
    store = store_of(request)
    _visible_team(store, grant, name)
    return [
        MilestoneLine(
            name=m.name, created_at=m.created_at.isoformat(), lens_version=m.lens_version, risk_counts=m.risk_counts
        )
        for m in list_milestones(store, workload=name)
    ]


@router.get("/workloads/{name}/answers", response_model=dict[str, AnswerInfo])
def answers(
    request: Request, name: WorkloadName, grant: Annotated[TokenGrant, Depends(reader)]
) -> dict[str, AnswerInfo]:
    """The answers given in the web app, by practice id (status, notes, who, when)."""
    store = store_of(request)
    _visible_team(store, grant, name)
    return answers_of(store, workload=name)


@router.get("/workloads/{name}/audit", response_model=list[AuditEntry])
def audit(request: Request, name: WorkloadName, grant: Annotated[TokenGrant, Depends(reader)]) -> list[AuditEntry]:
    """Who changed which answer of the workload, from what to what, and when; newest first."""
    store = store_of(request)
    _visible_team(store, grant, name)
    return audit_log(store, workload=name)


async def _json_body(request: Request) -> Any:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_SCAN_BYTES:
        raise ApiError(413, f"expected a body of at most {MAX_SCAN_BYTES} bytes, got {declared}", field="body")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_SCAN_BYTES:
            raise ApiError(413, f"expected a body of at most {MAX_SCAN_BYTES} bytes, got more", field="body")
        chunks.append(chunk)
    try:
        return json.loads(b"".join(chunks))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(422, f"expected the JSON of `mllens scan --format json`, got invalid JSON ({exc})",
                       field="body") from None


def _store_scan(store: Store, grant: TokenGrant, name: str, data: Any, team: str | None,
                commit: str | None = None) -> ScanStored:
    if grant.user.role not in WRITERS and not any(r in WRITERS for r in grant.user.team_roles.values()):
        raise ApiError(403, f"user {grant.user.name!r} is a {grant.user.role}; uploading needs an editor or admin")
    try:
        current, new = _visible_team(store, grant, name), False
        if not can_write(grant.user, current):
            raise ApiError(403, f"user {grant.user.name!r} is a viewer in team {current!r}; uploading needs an editor")
    except ApiError as exc:
        if exc.status != 404:
            raise
        current, new = team_for_new_workload(grant.user, team), True
        if current is None and grant.user.role != "admin":
            mine = ", ".join(grant.user.teams) or "none"
            raise ApiError(
                403 if team is not None else 422,
                f"a new workload goes into one of the user's teams ({mine}): give ?team=NAME, got {team!r}",
                field="query.team",
            ) from None
        if current is not None and not can_write(grant.user, current):
            raise ApiError(403, f"user {grant.user.name!r} is a viewer in team {current!r}; uploading needs an editor",
                           field="query.team") from None
    lens_part = data.get("lens") if isinstance(data, dict) else None
    lens_id = lens_part.get("id", "ml") if isinstance(lens_part, dict) else "ml"
    try:
        lens = load_shipped_lens(str(lens_id))
    except (InputError, FileNotFoundError):
        raise ApiError(422, f"expected the id of a shipped lens, got {lens_id!r}", field="body.lens.id") from None
    try:
        parsed = review_from_data(data, lens=lens, file="body")
    except InputError as exc:
        raise ApiError(422, str(exc), field=exc.field or "body") from None
    with store.transaction() as tx:
        previous = None if new else locked_latest_review(tx, workload=name)
        info = save_review(tx, review=parsed, workload=name, git_commit=commit.lower() if commit else None)
        if new and current is not None:
            set_workload_team(tx, workload=name, team=current)
        conflicts = sync_upload(tx, user=grant.user, workload=name, file=file_answers(data, parsed, lens=lens),
                                previous=previous, lens=lens, new=new)
    refresh_summary(store, workload=name)
    return ScanStored(workload=name, team=current, review_id=info.id, risk_counts=info.risk_counts,
                      conflicts=conflicts)


@router.post("/workloads/{name}/scans", status_code=201, response_model=ScanStored)
async def upload_scan(
    request: Request,
    name: WorkloadName,
    grant: Annotated[TokenGrant, Depends(uploader)],
    team: Annotated[str | None, Query(pattern=NAME_PATTERN, description="Team of a new workload.")] = None,
    commit: Annotated[str | None, Query(pattern=r"^[0-9a-fA-F]{7,64}$",
                                        description="The commit the scan read (evidence links point at it).")] = None,
) -> ScanStored:
    """Store a scan (the JSON of `mllens scan --format json`, answers inside) as the
    workload's latest review; a new workload is created in `team` (or the user's only team)."""
    data = await _json_body(request)
    return await run_in_threadpool(_store_scan, store_of(request), grant, name, data, team, commit)
