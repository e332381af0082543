"""The git a fleet scan needs, through the git command's plumbing: the commit a folder's
HEAD names, and shallow clones of remote repositories kept in a cache folder (fetched,
not cloned again, on the next run). Nothing here checks out over a user's work tree: only
the clones in the cache folder are written."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from mllens.errors import MllensError
from mllens.fleet.sources import base_name

TIMEOUT_S = 900  # one clone or fetch; a hung server must not hold a worker forever


class GitError(MllensError):
    """A git command failed: the message says which, on what, and git's own last line."""


def _env(ceiling: Path | None = None) -> dict[str, str]:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C")  # never wait for a password
    if ceiling is not None:
        env["GIT_CEILING_DIRECTORIES"] = str(ceiling)  # the folder itself, not a parent's repository
    return env


def _git(args: list[str], *, cwd: Path | None = None, ceiling: Path | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, env=_env(ceiling), capture_output=True, text=True, timeout=TIMEOUT_S,
            check=False, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    except FileNotFoundError:
        raise GitError("git: not found (expected the git command on PATH)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]}: no answer after {TIMEOUT_S} s") from None


def _last_line(text: str) -> str:
    """git's own reason: its first `fatal:` or `error:` line (the advice after it is generic)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    reasons = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (reasons or lines or ["no message"])[0]


def head_commit(folder: Path) -> str | None:
    """The commit HEAD of the repository at `folder` names; None when `folder` is not the
    top of a git repository (or has no commit yet), or git is not installed."""
    try:
        done = _git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], cwd=folder, ceiling=folder.parent)
        top = _git(["rev-parse", "--show-toplevel"], cwd=folder, ceiling=folder.parent)
    except GitError:
        return None
    if done.returncode != 0 or top.returncode != 0:
        return None
    if Path(top.stdout.strip()).resolve() != folder.resolve():
        return None  # a folder inside a repository: not a repository of its own
    return done.stdout.strip() or None


def remote_head(url: str) -> str | None:
    """The commit `url`'s HEAD names, asked of the server without fetching anything
    (`git ls-remote`); None when it cannot be told (the clone that follows says why)."""
    try:
        done = _git(["ls-remote", "--", url, "HEAD"])
    except GitError:
        return None
    first = done.stdout.split()
    return first[0] if done.returncode == 0 and first else None


def clone_folder(cache: Path, url: str) -> Path:
    """Where `url` is kept in the cache folder: its name and a digest of the whole URL."""
    digest = hashlib.blake2b(url.encode("utf-8"), digest_size=5).hexdigest()
    return cache / f"{base_name(url)}-{digest}"


def checkout_remote(url: str, dest: Path) -> Path:
    """`dest` holding the newest commit of `url`'s default branch: fetched (depth 1) when
    `dest` is a clone from an earlier run, else cloned shallow. GitError naming the URL."""
    if (dest / ".git").is_dir():
        fetched = _git(["fetch", "--quiet", "--depth", "1", "origin", "HEAD"], cwd=dest)
        if fetched.returncode != 0:
            raise GitError(f"{url}: git fetch failed: {_last_line(fetched.stderr)}")
        for args in (["checkout", "--quiet", "--force", "--detach", "FETCH_HEAD"], ["clean", "-q", "-ffdx"]):
            done = _git(args, cwd=dest)
            if done.returncode != 0:
                raise GitError(f"{url}: git {args[0]} in {dest} failed: {_last_line(done.stderr)}")
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")  # a clone cut short is never taken for a clone
    shutil.rmtree(partial, ignore_errors=True)
    cloned = _git(["clone", "--quiet", "--depth", "1", "--no-tags", "--", url, str(partial)])
    if cloned.returncode != 0:
        shutil.rmtree(partial, ignore_errors=True)
        raise GitError(f"{url}: git clone failed: {_last_line(cloned.stderr)}")
    shutil.rmtree(dest, ignore_errors=True)
    partial.rename(dest)
    return dest
