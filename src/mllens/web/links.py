"""Links from evidence to the repository: `file:line` becomes a URL of the file at that
line when an admin has set the workload's repository URL (GitHub, GitLab, Bitbucket,
Azure DevOps, and hosts that follow GitHub's layout).

A link points at the commit the review's scan read when the store knows it (a fleet scan,
or an upload given `?commit=`), so the line is the line that was judged; else at the
default branch (HEAD), where a line may have moved since (the text beside the link keeps
file:line).
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import quote, urlsplit

from mllens.store import Store, get_workload
from mllens.store.scans import latest_commit

COMMIT = re.compile(r"[0-9a-fA-F]{7,64}")  # a SHA-1 or SHA-256 object name, maybe abbreviated


class SourceAt(NamedTuple):
    """A repository's web URL and the commit to link to (None: the default branch)."""

    url: str
    commit: str | None = None


Repository = SourceAt | str | None


def source_of(store: Store, *, workload: str) -> SourceAt | None:
    """Where the workload's evidence links point: its repository URL at its latest review's commit."""
    url = get_workload(store, name=workload).repository_url
    return SourceAt(url, latest_commit(store, workload=workload)) if url else None


def _azure(base: str, path: str, ref: str | None, line: int | None) -> str:
    # Azure Repos name a file by query: ?path=/a/b.py&version=GC<commit> (GB<branch>; none: the default).
    link = f"{base}?path=/{path}"
    if ref:
        link += f"&version=GC{ref}"
    if line:
        link += f"&line={line}&lineEnd={line}&lineStartColumn=1&lineEndColumn=1"
    return link


def source_link(repository: Repository, file: str, line: int | None) -> str | None:
    """The URL of `file` (at `line`) in the repository, or None when there is no URL or
    the file is not a path inside the repository (a live resource's ARN, an absolute path)."""
    at = SourceAt(repository) if isinstance(repository, str) else repository
    if not at or not at.url or not file or file.startswith(("/", "\\")) or ":" in file:
        return None
    parts = file.replace("\\", "/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    base = at.url.rstrip("/")
    if base.endswith(".git"):
        base = base[:-4]
    commit = at.commit if at.commit and COMMIT.fullmatch(at.commit) else None
    host = urlsplit(base).hostname or ""
    path = quote("/".join(parts), safe="/")
    if host == "dev.azure.com" or host.endswith(".visualstudio.com") or "/_git/" in base:
        return _azure(base, path, commit, line)
    ref = commit or "HEAD"
    if "bitbucket" in host:
        return f"{base}/src/{ref}/{path}" + (f"#lines-{line}" if line else "")
    middle = f"/-/blob/{ref}/" if "gitlab" in host else f"/blob/{ref}/"
    return f"{base}{middle}{path}" + (f"#L{line}" if line else "")
