"""requirements.txt (pip's format) as a list of entries, one per logical line."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")


@dataclass(frozen=True)
class Requirement:
    line: int  # 1-based line where the entry starts
    raw: str  # the logical line, continuations joined, comment removed
    name: str | None  # normalised project name (lower case, '-' for '_' and '.'); None for options/URLs
    extras: tuple[str, ...] = ()
    spec: str = ""  # version specifier as written, e.g. "==1.2.3", ">=2,<3"
    marker: str = ""  # environment marker after ';'
    option: str | None = None  # -r, -c, -e, --index-url, ... when the line is an option
    hashes: tuple[str, ...] = ()

    @property
    def pinned(self) -> bool:
        """Pinned to one exact version (== or ===, no wildcard)."""
        spec = self.spec.replace(" ", "")
        return spec.startswith(("==", "===")) and "," not in spec and "*" not in spec


def _logical_lines(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    buffer, start = "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not buffer:
            start = number
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        out.append((start, buffer + line))
        buffer = ""
    if buffer:
        out.append((start, buffer))
    return out


def parse_requirements(text: str) -> list[Requirement]:
    entries: list[Requirement] = []
    for number, line in _logical_lines(text):
        stripped = re.sub(r"(^|\s)#.*$", "", line).strip()
        if not stripped:
            continue
        hashes = tuple(re.findall(r"--hash[= ](\S+)", stripped))
        body = re.sub(r"\s--hash[= ]\S+", "", stripped).strip()
        if body.startswith("-"):
            option = body.split(None, 1)[0].split("=", 1)[0]
            entries.append(Requirement(line=number, raw=body, name=None, option=option, hashes=hashes))
            continue
        if "://" in body or body.startswith((".", "/")):
            entries.append(Requirement(line=number, raw=body, name=None, hashes=hashes))
            continue
        requirement, _, marker = body.partition(";")
        found = _NAME.match(requirement)
        if found is None:
            entries.append(Requirement(line=number, raw=body, name=None, hashes=hashes))
            continue
        name = re.sub(r"[-_.]+", "-", found.group(1)).lower()
        extras = tuple(e.strip() for e in (found.group(2) or "").strip("[]").split(",") if e.strip())
        spec = found.group(3).strip()
        if spec.startswith("@"):  # PEP 508 direct reference: name @ url
            spec = ""
        entries.append(
            Requirement(
                line=number, raw=body, name=name, extras=extras, spec=spec, marker=marker.strip(), hashes=hashes
            )
        )
    return entries
