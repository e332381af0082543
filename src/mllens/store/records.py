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
