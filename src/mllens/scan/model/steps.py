"""The steps of an orchestrated pipeline (KFP, TFX, Prefect, Metaflow, Airflow), read by what
they are called, and the pipeline facts they give (see `Pipeline` in kinds).

A step's role comes from the words of its names (component function, class, task id, step
method): `train_model` trains, `deploy`/`serve`/`push` deploys, `register_model` registers,
`evaluate` evaluates, `validate_data`/`check_data_quality`/`great_expectations` validates
data. A name that says nothing (`step_1`) has no role; nothing is guessed from the code a
step runs in another file.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypedDict

from mllens.scan.context import ParsedFile
from mllens.scan.model.values import Value

_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_DATA = {"data", "dataset", "datasets", "example", "examples", "schema", "input", "inputs", "raw", "table", "tables"}
_CHECK = {"validate", "validation", "validator", "validates", "check", "checks", "quality", "expectation",
          "expectations", "anomalies", "great"}  # fmt: skip
_PREPARES = {"split", "query", "extract", "ingest", "ingestion", "preprocess", "preprocessing", "prepare", "load",
             "download", "generate", "gen", "transform"}  # fmt: skip
_NOT_MODEL = {"data", "dataset", "datasets", "table", "tables", "features", "feature", "metrics", "results", "report",
              "logs", "artifacts", "schema"}  # fmt: skip
_PREDICTS = {"predict", "prediction", "predictions", "predicting", "scoring", "inference", "infer"}
_AROUND = {"test", "tests", "check", "delete", "cleanup", "clean", "teardown", "monitor", "invoke", "notify", "wait"}
_ROLES: dict[str, set[str]] = {
    "train": {"train", "training", "trainer", "fit", "retrain"},
    "tune": {"tune", "tuning", "tuner", "hypertune", "hpo", "hyperparameter", "hyperparameters", "sweep", "katib"},
    "evaluate": {"evaluate", "evaluation", "evaluator", "eval", "assess", "metrics"},
    "deploy": {"deploy", "deployment", "deployer", "serve", "serving", "push", "pusher", "release", "rollout",
               "endpoint"},
    "register": {"register", "registry", "registration"},
}


def words(*names: str) -> set[str]:
    """`trainModel`, `model-training_op`, `RunGreatExpectationsValidation` -> lower-case words."""
    found: set[str] = set()
    for name in names:
        found.update(w.lower() for w in _WORDS.findall(name))
    return found


def roles_of(*names: str) -> frozenset[str]:
    said = words(*names)
    roles = {role for role, vocabulary in _ROLES.items() if said & vocabulary}
    if said & _PREPARES:
        roles.discard("train")  # create_training_split, load_training_data: data for training
    if (said & _NOT_MODEL and "model" not in said) or said & _AROUND:
        roles -= {"deploy", "register"}  # register_dataset, push_results, test_endpoint, delete_endpoint
    if said & _CHECK and (said & _DATA or said >= {"great", "expectations"}):
        roles.add("validate_data")
        roles.discard("evaluate")
    elif said & {"validate", "validation", "validator"} and "model" in said:
        roles.add("evaluate")  # a model validation step evaluates it
    if "upload" in said and "model" in said:
        roles.add("register")  # a model uploaded to a model store is published as a version
    if (said & _PREPARES or "dbt" in said) and not said & {"model", "models", "predictions", "results"}:
        roles.add("prepare")  # ingest, preprocess, split, transform: data preparation
    if said & _PREDICTS:
        roles.add("predict")  # scores data with a model (batch scoring when the pipeline trains and deploys nothing)
    if ("infra" in said and said & {"validate", "validation", "validator"}) or said >= {"smoke", "test"}:
        roles.add("release_test")  # the model served in a sandbox like production and sent requests
    return frozenset(roles)


@dataclass(frozen=True)
class Step:
    """One step as written: `name` for messages, its `roles`, and the condition around it."""

    name: str
    line: int
    roles: frozenset[str]
    gate: Value | None = None  # the condition on an evaluation result it runs under
    service: str = ""  # the managed service that runs it as a job of its own ("": not known to)
    service_line: int = 0  # where that is said, when not at the step (a decorator)
    ordered_after: int = 0  # the line running it straight after training or evaluation, ignoring the result


class StepFacts(TypedDict):
    gate: Value | None
    registers: Value | None
    deploys: Value | None
    trains: Value | None
    validates_data: Value | None
    tunes: Value | None
    managed_training: tuple[Value, ...]
    profiles_data: Value | None
    release_test: Value | None
    batch_scoring: Value | None


def facts(file: str, line: int, steps: list[Step]) -> StepFacts:
    """The Pipeline fields its steps give: gate, registers, deploys, trains, validates_data.

    A step that registers or deploys under a condition on an earlier step's result is a gate;
    data validation counts only before the first training step (anywhere when none trains);
    with no step read, nothing is judged (None)."""
    if not steps:
        return {"gate": None, "registers": None, "deploys": None, "trains": None, "validates_data": None,
                "tunes": None, "managed_training": (), "profiles_data": None, "release_test": None,
                "batch_scoring": None}

    def first(role: str) -> Step | None:
        return next((s for s in steps if role in s.roles), None)

    def at(step: Step | None, name: str) -> Value:
        return Value(step.name, file, step.line, name) if step is not None else Value.absent(file, line, name)

    releasing = [s for s in steps if s.roles & {"deploy", "register"}]
    gated = next((s.gate for s in releasing if s.gate is not None), None)
    # no gate: absent at the pipeline, or where a release is merely ordered after training or evaluation
    after = next((s.ordered_after for s in releasing if s.ordered_after), 0)
    train = first("train")
    check = next((s for s in steps if "validate_data" in s.roles and (train is None or s.line <= train.line)), None)
    return {
        "gate": gated if gated is not None else Value.absent(file, after, "ordering") if after
        else Value.absent(file, line, "condition"),
        "registers": at(first("register"), "register step"),
        "deploys": at(first("deploy"), "deploy step"),
        "trains": at(train, "training step"),
        # with no training step read, a validation step still counts; its absence is not judged
        "validates_data": at(check, "data validation step") if train is not None or check is not None else None,
        "tunes": at(first("tune"), "tuning step"),
        "managed_training": tuple(Value(s.service, file, s.service_line or s.line, s.name) for s in steps
                                  if s.service and s.roles & {"train", "tune"}),
        # only what is there is said: profiling and release tests are not asked of every pipeline
        "profiles_data": at(profile, "profiling step") if (profile := first("profile")) else None,
        "release_test": at(tested, "release test step") if (tested := first("release_test")) else None,
        "batch_scoring": _batch_scoring(file, line, steps),
    }


def _batch_scoring(file: str, line: int, steps: list[Step]) -> Value | None:
    """A batch scoring step (an operator that is one), else a pipeline that only predicts:
    it scores with a model and neither trains nor deploys one (placed at the pipeline)."""
    explicit = next((s for s in steps if "batch_score" in s.roles), None)
    if explicit is not None:
        return Value(explicit.name, file, explicit.line, "batch scoring step")
    predicts = next((s for s in steps if "predict" in s.roles), None)
    if predicts is None or any(s.roles & {"train", "tune", "deploy"} for s in steps):
        return None
    return Value(predicts.name, file, line, "batch scoring step")


# words in a step's or component's name that say which managed service runs it as a job
_SERVICES = {"mlengine": "AI Platform Training", "cloudml": "AI Platform Training", "vertex": "Vertex AI",
             "aiplatform": "AI Platform / Vertex AI", "googlecloudpipelinecomponents": "Vertex AI",
             "sagemaker": "SageMaker", "dataproc": "Dataproc", "databricks": "Databricks",
             "azureml": "Azure Machine Learning"}  # fmt: skip


def service_of(*names: str) -> str:
    """The managed job service a step's names say runs it ("" when none does)."""
    said = words(*names) | {n.lower().replace("_", "").replace(".", "") for n in names}
    found = next((svc for word, svc in _SERVICES.items() if word in said or any(word in w for w in said)), "")
    if not found and {"ai", "platform"} <= said:
        found = "AI Platform Training"
    return found


def trees(file: ParsedFile) -> list[tuple[ast.Module, Callable[[int], int]]]:
    """The file's syntax trees, each with how its line numbers map to the file's (a notebook's cells)."""
    data = file.data
    if file.kind == "notebook":
        from mllens.scan.code.sources import notebook_units

        return [(u.tree, u.line_map or _same) for u in notebook_units(data)[0]]
    return [(data, _same)] if isinstance(data, ast.Module) else []


def _same(line: int) -> int:
    return line


def literal(node: ast.expr | None) -> str:
    """A string written in place ('' otherwise)."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


def base(file: str, line: int, *, provider: str, service: str, type: str, address: str) -> dict[str, Any]:
    """The Resource fields of a pipeline read from code (created when the code runs: scripted)."""
    return {"syntax": "python", "provider": provider, "service": service, "type": type, "name": address,
            "address": address, "file": file, "line": line, "ml": True, "scripted": True}
