"""run_scan: serial and parallel agree, the cache is used and invalidated, rule errors
are diagnostics, and lifecycle notes come from evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
from scanfiles import write

from mllens.scan import run_files as run_module
from mllens.scan.context import FileContext
from mllens.scan.registry import Family, Rule, families
from mllens.scan.run import run_scan

OURS = [f for f in families() if f.name in ("python_code", "notebooks")]
TRAIN = "import mlflow\nimport numpy as np\n\nnp.random.seed(1)\nmodel.fit(X, y)\nmlflow.log_metric('auc', 0.9)\n"


def _rows(result: object) -> list[tuple[object, ...]]:
    return [(e.rule, e.check, e.outcome, e.file, e.line) for e in result.evidence]  # type: ignore[attr-defined]


def test_parallel_matches_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_module, "PARALLEL_MIN_FILES", 10)
    write(tmp_path, {f"pkg/m{i}.py": TRAIN if i % 7 == 0 else f"x = {i}\n" for i in range(60)})
    serial = run_scan(tmp_path, use_cache=False, workers=1, families_to_run=OURS)
    parallel = run_scan(tmp_path, use_cache=False, workers=2, families_to_run=OURS)
    assert _rows(serial) == _rows(parallel)
    assert ("python_code.experiment_tracking", "experiment_tracking", "supports", "pkg/m0.py", 6) in _rows(serial)


def test_cache_hits_and_invalidation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, {"train.py": TRAIN})
    first = run_scan(tmp_path, families_to_run=OURS)
    calls: list[str] = []
    real = run_module.process_file

    def spy(plan, file, cache):  # type: ignore[no-untyped-def]
        outcome = real(plan, file, cache)
        calls.append(f"{file.path}:{'hit' if outcome.cache_hit else 'miss'}")
        return outcome

    monkeypatch.setattr(run_module, "process_file", spy)
    second = run_scan(tmp_path, families_to_run=OURS)
    assert calls == ["train.py:hit"] and _rows(first) == _rows(second)
    (tmp_path / "train.py").write_text(TRAIN.replace("np.random.seed(1)\n", ""))
    calls.clear()
    third = run_scan(tmp_path, families_to_run=OURS)
    assert calls == ["train.py:miss"]
    assert "python_code.random_seeds" not in {e.rule for e in third.evidence}
    assert "python_code.unseeded_training" in {e.rule for e in third.evidence}


def test_a_failing_rule_is_a_diagnostic(tmp_path: Path) -> None:
    write(tmp_path, {"train.py": TRAIN})
    base = next(f for f in OURS if f.name == "python_code")

    def explode(ctx: FileContext) -> None:
        raise KeyError("boom")

    broken_rule = Rule(
        id="python_code.random_seeds",
        family="python_code",
        name="random_seeds",
        scope="file",
        meta=base.rules[0].meta,
        func=explode,
    )
    family = Family(name="python_code", meta=base.meta, rules=(broken_rule, *base.rules[1:]))
    result = run_scan(tmp_path, use_cache=False, families_to_run=[family])
    assert [(d.file, d.kind, d.rule) for d in result.diagnostics] == [
        ("train.py", "rule_error", "python_code.random_seeds")
    ]
    assert "KeyError" in result.diagnostics[0].message
    assert "python_code.experiment_tracking" in {e.rule for e in result.evidence}


def test_lifecycle_notes(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "train.py": TRAIN,
            "data/train.csv": "a,b\n1,2\n",
            "register.py": "import mlflow\nmlflow.register_model('runs:/1/m', 'm')\n",
        },
    )
    result = run_scan(tmp_path, use_cache=False, families_to_run=OURS)
    assert result.lifecycle["registry"] == ["register.py:2 registers model versions: mlflow.register_model"]
    assert "train.py:6 logs runs to an experiment tracker: mlflow.log_metric" in result.lifecycle["training"]
    assert result.lifecycle["data_sources"] == ["data data files in the repository"]


def test_not_a_directory_is_input_error(tmp_path: Path) -> None:
    from mllens.errors import InputError

    with pytest.raises(InputError, match="expected a project directory"):
        run_scan(tmp_path / "missing.py")
