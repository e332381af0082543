"""One file through the scan: read once, check, pre-filter, parse once, run the file rules.

Everything that can go wrong with one file ends as a diagnostic in its FileOutcome; nothing
here raises. The outcome is plain data (tuples, JSON-shaped facts) so it crosses process
boundaries cheaply and goes into the result cache as JSON.
"""

from __future__ import annotations

import fnmatch
import functools
import glob
import json
import operator
import os
import re
import stat
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from mllens.scan.cache import CacheReader, Stat, content_digest, entry_key
from mllens.scan.classify import content_signal
from mllens.scan.context import NOTHING_BOUND, Bound, FileContext, IndexedFile, ParsedFile, ProjectIndex
from mllens.scan.parse import ParseError, parse
from mllens.scan.parse.helm_chart import chart_files_documents, chart_inputs, chart_root
from mllens.scan.parse.kustomize import is_kustomization, overlay_documents
from mllens.scan.registry import Family, Rule
from mllens.scan.walk import size_limit

# (rule, practice, check, outcome, line, message, confidence): the file is the outcome's path,
# or an eighth item: the file that sets a value this file reads (a tfvars, a parameter file)
EvidenceRow = tuple[str, str, str, str, int | None, str, float] | tuple[str, str, str, str, int | None, str, float, str]
# (kind, message, rule, line)
DiagnosticRow = tuple[str, str, str | None, int | None]
_BINARY_PROBE = 8192
# Kinds parsed only when a rule reads `data`: a Python module's rules answer from its words
# while they can (mllens.scan.code.lazy), so most modules of a big project are never parsed.
# A syntax error in such a module is reported only when some rule needed its tree.
LAZY_KINDS = frozenset({"python"})
_PARSERS = {kind: functools.partial(parse, kind) for kind in LAZY_KINDS}


