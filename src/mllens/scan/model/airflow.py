"""Airflow DAGs and SageMaker operators, and Step Functions Data Science SDK workflows, into
the resource model, read statically.

- A DAG (`DAG(...)`, `with DAG(...)`, `@dag(...)`) is a `Pipeline` whose retries are its
  `default_args` "retries" (else the first task's own `retries=`); it is one of the ML
  services' pipelines only when the file runs SageMaker work. Its schedule is the
  `schedule` / `schedule_interval` / `timetable` written (None or "@once": started by hand);
  its operators are steps (see `steps`: SageMaker training and tuning operators train, transform
  and endpoint operators deploy, `*CheckOperator` and Great Expectations operators validate
  data), gated by a branch or short-circuit task on evaluation results written before them.
- The SageMaker operators' `config` dicts are the SageMaker API requests: the training,
  processing and tuning ones are read as training jobs, the model / endpoint-config /
  endpoint parts through the CloudFormation mapping (see `boto3_sagemaker`). A config built
  by `sagemaker.workflow.airflow.training_config(estimator, ...)` is a reference: the
  estimator itself is read by `sagemaker_sdk`.
- Step Functions Data Science SDK: an `EndpointConfigStep` is a deployment, a `Workflow` a
  pipeline whose retries are the `add_retry` / `retry=` of its steps.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import replace

from mllens.scan.model.boto3_sagemaker import as_cfn, training_request
from mllens.scan.model.kinds import Deployment, Pipeline, Resource, Variant
from mllens.scan.model.pyresolve import Call
from mllens.scan.model.sdk_code import Code
from mllens.scan.model.steps import Step, facts, literal, roles_of, service_of, trees, words
from mllens.scan.model.values import Value
from mllens.scan.parse.yaml import YamlMap

# operator -> (how its config is read: the request, or the parts of a combined config)
_TRAINING = {"SageMakerTrainingOperator": "training", "SageMakerProcessingOperator": "processing",
             "SageMakerTuningOperator": "tuning"}  # fmt: skip
_PARTS: dict[str, tuple[str | None, ...]] = {
    "SageMakerModelOperator": (None, "Model"),
    "SageMakerEndpointConfigOperator": (None, "EndpointConfig"),
    "SageMakerEndpointOperator": ("Model", "Model", "EndpointConfig", "EndpointConfig", "Endpoint", "Endpoint"),
    "SageMakerTransformOperator": ("Model", "Model"),
}
_ML_SERVICES = ("SageMaker", "MLEngine", "vertex_ai")
_ON_HOST = ("PythonOperator", "PythonVirtualenvOperator")
_BRANCHES = ("BranchPythonOperator", "ShortCircuitOperator", "BranchSQLOperator")
# what a branch deciding on evaluation results is called (a branch on a flag or a date is no gate)
_EVALUATES = {"evaluate", "evaluation", "eval", "metric", "metrics", "threshold", "accuracy", "auc", "score", "f1",
              "rmse", "mse", "loss", "compare", "blessed", "approve", "performance"}  # fmt: skip


def _last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _operator(code: Code, call: Call, cls: str) -> Iterator[Resource]:
    config = code.module.keywords(call).get("config")
    if not isinstance(config, YamlMap):
        return  # built elsewhere (training_config(estimator ...)): the estimator is read where written
    task = code.module.keywords(call).get("task_id")
    address = f"{cls} {task}" if isinstance(task, str) and not task.startswith("${") else cls
    kind = _TRAINING.get(cls)
    if kind == "training":
        yield training_request(code, call, config, address=address, type=cls)
    elif kind == "processing":
        yield training_request(code, call, config, address=address, processing=True, type=cls)
    elif kind == "tuning":
        definition = config.get("TrainingJobDefinition")
        if isinstance(definition, YamlMap):
            yield training_request(code, call, definition, address=address, type=cls)
    else:
        parts = _PARTS[cls]
        for key, rtype in zip(parts[::2], parts[1::2], strict=True):
            request = config if key is None else config.get(key)
            if isinstance(request, YamlMap) and rtype is not None:
                found = as_cfn(code, call, request, rtype, f"{address} {rtype}" if key else address)
                if found is not None:
                    yield found


def _dag(code: Code, call: Call, ml: bool, tasks: list[Call]) -> Pipeline:
    kw = code.module.keywords(call)
    defaults = kw.get("default_args")
    if isinstance(defaults, YamlMap) and "retries" in defaults:
        retries = code.at(defaults, "retries")
    else:
        task = next((t for t in tasks if t.kw("retries") is not None), None)
        retries = (
            code.at(code.module.keywords(task), "retries")
            if task is not None
            # absent where it would be written: in the default_args given, else at the DAG
            else Value.absent(code.file.path, defaults.line if isinstance(defaults, YamlMap) else call.line, "retries")
        )
    # unwritten, Airflow 2 runs a DAG daily and Airflow 3 only when triggered: not judged
    schedule = next((code.at(kw, k) for k in ("schedule", "schedule_interval", "timetable") if k in kw), None)
    return Pipeline(
        **code.base(call, service="Airflow", type="DAG", address=code.written(call), ml=ml),
        retries=retries,
        runs_ml=ml,
        schedule=schedule,
        **facts(code.file.path, call.line, _steps(code, tasks) if ml else []),
        host_preparation=_host_preparation(code, tasks) if ml else None,
    )


def _host_preparation(code: Code, tasks: list[Call]) -> Value | None:
    """The first data preparation task a PythonOperator runs: in the Airflow workers' own
    process, on capacity kept up for the scheduler, while the DAG sends its ML work to a service."""
    for task in tasks:
        cls = _last(code.module.qualified(task))
        task_id = literal(task.kw("task_id"))
        callable_name = ast.unparse(task.kw("python_callable") or ast.Constant(""))
        if cls in _ON_HOST and "prepare" in roles_of(task_id, callable_name):
            return Value(cls, code.file.path, task.line, task_id or cls)
    return None


def _steps(code: Code, tasks: list[Call]) -> list[Step]:
    """The DAG's operators as steps; a branch or short-circuit on evaluation results gates the
    register and deploy tasks written after it."""
    steps: list[Step] = []
    gate: Value | None = None
    for task in tasks:
        cls = _last(code.module.qualified(task))
        task_id = literal(task.kw("task_id"))
        roles = set(roles_of(cls, task_id))
        if cls.endswith("CheckOperator") or "GreatExpectations" in cls:
            roles.add("validate_data")
        if "tune" in roles:
            roles.add("train")
        if cls.endswith(("TransformOperator", "EndpointOperator", "BatchPredictionJobOperator")):
            roles.add("deploy")  # scores with the trained model or serves it
            if not cls.endswith("EndpointOperator"):
                roles.add("batch_score")
        callable_name = ast.unparse(task.kw("python_callable") or ast.Constant(""))
        if cls in _BRANCHES and words(task_id, callable_name) & _EVALUATES:
            gate = Value(task_id or cls, code.file.path, task.line, cls)
        releases = bool(roles & {"deploy", "register"})
        service = service_of(cls) if roles & {"train", "tune"} else ""  # SageMaker, MLEngine ... operators
        steps.append(Step(task_id or cls, task.line, frozenset(roles), gate if releases else None, service))
    return _ordered(code, tasks, steps)


def _ordered(code: Code, tasks: list[Call], steps: list[Step]) -> list[Step]:
    """A release task with no gate, marked where the DAG's wiring (`train >> deploy`,
    `train.set_downstream(deploy)`) runs it straight after a training or evaluation task."""
    at = {(t.line, t.node.col_offset): i for i, t in enumerate(tasks)}
    kept: dict[str, int] = {}
    edges: list[tuple[str, str, int]] = []
    for tree, lines in trees(code.file):
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and len(node.targets) == 1:
                index = at.get((lines(node.value.lineno), node.value.col_offset))
                if index is not None and isinstance(node.targets[0], ast.Name):
                    kept[node.targets[0].id] = index
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.RShift | ast.LShift):
                left, right = _names(node.left, last=True), _names(node.right)
                pairs = [(a, b) for a in left for b in right]
                edges += [(a, b, lines(node.lineno)) if isinstance(node.op, ast.RShift) else (b, a, lines(node.lineno))
                          for a, b in pairs]
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("set_downstream", "set_upstream") and node.args):
                owner, others = _names(node.func.value), _names(node.args[0])
                down = node.func.attr == "set_downstream"
                edges += [(o, x, lines(node.lineno)) if down else (x, o, lines(node.lineno))
                          for o in owner for x in others]
    for before, after, line in edges:
        i, j = kept.get(before), kept.get(after)
        if i is None or j is None or not steps[i].roles & {"train", "evaluate"}:
            continue
        if steps[j].roles & {"deploy", "register"} and steps[j].gate is None and not steps[j].ordered_after:
            steps[j] = replace(steps[j], ordered_after=line)
    return steps


def _names(node: ast.expr, *, last: bool = False) -> list[str]:
    """The task names an operand of `>>` or `set_downstream` stands for (`a`, `[a, b]`; of a
    chain `a >> b`, its last tasks)."""
    if isinstance(node, ast.BinOp) and last:
        return _names(node.right if isinstance(node.op, ast.RShift) else node.left)
    if isinstance(node, ast.List | ast.Tuple):
        return [n.id for n in node.elts if isinstance(n, ast.Name)]
    return [node.id] if isinstance(node, ast.Name) else []


def _endpoint_config_step(code: Code, call: Call) -> Deployment:
    kw = code.module.keywords(call)
    return Deployment(
        **code.base(call, service="SageMaker", type="EndpointConfigStep", address=code.written(call)),
        key=code.at(kw, "kms_key_id"),
        variants=(
            Variant(
                instance_count=code.at(kw, "initial_instance_count"),
                instance_type=code.at(kw, "instance_type"),
                serverless=Value.absent(code.file.path, call.line, "serverless"),
            ),
        ),
        capture=code.capture(kw, call),
    )


def resources(code: Code) -> Iterator[Resource]:
    module = code.module
    named = [(call, module.qualified(call)) for call in module.calls]
    named = [(call, name) for call, name in named if name]
    airflow = [(c, n) for c, n in named if n.startswith("airflow.")]
    # the ML services' own work: SageMaker, AI Platform (MLEngine) or Vertex AI operators
    ml = any(n.startswith("sagemaker.") or any(w in n for w in _ML_SERVICES) for _, n in named)
    tasks = [c for c, n in airflow if _last(n).endswith(("Operator", "Sensor")) or c.kw("retries") is not None]
    for call, name in airflow:
        cls = _last(name)
        if cls in _TRAINING or cls in _PARTS:
            yield from _operator(code, call, cls)
        elif cls in ("DAG", "dag") and "()" not in name:
            yield _dag(code, call, ml, tasks)
    steps = [(c, n) for c, n in named if n.startswith("stepfunctions.")]
    retry = next((c for c, n in named if n.endswith(".add_retry") or c.kw("retry") is not None), None)
    for call, name in steps:
        cls = _last(name)
        if cls == "EndpointConfigStep":
            yield _endpoint_config_step(code, call)
        elif cls == "Workflow":
            retries = (
                Value("add_retry", code.file.path, retry.line, "add_retry")
                if retry is not None
                else Value.absent(code.file.path, call.line, "add_retry")
            )
            yield Pipeline(
                **code.base(call, service="Step Functions", type="Workflow", address=code.written(call)),
                retries=retries,
            )
