"""Admin pages (admins only): users (add, role, disable), teams and who belongs with which
role there, and each workload's team, owner, environment and repository URL. Every change
is written to the admin log (store.admin), shown at the bottom of the page.

GET /admin; POST /admin/users, /admin/users/{name}, /admin/teams, /admin/workloads/{name}
(forms with the session's CSRF token); anyone else gets 403. The same data in JSON for an
admin's read token: GET /api/v1/admin/users, /api/v1/admin/teams, /api/v1/admin/log.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from mllens.errors import InputError
from mllens.store import list_workloads
from mllens.store.access import add_user, check_name, list_users, workload_teams
from mllens.store.admin import (
    admin_log,
    log_user_added,
    set_disabled,
    set_membership,
    set_role,
    set_workload_settings,
    team_members,
)
from mllens.store.models import ROLES, TEAM_ROLES
from mllens.store.records import (
    AdminEntry,
    DuplicateError,
    NotFoundError,
    SessionInfo,
    StoreError,
    TokenGrant,
    UserInfo,
)
from mllens.web.access import is_admin
from mllens.web.api import reader
from mllens.web.auth import check_csrf, store_of
from mllens.web.errors import ApiError
from mllens.web.pages import PageError, Session
from mllens.web.security import hash_password
from mllens.web.views import render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/admin", tags=["admin"])
Text = Annotated[str, Form(max_length=200)]
Csrf = Annotated[str, Form(max_length=100)]


def _admin(session: SessionInfo, csrf: str | None = None) -> None:
    if csrf is not None:
        check_csrf(session, csrf)
    if not is_admin(session.user):
        raise PageError(403, "Only admins manage users, teams and workloads.")


def _done(anchor: str) -> Response:
    return RedirectResponse(f"/admin#{anchor}", status_code=303)


def _refused(exc: InputError) -> PageError:
    status = 409 if isinstance(exc, DuplicateError) else 404 if isinstance(exc, NotFoundError) else 422
    return PageError(status, f"Not saved: {exc}")


@router.get("/admin")
def admin_page(request: Request, session: Session) -> Response:
    _admin(session)
    store = store_of(request)
    return render(request, "admin.html.j2", {
        "user": session.user, "csrf": session.csrf, "users": list_users(store), "teams": team_members(store),
        "workloads": [line.workload for line in list_workloads(store)], "workload_teams": workload_teams(store),
        "log": admin_log(store), "roles": ROLES, "team_roles": TEAM_ROLES,
    })


@router.post("/admin/users")
def add_user_form(
    request: Request, session: Session, name: Text = "", role: Text = "viewer", team: Text = "",
    password: Annotated[str, Form(max_length=1000)] = "", csrf: Csrf = "",
) -> Response:
    _admin(session, csrf)
    store = store_of(request)
    try:
        hashed = hash_password(password)
        with store.transaction() as tx:
            added = add_user(tx, name=name.strip(), role=role, password_hash=hashed,
                             teams=(check_name(team.strip(), what="team"),) if team.strip() else ())
            log_user_added(tx, by=session.user, added=added)
    except InputError as exc:
        raise _refused(exc) from None
    return _done("users")


@router.post("/admin/users/{name}")
def change_user(
    request: Request, name: str, session: Session, action: Text = "", role: Text = "", csrf: Csrf = "",
) -> Response:
    _admin(session, csrf)
    store = store_of(request)
    try:
        if action == "role":
            set_role(store, by=session.user, name=name, role=role)
        elif action in ("disable", "enable"):
            set_disabled(store, by=session.user, name=name, disabled=action == "disable")
        else:
            raise StoreError(f"action: expected role, disable or enable, got {action!r}")
    except InputError as exc:
        raise _refused(exc) from None
    return _done("users")


@router.post("/admin/teams")
def change_team(
    request: Request, session: Session, team: Text = "", member: Text = "", role: Text = "", csrf: Csrf = "",
) -> Response:
    """Add `member` to `team` with `role` (editor or viewer), or take it out (role "remove")."""
    _admin(session, csrf)
    try:
        check_name(team.strip(), what="team")
        set_membership(store_of(request), by=session.user, user=member.strip(), team=team.strip(),
                       role=None if role == "remove" else role)
    except InputError as exc:
        raise _refused(exc) from None
    return _done("teams")


@router.post("/admin/workloads/{name}")
def change_workload(
    request: Request, name: str, session: Session, team: Text = "", owner: Text = "", environment: Text = "",
    repository_url: Annotated[str, Form(max_length=500)] = "", csrf: Csrf = "",
) -> Response:
    _admin(session, csrf)
    try:
        set_workload_settings(
            store_of(request), by=session.user, workload=name,
            team=check_name(team.strip(), what="team") if team.strip() else None,
            owner=owner.strip() or None, environment=environment.strip() or None,
            repository_url=repository_url.strip() or None,
        )
    except InputError as exc:
        raise _refused(exc) from None
    return _done("workloads")


def admin_reader(grant: Annotated[TokenGrant, Depends(reader)]) -> TokenGrant:
    if not is_admin(grant.user):
        raise ApiError(403, f"user {grant.user.name!r} is a {grant.user.role}; this needs an admin's token")
    return grant


AdminGrant = Annotated[TokenGrant, Depends(admin_reader)]


@api.get("/users", response_model=list[UserInfo])
def users_api(request: Request, _grant: AdminGrant) -> list[UserInfo]:
    """Every user: role, teams and the role in each, disabled or not."""
    return list_users(store_of(request))


@api.get("/teams", response_model=dict[str, list[tuple[str, str]]])
def teams_api(request: Request, _grant: AdminGrant) -> dict[str, list[tuple[str, str]]]:
    """Every team with its members and their role in it."""
    return team_members(store_of(request))


@api.get("/log", response_model=list[AdminEntry])
def log_api(request: Request, _grant: AdminGrant) -> list[AdminEntry]:
    """The latest changes admins made (users, teams, workloads), newest first."""
    return admin_log(store_of(request))
