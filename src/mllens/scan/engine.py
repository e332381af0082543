"""One file through the scan: read once, check, pre-filter, parse once, run the file rules.

Everything that can go wrong with one file ends as a diagnostic in its FileOutcome; nothing
here raises. The outcome is plain data (tuples, JSON-shaped facts) so it crosses process
boundaries cheaply and goes into the result cache as JSON.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import stat
import traceback
from dataclasses import dataclass, field
from typing import Any

from mllens.scan.cache import CacheReader, entry_key
from mllens.scan.context import FileContext, IndexedFile, ParsedFile, ProjectIndex
from mllens.scan.parse import ParseError, parse
from mllens.scan.registry import Family
from mllens.scan.walk import size_limit

# (rule, practice, check, outcome, line, message, confidence): the file is the outcome's path
EvidenceRow = tuple[str, str, str, str, int | None, str, float]
# (kind, message, rule, line)
DiagnosticRow = tuple[str, str, str | None, int | None]
_BINARY_PROBE = 8192


@dataclass(frozen=True)
class FamilyPlan:
    family: Family
    paths: tuple[str, ...]
    contains: re.Pattern[str] | None

    @classmethod
    def of(cls, family: Family) -> FamilyPlan:
        words = family.meta.contains
        regex = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))) if words else None
        return cls(family=family, paths=tuple(family.meta.paths), contains=regex)

    def accepts(self, path: str, text: str) -> bool:
        if self.paths and not any(fnmatch.fnmatchcase(path, p) for p in self.paths):
            return False
        return self.contains is None or self.contains.search(text) is not None


@dataclass
class Plan:
    """What every file needs, built once per scan (inherited by forked workers)."""

    families: tuple[Family, ...]
    index: ProjectIndex
    version: str
    index_fingerprint: str
    max_size: int
    by_kind: dict[str, list[FamilyPlan]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for family in self.families:
            if not family.file_rules():
                continue
            for kind in family.meta.kinds:
                self.by_kind.setdefault(kind, []).append(FamilyPlan.of(family))


@dataclass
class FileOutcome:
    path: str
    evidence: list[EvidenceRow] = field(default_factory=list)
    facts: dict[str, list[Any]] = field(default_factory=dict)
    diagnostics: list[DiagnosticRow] = field(default_factory=list)
    cache_key: str | None = None
    cache_value: str | None = None  # JSON to store (a miss that is worth caching)
    cache_hit: bool = False

    def to_json(self, index_fingerprint: str | None) -> str:
        return json.dumps(
            {"e": self.evidence, "f": self.facts, "d": self.diagnostics, "ix": index_fingerprint},
            separators=(",", ":"),
        )


def _read(file: IndexedFile, limit: int) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(file.os_path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{file.path}: no longer a regular file")
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _decode(raw: bytes) -> str:
    text = raw.decode("utf-8")
    return text[1:] if text.startswith("\ufeff") else text


def _rule_error_line(exc: BaseException, module: str) -> int | None:
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(module.replace(".", "/") + ".py")
    ]
    return frames[-1].lineno if frames else None


def process_file(plan: Plan, file: IndexedFile, cache: CacheReader | None) -> FileOutcome:
    outcome = FileOutcome(path=file.path)
    try:
        _process(plan, file, cache, outcome)
    except Exception as exc:  # a bug of ours must not end the scan
        outcome.diagnostics.append(
            ("internal_error", f"scanner failed on this file: {type(exc).__name__}: {exc}", None, None)
        )
    return outcome


def _process(plan: Plan, file: IndexedFile, cache: CacheReader | None, outcome: FileOutcome) -> None:
    families = plan.by_kind.get(file.kind)
    if not families:
        return
    limit = size_limit(file.kind, plan.max_size)
    if file.too_large:
        outcome.diagnostics.append(
            (
                "too_large",
                f"{file.size:,} bytes, over the {limit:,}-byte limit for {file.kind} files: not read",
                None,
                None,
            )
        )
        return
    try:
        raw = _read(file, limit)
    except OSError as exc:
        outcome.diagnostics.append(("unreadable", f"cannot read: {exc.strerror or exc}", None, None))
        return
    if len(raw) > limit:
        outcome.diagnostics.append(
            ("too_large", f"grew past the {limit:,}-byte limit for {file.kind} files: not read", None, None)
        )
        return
    if b"\0" in raw[:_BINARY_PROBE]:
        outcome.diagnostics.append(
            ("binary", f"NUL bytes in a {file.kind} file: treated as binary, not parsed", None, None)
        )
        return
    try:
        text = _decode(raw)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        outcome.diagnostics.append(("not_utf8", f"not UTF-8 text (byte {exc.start}): not parsed", None, line))
        return
    active = [fp for fp in families if fp.accepts(file.path, text)]
    if not active:
        return
    if cache is not None:
        outcome.cache_key = entry_key(raw, kind=file.kind, path=file.path, version=plan.version)
        hit = cache.get(outcome.cache_key)
        if hit is not None and hit.get("ix") in (None, plan.index_fingerprint):
            outcome.evidence = [tuple(row) for row in hit.get("e", [])]  # type: ignore[misc]
            outcome.facts = hit.get("f", {})
            outcome.diagnostics = [tuple(row) for row in hit.get("d", [])]  # type: ignore[misc]
            outcome.cache_hit = True
            return
    used_index = _run_rules(plan, file, text, active, outcome)
    if outcome.cache_key is not None:
        outcome.cache_value = outcome.to_json(plan.index_fingerprint if used_index else None)


def _run_rules(plan: Plan, file: IndexedFile, text: str, active: list[FamilyPlan], outcome: FileOutcome) -> bool:
    try:
        data = parse(file.kind, text)
    except ParseError as exc:
        outcome.diagnostics.append(("parse_error", exc.message, None, exc.line))
        return False
    parsed = ParsedFile(file.path, file.kind, text, data)
    used_index = False
    for family_plan in active:
        module = family_plan.family.rules[0].func.__module__ if family_plan.family.rules else ""
        for rule in family_plan.family.file_rules():
            ctx = FileContext(rule, file=parsed, index=plan.index)
            try:
                rule.func(ctx)
            except Exception as exc:
                message = f"rule failed: {type(exc).__name__}: {exc}"
                outcome.diagnostics.append(("rule_error", message, rule.id, _rule_error_line(exc, module)))
                continue
            used_index = used_index or ctx.index_used
            for ev in ctx.evidence:
                outcome.evidence.append(
                    (ev.rule, ev.practice, ev.check, ev.outcome, ev.line, ev.message, ev.confidence)
                )
            for key, values in ctx.facts.items():
                outcome.facts.setdefault(key, []).extend(values)
    return used_index
