"""TFX pipelines into the resource model, read statically.

A `Pipeline(...)` of `tfx.orchestration` (or `tfx.v1.dsl`) written in a file is a `Pipeline`
whose steps are the TFX components created in the same file (standard ones and custom
components named after them: `HFModelPusher` pushes):

- `ExampleValidator` validates data, `StatisticsGen` and `SchemaGen` profile it, `Trainer`
  trains, `Tuner` tunes, `Evaluator` evaluates, `InfraValidator` tests the model in a
  sandboxed model server before release, a `Pusher` deploys;
- no ExampleValidator while one is commented out (`# validator = ExampleValidator(...)`):
  the absent validation is placed at that comment, where a reviewer sees it was turned off;
- retries: `max_execution_retries` of a component's node execution options (TFX 1.x);
  absent at the list of components the Pipeline is given (`components=[...]`, or the list
  assigned to the variable it is given);
- the gate: a Pusher given `model_blessing` pushes only a model the Evaluator blessed against
  its thresholds (placed at the Evaluator when it is written here, else at the argument);
- images: the TF-Serving tags (or digests) an `InfraValidator` serving spec pulls;
- a Trainer or Tuner given a cloud executor (`google_cloud_ai_platform`, Vertex) runs as a
  managed, job-scoped job.

TFX keeps every pushed model and its blessing in ML Metadata, so "registers" is not judged.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from mllens.scan.model.kinds import Pipeline, Resource
from mllens.scan.model.pyresolve import Call
from mllens.scan.model.sdk_code import Code
from mllens.scan.model.steps import Step, base, facts, service_of
from mllens.scan.model.values import Value
from mllens.scan.parse.yaml import YamlSeq

# component (by the end of its class name) -> its roles
_COMPONENTS = {"ExampleValidator": "validate_data", "Trainer": "train", "Tuner": "tune", "Evaluator": "evaluate",
               "Pusher": "deploy", "StatisticsGen": "profile", "SchemaGen": "profile",
               "InfraValidator": "release_test"}  # fmt: skip
_COMMENTED_VALIDATOR = re.compile(r"^[ \t]*#.*\bExampleValidator\s*\(", re.MULTILINE)


def _component(name: str) -> str | None:
    last = name.rsplit(".", 1)[-1]
    return next((c for c in _COMPONENTS if last.endswith(c)), None) if "()" not in name else None


def _serving_images(code: Code, call: Call) -> Iterator[Value]:
    kw = code.module.keywords(call)
    for key, sep in (("tags", ":"), ("digests", "@")):
        items = kw.get(key)
        if isinstance(items, YamlSeq):
            for item, line in zip(items, items.item_lines, strict=True):
                if isinstance(item, str) and not item.startswith("${"):
                    yield Value(f"tensorflow/serving{sep}{item}", code.file.path, line, key)


def resources(code: Code) -> Iterator[Resource]:
    module = code.module
    if not any(t == "tfx" or t.startswith("tfx.") for t in module.imports.values()):
        return
    named = [(c, module.qualified(c)) for c in module.calls]
    tfx = any(n.startswith("tfx.") for _, n in named)
    pipelines = [c for c, n in named if n.startswith("tfx.") and n.endswith((".Pipeline", "pipeline.Pipeline"))]
    if not tfx or not pipelines:
        return  # components assembled into a pipeline elsewhere: not judged here
    evaluators = [c for c, n in named if _component(n) == "Evaluator"]
    evaluator = next((c for c in evaluators if "eval_config" in module.keywords(c)), None)
    steps: list[Step] = []
    images: list[Value] = []
    for call, name in named:
        component = _component(name)
        if name.endswith("TensorFlowServing"):
            images.extend(_serving_images(code, call))
        if component is None:
            continue
        gate = None
        kw = code.module.keywords(call)  # with the keys of a `**args` dict built in the module
        if component == "Pusher" and "model_blessing" in kw:
            line = evaluator.line if evaluator is not None else kw.line_of("model_blessing")
            gate = Value("model_blessing", code.file.path, line, "Evaluator blessing")
        # a Trainer or Tuner run by a cloud service's executor (ai_platform ... or Vertex) is a job of its own
        service = service_of(name, ast.unparse(call.node)) if component in ("Trainer", "Tuner") else ""
        steps.append(Step(name.rsplit(".", 1)[-1], call.line, frozenset({_COMPONENTS[component]}), gate, service))
    file = code.file.path
    retries = next((c for c in module.calls if c.kw("max_execution_retries") is not None), None)
    for call in pipelines:
        found = facts(file, call.line, steps)
        found["registers"] = None
        check = found["validates_data"]
        if check is not None and not check.written and (off := _commented_validator(code)):
            found["validates_data"] = Value.absent(file, off, "ExampleValidator (commented out)")
        yield Pipeline(
            **base(file, call.line, provider="tfx", service="TFX", type="Pipeline", address=code.written(call)),
            **found,
            images=tuple(images),
            retries=code.at(module.keywords(retries), "max_execution_retries") if retries is not None
            else Value.absent(file, _components_line(code, call), "max_execution_retries") if steps else None,
        )


def _commented_validator(code: Code) -> int:
    """The line of an ExampleValidator left in a comment (0: none)."""
    if code.file.kind == "notebook":
        return 0  # a cell's comment has no line of the file to point at here
    text = code.file.text
    found = _COMMENTED_VALIDATOR.search(text)
    return text.count("\n", 0, found.start()) + 1 if found is not None else 0


def _components_line(code: Code, call: Call) -> int:
    """Where the pipeline's components are listed: its `components=` list, or the list assigned
    to the variable it is given (the last such assignment before the call), else the call."""
    given = next((k.value for k in call.node.keywords if k.arg == "components"), None)
    if isinstance(given, ast.Name) and isinstance(code.file.data, ast.Module):
        lists = [n for n in ast.walk(code.file.data) if isinstance(n, ast.Assign) and isinstance(n.value, ast.List)
                 and any(isinstance(t, ast.Name) and t.id == given.id for t in n.targets)
                 and n.lineno <= call.node.lineno]
        if lists:
            return max(n.lineno for n in lists)
    return given.lineno if given is not None else call.line
