"""The one walk a CodeIndex is built from hands back a record; the index only reads it."""

from __future__ import annotations

import ast

from mllens.scan.code.analysis import UNKNOWN, CodeIndex, Unit
from mllens.scan.code.collect import Collected, bound_names, collect

MODULE = """\
import numpy as np
import mlflow as mf
from sklearn.linear_model import *
from torch import nn as tnn
from . import local
np = 3
for i in range(3):
    a, (b, *c) = f()
total += 1
if auc > 0.8:
    mf.register_model("m", "n")
with mf.start_run() as run:
    run.log_param("x", 1)

@kfp.dsl.pipeline
def pipe(p, *rest, k=1, **kw):
    return (y := g())

class Flow(metaflow.FlowSpec):
    pass
"""


def _names(target: str) -> list[str]:
    statement = ast.parse(f"{target} = value").body[0]
    assert isinstance(statement, ast.Assign)
    return list(bound_names(statement.targets[0]))


def test_the_walk_gives_a_record_of_what_it_met() -> None:
    found = collect([Unit(ast.parse(MODULE), cell=4, line_map=lambda n: n + 100)])
    assert isinstance(found, Collected)
    # a relative import is never an alias; `np = 3` is a binding, not an import
    assert found.aliases == {"np": "numpy", "mf": "mlflow", "tnn": "torch.nn"}
    assert found.stars == ["sklearn.linear_model"]
    assert found.functions == [("pipe", 116, 4)]  # its `def` line, through the cell's line map
    assert [(cell, first, last) for cell, first, last, _ in found.gates] == [(4, 11, 11)]
    assert found.variables == {"i", "total", "y"}  # rebound to a value not written out
    assert found.params == {"p", "rest", "k", "kw"}
    # in the order met: a stack walk, so the statements of one body last to first
    assert [ast.unparse(t) for t, _, _ in found.binds] == ["run", "(a, (b, *c))", "np"]
    assert [(kind, ast.unparse(expr), owner) for kind, expr, _, owner in found.refs] == [
        ("base", "metaflow.FlowSpec", "Flow"),
        ("decorator", "kfp.dsl.pipeline", "pipe"),
    ]
    assert sorted(ast.unparse(call.func) for call, _ in found.calls) == [
        "f", "g", "mf.register_model", "mf.start_run", "range", "run.log_param"
    ]  # fmt: skip


def test_the_index_is_built_from_the_record() -> None:
    index = CodeIndex([Unit(ast.parse(MODULE))])
    assert index.aliases["mf"] == "mlflow" and index.stars == ["sklearn.linear_model"]
    assert [s.name for s in index.find("mlflow.*")] == ["mlflow.register_model", "mlflow.start_run",
                                                        "mlflow.start_run().log_param"]  # fmt: skip
    assert index.first("mlflow.register_model").gated  # type: ignore[union-attr]
    assert not index.constant_only("y") and not index.constant_only("np")


def test_bound_names_of_targets() -> None:
    assert _names("x") == ["x"]
    assert sorted(_names("a, (b, *c)")) == ["a", "b", "c"]
    assert _names("obj.attr") == [] and _names("d[k]") == []


DEFAULTS = """\
def load(model_name="bert-base-uncased", *, revision=None, size=SIZE):
    return model_name

def other(size="small", rows=()):
    return size

def rebound(path="a.csv"):
    path = path.strip()
"""


def test_a_parameter_default_is_known_only_where_every_function_agrees() -> None:
    index = CodeIndex([Unit(ast.parse(DEFAULTS))])

    def default(name: str) -> object:
        return index.default_of(ast.Name(id=name))

    assert default("model_name") == "bert-base-uncased"
    assert default("revision") is None  # a constant None default is a default like any other
    assert default("size") is UNKNOWN  # two functions disagree (SIZE is no constant): UNKNOWN
    assert default("rows") is UNKNOWN  # a tuple default is not a constant
    assert default("path") is UNKNOWN  # rebound in the body: it may hold anything
    assert default("missing") is UNKNOWN
