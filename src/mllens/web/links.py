"""Links from evidence to the repository: `file:line` becomes a URL of the file at that
line when an admin has set the workload's repository URL (GitHub, GitLab, Bitbucket
and hosts that follow GitHub's layout).

Links point at the default branch (HEAD): the stored review does not say which commit
was scanned, so a line may have moved since; the text beside the link keeps file:line.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit


def source_link(repository_url: str | None, file: str, line: int | None) -> str | None:
    """The URL of `file` (at `line`) in the repository, or None when there is no URL or
    the file is not a path inside the repository (a live resource's ARN, an absolute path)."""
    if not repository_url or not file or file.startswith(("/", "\\")) or ":" in file:
        return None
    parts = file.replace("\\", "/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    base = repository_url.rstrip("/")
    if base.endswith(".git"):
        base = base[:-4]
    host = urlsplit(base).hostname or ""
    path = quote("/".join(parts), safe="/")
    if "bitbucket" in host:
        return f"{base}/src/HEAD/{path}" + (f"#lines-{line}" if line else "")
    middle = "/-/blob/HEAD/" if "gitlab" in host else "/blob/HEAD/"
    return f"{base}{middle}{path}" + (f"#L{line}" if line else "")
