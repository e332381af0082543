"""Who may do what: one place for the rules the API and the pages both apply.

A user sees the workloads of its teams; an admin sees every workload. Viewers read;
editors and admins also answer reviews and upload scans. A workload in no team is seen
by admins only, until an admin or an upload gives it a team.
"""

from __future__ import annotations

from mllens.store.records import UserInfo

WRITERS = ("admin", "editor")


def can_see(user: UserInfo, team: str | None) -> bool:
    return user.role == "admin" or (team is not None and team in user.teams)


def can_write(user: UserInfo, team: str | None) -> bool:
    return user.role in WRITERS and can_see(user, team)


def team_for_new_workload(user: UserInfo, wanted: str | None) -> str | None:
    """The team a workload first uploaded by `user` goes into: the one asked for (which
    must be the user's, unless an admin asks), else the user's only team; None when that
    cannot be decided (the caller refuses, naming the `team` parameter)."""
    if wanted is not None:
        return wanted if (user.role == "admin" or wanted in user.teams) else None
    if len(user.teams) == 1:
        return user.teams[0]
    return None
