"""`mllens serve --demo`: a store filled with the bundled example project, ready to look at.

The example (examples/fraud-detection of the source tree) is scanned in process and stored
as `mllens scan --upload` stores it (mllens.yaml's answers included, so the app and the
file start in sync), with two milestones so the trend and compare pages have something
to show: the scan alone, two weeks back, then the review with the team's answers. A
first admin gets a random password, which the caller prints once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

import mllens
from mllens.answers.model import AnswersFile
from mllens.errors import InputError
from mllens.review.evaluate import evaluate
from mllens.review.serialise import answers_data, review_to_data
from mllens.store import Store, save_milestone, save_review
from mllens.store.access import add_user, list_users, set_workload_team
from mllens.store.common import now
from mllens.store.repo import list_workloads
from mllens.web.security import hash_password
from mllens.web.sync import file_answers, sync_upload

DEMO_TEAM = "demo"
DEMO_ADMIN = "admin"
FIRST_MILESTONE = "first-scan"
ANSWERED_MILESTONE = "answered"


@dataclass(frozen=True)
class Demo:
    workload: str
    user: str
    password: str


def example_project() -> Path | None:
    """examples/fraud-detection beside the package's source (a checkout or an editable
    install); None when absent: a wheel ships no examples."""
    root = Path(mllens.__file__).resolve().parents[2]
    folder = root / "examples" / "fraud-detection"
    return folder if (folder / "mllens.yaml").is_file() else None


def check_empty(store: Store) -> None:
    """--demo fills a new store: one holding users or workloads is refused, never mixed in."""
    users, workloads = len(list_users(store)), len(list_workloads(store))
    if users or workloads:
        raise InputError(
            f"{store.where}: --demo fills an empty store, but this one holds {users} user(s) and "
            f"{workloads} workload(s); leave out --db (a new store in a temporary folder) or give an empty one",
            field="--db",
        )


def build_demo(store: Store, *, project: Path) -> Demo:
    """Scan `project` into the empty `store` (see module docstring) with an admin user."""
    from mllens.workflow import read_project_answers, review_project

    if not project.is_dir():
        raise InputError(f"--demo-project: expected a project folder, got {str(project)!r}", field="--demo-project")
    check_empty(store)
    review, result = review_project(project, use_cache=False)  # no cache written into the example
    given, lens = read_project_answers(project)
    scan_only = evaluate(lens, result.evidence, AnswersFile(workload=given.workload, lens=lens.id))
    data = review_to_data(review, scan=result)
    data["answers"] = answers_data(given.answers, given.questions)
    password = secrets.token_urlsafe(12)
    name = review.workload.name
    when = now()
    with store.transaction() as tx:
        admin = add_user(tx, name=DEMO_ADMIN, role="admin", password_hash=hash_password(password), teams=(DEMO_TEAM,))
        save_milestone(tx, name=FIRST_MILESTONE, review=scan_only, workload=name,
                       created_at=when - dt.timedelta(days=14))
        save_review(tx, review=review, workload=name, created_at=when - dt.timedelta(minutes=1))
        set_workload_team(tx, workload=name, team=DEMO_TEAM)
        sync_upload(tx, user=admin, workload=name, file=file_answers(data, review, lens=lens),
                    previous=None, lens=lens, new=True)
        save_milestone(tx, name=ANSWERED_MILESTONE, review=review, workload=name, created_at=when)
    return Demo(workload=name, user=DEMO_ADMIN, password=password)
