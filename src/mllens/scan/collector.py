"""The cyclic garbage collector during a scan.

A scan allocates many short-lived objects (syntax trees, sites; a re-scan served whole
builds one Evidence record per finding), which makes the collector run thousands of times,
each time walking the modules and families loaded. With them frozen (out of the
collector's sight) and a larger first generation it runs far less: about 3% fewer
instructions in a cold scan (measured with callgrind), and about 40% less time building a
stored result of 15,000 findings, for a few MB more at peak.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

THRESHOLDS = (10_000, 10, 10)


def start_worker() -> None:
    """For a worker process: what it inherited (modules, the plan, the index) lives as long
    as it does, so full collections stop walking it again and again."""
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


@contextlib.contextmanager
def for_scan() -> Iterator[None]:
    """The same for this process during a scan, put back after it. A process that froze
    objects itself keeps its own settings."""
    if gc.get_freeze_count():
        yield
        return
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
