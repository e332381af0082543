"""Sets of fnmatch patterns over dotted names, compiled once per process.

A signal asks "any call matching these globs?" for every file, with the same tuple of
patterns each time, so the compiled form is kept (keyed by the tuple) with the import roots
the patterns can match, and with the verdict per dotted name: the same names
(`json.dumps`, `mlflow.log_metric`) recur across the files of a project.
"""

from __future__ import annotations

import fnmatch
import re

_WILD = frozenset("*?[")
_MEMO_MAX = 20_000  # verdicts kept per pattern set; past this the memo starts over


class PatternSet:
    """Compiled fnmatch patterns (`*` also crosses dots) and the roots they may match."""

    __slots__ = ("_memo", "_regex", "roots")

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self._regex = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))
        roots = {p.split(".", 1)[0] for p in patterns}
        # None: some pattern starts with a wildcard, so it may match under any root
        self.roots: frozenset[str] | None = (
            None if any(_WILD.intersection(r) or "(" in r for r in roots) else frozenset(roots)
        )
        self._memo: dict[str, bool] = {}

    def matches(self, name: str) -> bool:
        hit = self._memo.get(name)
        if hit is None:
            if len(self._memo) >= _MEMO_MAX:
                self._memo.clear()
            hit = self._memo[name] = self._regex.match(name) is not None
        return hit


_SETS: dict[tuple[str, ...], PatternSet] = {}


def pattern_set(patterns: tuple[str, ...]) -> PatternSet:
    found = _SETS.get(patterns)
    if found is None:
        if len(_SETS) >= 4096:  # patterns built at run time (not the usual constants)
            _SETS.clear()
        found = _SETS[patterns] = PatternSet(patterns)
    return found