def _words_regex(words: list[str]) -> re.Pattern[str]:
    """One regex finding any of `words`, shaped as a trie (`A(?:KIA|SIA)|...`): at each
    position the engine follows one branch instead of trying every word in turn, several
    times faster than a plain alternation over the dozens of words a family may list."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        if "" in node:  # a word ends here: finding it is enough
            return ""
        branches = [re.escape(char) + build(node[char]) for char in sorted(node)]
        return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"

    return re.compile(build(trie))


@dataclass(frozen=True)
class FamilyPlan:
    family: Family
    rules: tuple[Rule, ...]  # the file rules, in order
    module: str  # where the rules live (to find the line of a rule error)
    paths: re.Pattern[str] | None
    contains: re.Pattern[str] | None
    skip: Callable[[ParsedFile], bool] | None  # the family's own "nothing to find here"

    @classmethod
    def of(cls, family: Family) -> FamilyPlan:
        globs, words = family.meta.paths, family.meta.contains
        return cls(
            family=family,
            rules=family.file_rules(),
            module=family.rules[0].func.__module__ if family.rules else "",
            paths=re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in globs)) if globs else None,
            contains=_words_regex(words) if words else None,
            skip=family.skip,
        )

    def accepts(self, path: str, text: str, start: int = 0) -> bool:
        """The file is one for this family: its path matches, and one of the family's words is
        in its text (at or after `start`, where the first word of any family is)."""
        if self.paths is not None and self.paths.match(path) is None:
            return False
        return self.contains is None or (start >= 0 and self.contains.search(text, start) is not None)


@dataclass
class Plan:
    """What every file needs, built once per scan (inherited by forked workers)."""

    families: tuple[Family, ...]
    index: ProjectIndex
    version: str
    index_fingerprint: str
    max_size: int
    by_kind: dict[str, list[FamilyPlan]] = field(default_factory=dict)
    # files whose cache entry is worth looking up once read: read in an earlier scan, their
    # times not trusted or changed (the main process looked up those it knew unchanged)
    lookup: frozenset[str] = frozenset()
    # path -> entry key of the file's outcome when its rules found nothing (FileOutcome.clean)
    clean: dict[str, str] = field(default_factory=dict)

    # kind -> one regex of every word the families reading that kind look for (FamilyPlan.contains)
    any_word: dict[str, re.Pattern[str]] = field(default_factory=dict)
    # path -> text of a file read for other files' references (None: unreadable), per process
    source_texts: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for family in self.families:
            if not family.file_rules():
                continue
            family_plan = FamilyPlan.of(family)
            for kind in family.meta.kinds:
                self.by_kind.setdefault(kind, []).append(family_plan)
        for kind, plans in self.by_kind.items():
            searching = [fp.family.meta.contains for fp in plans if fp.contains is not None]
            if len(searching) > 1:
                self.any_word[kind] = _words_regex(sorted({word for words in searching for word in words}))

    def first_word(self, kind: str, text: str) -> int:
        """Where the first word any family of `kind` looks for is in `text` (-1: none is; 0
        when the kind has one such family, which searches for itself). Several families
        read most kinds, each with its words: one pass over a text that holds none of them
        (most files) answers for all, instead of one pass per family."""
        gate = self.any_word.get(kind)
        if gate is None:
            return 0
        found = gate.search(text)
        return -1 if found is None else found.start()


@dataclass
class FileOutcome:
    path: str
    evidence: list[EvidenceRow] = field(default_factory=list)
    facts: dict[str, list[Any]] = field(default_factory=dict)
    diagnostics: list[DiagnosticRow] = field(default_factory=list)
    cache_key: str | None = None
    cache_value: str | None = None  # JSON to store (a miss that is worth caching)
    # nothing found, and no rule read the project index: recorded with the file, no entry
    clean: bool = False
    cache_hit: bool = False
    digest: str | None = None  # of the bytes read (when caching)
    stat: Stat | None = None  # of the file as it was read
    read_ns: int = 0  # when the read started (see cache.stable)
    # what the text says of the file's class (classify.content_signal): kept with its entry
    signal: tuple[str, str] | None = None

    def packed(self) -> tuple[Any, ...]:
        """The fields as a plain tuple, in their declared order: what a worker sends back.
        Unpickling a tuple is about a third of the CPU of rebuilding the dataclass (its
        state dict, key by key), paid in the main process for every file of a cold scan."""
        return _FIELDS(self)

    @classmethod
    def unpacked(cls, fields: tuple[Any, ...]) -> FileOutcome:
        return cls(*fields)

    def take(self, stored: dict[str, Any]) -> None:
        """Use what the cache stored for this file."""
        self.evidence = [tuple(row) for row in stored.get("e", [])]
        self.facts = stored.get("f", {})
        self.diagnostics = [tuple(row) for row in stored.get("d", [])]
        signal = stored.get("c")
        self.signal = (str(signal[0]), str(signal[1])) if isinstance(signal, list) and len(signal) == 2 else None
        self.cache_hit = True

    def to_json(self, index_fingerprint: str | None) -> str:
        return json.dumps(
            {"e": self.evidence, "f": self.facts, "d": self.diagnostics, "ix": index_fingerprint, "c": self.signal},
            separators=(",", ":"),
        )


_FIELDS = operator.attrgetter(*(f.name for f in fields(FileOutcome)))


def _read(file: IndexedFile, limit: int) -> tuple[bytes, os.stat_result]:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(file.os_path, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(f"{file.path}: no longer a regular file")
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks), info
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
    read_ns = time.time_ns()
    try:
        raw, info = _read(file, limit)
    except OSError as exc:
        outcome.diagnostics.append(("unreadable", f"cannot read: {exc.strerror or exc}", None, None))
        return
    chart = _chart_inputs(plan, file)
    overlay = _overlay(plan, file, raw) if chart is None and is_kustomization(file.path) else None
    bound = _bound(plan, file, raw) if chart is None and overlay is None else None
    if cache is not None:
        # a chart template's result depends on its chart's values and metadata too, an overlay's
        # on every file it reads, a file's with references on the files that bind them
        if chart is not None:
            inputs = [name.encode() + b"\0" + data for name, data in chart]
        else:
            inputs = overlay[1] if overlay is not None else _bound_bytes(bound)
        outcome.digest = content_digest(b"\0".join([raw, *inputs]) if inputs else raw)
        outcome.stat = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)
        outcome.read_ns = read_ns
        outcome.cache_key = entry_key(outcome.digest, kind=file.kind, path=file.path, version=plan.version)
        if file.path in plan.lookup:
            if plan.clean.get(file.path) == outcome.cache_key:
                outcome.clean = outcome.cache_hit = True
                return
            hit = cache.get(outcome.cache_key)
            if hit is not None and hit.get("ix") in (None, plan.index_fingerprint):
                outcome.take(hit)
                return
    used_index = _check(plan, file, raw, limit, families, outcome, chart, overlay[0] if overlay else None, bound)
    if outcome.cache_key is not None:
        if used_index or outcome.evidence or outcome.facts or outcome.diagnostics or outcome.signal:
            outcome.cache_value = outcome.to_json(plan.index_fingerprint if used_index else None)
        else:
            outcome.clean = True


def _chart_inputs(plan: Plan, file: IndexedFile) -> tuple[tuple[str, bytes], ...] | None:
    """A Helm chart template's values.yaml, Chart.yaml, helper templates and per-environment
    values files, by path (None for any other file)."""
    if file.kind != "yaml" or "templates/" not in file.path or not file.os_path.endswith(file.path):
        return None
    root = chart_root(file.path, lambda path: plan.index.exists(glob.escape(path)))
    if root is None:
        return None
    base = file.os_path[: len(file.os_path) - len(file.path)]
    limit = size_limit("yaml", plan.max_size)
    found: list[tuple[str, bytes]] = []
    prefix = glob.escape(root) + "/" if root else ""
    near = [p for pattern in ("templates/*.tpl", "values*.y*ml") for p in plan.index.paths(prefix + pattern)]
    for rel in chart_inputs(root, near):
        data = b""
        if plan.index.exists(glob.escape(rel)):  # an ignored values file is not read
            try:
                data, _ = _read(IndexedFile(rel, "yaml", 0, os_path=os.path.join(base, rel)), limit)
            except OSError:
                data = b""
        found.append((rel, data))
    return tuple(found)


_TF_DECLARES = re.compile(r'^\s*(?:variable\s+"|locals\s*\{|module\s+")', re.MULTILINE)
_YAML_TOP = re.compile(r"^(Parameters|Resources|AWSTemplateFormatVersion):", re.MULTILINE)


def _yaml_parameters(text: str) -> bool:
    """A YAML text that may be a parameter file: a top-level Parameters map, no template."""
    tops = set(_YAML_TOP.findall(text))
    return tops == {"Parameters"}


_SOURCE_LIMIT = 256 * 1024  # variables, tfvars and parameter files are small; a bigger one is not one


def _bound(plan: Plan, file: IndexedFile, raw: bytes) -> Bound | None:
    """The files that bind this file's references (mllens.scan.binding_files), read: for a
    Terraform file naming a variable or local, or a CloudFormation template with Parameters."""
    if file.kind == "terraform":
        if not file.path.endswith(".tf") or (b"var." not in raw and b"local." not in raw):
            return None
    elif file.kind not in ("yaml", "json") or b"AWS::" not in raw or b"Parameters" not in raw:
        return None
    if not file.os_path.endswith(file.path):
        return None
    files = plan.index.binding_files
    base = file.os_path[: len(file.os_path) - len(file.path)]
    sources: list[tuple[str, str]] = []
    for rel in files.sources(file.path):
        text = plan.source_texts[rel] if rel in plan.source_texts else _source_text(plan, base, rel)
        if text is not None:
            sources.append((rel, text))
    siblings = tuple(files.siblings(file.path)) if file.kind != "terraform" and sources else ()
    return Bound(tuple(sources), siblings) if sources else None


def _source_text(plan: Plan, base: str, rel: str) -> str | None:
    """The text of a binding file, read once per process; None (kept) for one that cannot be
    read or, for a JSON file beside a template, is no parameter file: a folder of data files
    costs one read each, not their memory."""
    text: str | None = None
    try:
        data, _ = _read(IndexedFile(rel, "text", 0, os_path=os.path.join(base, rel)), _SOURCE_LIMIT)
        if len(data) <= _SOURCE_LIMIT:
            text = _decode(data)
    except (OSError, UnicodeDecodeError):
        text = None
    if text is not None and rel.endswith(".json") and not rel.endswith(".tfvars.json") and not _parameter_like(text):
        text = None
    if text is not None and rel.endswith((".yaml", ".yml")) and not _yaml_parameters(text):
        text = None  # a YAML parameter file is a top-level Parameters map
    if text is not None and rel.endswith(".tf") and not _TF_DECLARES.search(text):
        text = ""  # a .tf that declares nothing and calls no module: only its folder counts
    plan.source_texts[rel] = text
    return text


def _parameter_like(text: str) -> bool:
    """A JSON text that may be a parameter file (a template, or any other JSON, is not)."""
    if '"Resources"' in text:
        return False
    return '"Parameters"' in text or '"ParameterKey"' in text or (text.lstrip().startswith("[") and "=" in text)


def _bound_bytes(bound: Bound | None) -> list[bytes]:
    if bound is None:
        return []
    out = [rel.encode("utf-8", "surrogatepass") + b"\0" + text.encode("utf-8", "surrogatepass")
           for rel, text in bound.sources]
    if bound.siblings:
        out.append("\n".join(bound.siblings).encode("utf-8", "surrogatepass"))
    return out


def _overlay(plan: Plan, file: IndexedFile, raw: bytes) -> tuple[list[Any], list[bytes]] | None:
    """A Kustomize overlay's changed objects, and the bytes of every file read to build them."""
    if file.kind != "yaml" or not file.os_path.endswith(file.path):
        return None
    base = file.os_path[: len(file.os_path) - len(file.path)]
    limit = size_limit("yaml", plan.max_size)
    read: list[bytes] = []

    def reader(rel: str) -> str | None:
        if rel == file.path:
            data = raw
        elif not plan.index.exists(glob.escape(rel)):
            return None  # absent, or ignored: not read
        else:
            try:
                data, _ = _read(IndexedFile(rel, "yaml", 0, os_path=os.path.join(base, rel)), limit)
            except OSError:
                return None
        read.append(rel.encode("utf-8", "surrogatepass") + b"\0" + data)
        try:
            return _decode(data)
        except UnicodeDecodeError:
            return None

    try:
        docs = overlay_documents(_decode(raw), path=file.path, read=reader)
    except (UnicodeDecodeError, RecursionError):
        return None
    return (docs, read) if docs else None  # an overlay that changes nothing reads as plain YAML


