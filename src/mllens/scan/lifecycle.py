"""Which ML lifecycle stages a project's files show, for the report's lifecycle diagram.

Each stage gets short notes "file:line what", taken from evidence (on the stage that the
lens check it speaks to declares, `stage:` in the lens YAML), from `lifecycle` facts any
file rule may record ({"stage", "file", "line", "what"}), and from the index (data files,
DVC pointers). Detectors stay unaware of the diagram: this is a view over what they
already found.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from mllens.scan.context import ProjectIndex
from mllens.scan.evidence import Evidence

MAX_NOTES = 12
# The diagram's stages in order: mllens.lens.model.LIFECYCLE_STAGES (a test holds them equal).
# Not imported from there: loading the lens package (its models, reader, rule syntax) would
# cost every scan ~14 ms at start-up for a tuple of names.
LIFECYCLE_STAGES = ("data_sources", "processing", "training", "registry", "deployment", "monitoring")


# A check of the shipped lens's pillar files as they are written: `- id: <slug>` and its keys
# indented under it, one of them `stage: <stage>`.
_CHECK_ITEM = re.compile(r"^( *)- id: ([a-z0-9][a-z0-9_]*)\n((?:\1  .*\n|\n)*)", re.MULTILINE)
_STAGE_KEY = " *  stage: *([a-z_]+) *$"


@cache
def shipped_check_stages() -> Mapping[str, str]:
    """Check id -> lifecycle stage, as the shipped lens's checks declare them (`stage:`).

    Read from the lines of the pillar files, not through the lens loader: every scan needs
    these 56 fields, and parsing and validating the whole lens (~480 KB of YAML) cost a cold
    scan ~40 ms after its workers were done. The lens loader still checks the stages (one per
    check id, automated checks only); tests/scan/test_lifecycle.py checks this reads the same."""
    stages: dict[str, str] = {}
    shipped = resources.files("mllens") / "lens" / "data" / "ml"  # mllens.lens.load.shipped_lens_dir()
    for path in sorted(shipped.iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".yaml") or path.name == "lens.yaml":
            continue
        for item in _CHECK_ITEM.finditer(path.read_text(encoding="utf-8")):
            indent, check, body = item.groups()
            stage = re.search("^" + indent + _STAGE_KEY, body, re.MULTILINE)
            if stage is not None:
                stages[check] = stage.group(1)
    return stages


def _note(file: str, line: int | None, what: str) -> str:
    what = " ".join(what.split())
    if len(what) > 90:
        what = what[:87] + "..."
    return f"{file}:{line} {what}" if line else f"{file} {what}"


def lifecycle_notes(
    evidence: Sequence[Evidence],
    facts: Mapping[str, list[Any]],
    index: ProjectIndex,
    *,
    stages: Mapping[str, str] | None = None,
) -> dict[str, list[str]]:
    """Stage -> notes, stages in diagram order. `stages`: check id -> stage (by default the
    shipped lens's)."""
    stage_of_check = shipped_check_stages() if stages is None else stages
    notes: dict[str, list[str]] = {stage: [] for stage in LIFECYCLE_STAGES}

    def add(stage: str, note: str) -> None:
        if stage in notes and note not in notes[stage] and len(notes[stage]) < MAX_NOTES:
            notes[stage].append(note)

    for fact in facts.get("lifecycle", []):
        if isinstance(fact, dict) and isinstance(fact.get("stage"), str) and isinstance(fact.get("file"), str):
            line = fact.get("line") if isinstance(fact.get("line"), int) else None
            add(fact["stage"], _note(fact["file"], line, str(fact.get("what", ""))))
    for ev in evidence:
        stage = stage_of_check.get(ev.check)
        # (a full stage takes no more: checked first, thousands of findings in a big tree)
        if stage in notes and ev.outcome != "info" and len(notes[stage]) < MAX_NOTES:
            add(stage, _note(ev.file, ev.line, ev.message))
    data_dirs = sorted({f.path.rpartition("/")[0] or "." for f in index.files if f.kind == "data"})
    for directory in data_dirs[:3]:
        add("data_sources", _note(directory, None, "data files in the repository"))
    for pointer in [f.path for f in index.files if f.path.endswith(".dvc")][:3]:
        add("data_sources", _note(pointer, None, "DVC-tracked data"))
    return {stage: items for stage, items in notes.items() if items}
