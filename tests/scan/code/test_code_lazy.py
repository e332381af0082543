"""The lazy index answers every question exactly as the built index does."""

from __future__ import annotations

import ast
import random

from mllens.scan.code.analysis import CodeIndex, Unit
from mllens.scan.code.lazy import LazyIndex
from mllens.scan.code.signals_ops import PIPELINES, TRACKING
from mllens.scan.code.signals_seeds import SEED_CALLS
from mllens.scan.code.signals_train import CHECKPOINTS, EARLY_STOPPING

SNIPPETS = [
    "import mlflow",
    "import mlflow as mf",
    "from mlflow import log_metric",
    "from sklearn.linear_model import *",
    "import numpy as np",
    "import json",
    "mlflow.log_metric('a', 1)",
    "mf.log_param('p', 2)",
    "log_metric('b', 3)",
    "np.random.seed(0)",
    "LogisticRegression(random_state=0).fit(X, y)",
    "model.fit(X, y, early_stopping_rounds=5)",
    "trainer = pl.Trainer(resume_from_checkpoint='x')",
    "json.loads(s)",
    "run = mlflow.start_run()\nrun.log_param('x', 1)",
    "class Flow(metaflow.FlowSpec):\n    pass",
    "@kfp.dsl.pipeline\ndef pipe():\n    pass",
    "torch.backends.cudnn.deterministic = True",
    "import torch",
    "loss.backward()",
    "def test_thing():\n    assert True",
]
QUESTIONS = [TRACKING, SEED_CALLS, PIPELINES, EARLY_STOPPING, CHECKPOINTS, ("mlflow.*",), ("numpy.random.seed",)]


def _answers(index: CodeIndex) -> list[object]:
    out: list[object] = []
    for patterns in QUESTIONS:
        for sites in ("calls", "decorators", "bases"):
            out.append([(s.name, s.line) for s in index.find(*patterns, sites=sites)])
        first = index.first(*patterns)
        out.append(None if first is None else (first.name, first.line))
    out.append([(s.name, s.line) for s in index.calls_with_kw("random_state", "early_stopping_rounds")])
    out.append([(s.name, s.line) for s in index.calls_ending("fit", "backward", "train")])
    out.append([(a[0], a[2]) for a in index.assignments("torch.backends.cudnn.deterministic")])
    out.append([index.uses("mlflow"), index.uses("numpy.random"), index.functions])
    return out


def test_same_answers_as_the_built_index() -> None:
    rng = random.Random(3)
    for _ in range(400):
        text = "\n".join(rng.sample(SNIPPETS, rng.randint(1, 8))) + "\n"
        tree = ast.parse(text)
        lazy = LazyIndex(lambda tree=tree: [Unit(tree)], text)
        assert _answers(lazy) == _answers(CodeIndex([Unit(tree)])), text


def test_a_file_without_the_words_is_never_walked() -> None:
    text = "import json\n\ndef load(p):\n    return json.loads(open(p).read())\n"
    walked: list[bool] = []

    def units() -> list[Unit]:
        walked.append(True)
        return [Unit(ast.parse(text))]

    lazy = LazyIndex(units, text)
    assert lazy.first(*TRACKING) is None and list(lazy.find(*SEED_CALLS)) == []
    assert lazy.calls_with_kw("random_state") == () and lazy.calls_ending("fit") == ()
    assert walked == []
    assert lazy.uses("json") and walked == [True]  # a question the words cannot settle builds it


def test_non_ascii_text_builds_the_index() -> None:
    text = "import ｍｌｆｌｏｗ\nｍｌｆｌｏｗ.log_metric('a', 1)\n"  # NFKC: the module is `mlflow`
    lazy = LazyIndex(lambda: [Unit(ast.parse(text))], text)
    site = lazy.first("mlflow.log_metric")
    assert site is not None and site.name == "mlflow.log_metric" and site.resolved


def test_has_words_rules_out_only_what_the_text_lacks() -> None:
    text = 'HEADERS = {"Access-Control-Allow-Origin": "*"}\n'
    lazy = LazyIndex(lambda: [Unit(ast.parse(text))], text)
    assert lazy.has_words("Allow", "Origin")
    assert not lazy.has_words("Allow", "Referer")
    assert not lazy.built  # answered from the words
    assert CodeIndex([Unit(ast.parse(text))]).has_words("anything")  # a built index rules nothing out
