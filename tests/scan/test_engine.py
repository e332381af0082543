"""One file through the engine: Python modules are parsed only when a rule needs the tree."""

from __future__ import annotations

import pickle
import random
from pathlib import Path

from scanfiles import write

from mllens.scan.context import ProjectIndex
from mllens.scan.engine import FileOutcome, Plan
from mllens.scan.registry import families
from mllens.scan.run import run_scan

KEY = "AKIA" + "4MLZQ7RT2XK9WB3F"  # an access key id shape (made up), as in the secrets fixtures


def _scan(root: Path) -> tuple[list[tuple[str, str, int | None]], list[tuple[str, str, int | None]]]:
    chosen = tuple(f for f in families() if f.name in ("python_code", "secrets"))
    result = run_scan(root, use_cache=False, workers=1, families_to_run=chosen)
    evidence = [(e.rule, e.file, e.line) for e in result.evidence if e.file != "."]  # project-wide notes aside
    return evidence, [(d.file, d.kind, d.line) for d in result.diagnostics]


def test_broken_module_a_rule_needs_is_one_parse_error_and_text_rules_still_report(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "train.py": f"import mlflow\nKEY = '{KEY}'\nmlflow.log_metric('auc', 1)\ndef broken(:\n",
        },
    )
    evidence, diagnostics = _scan(tmp_path)
    assert diagnostics == [("train.py", "parse_error", 4)]  # once, though many rules asked for the tree
    assert ("secrets.aws_access_key", "train.py", 2) in evidence  # read from the text, no tree needed
    assert not [e for e in evidence if e[0].startswith("python_code.")]


def test_module_mentioning_nothing_a_rule_seeks_is_not_parsed(tmp_path: Path) -> None:
    write(tmp_path, {"util.py": "import json\n\ndef f(:\n", "ok.py": "import mlflow\nmlflow.log_metric('a', 1)\n"})
    evidence, diagnostics = _scan(tmp_path)
    assert diagnostics == []  # util.py's syntax error is never met: nothing in it could be evidence
    assert evidence == [("python_code.experiment_tracking", "ok.py", 2)]


def test_one_search_for_every_family_of_a_kind_accepts_the_same_families() -> None:
    """Plan.first_word looks once for the words of every family reading a kind: a family is
    accepted with it exactly when its own search over the whole text accepts it."""
    plan = Plan(families=tuple(families()), index=ProjectIndex(()), version="v", index_fingerprint="f", max_size=1)
    assert plan.any_word  # several families with words read the same kinds (python, yaml, json ...)
    rng = random.Random(7)
    for kind, plans in plan.by_kind.items():
        words = sorted({w for fp in plans for w in fp.family.meta.contains})
        texts = ["", "import os\nprint('nothing here')\n"]
        for _ in range(40):  # words of different families at random places, alone or together
            picked = rng.sample(words, k=min(len(words), rng.randint(1, 3))) if words else []
            texts.append("x = 1\n".join(["pad " * rng.randint(0, 5), *picked, "end"]))
        for text in texts:
            start = plan.first_word(kind, text)
            for fp in plans:
                assert fp.accepts("src/a_test.py", text, start) == fp.accepts("src/a_test.py", text), (kind, text)


def test_outcome_packed_for_the_pipe_comes_back_equal() -> None:
    # workers send outcomes as tuples: every field, in order, survives pickling
    outcome = FileOutcome(
        path="src/train.py",
        evidence=[("r.id", "MLOPS01-BP01", "check", "supports", 3, "found", 0.8)],
        facts={"seeds": [{"file": "src/train.py", "line": 3}]},
        diagnostics=[("rule_error", "boom", "r.id", 4)],
        cache_key="k",
        cache_value="{}",
        clean=False,
        cache_hit=True,
        digest="d",
        stat=(1, 2, 3, 4, 5),
        read_ns=7,
        signal=("test", "pytest import"),
    )
    packed = outcome.packed()
    assert type(packed) is tuple and len(packed) == 12
    assert FileOutcome.unpacked(pickle.loads(pickle.dumps(packed))) == outcome
