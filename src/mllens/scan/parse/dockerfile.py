"""Dockerfiles as a list of instructions (a simple parser: continuations, comments, the
escape directive, JSON-form arguments kept as written, heredoc bodies skipped)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DIRECTIVE = re.compile(r"^#\s*escape\s*=\s*(\S)\s*$", re.IGNORECASE)
_HEREDOC = re.compile(r"<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")


@dataclass(frozen=True)
class Instruction:
    line: int  # 1-based line where the instruction starts
    keyword: str  # upper case: FROM, RUN, USER, HEALTHCHECK, ...
    value: str  # the arguments, continuations joined with a space
    flags: dict[str, str] = field(default_factory=dict)  # leading --name=value options
    end_line: int = 0


@dataclass(frozen=True)
class Dockerfile:
    instructions: tuple[Instruction, ...]

    def of(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword.upper()]

    def stages(self) -> list[list[Instruction]]:
        """Instructions grouped by build stage (each starts at a FROM)."""
        out: list[list[Instruction]] = []
        for instruction in self.instructions:
            if instruction.keyword == "FROM" or not out:
                out.append([])
            out[-1].append(instruction)
        return out


def _flags(value: str) -> tuple[dict[str, str], str]:
    flags: dict[str, str] = {}
    while value.startswith("--"):
        token, _, rest = value.partition(" ")
        name, _, flag_value = token[2:].partition("=")
        flags[name] = flag_value
        value = rest.lstrip()
    return flags, value


def parse_dockerfile(text: str) -> Dockerfile:
    lines = text.splitlines()
    escape = "\\"
    for line in lines[:5]:
        found = _DIRECTIVE.match(line.strip())
        if found:
            escape = found.group(1)
    out: list[Instruction] = []
    i = 0
    while i < len(lines):
        start = i
        line = lines[i].strip()
        i += 1
        if not line or line.startswith("#"):
            continue
        parts = [line]
        while parts[-1].endswith(escape) and i < len(lines):
            parts[-1] = parts[-1][: -len(escape)].rstrip()
            nxt = lines[i].strip()
            i += 1
            if nxt.startswith("#"):
                parts.append(escape)  # comment lines inside a continuation are dropped
                continue
            parts.append(nxt)
        joined = " ".join(p for p in parts if p != escape).strip()
        keyword, _, value = joined.partition(" ")
        heredoc = _HEREDOC.search(value)
        if heredoc:  # skip the body up to its terminator line
            terminator = heredoc.group(1)
            while i < len(lines) and lines[i].strip() != terminator:
                i += 1
            i += 1
        flags, rest = _flags(value.strip())
        out.append(Instruction(line=start + 1, keyword=keyword.upper(), value=rest, flags=flags, end_line=i))
    return Dockerfile(instructions=tuple(out))
