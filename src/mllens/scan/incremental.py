"""What a scan takes from the result cache before reading any file, and what it leaves.

A re-scan still walks the tree (that is how it sees what changed), but a file whose size,
times, inode and device are those recorded when it was last read is known by the content
digest recorded then, without opening it. When every file the last scan read is known that
way and the index and the detectors are the same, the last scan's result is served whole
(no parsing, no rules, no project rules). Otherwise the entries of the known files are
fetched in one query per 500 files, and only the rest are read and checked.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from mllens.scan import binding_files, cache
from mllens.scan.cache_result import Memo
from mllens.scan.context import IndexedFile
from mllens.scan.engine import FileOutcome
from mllens.scan.parse.helm_chart import chart_inputs, chart_root
from mllens.scan.parse.kustomize import is_kustomization
from mllens.scan.registry import Family
from mllens.scan.walk import WalkResult


def version_of(families: Sequence[Family]) -> str:
    """The detector version of a scan with these families (their modules, rules, order)."""
    modules = sorted({r.func.__module__ for f in families for r in f.rules})
    files = [getattr(sys.modules.get(m), "__file__", None) for m in modules]
    paths = [p for f in files if f for p in (f, str(Path(f).with_suffix(".yaml")))]
    rule_ids = [f"{r.id}={r.func.__module__}.{r.func.__qualname__}:{r.scope}" for f in families for r in f.rules]
    return cache.detector_version(paths, [f.name for f in families], rule_ids)


def _key(
    version: str,
    max_size: int,
    files: Sequence[IndexedFile],
    kinds: frozenset[str],
    digests: dict[str, str],
    exclude: Sequence[str] = (),
    classes: str = "",
) -> str | None:
    """The key of a whole scan: detectors, size limit, exclude list, every file of the
    index, the digest of every file the scan reads, and the walk's classification of the
    files (`classes`, a digest). None when some such digest is unknown. (The index alone
    would tell two exclude lists apart whenever they leave out different files; the list
    itself is in the key so a result never outlives its list.)"""
    rows = []
    for f in files:
        digest = ""
        if f.kind in kinds and not f.too_large:
            digest = digests.get(f.path, "")
            if not digest:
                return None
        rows.append(f"{f.path}\t{f.kind}\t{f.size}\t{int(f.too_large)}\t{digest}")
    key = hashlib.blake2b(f"{version}\0{max_size}\0".encode(), digest_size=20)
    key.update("\n".join(exclude).encode("utf-8", "surrogatepass") + b"\0" + classes.encode() + b"\0")
    key.update("\n".join(rows).encode("utf-8", "surrogatepass"))
    return f"{version}:{','.join(sorted(kinds))}:{key.hexdigest()}"


def _forget_stale_charts(digests: dict[str, str], walked: WalkResult) -> None:
    """A Helm template is rendered with its chart's values files, Chart.yaml and helper
    templates: unless all are known unchanged, the template's own unchanged bytes do not make its result current.
    A Kustomize overlay reads the files it names: it is always read again."""
    for path in [p for p in digests if is_kustomization(p)]:
        del digests[path]  # an overlay reads files it names: always read again (they are few)
    templates = [p for p in digests if "templates/" in p]
    paths = {f.path for f in walked.files} if templates else set()
    by_root: dict[str, list[str]] = {}
    for path in templates:
        root = chart_root(path, paths.__contains__)
        if root is None:
            continue
        if root not in by_root:  # values files and helper templates too
            by_root[root] = chart_inputs(root, [p for p in paths if p.startswith(f"{root}/" if root else "")])
        if any(name not in digests for name in by_root[root]):
            del digests[path]


@dataclass
class Warm:
    """The cache as one scan of one project sees it."""

    root: str
    version: str
    max_size: int
    walked: WalkResult
    reader: cache.CacheReader
    digests: dict[str, str] = field(default_factory=dict)  # path -> digest, files known unchanged
    recorded: frozenset[str] = frozenset()  # files read by an earlier scan
    clean: dict[str, str] = field(default_factory=dict)  # path -> entry key of an empty outcome
    writer: cache.Writer | None = None  # this scan's write transaction, once files come in
    exclude: tuple[str, ...] = ()  # the scan's exclude patterns, part of its whole-scan key
    classes: str = ""  # the digest of the walk's classification, part of it too
    served_key: str | None = None  # the whole-scan key of the result last_result served

    @classmethod
    def open(
        cls,
        root: str,
        *,
        version: str,
        max_size: int,
        walked: WalkResult,
        exclude: tuple[str, ...] = (),
        classes: str = "",
    ) -> Warm:
        reader = cache.open_reader()
        project = os.path.realpath(root)
        stats = walked.stats
        records = reader.files(project)
        digests = {path: digest for path, (stat, digest, _) in records.items() if stat and stats.get(path) == stat}
        _forget_stale_charts(digests, walked)
        # a file whose tfvars or parameter file changed is read again
        binding_files.forget_stale(digests, [f.path for f in walked.files if not f.too_large], records)
        clean = {path: key for path, (_, _, key) in records.items() if key}
        return cls(
            project, version, max_size, walked, reader, digests, frozenset(records), clean, exclude=exclude,
            classes=classes,
        )  # fmt: skip

    def last_result(self) -> Memo | None:
        """The last scan's result, when the files it read and everything else are unchanged."""
        found = self.reader.last_scan(self.root)
        if found is None or not found[0].startswith(self.version + ":"):
            return None
        kinds = frozenset(k for k in found[0].split(":", 2)[1].split(",") if k)
        key = _key(self.version, self.max_size, self.walked.files, kinds, self.digests, self.exclude, self.classes)
        if key != found[0]:
            return None
        try:
            memo = Memo.model_validate_json(found[1])
        except ValidationError:
            return None
        self.served_key = key
        return memo

    def remember_walk(self, walk_key: str) -> str | None:
        """The result last_result served holds for this walk key too (mllens.scan.cache_result):
        store it. Returns an error message or None."""
        if self.served_key is None:
            return None
        return cache.Writer(self.root).served(key=self.served_key, stats=walk_key)

    def take_cached(
        self, todo: list[IndexedFile], *, ix: str
    ) -> tuple[list[FileOutcome], list[IndexedFile], frozenset[str]]:
        """(outcomes stored for the known files, files still to check, those of them whose
        entry is worth looking up once read)."""
        keys = {
            f.path: cache.entry_key(self.digests[f.path], kind=f.kind, path=f.path, version=self.version)
            for f in todo
            if f.path in self.digests and not f.too_large
        }
        clean = self.clean
        stored = self.reader.get_many([key for path, key in keys.items() if clean.get(path) != key])
        done: list[FileOutcome] = []
        rest: list[IndexedFile] = []
        for f in todo:
            key = keys.get(f.path)
            if key is not None and clean.get(f.path) == key:
                digest = self.digests[f.path]
                done.append(FileOutcome(path=f.path, cache_key=key, digest=digest, clean=True, cache_hit=True))
                continue
            value = cache.decode(stored.get(key)) if key else None
            if value is None or value.get("ix") not in (None, ix):
                rest.append(f)
                continue
            outcome = FileOutcome(path=f.path, cache_key=key, digest=self.digests[f.path])
            outcome.take(value)
            done.append(outcome)
        return done, rest, self.recorded.difference(keys)

    def record(self, checked: Sequence[FileOutcome]) -> None:
        """Add what was found in these files (just checked) to this scan's transaction."""
        if self.writer is None:
            self.writer = cache.Writer(self.root)
        self.writer.add(*rows(checked))

    def store(
        self,
        outcomes: Sequence[FileOutcome],
        *,
        kinds: frozenset[str],
        memo: Memo | None,
        full: bool,
        walk_key: str | None = None,
    ) -> str | None:
        """Mark hits, (`full`: nothing failed) remember this scan's result, with the key of
        the walk it came from when it can be trusted (mllens.scan.cache_result), and commit
        what `record` added. Returns an error message or None."""
        digests = dict(self.digests)
        for o in outcomes:
            if o.digest is not None:
                digests[o.path] = o.digest
        key = (
            _key(self.version, self.max_size, self.walked.files, kinds, digests, self.exclude, self.classes)
            if full and memo
            else None
        )
        self.reader.close()
        writer = self.writer or cache.Writer(self.root)
        self.writer = None
        return writer.close(
            hits=[o.cache_key for o in outcomes if o.cache_hit and o.cache_key and not o.clean],
            scan=(key, memo.model_dump_json().encode()) if key and memo else None,
            stats=walk_key,
        )


def rows(outcomes: Sequence[FileOutcome]) -> tuple[list[tuple[str, str]], list[cache.FileRow]]:
    """(entries, file records) to store for these outcomes."""
    entries = [(o.cache_key, o.cache_value) for o in outcomes if o.cache_key and o.cache_value]
    files = [
        (o.path, o.stat if cache.stable(o.stat, o.read_ns) else None, o.digest, (o.cache_key or "") if o.clean else "")
        for o in outcomes
        if o.stat is not None and o.digest is not None
    ]
    return entries, files
