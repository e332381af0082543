"""What a detector rule is handed: its input, and the only way to report what it found.

Rules never read files, open connections or keep globals: a FileContext carries one parsed
file and a read-only view of the project's file index; a ProjectContext carries the index
and the facts file rules recorded. Evidence goes out through `supports`, `contradicts` and
`info`, which attach the rule's lens mappings and confidence from its metadata.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from mllens.scan.evidence import Evidence, Outcome
from mllens.scan.registry import Rule


@dataclass(frozen=True)
class IndexedFile:
    """One file of the project as the walker saw it (not yet read)."""

    path: str  # POSIX path relative to the project root
    kind: str  # python, notebook, yaml, json, terraform, dockerfile, toml, requirements, text, ...
    size: int


@dataclass(frozen=True)
class ProjectIndex:
    files: tuple[IndexedFile, ...]

    def paths(self, pattern: str = "*") -> list[str]:
        """Paths matching a glob (fnmatch on the relative POSIX path)."""
        return [f.path for f in self.files if fnmatch.fnmatch(f.path, pattern)]

    def exists(self, *patterns: str) -> bool:
        return any(fnmatch.fnmatch(f.path, p) for f in self.files for p in patterns)

    def of_kind(self, kind: str) -> list[IndexedFile]:
        return [f for f in self.files if f.kind == kind]


@dataclass(frozen=True)
class ParsedFile:
    """A file read once and parsed with the safe parser for its kind."""

    path: str
    kind: str
    text: str
    data: Any  # the parsed form (ast.Module, notebook dict, YAML documents, HCL dict ...)

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()


@dataclass
class _Emitter:
    rule: Rule
    evidence: list[Evidence] = field(default_factory=list)

    def _emit(
        self,
        outcome: Outcome,
        *,
        file: str,
        line: int | None,
        message: str,
        check: str | None,
        confidence: float | None,
    ) -> None:
        maps = self.rule.meta.maps
        if check is not None:
            maps = [m for m in maps if m.check == check]
            if not maps:
                raise ValueError(f"rule {self.rule.id} has no mapping to check {check!r}")
        if outcome not in self.rule.meta.outcomes:
            raise ValueError(f"rule {self.rule.id} does not declare outcome {outcome!r}")
        for m in maps:
            self.evidence.append(
                Evidence(
                    rule=self.rule.id,
                    practice=m.practice,
                    check=m.check,
                    outcome=outcome,
                    file=file,
                    line=line,
                    message=message,
                    confidence=self.rule.meta.confidence if confidence is None else confidence,
                )
            )


@dataclass
class FileContext(_Emitter):
    file: ParsedFile = None  # type: ignore[assignment]
    index: ProjectIndex = ProjectIndex(())
    facts: dict[str, list[Any]] = field(default_factory=dict)

    def supports(self, *, line: int | None, message: str, check: str | None = None,
                 confidence: float | None = None) -> None:
        self._emit("supports", file=self.file.path, line=line, message=message, check=check,
                   confidence=confidence)

    def contradicts(self, *, line: int | None, message: str, check: str | None = None,
                    confidence: float | None = None) -> None:
        self._emit("contradicts", file=self.file.path, line=line, message=message, check=check,
                   confidence=confidence)

    def info(self, *, line: int | None, message: str, check: str | None = None) -> None:
        self._emit("info", file=self.file.path, line=line, message=message, check=check, confidence=None)

    def fact(self, key: str, value: Any) -> None:
        """Record something project rules may need (must be small and picklable)."""
        self.facts.setdefault(key, []).append(value)


@dataclass
class ProjectContext(_Emitter):
    index: ProjectIndex = ProjectIndex(())
    facts: Mapping[str, list[Any]] = field(default_factory=dict)

    def facts_of(self, key: str) -> Iterator[Any]:
        yield from self.facts.get(key, ())

    def supports(self, *, file: str, line: int | None, message: str, check: str | None = None,
                 confidence: float | None = None) -> None:
        self._emit("supports", file=file, line=line, message=message, check=check, confidence=confidence)

    def contradicts(self, *, file: str, line: int | None, message: str, check: str | None = None,
                    confidence: float | None = None) -> None:
        self._emit("contradicts", file=file, line=line, message=message, check=check, confidence=confidence)

    def info(self, *, file: str, line: int | None, message: str, check: str | None = None) -> None:
        self._emit("info", file=file, line=line, message=message, check=check, confidence=None)
