"""The store: workloads, their reviews and milestones, and the web app's users.

SQLite by default, PostgreSQL by URL; the schema is migrated on open. Read and write only
through the repository functions re-exported here.

    with open_store() as store:
        save_review(store, review=review)
        for line in list_workloads(store): ...
"""

from mllens.store.db import Store, Tx, default_db_path, open_store, resolve_url
from mllens.store.milestones import (
    check_milestone_name,
    get_milestone,
    list_milestones,
    save_milestone,
)
from mllens.store.records import (
    DuplicateError,
    Milestone,
    MilestoneInfo,
    NotFoundError,
    ReviewInfo,
    StoreError,
    WorkloadInfo,
    WorkloadSummary,
)
from mllens.store.repo import (
    get_workload,
    latest_review,
    list_workloads,
    save_review,
    upsert_workload,
)

__all__ = [
    "DuplicateError",
    "Milestone",
    "MilestoneInfo",
    "NotFoundError",
    "ReviewInfo",
    "Store",
    "StoreError",
    "Tx",
    "WorkloadInfo",
    "WorkloadSummary",
    "check_milestone_name",
    "default_db_path",
    "get_milestone",
    "get_workload",
    "latest_review",
    "list_milestones",
    "list_workloads",
    "open_store",
    "resolve_url",
    "save_milestone",
    "save_review",
    "upsert_workload",
]