def _check(
    plan: Plan,
    file: IndexedFile,
    raw: bytes,
    limit: int,
    families: list[FamilyPlan],
    outcome: FileOutcome,
    chart: tuple[tuple[str, bytes], ...] | None = None,
    overlay: list[Any] | None = None,
    bound: Bound | None = None,
) -> bool:
    """Check the bytes read, then run the rules of the families that want the file."""
    if len(raw) > limit:
        outcome.diagnostics.append(
            ("too_large", f"grew past the {limit:,}-byte limit for {file.kind} files: not read", None, None)
        )
        return False
    if raw.find(b"\0", 0, _BINARY_PROBE) >= 0:
        outcome.diagnostics.append(
            ("binary", f"NUL bytes in a {file.kind} file: treated as binary, not parsed", None, None)
        )
        return False
    try:
        text = _decode(raw)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        outcome.diagnostics.append(("not_utf8", f"not UTF-8 text (byte {exc.start}): not parsed", None, line))
        return False
    outcome.signal = content_signal(file.path, file.kind, text)
    # an overlay's objects come from the files it read: families look for their words there too
    probe = text if overlay is None else "\n".join([text, *(repr(doc) for doc in overlay)])
    start = plan.first_word(file.kind, probe)
    active = [fp for fp in families if fp.accepts(file.path, probe, start)]
    if not active:
        return False
    return _run_rules(plan, file, text, active, outcome, chart, overlay, bound)


