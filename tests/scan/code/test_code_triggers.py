"""A signal skipped for a file's words finds exactly what running it finds: nothing.

Every code signal runs through `triggers.run` on the fixtures of the python_code family
(modules and notebooks) and on random mixes of their lines; each must give the same evidence
as running the signal itself on the built index."""

from __future__ import annotations

import ast
import inspect
import json
import random
from pathlib import Path
from typing import Any

import pytest

from mllens.scan.code import (
    signals_exposure,
    signals_model,
    signals_ops,
    signals_release,
    signals_seeds,
    signals_train,
    triggers,
)
from mllens.scan.code.analysis import CodeIndex, Unit
from mllens.scan.code.lazy import LazyIndex
from mllens.scan.code.sources import notebook_code, notebook_units
from mllens.scan.context import FileContext, ParsedFile, ProjectIndex
from mllens.scan.parse import parse
from mllens.scan.registry import families

FIXTURES = Path(__file__).resolve().parents[1] / "detectors" / "fixtures" / "python_code"
SIGNALS = [
    func
    for module in (signals_ops, signals_seeds, signals_release, signals_model, signals_train, signals_exposure)
    for name, func in inspect.getmembers(module, inspect.isfunction)
    if func.__module__ == module.__name__ and list(inspect.signature(func).parameters) == ["ctx", "code"]
    and not name.startswith("_")  # a signal's private parts
]
RULES = {r.name: r for r in next(f for f in families() if f.name == "python_code").rules}
# signals a rule runs besides the one of its own name
RULE_OF = {"unchecked_preparation": "data_validation"}


def _rule_of(signal: triggers.Signal) -> Any:
    return RULES[RULE_OF.get(signal.__name__, signal.__name__)]


def _lines() -> list[str]:
    out: list[str] = []
    for path in sorted(FIXTURES.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        out.extend(line for line in text.splitlines() if line.strip() and not line.startswith((" ", "\t")))
    return out


def _evidence(path: str, text: str, signal: triggers.Signal, *, skip: bool) -> list[tuple[str, int | None, str]]:
    tree = ast.parse(text)
    parsed = ParsedFile(path, "python", text, tree)
    ctx = FileContext(_rule_of(signal), file=parsed, index=ProjectIndex(()))
    if skip:
        triggers.run(signal, ctx, LazyIndex(lambda: [Unit(tree)], text))
    else:
        signal(ctx, CodeIndex([Unit(tree)]))
    return [(e.outcome, e.line, e.message) for e in ctx.evidence]


def test_signals_learnt_from_their_questions() -> None:
    learnt = {s.__name__: triggers._learn(s) for s in SIGNALS}
    assert learnt["ml_tests"] is triggers._ALWAYS  # reads the file's path
    assert learnt["random_seeds"] is not triggers._ALWAYS and learnt["random_seeds"]
    assert len(SIGNALS) >= 20


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.py")), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_fixtures_same_evidence(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for signal in SIGNALS:
        assert _evidence(path.name, text, signal, skip=True) == _evidence(path.name, text, signal, skip=False)


def test_random_mixes_same_evidence() -> None:
    lines = _lines()
    rng = random.Random(11)
    checked = 0
    for _ in range(400):  # about a third of the mixes parse; more fixtures, more lines
        text = "\n".join(rng.sample(lines, rng.randint(1, 6))) + "\n"
        try:
            ast.parse(text)
        except SyntaxError:
            continue
        for signal in SIGNALS:
            name = rng.choice(["train.py", "tests/test_model.py", "util.py"])
            assert _evidence(name, text, signal, skip=True) == _evidence(name, text, signal, skip=False), text
        checked += 1
    assert checked > 100


def test_module_without_the_words_runs_no_signal_code() -> None:
    text = "import json\n\ndef load(p):\n    return json.loads(open(p).read())\n"
    ran: list[str] = []

    def spy(ctx: FileContext, code: CodeIndex) -> None:
        ran.append("ran")
        code.first("mlflow.*")

    parsed = ParsedFile("a.py", "python", text, ast.parse(text))
    ctx = FileContext(RULES["random_seeds"], file=parsed, index=ProjectIndex(()))
    triggers.run(spy, ctx, LazyIndex(lambda: [Unit(ast.parse(text))], text))
    assert ran == ["ran"]  # once, to learn what it asks (on the probe)
    triggers.run(spy, ctx, LazyIndex(lambda: [Unit(ast.parse(text))], "import mlflow\n" + text))
    assert ran == ["ran", "ran"]  # the word is there: it runs


def _notebook_evidence(text: str, signal: triggers.Signal, *, skip: bool) -> list[tuple[str, int | None, str]]:
    parsed = ParsedFile("explore.ipynb", "notebook", text, parse("notebook", text))
    ctx = FileContext(_rule_of(signal), file=parsed, index=ProjectIndex(()))
    if skip:
        triggers.run(signal, ctx, notebook_code(parsed))
    else:
        signal(ctx, CodeIndex(notebook_units(parsed.data)[0]))
    return [(e.outcome, e.line, e.message) for e in ctx.evidence]


def test_notebooks_same_evidence() -> None:
    """The fixture notebooks, and notebooks of a few cells made of fixture lines (magics too)."""
    notebooks = [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.rglob("*.ipynb"))]
    lines = [*_lines(), "%matplotlib inline", "!pip install mlflow", "df?"]
    rng = random.Random(5)
    for _ in range(150):
        cells = ["\n".join(rng.sample(lines, rng.randint(1, 3))) for _ in range(rng.randint(1, 4))]
        notebooks.append(
            json.dumps(
                {
                    "cells": [
                        {"cell_type": "code", "metadata": {}, "outputs": [], "source": c.splitlines(True)}
                        for c in cells
                    ],
                    "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
                    "nbformat": 4,
                },
                indent=1,
            )
        )
    found = 0
    for text in notebooks:
        for signal in SIGNALS:
            if signal.__name__ == "ml_tests":
                continue  # reads a test module's path; no rule runs it on a notebook
            with_skip = _notebook_evidence(text, signal, skip=True)
            assert with_skip == _notebook_evidence(text, signal, skip=False), (signal.__name__, text)
            found += len(with_skip)
    assert found > 20  # the notebooks do show things (32 with this seed)
