"""A scan of the project's files plus the live accounts named by `--live`: the files' scan
runs as always (its cache untouched), then each reader reads its account and the same
judgements judge what it found, and where the files declare a resource the account runs, the
two views are compared (`drift`); the live evidence and diagnostics are added to the result."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from mllens.live.base import reader_for
from mllens.live.declared import declared_resources
from mllens.live.drift import drift
from mllens.live.judge import judge
from mllens.scan.result import ScanResult


def add_live(result: ScanResult, providers: Sequence[str], *, root: str | None = None) -> ScanResult:
    """`result` with the evidence of each live provider added (InputError for an unknown one),
    and the drift between the resources the files under `root` declare and the account's."""
    started = time.perf_counter()
    readers = [reader_for(name) for name in providers]
    evidence, diagnostics = list(result.evidence), list(result.diagnostics)
    declared = declared_resources(root) if root is not None else []
    for reader in readers:
        found = reader.read()
        judged, problems = judge(found)
        judged += drift(declared, [r for group in found.resources.values() for r in group])
        evidence.extend(sorted(judged, key=lambda e: (e.file, e.rule, e.practice, e.check)))
        diagnostics.extend([*found.diagnostics, *problems])
    spent = time.perf_counter() - started
    return result.model_copy(update={"evidence": evidence, "diagnostics": diagnostics,
                                     "duration_s": round(result.duration_s + spent, 3)})


def live_scan(providers: Sequence[str]) -> Any:
    """A scan function for `review_project`: `run_scan`, then the live accounts."""
    from mllens.scan.run import run_scan

    def scan(path: str, **options: Any) -> ScanResult:
        return add_live(run_scan(path, **options), providers, root=path)

    return scan