def _run_rules(
    plan: Plan,
    file: IndexedFile,
    text: str,
    active: list[FamilyPlan],
    outcome: FileOutcome,
    chart: tuple[tuple[str, bytes], ...] | None = None,
    overlay: list[Any] | None = None,
    bound: Bound | None = None,
) -> bool:
    if overlay is not None:  # a Kustomize overlay: the objects it changes, as it deploys them
        parsed = ParsedFile(file.path, file.kind, text, overlay)
    elif chart is not None:  # rendered statically with the chart's own values
        files = {name: data.decode("utf-8", "replace") for name, data in chart}
        try:
            parsed = ParsedFile(file.path, file.kind, text, chart_files_documents(text, files))
        except ParseError as exc:  # only a template nested too deeply to render
            outcome.diagnostics.append(("parse_error", exc.message, None, exc.line))
            return False
    elif file.kind in LAZY_KINDS:
        parsed = ParsedFile(file.path, file.kind, text, parser=_PARSERS[file.kind])
    else:
        try:
            parsed = ParsedFile(file.path, file.kind, text, parse(file.kind, text), bound=bound or NOTHING_BOUND)
        except ParseError as exc:
            outcome.diagnostics.append(("parse_error", exc.message, None, exc.line))
            return False
    used_index = False
    evidence, facts = outcome.evidence, outcome.facts
    for family_plan in active:
        if not family_plan.rules or (family_plan.skip is not None and family_plan.skip(parsed)):
            continue
        # One context per family and file, handed to each rule in turn: a context is only
        # the rule, its file and what the rule found, so it is reset between rules instead
        # of built again (tens of thousands of times in a big scan).
        ctx = FileContext(family_plan.rules[0], file=parsed, index=plan.index)
        for rule in family_plan.rules:
            ctx.rule = rule
            try:
                rule.func(ctx)
            except ParseError as exc:  # a lazy parse failed: said once, the rules after it go on
                if not any(d[0] == "parse_error" for d in outcome.diagnostics):
                    outcome.diagnostics.append(("parse_error", exc.message, None, exc.line))
            except Exception as exc:
                message = f"rule failed: {type(exc).__name__}: {exc}"
                line = _rule_error_line(exc, family_plan.module)
                outcome.diagnostics.append(("rule_error", message, rule.id, line))
            else:
                if ctx.index_used:
                    used_index = True
                for ev in ctx.evidence:
                    row = (ev.rule, ev.practice, ev.check, ev.outcome, ev.line, ev.message, ev.confidence)
                    evidence.append(row if ev.file == file.path else (*row, ev.file))
                for key, values in ctx.facts.items():
                    facts.setdefault(key, []).extend(values)
            if ctx.evidence:
                ctx.evidence = []
            if ctx.facts:
                ctx.facts = {}
            ctx.index_used = False
    parsed.release()
    return used_index
