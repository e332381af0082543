"""Who may do what: one place for the rules the API and the pages both apply.

A user sees the workloads of its teams; an admin sees every workload. Viewers read;
editors and admins also answer reviews and upload scans. A role may be set per team (an
editor in one team, a viewer in another): `role_in` gives the one that applies. A workload in no team is seen
by admins only, until an admin or an upload gives it a team.
"""

from __future__ import annotations

from mllens.store.records import UserInfo

WRITERS = ("admin", "editor")


def can_see(user: UserInfo, team: str | None) -> bool:
    return user.role == "admin" or (team is not None and team in user.teams)


def role_in(user: UserInfo, team: str | None) -> str | None:
    """The user's role for a workload of `team`: an admin's everywhere, else the role it
    has in that team (set per team, or its own); None when it is not in the team."""
    if user.role == "admin":
        return "admin"
    if team is None or team not in user.teams:
        return None
    return user.team_roles.get(team, user.role)


def can_write(user: UserInfo, team: str | None) -> bool:
    return role_in(user, team) in WRITERS


def is_admin(user: UserInfo) -> bool:
    return user.role == "admin"


def team_for_new_workload(user: UserInfo, wanted: str | None) -> str | None:
    """The team a workload first uploaded by `user` goes into: the one asked for (which
    must be the user's, unless an admin asks), else the user's only team; None when that
    cannot be decided (the caller refuses, naming the `team` parameter)."""
    if wanted is not None:
        return wanted if (user.role == "admin" or wanted in user.teams) else None
    if len(user.teams) == 1:
        return user.teams[0]
    return None
