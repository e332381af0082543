"""Training data a pipeline refreshes by overwriting one fixed file: each run trains on
whatever that file holds that day, and no model can be traced back to the data it saw."""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors import _ci_runs as runs
from mllens.scan.detectors._ci import commands, system_of
from mllens.scan.detectors._docker_run import _words
from mllens.scan.registry import rule

_DATA_FILE = re.compile(r"\.(csv|tsv|parquet|jsonl?|txt|tfrecords?|avro|orc|npy|npz|feather|xlsx?)$", re.IGNORECASE)
_STORE = re.compile(r"^(s3|gs|az|abfss?|wasbs?)://|^https://[\w.-]+\.blob\.core\.windows\.net/")
# A version, date, commit or run in the path: a new object per version, not one overwritten
_VERSIONED = re.compile(r"version|\bv\d|\d{4}-?\d{2}-?\d{2}|date|sha|commit|build|run[-_]?id|\$\(date|snapshot",
                        re.IGNORECASE)


def _overwritten(words: list[str]) -> str | None:
    """The fixed data file a copy or download writes, or None."""
    if words[:3] == ["aws", "s3", "cp"] or words[:2] in (["gsutil", "cp"], ["azcopy", "copy"]) or \
            words[:3] == ["gsutil", "-m", "cp"]:
        targets = [w for w in words if not w.startswith("-")]
        target = targets[-1] if len(targets) >= 2 else ""
        if _STORE.match(target) and _DATA_FILE.search(target):
            return target
    if words[:1] in (["wget"], ["curl"]):
        for flag in ("-O", "-o", "--output", "--output-document"):
            if flag in words[:-1]:
                target = words[words.index(flag) + 1]
                if _DATA_FILE.search(target):
                    return target
    return None


@rule()
def training_data_overwritten(ctx: FileContext) -> None:
    if system_of(ctx.file) is None:
        return
    cmds = commands(ctx.file)
    if not any(runs.runs_training(c.text) for c in cmds):
        return
    for command in cmds:
        for part in re.split(r"\s*(?:&&|;)\s*", command.text):
            target = _overwritten(_words(part))
            if target is not None and not _VERSIONED.search(target.split("/", 3)[-1]):
                ctx.contradicts(line=command.line, message=f"each run overwrites the training data at {target}: "
                                                           "no model can be traced to the data it was trained on")
                return
