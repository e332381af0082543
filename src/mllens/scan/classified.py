"""A scan's files by class, put together: the walk's decisions (mllens.scan.classify), then
what the files read said of themselves; the evidence stamped with its file's class; the
per-class counts and the folder-by-folder reasons the reports and `--explain-files` show."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from mllens.scan.classify import DEFAULT_REASON, FILE_CLASSES, Decision, with_content
from mllens.scan.context import IndexedFile
from mllens.scan.engine import FileOutcome
from mllens.scan.evidence import DECIDING_CLASSES, Evidence
from mllens.scan.result import FolderClass


def final(walked: Mapping[str, Decision], outcomes: Iterable[FileOutcome]) -> dict[str, Decision]:
    """Every decision other than the default: the walk's, changed by the content signals
    of the files read (a generated header, a compiled pipeline among the tests)."""
    out = dict(walked)
    for o in outcomes:
        if o.signal is not None:
            decision = with_content(o.path, out.get(o.path), o.signal)
            if decision is not None:
                out[o.path] = decision
    return out


def outside(classes: Mapping[str, Decision]) -> frozenset[str]:
    """The paths whose evidence decides nothing (not the project's own files or tests)."""
    return frozenset(path for path, decision in classes.items() if decision.cls not in DECIDING_CLASSES)


def fingerprint(classes: Mapping[str, Decision]) -> str:
    """A digest of the walk's classification, part of the whole-scan cache key: an override
    or a .gitattributes line that changes a class must not serve the old result."""
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(classes):
        decision = classes[path]
        digest.update(f"{path}\t{decision.cls}\t{decision.reason}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def stamp(evidence: list[Evidence], classes: Mapping[str, Decision]) -> list[Evidence]:
    """The evidence with the class of the file each item was found in."""
    out = []
    for item in evidence:
        decision = classes.get(item.file)
        if decision is not None and decision.cls != item.file_class:
            item = item.model_copy(update={"file_class": decision.cls})
        out.append(item)
    return out


def summary(files: Sequence[IndexedFile], classes: Mapping[str, Decision]) -> tuple[dict[str, int], list[FolderClass]]:
    """(files per class, every class; the folders with their class, reason and file count).
    Files of the project's own by default are counted under their top-level folder."""
    tops = Counter(f.path.partition("/")[0] if "/" in f.path else "." for f in files if f.path not in classes)
    groups: Counter[tuple[str, str, str]] = Counter({(top, "project", DEFAULT_REASON): n for top, n in tops.items()})
    groups.update((d.where or ".", d.cls, d.reason) for d in classes.values())
    counts: dict[str, int] = dict.fromkeys(FILE_CLASSES, 0)
    for (_, cls, _), count in groups.items():
        counts[cls] += count
    folders = [FolderClass(folder=w, file_class=c, reason=r, files=n) for (w, c, r), n in sorted(groups.items())]
    return counts, folders
