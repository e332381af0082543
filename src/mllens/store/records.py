"""What the repository functions return: plain, frozen records, never live ORM rows.

Rows stay inside their transaction; callers (CLI, web app) get values they can keep,
print or serialise after the transaction is closed.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from mllens.errors import InputError
from mllens.review.model import Review, RiskCounts


class StoreError(InputError):
    """The store cannot do what was asked (bad URL, unreachable, unknown or duplicate name).

    An InputError, so the CLI prints it on one line and exits 2."""


class NotFoundError(StoreError):
    """A workload or milestone that is not in the store."""


class DuplicateError(StoreError):
    """A name that must be unique is taken (a milestone of the same workload)."""


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WorkloadInfo(_Record):
    id: int
    name: str
    owner: str | None
    environment: str | None
    description: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    repository_url: str | None = None


class ReviewInfo(_Record):
    """A stored review without its body."""

    id: int
    workload: str
    lens_id: str
    lens_version: str
    created_at: dt.datetime
    risk_counts: RiskCounts


class WorkloadSummary(_Record):
    """One line of the portfolio: a workload and the counts of its latest review, if any."""

    workload: WorkloadInfo
    latest: ReviewInfo | None


class MilestoneInfo(_Record):
    """A milestone without its snapshot body (what `list_milestones` returns)."""

    id: int
    workload: str
    name: str
    created_at: dt.datetime
    lens_id: str
    lens_version: str
    risk_counts: RiskCounts


class Milestone(MilestoneInfo):
    """A milestone with its immutable Review snapshot."""

    review: Review


class UserInfo(_Record):
    """A user of the web app, with the teams it belongs to (never its password hash)."""

    id: int
    name: str
    role: str
    teams: tuple[str, ...]
    created_at: dt.datetime
    team_roles: dict[str, str] = {}  # team -> the user's role there (its own role unless set per team)
    disabled: bool = False


class TokenInfo(_Record):
    """An API token without its secret (only the digest is stored)."""

    id: int
    user: str
    name: str
    scope: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class TokenGrant(_Record):
    """What a valid, unrevoked token lets its bearer do: act as `user`, within `scope`."""

    token_id: int
    scope: str
    user: UserInfo


class AuditEntry(_Record):
    """One change of an answer, as the audit log shows it."""

    at: dt.datetime
    user: str
    workload: str
    practice: str
    field: str
    old_value: str | None
    new_value: str | None
    item: str | None = None  # the plan item of a backlog change


class SessionInfo(_Record):
    """A live web session: whose, and the CSRF token its forms must carry."""

    user: UserInfo
    csrf: str
    expires_at: dt.datetime


class AnswerInfo(_Record):
    """The web app's answer to one practice of a workload."""

    practice: str
    status: str | None
    notes: str | None
    checks: dict[str, str] = {}  # check id -> met | not_met | not_applicable | unknown
    updated_by: str
    updated_at: dt.datetime
    reason: str | None = None  # why not applicable (with status not_applicable)


class PlanItemState(_Record):
    """What a team set on one plan item: owner, due date, status, who set it and when."""

    item: str
    owner: str | None
    due: dt.date | None
    status: str
    updated_by: str
    updated_at: dt.datetime


class AdminEntry(_Record):
    """One change an admin made to a user, team or workload."""

    at: dt.datetime
    user: str
    subject: str
    name: str
    field: str
    old_value: str | None
    new_value: str | None
