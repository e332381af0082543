"""Azure ML SDK v1 pipelines (`azureml.pipeline.core.Pipeline` of `azureml.pipeline.steps`
steps) as pipeline steps.

Each step (PythonScriptStep, CommandStep, EstimatorStep ...) is named by its `name` and
`script_name`; it runs as an Azure ML job on its compute target. A v1 pipeline has no
condition step: a step runs only when the steps it `run_after`s succeed, and the evaluation
step fails or cancels the run when the new model is worse, so registering or deploying
`run_after` an evaluation step is the gate; `run_after` a training step releases the model
whatever it scored. Every Pipeline(...) of the module is given the module's steps.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import replace

from mllens.scan.model.kinds import Pipeline
from mllens.scan.model.pyresolve import Call
from mllens.scan.model.sdk_code import Code
from mllens.scan.model.steps import Step, facts, roles_of
from mllens.scan.model.values import Value

_STEPS = "azureml.pipeline.steps."
_PIPELINES = ("azureml.pipeline.core.Pipeline", "azureml.pipeline.core.graph.Pipeline")
SERVICE = "Azure Machine Learning"


def _step(code: Code, call: Call, cls: str) -> Step:
    kw = code.module.keywords(call)
    said = [v for v in (kw.get("name"), kw.get("script_name")) if isinstance(v, str) and not v.startswith("${")]
    label = str(kw.get("name")).strip() if isinstance(kw.get("name"), str) else cls
    return Step(name=label, line=call.line, roles=roles_of(*said), service=SERVICE)


def _bound(code: Code, node: ast.expr | None, call: Call) -> int | None:
    """The id of the step call a variable is bound to (None when it is not one name bound once)."""
    if not isinstance(node, ast.Name):
        return None
    found = code.module.bound(node.id, call.scope)
    return id(found[0]) if found is not None else None


def pipelines(code: Code) -> Iterator[Pipeline]:
    module = code.module
    steps: dict[int, Step] = {}
    order: list[tuple[int | None, int | None, int, str]] = []  # (step, after, line, after's name)
    made: list[Call] = []
    for call in module.calls:
        name = module.qualified(call)
        cls = name[len(_STEPS):] if name.startswith(_STEPS) else ""
        if cls.endswith("Step") and "." not in cls:
            steps[id(call.node)] = _step(code, call, cls)
        elif cls.endswith(".run_after") and call.node.args and isinstance(call.node.func, ast.Attribute):
            after = call.node.args[0]
            order.append((_bound(code, call.node.func.value, call), _bound(code, after, call), call.line,
                          after.id if isinstance(after, ast.Name) else "a step"))
        elif name in _PIPELINES:
            made.append(call)
    if not made or not steps:
        return
    for step_id, after_id, line, after_name in order:
        if step_id is None or after_id is None or step_id not in steps or after_id not in steps:
            continue
        step, before = steps[step_id], steps[after_id]
        if not step.roles & {"register", "deploy"}:
            continue
        if "evaluate" in before.roles and step.gate is None:
            gate = Value(f"run_after({after_name})", code.file.path, line, f"run_after({after_name})")
            steps[step_id] = replace(step, gate=gate)
        elif "train" in before.roles and not step.ordered_after:
            steps[step_id] = replace(step, ordered_after=line)
    ordered = sorted(steps.values(), key=lambda s: s.line)
    for call in made:
        where = {**code.base(call, service=SERVICE, type="Pipeline", address=f"Pipeline() at line {call.line}"),
                 "provider": "azure"}
        yield Pipeline(**where, **facts(code.file.path, call.line, ordered))
