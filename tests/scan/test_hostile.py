"""A hostile tree: the scan ends quickly, exits 0, and names every problem file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from scanfiles import write

from mllens.scan import engine
from mllens.scan.registry import Family, FamilyMeta, Rule, RuleMeta, families, rule
from mllens.scan.run import run_scan

BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
)


def _hostile(root: Path, outside: Path) -> dict[str, str]:
    """Build the tree; returns problem file -> the diagnostic kind expected for it."""
    write(outside, {"stolen.py": "import pickle\npickle.load(f)\n"})
    write(
        root,
        {
            "ok/train.py": "import mlflow\nmlflow.log_metric('a', 1)\n",
            "bin/data.py": b"\x00\x01\x02binary" * 100,
            "enc/latin.py": "caf\xe9 = 1\n".encode("latin-1"),
            "json/broken.json": '{"a": [1, 2,',
            "json/deep.json": "[" * 100_000 + "]" * 100_000,
            "nb/broken.ipynb": '{"cells": [ {"cell_type": "code", "source": 5} ]}',
            "nb/notjson.ipynb": "this is not a notebook",
            "yaml/bomb.yaml": BOMB,
            "yaml/deep.yaml": "a:\n" + "".join("  " * i + "- \n" for i in range(1, 1200)),
            "yaml/flowdeep.yml": "[" * 50_000 + "]" * 50_000,
            "tf/broken.tf": 'resource "aws_s3_bucket" {\n  = = =\n',
            # modules a rule must read as a tree (they call mlflow); see the helper below
            "py/deep.py": "import mlflow\nx = " + "(" * 5000 + ")" * 5000 + "\nmlflow.log_metric('a', 1)\n",
            "py/syntax.py": "import mlflow\nmlflow.log_metric('a', 1)\ndef broken(:\n",
            # mentions nothing any rule looks for: never parsed, so its error is not reported
            "py/helper.py": "import json\ndef broken(:\n",
            "toml/bad.toml": "a = [\n",
            "unreadable/locked.py": "x = 1\n",
        },
    )
    with open(root / "sparse.py", "wb") as handle:
        handle.truncate(5 * 1024**3)  # 5 GB, sparse: never read
    os.symlink(root, root / "ok" / "loop")
    os.symlink(outside, root / "escape")
    os.symlink(root / "nowhere", root / "dangling.py")
    os.mkfifo(root / "pipe.yaml")
    os.chmod(root / "unreadable" / "locked.py", 0)
    (root / "odd\nname.py").write_text("x = 1\n")
    os.close(os.open(os.path.join(os.fsencode(root), b"odd\xff.py"), os.O_CREAT | os.O_WRONLY))
    expected = {
        "bin/data.py": "binary",
        "enc/latin.py": "not_utf8",
        "json/broken.json": "parse_error",
        "nb/broken.ipynb": "parse_error",
        "nb/notjson.ipynb": "parse_error",
        "yaml/bomb.yaml": "parse_error",
        "yaml/deep.yaml": "parse_error",
        "yaml/flowdeep.yml": "parse_error",
        "tf/broken.tf": "parse_error",
        "py/deep.py": "parse_error",
        "py/syntax.py": "parse_error",
        "toml/bad.toml": "parse_error",
        "sparse.py": "too_large",
        "ok/loop": "symlink_loop",
        "escape": "symlink_outside",
        "dangling.py": "broken_symlink",
        "pipe.yaml": "not_regular",
        "odd\\nname.py": "odd_name",
        "odd\\xff.py": "odd_name",
    }
    if os.geteuid() != 0:  # root reads a chmod 000 file anyway; the read-error test below covers that case
        expected["unreadable/locked.py"] = "unreadable"
    return expected


@rule()
def _probe(ctx: object) -> None:
    """Reads nothing: only makes the scan parse every kind it is given."""


PROBE = Family(
    name="probe",
    meta=FamilyMeta(
        family="probe", description="parses every kind", kinds=["json", "yaml", "toml", "terraform"], rules={}
    ),
    rules=(
        Rule(
            id="probe.all",
            family="probe",
            name="all",
            scope="file",
            func=_probe,
            meta=RuleMeta(
                title="Probe rule",
                confidence=0.5,
                maps=[{"practice": "MLOPS03-BP02", "check": "experiment_tracking"}],
                outcomes=["info"],
                why="parses every file",
                how="does nothing else",
            ),
        ),
    ),
)


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    root = tmp_path / "proj"
    expected = _hostile(root, tmp_path / "outside")
    yield root, expected
    os.chmod(root / "unreadable" / "locked.py", 0o644)


def test_scan_survives_and_names_each_problem(hostile: tuple[Path, dict[str, str]]) -> None:
    root, expected = hostile
    started = time.monotonic()
    result = run_scan(root, use_cache=True, workers=1, families_to_run=(*families(), PROBE))
    assert time.monotonic() - started < 30
    found = {(d.file, d.kind) for d in result.diagnostics}
    for file, kind in expected.items():
        assert (file, kind) in found, f"no {kind} diagnostic for {file!r}; got {sorted(found)}"
    assert not [d for d in result.diagnostics if d.kind in ("internal_error", "rule_error")]
    assert not [d for d in result.diagnostics if d.file == "py/helper.py"]
    assert [(e.rule, e.file) for e in result.evidence if e.file == "ok/train.py"] == [
        ("python_code.experiment_tracking", "ok/train.py")
    ]
    assert not any("stolen" in e.file for e in result.evidence)


def test_cli_exit_zero_with_parallel_workers(hostile: tuple[Path, dict[str, str]]) -> None:
    root, expected = hostile
    run = subprocess.run(
        [str(Path(sys.executable).parent / "mllens"), "scan", str(root), "--format", "json", "--quiet"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    named = {d["file"] for d in report["diagnostics"]}
    ours = {f for f, kind in expected.items() if f.endswith((".py", ".ipynb")) or kind != "parse_error"}
    assert ours <= named


def test_read_errors_become_diagnostics(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"a.py": "import pickle\npickle.load(f)\n", "b.py": "x = 1\n"})
    real_open = os.open

    def failing_open(path: str, flags: int, *args: int) -> int:
        if str(path).endswith("a.py"):
            raise OSError(5, "Input/output error")
        return real_open(path, flags, *args)

    monkeypatch.setattr(engine.os, "open", failing_open)
    ours = [f for f in families() if f.name in ("python_code", "notebooks")]
    result = run_scan(tmp_path, use_cache=False, workers=1, families_to_run=ours)
    assert [(d.file, d.kind, d.message) for d in result.diagnostics] == [
        ("a.py", "unreadable", "cannot read: Input/output error")
    ]
    assert result.evidence == []
