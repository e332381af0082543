"""Helpers the scanner tests share."""

from __future__ import annotations

from pathlib import Path

from mllens.scan.result import ScanResult


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


# (rule, check, outcome, file, line): a piece of evidence as the project tests pin it
Row = tuple[str, str, str, str, int | None]


def rows_of(result: ScanResult, prefixes: tuple[str, ...]) -> list[Row]:
    """The evidence of the rules whose id starts with one of `prefixes`, as rows. Evidence for
    two practices that share a check id (hyperparameter_search) is one row; the same practice
    twice is still a duplicate row."""
    rows: list[Row] = []
    practices: dict[Row, set[str]] = {}
    for e in result.evidence:
        if e.rule.startswith(prefixes):
            row = (e.rule, e.check, e.outcome, e.file, e.line)
            seen = practices.setdefault(row, set())
            if not seen or e.practice in seen:
                rows.append(row)
            seen.add(e.practice)
    return rows


def assert_exactly(found: list[Row], expected: set[Row], name: str = "") -> None:
    """No duplicate, nothing missing, nothing unexpected (each named in the failure)."""
    assert len(found) == len(set(found)), f"{name}: duplicate evidence {sorted(found, key=str)}"
    missing, unexpected = expected - set(found), set(found) - expected
    assert not missing and not unexpected, (
        f"{name}: missing {sorted(missing, key=str)}, unexpected {sorted(unexpected, key=str)}"
    )
