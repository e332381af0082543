"""Sets of fnmatch patterns over dotted names, compiled once per process.

A signal asks "any call matching these globs?" for every file, with the same tuple of
patterns each time, so the compiled form is kept (keyed by the tuple) with the import roots
the patterns can match, and with the verdict per dotted name: the same names
(`json.dumps`, `mlflow.log_metric`) recur across the files of a project.

Matching follows `fnmatch.fnmatchcase` exactly (`*` also crosses dots). Most patterns are
plain names or use `*` alone; those are matched with string operations, because compiling
the regexes for every signal costs each worker process about a tenth of a second. Patterns
with `?` or `[...]` go through fnmatch's own regex.
"""

from __future__ import annotations

import fnmatch
import re

_WILD = frozenset("*?[")
_MEMO_MAX = 20_000  # verdicts kept per pattern set; past this the memo starts over


def _star_match(parts: list[str], name: str) -> bool:
    """`name` matches the glob `"*".join(parts)` (a pattern whose only wildcard is `*`)."""
    first, last = parts[0], parts[-1]
    if not name.startswith(first):
        return False
    end = len(name) - len(last)
    if end < len(first) or not name.endswith(last):
        return False
    at = len(first)
    for middle in parts[1:-1]:  # leftmost placement is always the best one for `*` alone
        found = name.find(middle, at, end)
        if found < 0:
            return False
        at = found + len(middle)
    return True


_FRAGMENT = re.compile(r"[A-Za-z0-9_]+")


def _anchor(pattern: str) -> tuple[list[str], str | None]:
    """(the whole words every name the pattern matches holds, in order; else a part of a
    word it holds)."""
    whole: list[str] = []
    partial: list[str] = []
    for found in _FRAGMENT.finditer(pattern):
        before = pattern[found.start() - 1 : found.start()]
        after = pattern[found.end() : found.end() + 1]
        cut = (before and before in "*?[]") or (after and after in "*?[]")
        (partial if cut else whole).append(found.group())
    return whole, (max(partial, key=len) if partial and not whole else None)


class PatternSet:
    """Compiled fnmatch patterns (`*` also crosses dots) and the roots they may match.

    Also what a source text must contain for the patterns to match any name in it: every
    part of a dotted name comes from the source (an import, an attribute, a call), so a
    pattern whose word `mlflow` is not a word of the text matches nothing there."""

    __slots__ = ("_first", "_memo", "_needs", "_parts", "_provable", "_regex", "_stars", "exact", "roots")

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.exact = frozenset(p for p in patterns if not _WILD.intersection(p))
        self._stars = [p.split("*") for p in patterns if "*" in p and "?" not in p and "[" not in p]
        other = [p for p in patterns if "?" in p or "[" in p]
        self._regex = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in other)) if other else None
        roots = {p.split(".", 1)[0] for p in patterns}
        # None: some pattern starts with a wildcard, so it may match under any root
        self.roots: frozenset[str] | None = (
            None if any(_WILD.intersection(r) or "(" in r for r in roots) else frozenset(roots)
        )
        self._memo: dict[str, bool] = {}
        # per pattern: all its whole words, filed under the first; or else a part of a word
        self._needs: dict[bytes, list[frozenset[bytes]]] = {}
        parts = []
        self._provable = True
        for pattern in patterns:
            whole, part = _anchor(pattern)
            if whole:
                self._needs.setdefault(whole[0].encode(), []).append(frozenset(w.encode() for w in whole))
            elif part:
                parts.append(part)
            else:
                self._provable = False
        self._first = frozenset(self._needs)
        self._parts = tuple(parts)

    @property
    def first_words(self) -> frozenset[bytes]:
        """One of these is a word of every text some name of which the patterns match (when
        `parts` are not in the text either)."""
        return self._first

    @property
    def parts(self) -> tuple[str, ...]:
        return self._parts

    @property
    def provable(self) -> bool:
        """Whether `absent` can ever answer True (a pattern with no word in it cannot)."""
        return self._provable

    def absent(self, words: frozenset[bytes], text: str) -> bool:
        """True when no name in a source with these `words` (and this `text`) can match."""
        if not self._provable:
            return False
        if not self._first.isdisjoint(words):
            for first in self._first.intersection(words):
                for need in self._needs[first]:
                    if need <= words:
                        return False
        # (a loop, not all(): no generator to make for the usual empty tuple)
        for part in self._parts:  # noqa: SIM110
            if part in text:
                return False
        return True

    def matches(self, name: str) -> bool:
        hit = self._memo.get(name)
        if hit is None:
            if len(self._memo) >= _MEMO_MAX:
                self._memo.clear()
            hit = self._memo[name] = (
                name in self.exact
                or any(_star_match(parts, name) for parts in self._stars)
                or (self._regex is not None and self._regex.match(name) is not None)
            )
        return hit


COMPILED: dict[tuple[str, ...], PatternSet] = {}


def pattern_set(patterns: tuple[str, ...]) -> PatternSet:
    found = COMPILED.get(patterns)
    if found is None:
        if len(COMPILED) >= 4096:  # patterns built at run time (not the usual constants)
            COMPILED.clear()
        found = COMPILED[patterns] = PatternSet(patterns)
    return found
