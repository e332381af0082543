"""What admins change: users (role, disabled), teams and who belongs with which role,
and a workload's settings (team, owner, environment, repository URL). Every change is
written to the admin log in the same transaction; a workload's changes also go to its
own audit log, so the review page shows them.

Functions take `db` as in mllens.store.repo and `by`, the admin who acts.
"""

from __future__ import annotations

import re

from sqlalchemy import delete, select

from mllens.store.access import _require_user, _team, record_change, user_info
from mllens.store.common import Db, joined, now, require_workload, workload_info
from mllens.store.db import Tx
from mllens.store.models import ROLES, TEAM_ROLES, AdminLogRow, TeamMemberRow, TeamRow, UserRow, WorkloadTeamRow
from mllens.store.records import AdminEntry, NotFoundError, StoreError, UserInfo, WorkloadInfo

_URL = re.compile(r"https?://[^\s<>\"']{1,490}")
_WORKLOAD_FIELDS = ("owner", "environment", "repository_url")


def _log(tx: Tx, *, by: UserInfo, subject: str, name: str, field: str, old: str | None, new: str | None) -> None:
    if old != new:
        tx.session.add(AdminLogRow(at=now(), user_id=by.id, user_name=by.name, subject=subject, name=name,
                                   field=field, old_value=old, new_value=new))


def _choice(value: str, allowed: tuple[str, ...], *, what: str) -> str:
    if value not in allowed:
        raise StoreError(f"{what}: expected one of {', '.join(allowed)}, got {value!r}")
    return value


def set_role(db: Db, *, by: UserInfo, name: str, role: str) -> UserInfo:
    _choice(role, ROLES, what="role")
    with joined(db, write=True) as tx:
        row = _require_user(tx, name)
        _log(tx, by=by, subject="user", name=name, field="role", old=row.role, new=role)
        row.role = role
        tx.session.flush()
        return user_info(tx.session, row)


def set_disabled(db: Db, *, by: UserInfo, name: str, disabled: bool) -> UserInfo:
    """Disable the user (no login; its sessions and tokens stop working) or enable it again."""
    if disabled and name == by.name:
        raise StoreError(f"user {name!r}: an admin cannot disable itself")
    with joined(db, write=True) as tx:
        row = _require_user(tx, name)
        was = row.disabled_at is not None
        _log(tx, by=by, subject="user", name=name, field="disabled", old=str(was).lower(), new=str(disabled).lower())
        if was != disabled:
            row.disabled_at = now() if disabled else None
        tx.session.flush()
        return user_info(tx.session, row)


def set_membership(db: Db, *, by: UserInfo, user: str, team: str, role: str | None) -> UserInfo:
    """Make `user` a member of `team` (created when new) with `role` there (editor or
    viewer), or take it out of the team when `role` is None."""
    if role is not None:
        _choice(role, TEAM_ROLES, what="team role")
    with joined(db, write=True) as tx:
        row = _require_user(tx, user)
        team_row = _team(tx.session, team)
        member = tx.session.get(TeamMemberRow, (team_row.id, row.id))
        old = None if member is None else (member.role or row.role)
        if role is None and member is not None:
            tx.session.delete(member)
        elif role is not None and member is None:
            tx.session.add(TeamMemberRow(team_id=team_row.id, user_id=row.id, role=role))
        elif role is not None and member is not None:
            member.role = role
        _log(tx, by=by, subject="team", name=team, field=f"member {user}"[:32], old=old, new=role)
        tx.session.flush()
        return user_info(tx.session, row)


def team_members(db: Db) -> dict[str, list[tuple[str, str]]]:
    """Every team by name, with its members and their role there, by user name."""
    with joined(db, write=False) as tx:
        teams: dict[str, list[tuple[str, str]]] = {
            name: [] for name in tx.session.scalars(select(TeamRow.name).order_by(TeamRow.name))
        }
        stmt = (
            select(TeamRow.name, UserRow.name, TeamMemberRow.role, UserRow.role)
            .join(TeamMemberRow, TeamMemberRow.team_id == TeamRow.id)
            .join(UserRow, UserRow.id == TeamMemberRow.user_id)
            .order_by(TeamRow.name, UserRow.name)
        )
        for team, user, team_role, own in tx.session.execute(stmt):
            teams[team].append((user, team_role or own))
        return teams


def check_url(url: str) -> str:
    if not _URL.fullmatch(url):
        raise StoreError(f"repository_url: expected an http(s) URL of at most 500 characters, got {url[:80]!r}")
    return url


def set_workload_settings(
    db: Db, *, by: UserInfo, workload: str, team: str | None, owner: str | None, environment: str | None,
    repository_url: str | None,
) -> WorkloadInfo:
    """Set the workload's team (None: no team), owner, environment and repository URL."""
    if repository_url is not None:
        check_url(repository_url)
    for field, value, limit in (("owner", owner, 200), ("environment", environment, 100)):
        if value is not None and (len(value) > limit or not value.isprintable()):
            raise StoreError(f"{field}: expected at most {limit} printable characters, got {value[:40]!r}")
    with joined(db, write=True) as tx:
        row = require_workload(tx, workload)
        new = {"owner": owner, "environment": environment, "repository_url": repository_url}
        for field in _WORKLOAD_FIELDS:
            old = getattr(row, field)
            if old != new[field]:
                _log(tx, by=by, subject="workload", name=workload, field=field, old=old, new=new[field])
                record_change(tx, user=by, workload=workload, practice="workload", field=field, old=old,
                              new=new[field])
                setattr(row, field, new[field])
        link = tx.session.get(WorkloadTeamRow, row.id)
        team_row = tx.session.get(TeamRow, link.team_id) if link is not None else None
        old_team = team_row.name if team_row is not None else None
        if old_team != team:
            _log(tx, by=by, subject="workload", name=workload, field="team", old=old_team, new=team)
            record_change(tx, user=by, workload=workload, practice="workload", field="team", old=old_team, new=team)
            if team is None:
                tx.session.execute(delete(WorkloadTeamRow).where(WorkloadTeamRow.workload_id == row.id))
            elif link is None:
                tx.session.add(WorkloadTeamRow(workload_id=row.id, team_id=_team(tx.session, team).id))
            else:
                link.team_id = _team(tx.session, team).id
        row.updated_at = now()
        tx.session.flush()
        return workload_info(row)


def admin_log(db: Db, *, limit: int = 200) -> list[AdminEntry]:
    """The latest changes admins made, newest first."""
    with joined(db, write=False) as tx:
        rows = tx.session.scalars(select(AdminLogRow).order_by(AdminLogRow.at.desc(), AdminLogRow.id.desc())
                                  .limit(limit))
        return [AdminEntry(at=r.at, user=r.user_name, subject=r.subject, name=r.name, field=r.field,
                           old_value=r.old_value, new_value=r.new_value) for r in rows]


def log_user_added(db: Db, *, by: UserInfo, added: UserInfo) -> None:
    with joined(db, write=True) as tx:
        _log(tx, by=by, subject="user", name=added.name, field="added", old=None, new=added.role)


def require_team(db: Db, *, name: str) -> None:
    with joined(db, write=False) as tx:
        if tx.session.scalars(select(TeamRow.id).where(TeamRow.name == name)).one_or_none() is None:
            raise NotFoundError(f"{tx.where}: no team named {name!r}")
