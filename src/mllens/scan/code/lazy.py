"""A CodeIndex that answers from the file's words while it can, and is built only when not.

Every part of a dotted name in the index comes from the source: the import that binds its
root, the attributes and calls written after it, the keywords of a call. So in a file whose
words do not include `mlflow`, no call matches `mlflow.*`, and no call passes
`early_stopping_rounds=` in a file without that word. Most modules of a project (helpers,
configuration, tests of plain code) mention no ML library at all: the questions the signals
ask of them are answered from a set of words, and their syntax tree is never walked.

This holds for ASCII text only (a non-ASCII identifier may normalise to an ASCII one, NFKC):
any other text builds the index at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from mllens.scan.code.analysis import CodeIndex, Site, Unit
from mllens.scan.code.patterns import COMPILED, pattern_set

_EMPTY: tuple[Site, ...] = ()
# bytes that can be part of a Python identifier stay; every other byte becomes a space
_WORD_BYTES = bytes(c if chr(c).isascii() and (chr(c).isalnum() or c == 95) else 32 for c in range(256))
_NAMES: dict[tuple[str, ...], frozenset[bytes]] = {}


def words_of(text: str) -> frozenset[bytes] | None:
    """The identifier-like words of an ASCII text; None for any other text."""
    if not text.isascii():
        return None
    return frozenset(text.encode("ascii").translate(_WORD_BYTES).split())


def names_of(names: tuple[str, ...]) -> frozenset[bytes]:
    """The names as the words of a text are kept (bytes), made once per tuple."""
    found = _NAMES.get(names)
    if found is None:
        found = _NAMES[names] = frozenset(n.encode() for n in names)
    return found


class LazyIndex(CodeIndex):
    def __init__(self, units: Callable[[], Iterable[Unit]], text: str) -> None:
        # CodeIndex.__init__ runs later, on the first question the words cannot answer
        self._make_units = units
        self._text = text
        self._words = words_of(text)
        self._built = False

    def __getattr__(self, name: str) -> Any:
        # only called for an attribute not set yet: any attribute of the built index
        if name.startswith("__") or self.__dict__.get("_built", True):
            raise AttributeError(name)
        self.build()
        return getattr(self, name)

    @property
    def words(self) -> frozenset[bytes] | None:
        """The identifier-like words of the code (None: not ASCII, nothing can be ruled out)."""
        return self._words

    @property
    def text(self) -> str:
        return self._text

    @property
    def built(self) -> bool:
        return bool(self.__dict__.get("_built", False))

    def build(self) -> None:
        if not self._built:
            units = self._make_units()  # may raise ParseError: then asked again next time
            self._built = True
            CodeIndex.__init__(self, units)

    def select(self, patterns: tuple[str, ...], sites: str = "calls") -> Sequence[Site]:
        words = self._words
        if words is not None and (COMPILED.get(patterns) or pattern_set(patterns)).absent(words, self._text):
            return _EMPTY
        self.build()
        return super().select(patterns, sites)

    def find(self, *patterns: str, sites: str = "calls", resolved: bool = True) -> Iterator[Site]:
        words = self._words
        if words is not None and (COMPILED.get(patterns) or pattern_set(patterns)).absent(words, self._text):
            return iter(_EMPTY)
        self.build()
        return super().find(*patterns, sites=sites, resolved=resolved)

    def first(self, *patterns: str, sites: str = "calls") -> Site | None:
        words = self._words
        if words is not None and (COMPILED.get(patterns) or pattern_set(patterns)).absent(words, self._text):
            return None
        self.build()
        return super().first(*patterns, sites=sites)

    def calls_with_kw(self, *names: str) -> Sequence[Site]:
        if self._words is not None and self._words.isdisjoint(names_of(names)):
            return _EMPTY
        self.build()
        return super().calls_with_kw(*names)

    def calls_ending(self, *lasts: str) -> Sequence[Site]:
        if self._words is not None and self._words.isdisjoint(names_of(lasts)):
            return _EMPTY
        self.build()
        return super().calls_ending(*lasts)

    def assignments(self, name: str) -> list[tuple[str, Any, int, int | None]]:
        if self._words is not None and not names_of(tuple(name.split("."))) <= self._words:
            return []
        self.build()
        return super().assignments(name)

    def has_words(self, *words: str) -> bool:
        return self._words is None or names_of(words) <= self._words

    def uses(self, root: str) -> bool:
        if self._words is not None and not names_of(tuple(root.split("."))) <= self._words:
            return False
        self.build()
        return super().uses(root)
