"""The fixture harness: every rule's little bad/good project trees, and the exact evidence
each must produce. This docstring is the layout's description; tests/scan/test_fixtures.py
runs every case under tests/scan/detectors/fixtures/.

`fixtures/<family>/<rule>/<case>/` is a project tree. A case is named for what it shows:
`bad`, `good`, `edge_*` for a known trap, and `notebook_*` where a code rule is read from a
notebook. `fixtures/<family>/<rule>/expected.yaml` maps each case to the evidence of that
rule, exactly (every case directory needs an entry, and every entry a directory):

    bad:
      - {rule: python_code.random_seeds, practice: MLOPS02-BP04, check: random_seeds,
         outcome: supports, file: train.py, line: 3}
    good: []
    edge_malformed:
      evidence: []
      diagnostics: [{file: broken.py, kind: parse_error}]

A case given as a list expects no diagnostics; a case given as a mapping lists the
diagnostics (file, kind) it expects. Every family runs (project rules may read facts of
other families), but only the rule under test's evidence, and diagnostics that are not
another family's rule errors, are compared.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mllens.errors import InputError
from mllens.scan.run import run_scan
from mllens.yamlio import read_yaml

EVIDENCE_KEYS = ("rule", "practice", "check", "outcome", "file", "line")
DIAGNOSTIC_KEYS = ("file", "kind")


@dataclass(frozen=True)
class FixtureCase:
    family: str
    rule: str
    case: str
    path: Path
    evidence: tuple[tuple[Any, ...], ...]
    diagnostics: tuple[tuple[Any, ...], ...]
    error: str | None = None  # the fixture itself is malformed: the case fails with this

    @property
    def id(self) -> str:
        return f"{self.family}/{self.rule}/{self.case}"

    @property
    def rule_id(self) -> str:
        return f"{self.family}.{self.rule}"


def _rows(items: Any, keys: tuple[str, ...], *, file: str, field: str) -> tuple[tuple[Any, ...], ...]:
    if not isinstance(items, list):
        raise InputError(f"expected a list, got {type(items).__name__}", file=file, field=field)
    rows = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or set(item) != set(keys):
            given = sorted(item) if isinstance(item, dict) else type(item).__name__
            raise InputError(f"expected exactly the keys {list(keys)}, got {given}", file=file, field=f"{field}[{i}]")
        rows.append(tuple(item[k] for k in keys))
    return tuple(sorted(rows, key=repr))


def load_cases(rule_dir: Path) -> list[FixtureCase]:
    """The cases of one rule's fixture directory, with their expectations."""
    expected_file = rule_dir / "expected.yaml"
    shown = str(expected_file)
    data = read_yaml(expected_file) if expected_file.exists() else None
    if not isinstance(data, dict):
        raise InputError("expected a mapping of case name -> evidence", file=shown)
    cases = []
    for case, spec in data.items():
        if not (rule_dir / str(case)).is_dir():
            raise InputError(f"case {case!r} has no directory {rule_dir / str(case)}", file=shown, field=str(case))
        if isinstance(spec, dict):
            unknown = set(spec) - {"evidence", "diagnostics"}
            if unknown:
                raise InputError(f"unknown keys {sorted(unknown)}", file=shown, field=str(case))
            evidence = _rows(spec.get("evidence", []), EVIDENCE_KEYS, file=shown, field=f"{case}.evidence")
            diagnostics = _rows(spec.get("diagnostics", []), DIAGNOSTIC_KEYS, file=shown, field=f"{case}.diagnostics")
        else:
            evidence = _rows(spec if spec is not None else [], EVIDENCE_KEYS, file=shown, field=str(case))
            diagnostics = ()
        cases.append(
            FixtureCase(rule_dir.parent.name, rule_dir.name, str(case), rule_dir / str(case), evidence, diagnostics)
        )
    on_disk = {p.name for p in rule_dir.iterdir() if p.is_dir()}
    missing = sorted(on_disk - {c.case for c in cases})
    if missing:
        raise InputError(f"case directories without an expectation: {missing}", file=shown)
    return cases


def rule_dirs(root: Path) -> Iterator[Path]:
    for family_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        yield from sorted(p for p in family_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def all_cases(root: Path) -> list[FixtureCase]:
    """Every case under `root`; a malformed fixture directory becomes one failing case
    (named `<family>/<rule>/expected.yaml`) instead of stopping the collection."""
    cases: list[FixtureCase] = []
    for rule_dir in rule_dirs(root):
        try:
            cases.extend(load_cases(rule_dir))
        except InputError as exc:
            cases.append(FixtureCase(rule_dir.parent.name, rule_dir.name, "expected.yaml", rule_dir, (), (), str(exc)))
    return cases


def run_case(case: FixtureCase) -> tuple[tuple[tuple[Any, ...], ...], tuple[tuple[Any, ...], ...]]:
    """(evidence rows of the rule under test, diagnostics rows) from scanning the case."""
    result = run_scan(case.path, use_cache=False, workers=1)
    evidence = tuple(
        sorted(
            (
                (e.rule, e.practice, e.check, e.outcome, e.file, e.line)
                for e in result.evidence
                if e.rule == case.rule_id
            ),
            key=repr,
        )
    )
    diagnostics = tuple(
        sorted(
            ((d.file, d.kind) for d in result.diagnostics if d.rule is None or d.rule.startswith(case.family + ".")),
            key=repr,
        )
    )
    return evidence, diagnostics


def differences(case: FixtureCase) -> list[str]:
    """What differs between the case's expectation and a scan of it (empty when equal)."""
    if case.error is not None:
        return [case.error]
    evidence, diagnostics = run_case(case)
    out = []
    for row in sorted(set(case.evidence) - set(evidence), key=repr):
        out.append(f"missing evidence {dict(zip(EVIDENCE_KEYS, row, strict=True))}")
    for row in sorted(set(evidence) - set(case.evidence), key=repr):
        out.append(f"unexpected evidence {dict(zip(EVIDENCE_KEYS, row, strict=True))}")
    if len(evidence) != len(case.evidence) and not out:
        out.append(f"expected {len(case.evidence)} evidence rows, got {len(evidence)} (duplicates?)")
    for row in sorted(set(case.diagnostics) ^ set(diagnostics), key=repr):
        which = "missing" if row in case.diagnostics else "unexpected"
        out.append(f"{which} diagnostic {dict(zip(DIAGNOSTIC_KEYS, row, strict=True))}")
    return out
