"""One view of code for a module and a notebook's cells: the same signal reports from either,
with the notebook's evidence weighed lower and the rule the engine handed left as it was."""

from __future__ import annotations

import ast
import json

from mllens.scan.code import signals_model, signals_ops, signals_seeds
from mllens.scan.code.analysis import CodeIndex
from mllens.scan.code.view import NOTEBOOK_DISCOUNT, code_of, notebook_rule, quiet_file, read
from mllens.scan.context import FileContext, ParsedFile, ProjectIndex
from mllens.scan.parse import parse
from mllens.scan.registry import all_rules

SEEDS = all_rules()["python_code.random_seeds"]
UNSAFE = all_rules()["python_code.unsafe_deserialisation"]


def _notebook(*cells: str) -> ParsedFile:
    text = json.dumps(
        {
            "cells": [
                {"cell_type": "code", "metadata": {}, "outputs": [], "source": c.splitlines(True)} for c in cells
            ],
            "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    )
    return ParsedFile("explore.ipynb", "notebook", text, parse("notebook", text))


def _module(text: str) -> ParsedFile:
    return ParsedFile("train.py", "python", text, ast.parse(text))


def _evidence(ctx: FileContext) -> list[tuple[str, int | None, str, float]]:
    return [(e.rule, e.line, e.message, e.confidence) for e in ctx.evidence]


def test_a_signal_reads_a_module_and_a_notebook_alike() -> None:
    module = FileContext(SEEDS, file=_module("import numpy as np\n\nnp.random.seed(0)\n"))
    read(signals_seeds.random_seeds, module)
    notebook = FileContext(SEEDS, file=_notebook("import numpy as np\n", "x = 1\nnp.random.seed(0)"))
    read(signals_seeds.random_seeds, notebook)
    assert _evidence(module) == [("python_code.random_seeds", 3, "fixes a random seed: numpy.random.seed", 0.8)]
    # the line is the .ipynb file's; the cell is named; the confidence is the rule's less the discount
    line = notebook.file.text.split("\n").index('    "np.random.seed(0)"') + 1
    assert _evidence(notebook) == [
        ("python_code.random_seeds", line, "fixes a random seed: numpy.random.seed (cell 2)", 0.7)
    ]
    assert module.facts == {"seeds": [{"file": "train.py", "line": 3}]}
    assert notebook.facts == {"seeds": [{"file": "explore.ipynb", "line": line}]}
    assert notebook.rule is SEEDS  # handed back as the engine gave it


def test_a_confidence_the_signal_states_is_kept_in_a_notebook() -> None:
    ctx = FileContext(UNSAFE, file=_notebook("import torch\n", "m = torch.load('m.pt')\nimport pickle\npickle.load(f)"))
    read(signals_model.unsafe_deserialisation, ctx)
    assert sorted(e.confidence for e in ctx.evidence) == [0.5, round(UNSAFE.meta.confidence - NOTEBOOK_DISCOUNT, 2)]


def test_a_module_only_rule_finds_nothing_in_a_notebook() -> None:
    cells = ("from kfp import dsl\n", "@dsl.pipeline\ndef train():\n    pass")
    rule = all_rules()["python_code.ml_pipeline"]
    ctx = FileContext(rule, file=_notebook(*cells), index=ProjectIndex(()))
    read(signals_ops.ml_pipeline, ctx, notebooks=False)
    assert ctx.evidence == []
    read(signals_ops.ml_pipeline, ctx)  # the same signal, had the rule read notebooks
    assert [e.message for e in ctx.evidence] == ["defines an orchestrated pipeline: kfp.dsl.pipeline (cell 2)"]


def test_the_notebook_rule_keeps_the_id_and_is_made_once() -> None:
    weighed = notebook_rule(SEEDS)
    assert weighed.id == SEEDS.id and weighed.meta.maps == SEEDS.meta.maps
    assert weighed.meta.confidence == 0.7 and SEEDS.meta.confidence == 0.8
    assert notebook_rule(SEEDS) is weighed


def test_code_of_and_quiet_file_follow_the_kind() -> None:
    cells = ("import pandas as pd\n", "df = pd.read_pickle('x.pkl')")
    # what a notebook is weighed against is its own list of signals (asked before any
    # question builds its index: a built index is never called quiet)
    unsafe, seeds = (signals_model.unsafe_deserialisation,), (signals_seeds.random_seeds,)
    assert not quiet_file(_notebook(*cells), seeds, in_notebooks=unsafe)
    assert quiet_file(_notebook(*cells), unsafe, in_notebooks=seeds)
    module = _module("import pandas as pd\ndf = pd.read_csv('x.csv')\n")
    assert quiet_file(module, unsafe, in_notebooks=())
    notebook = _notebook(*cells)
    assert isinstance(code_of(notebook), CodeIndex) and code_of(notebook) is code_of(notebook)
    assert [s.name for s in code_of(notebook).find("pandas.*")] == ["pandas.read_pickle"]


def test_a_notebooks_outputs_are_never_read_as_its_code() -> None:
    outputs = [
        {"output_type": "stream", "name": "stdout", "text": ["import torch\n", "torch.load('m.pt')\n"]},
        {"output_type": "execute_result", "execution_count": 1, "metadata": {},
         "data": {"text/plain": ["import pickle; pickle.load(f); np.random.seed(0)"]}},
    ]  # fmt: skip
    text = json.dumps({
        "cells": [{"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": outputs,
                   "source": ["import numpy as np\n", "x = np.zeros(3)"]}],
        "metadata": {"kernelspec": {"language": "python", "name": "python3"}}, "nbformat": 4, "nbformat_minor": 5,
    }, indent=1)  # fmt: skip
    notebook = ParsedFile("explore.ipynb", "notebook", text, parse("notebook", text))
    for rule, signal in ((UNSAFE, signals_model.unsafe_deserialisation), (SEEDS, signals_seeds.random_seeds)):
        ctx = FileContext(rule, file=notebook)
        read(signal, ctx)
        assert ctx.evidence == []
    assert [s.name for s in code_of(notebook).find("numpy.*")] == ["numpy.zeros"]  # the source cell is read
