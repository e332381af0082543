"""Users, teams, API tokens and the audit log: who may see and change which workload.

Functions take `db` as in mllens.store.repo (a Store, or a Tx to join). Passwords and
tokens arrive already hashed: the store never sees a secret.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from mllens.store.common import Db, joined, now, require_workload
from mllens.store.db import Tx
from mllens.store.models import (
    ROLES,
    SCOPES,
    ApiTokenRow,
    AuditRow,
    TeamMemberRow,
    TeamRow,
    UserRow,
    WorkloadRow,
    WorkloadTeamRow,
)
from mllens.store.records import (
    AuditEntry,
    DuplicateError,
    NotFoundError,
    StoreError,
    TokenGrant,
    TokenInfo,
    UserInfo,
)

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}")


def check_name(name: str, *, what: str) -> str:
    """A user, team or token name: 1 to 100 letters, digits or . _ @ + - (no spaces)."""
    if not _NAME.fullmatch(name):
        raise StoreError(
            f"{what} name: expected 1 to 100 letters, digits or . _ @ + - starting with a letter "
            f"or digit, got {name!r}"
        )
    return name


def _one_of(value: str, allowed: tuple[str, ...], *, what: str) -> str:
    if value not in allowed:
        raise StoreError(f"{what}: expected one of {', '.join(allowed)}, got {value!r}")
    return value


def _teams_of(session: Session, user_id: int) -> list[tuple[str, str | None]]:
    """The user's teams by name, each with the role it has there (None: its own role)."""
    stmt = (
        select(TeamRow.name, TeamMemberRow.role)
        .join(TeamMemberRow, TeamMemberRow.team_id == TeamRow.id)
        .where(TeamMemberRow.user_id == user_id)
        .order_by(TeamRow.name)
    )
    return [(name, role) for name, role in session.execute(stmt)]


def user_info(session: Session, row: UserRow) -> UserInfo:
    teams = _teams_of(session, row.id)
    return UserInfo(
        id=row.id, name=row.name, role=row.role, teams=tuple(name for name, _ in teams), created_at=row.created_at,
        team_roles={name: role or row.role for name, role in teams}, disabled=row.disabled_at is not None,
    )


def _find_user(session: Session, name: str) -> UserRow | None:
    return session.scalars(select(UserRow).where(UserRow.name == name)).one_or_none()


def _require_user(tx: Tx, name: str) -> UserRow:
    row = _find_user(tx.session, name)
    if row is None:
        raise NotFoundError(f"{tx.where}: no user named {name!r}")
    return row


def _team(session: Session, name: str) -> TeamRow:
    """The team of that name, created if it is new."""
    row = session.scalars(select(TeamRow).where(TeamRow.name == name)).one_or_none()
    if row is None:
        row = TeamRow(name=check_name(name, what="team"), created_at=now())
        session.add(row)
        session.flush()
    return row


def add_user(
    db: Db, *, name: str, role: str, password_hash: str | None, teams: tuple[str, ...] = ()
) -> UserInfo:
    """A new user, member of `teams` (created when new); DuplicateError if the name is taken."""
    check_name(name, what="user")
    _one_of(role, ROLES, what="role")
    with joined(db, write=True) as tx:
        if _find_user(tx.session, name) is not None:
            raise DuplicateError(f"{tx.where}: a user named {name!r} already exists")
        row = UserRow(name=name, role=role, password_hash=password_hash, created_at=now())
        tx.session.add(row)
        tx.session.flush()
        for team in dict.fromkeys(teams):
            tx.session.add(TeamMemberRow(team_id=_team(tx.session, team).id, user_id=row.id))
        tx.session.flush()
        return user_info(tx.session, row)


def get_user(db: Db, *, name: str) -> UserInfo:
    with joined(db, write=False) as tx:
        return user_info(tx.session, _require_user(tx, name))


def password_hash_of(db: Db, *, name: str) -> tuple[UserInfo, str] | None:
    """The user and its password hash, for logging in; None for an unknown name or a
    user without a password."""
    with joined(db, write=False) as tx:
        row = _find_user(tx.session, name)
        if row is None or not row.password_hash or row.disabled_at is not None:
            return None
        return user_info(tx.session, row), row.password_hash


def list_users(db: Db) -> list[UserInfo]:
    with joined(db, write=False) as tx:
        rows = tx.session.scalars(select(UserRow).order_by(UserRow.name))
        return [user_info(tx.session, row) for row in rows]


def set_workload_team(db: Db, *, workload: str, team: str) -> None:
    """Put the workload in `team` (created when new), out of any team it was in."""
    with joined(db, write=True) as tx:
        owner = require_workload(tx, workload)
        team_id = _team(tx.session, team).id
        row = tx.session.get(WorkloadTeamRow, owner.id)
        if row is None:
            tx.session.add(WorkloadTeamRow(workload_id=owner.id, team_id=team_id))
        else:
            row.team_id = team_id
        tx.session.flush()


