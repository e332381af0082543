"""A re-scan of an unchanged tree, served from the last scan's result by its walk alone.

The walk key of a scan is the detector version (mllens.scan.cache.detector_version: our
sources, the families, the shipped lens), the digest of the walk it used as kept by
mllens.scan.walk_snapshot (the settings, the index with each file's kind and class, the
folders listed and the files the walker read, with their times) and every indexed file's
(size, mtime, ctime, inode, device) as stat-ed for that scan. A scan stores it beside its
result when every one of those times is older than cache.RACY_NS before the stats were
taken (as git does: a file written again within the file system's time resolution could
keep its times). A re-scan that finds the same key returns the stored result without
reading the `files` rows, a file's content, or importing the engine, the detectors or
multiprocessing: only the walk's folders and files are stat-ed again.

A file changed, added, removed or renamed, a folder or a .gitignore changed, other settings
or other detectors or another lens: each changes the key, and the scan goes the longer way
(mllens.scan.incremental), which still serves the last result when the contents turn out
unchanged, and then remembers this walk's key for it.
"""

from __future__ import annotations

import hashlib
import os
from array import array
from collections.abc import Sequence
from importlib import metadata, util
from itertools import chain
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from mllens.scan import cache
from mllens.scan.evidence import Evidence
from mllens.scan.result import Diagnostic, FolderClass

# the group third-party families register under (mllens.scan.registry.ENTRY_POINT_GROUP,
# which a test holds equal): named here so the version is found without loading the registry
ENTRY_POINT_GROUP = "mllens.detectors"


class Memo(BaseModel):
    """The part of a scan result that follows from the files (not the walk's diagnostics)."""

    model_config = ConfigDict(extra="forbid")

    evidence: list[Evidence]
    diagnostics: list[Diagnostic]
    lifecycle: dict[str, list[str]]
    files_by_class: dict[str, int] = {}
    folders: list[FolderClass] = []


def _module_files(names: Sequence[str]) -> list[str]:
    files = []
    for name in names:
        try:
            spec = util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin:
            files.extend([spec.origin, str(Path(spec.origin).with_suffix(".yaml"))])
    return files


def registered_version() -> str:
    """The detector version of a scan with the registered families, found without importing
    them (a re-scan served from the cache never needs their code). Our own families are
    listed in scan/registry.py and live under scan/, whose sources the version hashes; the
    families installed through entry points are added by name and files."""
    names, modules = [], []
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        names.append(f"entry:{entry.value}")
        modules.append(entry.module)
    return cache.detector_version(_module_files(modules), names)


def walk_key(version: str, walk: str, stats: Sequence[cache.Stat], taken_ns: int) -> str | None:
    """The walk key of a scan by detectors `version` over the kept walk whose digest is
    `walk` and whose files had `stats` (in the walk's order) when stat-ed from `taken_ns`
    on; None when some file changed too recently to trust its times."""
    try:  # one flat array of 64-bit integers: its newest times and its bytes without a Python loop
        flat = array("q", chain.from_iterable(stats))
    except OverflowError:  # an inode or device number past 2**63
        newest = max((max(s[1], s[2]) for s in stats), default=0)
        data = repr(list(stats)).encode()
    else:
        newest = max(max(flat[1::5], default=0), max(flat[2::5], default=0))
        data = flat.tobytes()
    if newest >= taken_ns - cache.RACY_NS:
        return None
    digest = hashlib.blake2b(f"{version}\0{walk}\0".encode(), digest_size=20)
    digest.update(data)
    return digest.hexdigest()


def has_scan(root: str | os.PathLike[str], version: str) -> bool:
    """Whether the cache holds a scan of the project at `root` by these detectors (one
    small query): a re-scan, likely served whole, that needs no family code."""
    reader = cache.open_reader()
    try:
        return reader.has_scan(os.path.realpath(root), version)
    finally:
        reader.close()


def stored(root: str, key: str) -> Memo | None:
    """The last scan's result of the project at `root` (a real path), when it was stored
    under this walk key and is what we store."""
    reader = cache.open_reader()
    try:
        found = reader.scan_by_stats(root, key)
    finally:
        reader.close()
    if found is None:
        return None
    try:
        return Memo.model_validate_json(found)
    except ValidationError:
        return None
