"""Skip a code signal on a file whose words show it can find nothing there.

Most modules of a big project mention no ML library. A LazyIndex already answers each
question a signal asks of such a module from the module's words; this goes one step
further and does not run the signal at all. Which words could change its outcome is learnt
by running the signal once against a probe: an index that answers every question as a
module with no words would, and notes what each question needs (a pattern's words, one of
some keyword names, every part of a dotted name). A signal that asks anything else of the
index, or reads anything of its context, or reports on an empty module, is always run.
`quiet(code, signals)` answers the same for a family's signals at once (its `skip_file`).

Sound because a signal is a function of the answers it gets: where none of the noted
needs is met, every question on the path the probe took gets the same empty answer, so
the signal takes the same path and finds nothing, as it did on the probe.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from mllens.scan.code.analysis import CodeIndex, Site
from mllens.scan.code.lazy import LazyIndex, names_of
from mllens.scan.code.patterns import COMPILED, PatternSet, pattern_set
from mllens.scan.context import FileContext

Signal = Callable[[FileContext, CodeIndex], None]
# (patterns that must not be absent) or (words any of which must be present) or (words all
# of which must be present)
Need = tuple[str, Any]
_ALWAYS: object = object()
_TRIGGERS: dict[Signal, tuple[Need, ...] | object] = {}


class _Always(BaseException):  # a BaseException: no `except Exception` in a signal hides it
    """The probe met something it cannot reason about: run the signal on every file."""


class _ProbeIndex:
    """Answers as a module with no words; notes what would change each answer."""

    def __init__(self) -> None:
        self.needs: list[Need] = []

    def _patterns(self, patterns: tuple[str, ...]) -> None:
        self.needs.append(("patterns", COMPILED.get(patterns) or pattern_set(patterns)))

    def select(self, patterns: tuple[str, ...], sites: str = "calls") -> tuple[Site, ...]:
        self._patterns(patterns)
        return ()

    def find(self, *patterns: str, sites: str = "calls", resolved: bool = True) -> Iterator[Site]:
        self._patterns(patterns)
        return iter(())

    def first(self, *patterns: str, sites: str = "calls") -> Site | None:
        self._patterns(patterns)
        return None

    def calls_with_kw(self, *names: str) -> tuple[Site, ...]:
        self.needs.append(("any", names_of(names)))
        return ()

    def calls_ending(self, *lasts: str) -> tuple[Site, ...]:
        self.needs.append(("any", names_of(lasts)))
        return ()

    def assignments(self, name: str) -> list[Any]:
        self.needs.append(("all", names_of(tuple(name.split(".")))))
        return []

    def uses(self, root: str) -> bool:
        self.needs.append(("all", names_of(tuple(root.split(".")))))
        return False

    def has_words(self, *words: str) -> bool:
        self.needs.append(("all", names_of(words)))
        return False

    def __getattr__(self, name: str) -> Any:
        raise _Always(name)


class _ProbeContext:
    def __getattr__(self, name: str) -> Any:
        raise _Always(name)


def _learn(signal: Signal) -> tuple[Need, ...] | object:
    probe = _ProbeIndex()
    try:
        signal(_ProbeContext(), probe)  # type: ignore[arg-type]
    except (_Always, Exception):  # or anything a signal does with an answer it never gets
        return _ALWAYS
    if any(kind == "patterns" and not need.provable for kind, need in probe.needs):
        return _ALWAYS  # a need met by every text
    return tuple(probe.needs)


def _needs(signal: Signal) -> tuple[Need, ...] | object:
    """What the signal needs (learnt on first use), or _ALWAYS."""
    needs = _TRIGGERS.get(signal)
    if needs is None:
        needs = _TRIGGERS[signal] = _learn(signal)
    return needs


def _met(needs: tuple[Need, ...], words: frozenset[bytes], text: str) -> bool:
    for kind, need in needs:
        if kind == "patterns":
            if not PatternSet.absent(need, words, text):
                return True
        elif kind == "any":
            if not words.isdisjoint(need):
                return True
        elif need <= words:
            return True
    return False


_UNIONS: dict[tuple[Signal, ...], tuple[frozenset[bytes], tuple[str, ...]] | None] = {}


def _union(signals: tuple[Signal, ...]) -> tuple[frozenset[bytes], tuple[str, ...]] | None:
    """A word one of which, or a part of a word, is in every code where some of `signals`
    could find something; None when one of them is always run."""
    if signals not in _UNIONS:
        words: set[bytes] = set()
        parts: list[str] = []
        union: tuple[frozenset[bytes], tuple[str, ...]] | None = None
        for signal in signals:
            needs = _needs(signal)
            if needs is _ALWAYS:
                break
            for kind, need in needs:  # type: ignore[attr-defined]
                if kind == "patterns":
                    words.update(need.first_words)
                    parts.extend(p for p in need.parts if p not in parts)
                else:
                    words.update(need)
        else:
            union = frozenset(words), tuple(parts)
        _UNIONS[signals] = union
    return _UNIONS[signals]


def quiet(code: CodeIndex, signals: tuple[Signal, ...]) -> bool:
    """None of `signals` can find anything in this code: its words meet none of their
    needs (False whenever that cannot be told from the words)."""
    if not isinstance(code, LazyIndex) or code.built or code.words is None:
        return False
    union = _union(signals)
    if union is None:
        return False
    words, parts = union
    text = code.text
    if code.words.isdisjoint(words) and not any(p in text for p in parts):
        return True
    # a word one signal starts from is there (`pandas`, say): whether some signal's whole
    # need is met (`pandas` and `read_pickle`), as `run` would ask of each
    return not any(_met(_needs(s), code.words, text) for s in signals)  # type: ignore[arg-type]


def run(signal: Signal, ctx: FileContext, code: CodeIndex) -> None:
    """`signal(ctx, code)`, unless the code's words show it would find nothing."""
    needs = _needs(signal)
    # once a signal has built the index, it answers faster than the words are checked
    if needs is not _ALWAYS and isinstance(code, LazyIndex) and not code.built:
        words = code.words
        if words is not None and not _met(needs, words, code.text):  # type: ignore[arg-type]
            return
    signal(ctx, code)
