"""python_code.skip_file rules a module or a notebook out only when running every rule on it
finds nothing.

Checked two ways: the rules' own code (each reads one signal of SIGNALS, those that read
notebooks one of IN_NOTEBOOKS, or reads test modules only), and the family run on the
python_code fixtures (modules and notebooks) and random mixes of their lines, as modules under
test and non-test paths and as notebooks of a few cells, with and without the hook."""

from __future__ import annotations

import ast
import inspect
import json
import random
from pathlib import Path

from mllens.scan.code.sources import module_code
from mllens.scan.code.triggers import quiet
from mllens.scan.context import FileContext, ParsedFile, ProjectIndex
from mllens.scan.detectors import python_code
from mllens.scan.engine import _PARSERS
from mllens.scan.parse import parse
from mllens.scan.registry import families

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "python_code"
FAMILY = next(f for f in families() if f.name == "python_code")
PATHS = ("src/train.py", "util.py", "tests/test_model.py", "pkg/conftest.py")
NOTEBOOK_PATHS = ("explore.ipynb", "tests/check.ipynb")


def _parsed(path: str, text: str) -> ParsedFile:
    if path.endswith(".ipynb"):
        return ParsedFile(path, "notebook", text, parse("notebook", text))
    return ParsedFile(path, "python", text, parser=_PARSERS["python"])


def _run(path: str, text: str, *, hook: bool) -> list[tuple[str, int | None, str, float]]:
    parsed = _parsed(path, text)
    if hook and FAMILY.skip is not None and FAMILY.skip(parsed):
        return []
    found: list[tuple[str, int | None, str, float]] = []
    for rule in FAMILY.file_rules():
        ctx = FileContext(rule, file=parsed, index=ProjectIndex(()))
        rule.func(ctx)
        found += [(e.rule, e.line, e.message, e.confidence) for e in ctx.evidence]
        found += [(rule.id, None, repr(sorted(ctx.facts.items())), 0.0)] if ctx.facts else []
    return found


def _notebook(cells: list[str]) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": "code", "metadata": {}, "outputs": [], "source": c.splitlines(keepends=True)}
                for c in cells
            ],
            "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    )


def _cell_sources(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def test_every_rule_reads_a_listed_signal_or_reads_tests_only() -> None:
    source = ast.parse(inspect.getsource(python_code))
    listed = {getattr(s, "__name__", "") for s in python_code.SIGNALS}
    in_notebooks = {getattr(s, "__name__", "") for s in python_code.IN_NOTEBOOKS}
    read_in_notebooks = set()
    for rule in FAMILY.file_rules():
        func = next(n for n in source.body if isinstance(n, ast.FunctionDef) and n.name == rule.name)
        reads = [c for c in ast.walk(func) if isinstance(c, ast.Call) and getattr(c.func, "id", "") == "read"]
        assert reads, f"{rule.id}: a read(signal, ...) call expected"
        for read in reads:  # a rule may run a second signal (on modules only, say)
            signal = read.args[0]
            name = signal.attr if isinstance(signal, ast.Attribute) else getattr(signal, "id", "")
            assert name in listed or name == "ml_tests", f"{rule.id} reads {name}, not in SIGNALS"
            modules_only = any(k.arg == "notebooks" and getattr(k.value, "value", True) is False for k in read.keywords)
            if not modules_only:
                read_in_notebooks.add(name)
    assert read_in_notebooks == in_notebooks  # what the hook weighs for a notebook, exactly


def test_hook_changes_nothing_on_fixtures_and_mixes() -> None:
    files = sorted(FIXTURES.rglob("*.py"))
    texts = [f.read_text(encoding="utf-8") for f in files]
    cells = [c for nb in sorted(FIXTURES.rglob("*.ipynb")) for c in _cell_sources(nb)]
    lines = [line for t in texts + cells for line in t.splitlines() if line.strip() and not line[0].isspace()]
    rng = random.Random(17)
    mixes = ["\n".join(rng.sample(lines, rng.randint(1, 6))) + "\n" for _ in range(250)]
    skipped = 0
    for text in texts + mixes:
        try:
            ast.parse(text)
        except SyntaxError:
            continue
        for path in PATHS:
            with_hook = _run(path, text, hook=True)
            assert with_hook == _run(path, text, hook=False), (path, text)
            skipped += FAMILY.skip(_parsed(path, text))  # type: ignore[misc]
    assert skipped > 10  # the hook does rule modules out
    notebooks = [nb.read_text(encoding="utf-8") for nb in sorted(FIXTURES.rglob("*.ipynb"))]
    notebooks += [_notebook(rng.sample(lines, rng.randint(1, 4))) for _ in range(200)]
    skipped = 0
    for text in notebooks:
        for path in NOTEBOOK_PATHS:
            with_hook = _run(path, text, hook=True)
            assert with_hook == _run(path, text, hook=False), (path, text)
            skipped += FAMILY.skip(_parsed(path, text))  # type: ignore[misc]
    assert skipped > 10  # the hook does rule notebooks out too


def test_plain_helper_module_is_skipped_without_parsing() -> None:
    text = "import json\n\ndef load(p):\n    return json.loads(open(p).read())\n"
    parsed = ParsedFile("src/util.py", "python", text, parser=_PARSERS["python"])
    assert FAMILY.skip is not None and FAMILY.skip(parsed) and not parsed.parsed
    assert not quiet(
        module_code(ParsedFile("src/t.py", "python", "import mlflow\n", parser=_PARSERS["python"])), python_code.SIGNALS
    )
    assert not FAMILY.skip(ParsedFile("tests/test_util.py", "python", text, parser=_PARSERS["python"]))


def test_notebook_without_the_words_is_skipped_and_its_cells_never_parsed() -> None:
    plain = _parsed("explore.ipynb", _notebook(["import pandas as pd\n", "df = pd.read_csv('a.csv')\ndf.head()"]))
    assert FAMILY.skip is not None and FAMILY.skip(plain)
    assert not plain.derived["code"].built  # the cells' syntax trees were never made
    # a word only module rules look for (a pipeline) does not keep a notebook in
    pipeline = _parsed("explore.ipynb", _notebook(["from kfp import dsl\n", "@dsl.pipeline\ndef p(): pass"]))
    assert FAMILY.skip(pipeline)
    seeded = _parsed("tests/explore.ipynb", _notebook(["import numpy as np\n", "np.random.seed(0)"]))
    assert not FAMILY.skip(seeded)
