"""What `mllens fleet scan` scans: local folders, git URLs, and text files listing them.

Each source gets a name (the folder's name, or the last part of the URL without `.git`),
which names its workload in the store and its `DIR/<name>.json`; a name already taken by
an earlier source gets a suffix (`-2`, `-3`, ...), so the same list names the same
repositories the same way on every run. A source that cannot be scanned (a path that does
not exist, a file inside a list) stays in the list with its problem: it is recorded as
failed, and the others go on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mllens.errors import InputError

SourceKind = Literal["folder", "git", "invalid"]

# scheme://... (https, ssh, git, file) or scp-like user@host:path
_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|[\w.-]+@[\w.-]+:)")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_MAX_NAME = 100  # a workload name (mllens.web.api.NAME_PATTERN)
RESERVED = frozenset({"fleet"})  # DIR/fleet.json is the run's summary, not a repository's report


@dataclass(frozen=True)
class Source:
    """One repository to scan. `text`: as the user wrote it; `location`: the absolute
    folder or the URL; `problem`: why it cannot be scanned (kind "invalid")."""

    text: str
    kind: SourceKind
    location: str
    name: str = ""
    problem: str | None = None


def is_git_url(text: str) -> bool:
    return bool(_URL.match(text))


def base_name(location: str) -> str:
    """A workload name from a folder or URL: its last part, `.git` dropped, characters a
    workload name cannot hold replaced by `-`."""
    parts = [part for part in re.split(r"[/:\\]", location) if part]
    if len(parts) > 1 and parts[-1] == ".git":  # a repository's .git folder: the folder holding it
        parts.pop()
    last = parts[-1] if parts else ""
    if last.endswith(".git"):
        last = last[: -len(".git")]
    clean = _UNSAFE.sub("-", last).strip("-._")
    return clean[:_MAX_NAME] or "repository"


def _one(text: str, *, base: Path, listed_in: Path | None) -> Source:
    if is_git_url(text):
        return Source(text=text, kind="git", location=text)
    path = (base / text).resolve() if not Path(text).is_absolute() else Path(text).resolve()
    if path.is_dir():
        return Source(text=text, kind="folder", location=str(path))
    where = f" (listed in {listed_in})" if listed_in is not None else ""
    if path.exists():
        problem = f"{text}: is a file, expected a project folder or a git URL{where}"
    else:
        problem = f"{text}: does not exist, expected a project folder or a git URL{where}"
    return Source(text=text, kind="invalid", location=str(path), problem=problem)


def read_list(path: Path) -> list[Source]:
    """The sources a list file names, one a line; blank lines and `#` comments skipped.
    Relative paths are read from the list file's folder."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("expected a text file listing one folder or git URL a line, got non-UTF-8 bytes",
                         file=str(path)) from None  # fmt: skip
    except OSError as exc:
        raise InputError(f"cannot read the list ({exc.strerror or type(exc).__name__})", file=str(path)) from None
    lines = (line.strip() for line in text.splitlines())
    return [_one(line, base=path.parent, listed_in=path) for line in lines if line and not line.startswith("#")]


def expand(args: Sequence[str], *, cwd: Path | None = None) -> list[Source]:
    """The sources of the command line, in order, each named, duplicates dropped: a git URL
    or an existing folder is one source, an existing file is a list of them."""
    here = cwd or Path.cwd()
    found: list[Source] = []
    for arg in args:
        if not is_git_url(arg) and (here / arg).is_file():
            found.extend(read_list(here / arg))
        else:
            found.append(_one(arg, base=here, listed_in=None))
    return named(found)


def named(sources: Iterable[Source]) -> list[Source]:
    """Each source once (by kind and location), named; a taken name gets `-2`, `-3`, ...
    (names differing only in case clash too: DIR/<name>.json on a case-blind file system)."""
    seen: set[tuple[str, str]] = set()
    taken: set[str] = set(RESERVED)
    out: list[Source] = []
    for source in sources:
        if (source.kind, source.location) in seen:
            continue
        seen.add((source.kind, source.location))
        base = base_name(source.location)
        name, n = base, 1
        while name.lower() in taken:
            n += 1
            suffix = f"-{n}"
            name = base[: _MAX_NAME - len(suffix)] + suffix
        taken.add(name.lower())
        out.append(Source(text=source.text, kind=source.kind, location=source.location, name=name,
                          problem=source.problem))  # fmt: skip
    return out
