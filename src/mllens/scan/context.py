"""What a detector rule is handed: its input, and the only way to report what it found.

Rules never read files, open connections or keep globals: a FileContext carries one parsed
file and a read-only view of the project's file index; a ProjectContext carries the index
and the facts file rules recorded. Evidence goes out through `supports`, `contradicts` and
`info`, which attach the rule's lens mappings and confidence from its metadata.
"""

from __future__ import annotations

import bisect
import fnmatch
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from mllens.scan.evidence import Evidence, Outcome
from mllens.scan.registry import Rule

if TYPE_CHECKING:
    from mllens.scan.binding_files import BindingFiles

T = TypeVar("T")


@dataclass(frozen=True)
class IndexedFile:
    """One file of the project as the walker saw it (not yet read)."""

    path: str  # POSIX path relative to the project root, safe to print (see walk.display_path)
    kind: str  # see mllens.scan.kinds.KINDS
    size: int
    # Where to open it: differs from root/path when the name is not valid UTF-8 or the
    # file was reached through a symlink inside the tree.
    os_path: str = field(default="", compare=False, repr=False)
    too_large: bool = False  # over the size limit for its kind: indexed, never read


@lru_cache(maxsize=512)
def _line_glob(pattern: str) -> re.Pattern[str]:
    """A glob (fnmatch rules, `*` crossing `/`) as a regex finding whole lines of the
    project's paths joined by newlines: `*` and `?` never cross a newline. One search over
    the joined text answers "does any path match?" at C speed; project rules ask it of every
    path of big trees."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        i += 1
        if c == "*":
            if not out or out[-1] != "[^\\n]*":
                out.append("[^\\n]*")
        elif c == "?":
            out.append("[^\\n]")
        elif c == "[":
            j = i + (i < n and pattern[i] == "!")
            j += j < n and pattern[j] == "]"
            while j < n and pattern[j] != "]":
                j += 1
            if j >= n:
                out.append("\\[")
            else:  # the set exactly as fnmatch reads it, kept off the newline
                cls = fnmatch.translate(pattern[i - 1 : j + 1])[4:-3]  # '(?s:' CLASS ')\\Z'
                out.append(f"(?:(?!\\n){cls})")
                i = j + 1
        else:
            out.append(re.escape(c))
    return re.compile("\n" + "".join(out) + "(?=\n)")


@dataclass(frozen=True)
class ProjectIndex:
    files: tuple[IndexedFile, ...]

    @cached_property
    def _joined(self) -> tuple[str, list[int]]:
        """Every path (normcased) on its own line, between newlines; and where each starts."""
        cased = [os.path.normcase(f.path) for f in self.files]
        starts, at = [], 0
        for path in cased:
            starts.append(at)
            at += len(path) + 1
        return ("\n" + "\n".join(cased) + "\n" if cased else ""), starts

    def paths(self, pattern: str = "*") -> list[str]:
        """Paths matching a glob (fnmatch on the relative POSIX path)."""
        text, starts = self._joined
        return [self.files[bisect.bisect_left(starts, m.start())].path for m in _line_glob(pattern).finditer(text)]

    def exists(self, *patterns: str) -> bool:
        text = self._joined[0]
        return any(_line_glob(p).search(text) is not None for p in patterns)

    @cached_property
    def binding_files(self) -> BindingFiles:
        """The files that may bind other files' references, by folder (built on first use)."""
        from mllens.scan.binding_files import BindingFiles

        return BindingFiles.of(f.path for f in self.files)


@dataclass(frozen=True)
class Bound:
    """What the engine read with a file for its references (see mllens.scan.binding_files):
    (path, text) of each source, and the YAML/JSON/template files beside it."""

    sources: tuple[tuple[str, str], ...] = ()
    siblings: tuple[str, ...] = ()


NOTHING_BOUND = Bound()

_UNPARSED: Any = object()


@dataclass(frozen=True)
class ParsedFile:
    """A file read once and parsed with the safe parser for its kind.

    `data` may be parsed on first use (`parser` given): most Python modules of a project
    mention nothing a rule looks for, and their rules answer from the text alone, so their
    syntax tree is never needed. A parse that fails raises the same ParseError on every use.
    """

    path: str
    kind: str
    text: str
    _data: Any = field(default=_UNPARSED, repr=False)  # the parsed form: see mllens.scan.parse
    parser: Callable[[str], Any] | None = field(default=None, compare=False, repr=False)
    # Views derived from `data` that several rules share (built once per file, see `memo`).
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    bound: Bound = field(default=NOTHING_BOUND, compare=False, repr=False)

    @property
    def data(self) -> Any:
        data = self._data
        if data is _UNPARSED:
            failed = self.derived.get("parse_error")
            if failed is not None:
                raise failed
            assert self.parser is not None, "ParsedFile made with neither data nor parser"
            try:
                data = self.parser(self.text)
            except Exception as exc:
                self.derived["parse_error"] = exc
                raise
            object.__setattr__(self, "_data", data)
        return data

    @property
    def parsed(self) -> bool:
        """Whether `data` was parsed (or given)."""
        return self._data is not _UNPARSED

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def release(self) -> None:
        """Forget the derived views once every rule has read the file (some refer back to
        it, or to themselves: freed now rather than by the cyclic collector)."""
        for view in self.derived.values():
            release = getattr(view, "release", None)
            if callable(release):
                release()
        self.derived.clear()

    def memo(self, key: str, build: Callable[[ParsedFile], T]) -> T:
        """`build(self)`, computed once per file and key (e.g. a code index every rule reads)."""
        if key not in self.derived:
            self.derived[key] = build(self)
        return self.derived[key]  # type: ignore[no-any-return]

    def line_of(self, needle: str, *, start: int = 1) -> int | None:
        """First line (1-based, from `start`) whose text contains `needle`, for formats whose
        parser keeps no positions (JSON)."""
        for number, text in enumerate(self.text.split("\n")[start - 1 :], start=start):
            if needle in text:
                return number
        return None


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