def workload_teams(db: Db) -> dict[str, str]:
    """Workload name -> team name, for every workload that has a team."""
    stmt = (
        select(WorkloadRow.name, TeamRow.name)
        .join(WorkloadTeamRow, WorkloadTeamRow.workload_id == WorkloadRow.id)
        .join(TeamRow, TeamRow.id == WorkloadTeamRow.team_id)
    )
    with joined(db, write=False) as tx:
        return {workload: team for workload, team in tx.session.execute(stmt)}


def team_of_workload(db: Db, *, workload: str) -> str | None:
    """The team of one workload (None: in no team, or no such workload)."""
    stmt = (
        select(TeamRow.name)
        .join(WorkloadTeamRow, WorkloadTeamRow.team_id == TeamRow.id)
        .join(WorkloadRow, WorkloadRow.id == WorkloadTeamRow.workload_id)
        .where(WorkloadRow.name == workload)
    )
    with joined(db, write=False) as tx:
        return tx.session.scalar(stmt)


def _token_info(row: ApiTokenRow, user: str) -> TokenInfo:
    return TokenInfo(
        id=row.id, user=user, name=row.name, scope=row.scope, created_at=row.created_at, revoked_at=row.revoked_at
    )


def add_token(db: Db, *, user: str, name: str, scope: str, digest: str) -> TokenInfo:
    """Keep a new token's digest for `user`; DuplicateError if the user has a token of that name."""
    check_name(name, what="token")
    _one_of(scope, SCOPES, what="scope")
    with joined(db, write=True) as tx:
        owner = _require_user(tx, user)
        taken = select(ApiTokenRow.id).where(ApiTokenRow.user_id == owner.id, ApiTokenRow.name == name)
        if tx.session.scalar(taken) is not None:
            raise DuplicateError(f"{tx.where}: user {user!r} already has a token named {name!r}")
        row = ApiTokenRow(user_id=owner.id, name=name, scope=scope, digest=digest, created_at=now())
        tx.session.add(row)
        tx.session.flush()
        return _token_info(row, user)


def revoke_token(db: Db, *, token_id: int) -> TokenInfo:
    """Revoke the token (revoking it again changes nothing); NotFoundError if there is none."""
    with joined(db, write=True) as tx:
        row = tx.session.get(ApiTokenRow, token_id)
        if row is None:
            raise NotFoundError(f"{tx.where}: no API token with id {token_id}")
        if row.revoked_at is None:
            row.revoked_at = now()
            tx.session.flush()
        user = tx.session.get(UserRow, row.user_id)
        return _token_info(row, user.name if user else "")


def list_tokens(db: Db) -> list[TokenInfo]:
    stmt = select(ApiTokenRow, UserRow.name).join(UserRow, UserRow.id == ApiTokenRow.user_id).order_by(ApiTokenRow.id)
    with joined(db, write=False) as tx:
        return [_token_info(row, user) for row, user in tx.session.execute(stmt)]


def token_grant(db: Db, *, digest: str) -> TokenGrant | None:
    """What the token with this digest may do, or None if there is no such live token."""
    with joined(db, write=False) as tx:
        row = tx.session.scalars(select(ApiTokenRow).where(ApiTokenRow.digest == digest)).one_or_none()
        if row is None or row.revoked_at is not None:
            return None
        user = tx.session.get(UserRow, row.user_id)
        assert user is not None  # the foreign key cascades
        if user.disabled_at is not None:
            return None
        return TokenGrant(token_id=row.id, scope=row.scope, user=user_info(tx.session, user))


def record_change(
    db: Db, *, user: UserInfo, workload: str, practice: str, field: str, old: str | None, new: str | None,
    item: str | None = None,
) -> None:
    """One row of the audit log (in the caller's transaction, with the change itself)."""
    with joined(db, write=True) as tx:
        owner = require_workload(tx, workload)
        tx.session.add(
            AuditRow(
                at=now(), user_id=user.id, user_name=user.name, workload_id=owner.id,
                practice=practice, field=field, old_value=old, new_value=new, item=item,
            )
        )
        tx.session.flush()


def audit_log(db: Db, *, workload: str) -> list[AuditEntry]:
    """The workload's changes, newest first."""
    with joined(db, write=False) as tx:
        owner = require_workload(tx, workload)
        rows = tx.session.scalars(
            select(AuditRow).where(AuditRow.workload_id == owner.id).order_by(AuditRow.at.desc(), AuditRow.id.desc())
        )
        return [
            AuditEntry(
                at=row.at, user=row.user_name, workload=workload, practice=row.practice,
                field=row.field, old_value=row.old_value, new_value=row.new_value, item=row.item,
            )
            for row in rows
        ]