class FileContext(_Emitter):
    """What a file rule gets: one parsed file, the project index, and the emit methods.

    Reading `index` makes the rule's result depend on the whole project, which the
    per-file result cache must know: the access is recorded in `index_used`."""

    def __init__(
        self,
        rule: Rule,
        *,
        file: ParsedFile,
        index: ProjectIndex | None = None,
        facts: dict[str, list[Any]] | None = None,
    ) -> None:
        super().__init__(rule)
        self.file = file
        self._index = index if index is not None else ProjectIndex(())
        self.facts: dict[str, list[Any]] = facts if facts is not None else {}
        self.index_used = False

    @property
    def index(self) -> ProjectIndex:
        self.index_used = True
        return self._index

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

    def given(self, value: Noted) -> FileContext | Given:
        """This context for evidence about one value to judge (`Value.each()`): evidence on a
        value resolved from a variable or parameter sits where the value is set (whatever
        line the rule names), its note (environments, the attribute reading it) ends every
        message, and a default's lower trust scales the confidence."""
        if not value.note:
            return self
        return Given(self, value)

    def fact(self, key: str, value: Any) -> None:
        """Record something project rules may need. It must be small and JSON-shaped (str,
        int, float, bool, None, lists, dicts with str keys; tuples become lists) because
        facts are cached on disk as JSON and passed between worker processes. The key is one
        the family declares (`facts.produces` in its YAML)."""
        if key not in self.rule.facts.produces:
            raise ValueError(f"rule {self.rule.id} records fact {key!r}, which {self.rule.family}.yaml "
                             "does not declare (facts.produces)")
        self.facts.setdefault(key, []).append(jsonable(value, where=f"fact {key!r} of rule {self.rule.id}"))


class Noted(Protocol):
    """A value to judge (mllens.scan.model.Value): where it is set, and what to say of it."""

    @property
    def file(self) -> str: ...

    @property
    def line(self) -> int: ...

    @property
    def note(self) -> str: ...

    @property
    def trust(self) -> float: ...


class Given:
    """A FileContext's emit methods for evidence about one resolved value (see `given`)."""

    def __init__(self, ctx: FileContext, value: Noted) -> None:
        self.ctx, self.value = ctx, value

    @property
    def rule(self) -> Rule:
        return self.ctx.rule

    def _emit(self, outcome: Outcome, message: str, check: str | None, confidence: float | None) -> None:
        base = self.ctx.rule.meta.confidence if confidence is None else confidence
        value = self.value
        self.ctx._emit(outcome, file=value.file, line=value.line, message=message + value.note, check=check,
                       confidence=None if outcome == "info" else round(base * value.trust, 2))

    def supports(self, *, line: int | None, message: str, check: str | None = None,
                 confidence: float | None = None) -> None:
        self._emit("supports", message, check, confidence)

    def contradicts(self, *, line: int | None, message: str, check: str | None = None,
                    confidence: float | None = None) -> None:
        self._emit("contradicts", message, check, confidence)

    def info(self, *, line: int | None, message: str, check: str | None = None) -> None:
        self._emit("info", message, check, None)


def jsonable(value: Any, *, where: str) -> Any:
    """`value` as plain JSON data (tuples -> lists); TypeError naming `where` otherwise."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return [jsonable(v, where=where) for v in value]
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where}: expected str dict keys, got {type(key).__name__}")
            out[key] = jsonable(item, where=where)
        return out
    raise TypeError(f"{where}: expected JSON-shaped data, got {type(value).__name__}")


@dataclass
class ProjectContext(_Emitter):
    index: ProjectIndex = ProjectIndex(())
    facts: Mapping[str, list[Any]] = field(default_factory=dict)

    def facts_of(self, key: str) -> Iterator[Any]:
        """The values file rules recorded under `key`, one the family declares it reads
        (`facts.consumes` in its YAML)."""
        if key not in self.rule.facts.consumes:
            raise ValueError(f"rule {self.rule.id} reads fact {key!r}, which {self.rule.family}.yaml "
                             "does not declare (facts.consumes)")
        return iter(self.facts.get(key, ()))

    def supports(self, *, file: str, line: int | None, message: str, check: str | None = None,
                 confidence: float | None = None) -> None:
        self._emit("supports", file=file, line=line, message=message, check=check, confidence=confidence)

    def contradicts(self, *, file: str, line: int | None, message: str, check: str | None = None,
                    confidence: float | None = None) -> None:
        self._emit("contradicts", file=file, line=line, message=message, check=check, confidence=confidence)

    def info(self, *, file: str, line: int | None, message: str, check: str | None = None) -> None:
        self._emit("info", file=file, line=line, message=message, check=check, confidence=None)
