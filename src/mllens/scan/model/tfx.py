"""TFX pipelines into the resource model, read statically.

A `Pipeline(...)` of `tfx.orchestration` (or `tfx.v1.dsl`) written in a file is a `Pipeline`
whose steps are the TFX components created in the same file (standard ones and custom
components named after them: `HFModelPusher` pushes):

- `ExampleValidator` validates data, `Trainer` trains, `Tuner` tunes, `Evaluator`
  evaluates, a `Pusher` deploys;
- the gate: a Pusher given `model_blessing` pushes only a model the Evaluator blessed against
  its thresholds (placed at the Evaluator when it is written here, else at the argument);
- images: the TF-Serving tags (or digests) an `InfraValidator` serving spec pulls;
- a Trainer or Tuner given a cloud executor (`google_cloud_ai_platform`, Vertex) runs as a
  managed, job-scoped job.

TFX keeps every pushed model and its blessing in ML Metadata, so "registers" is not judged;
neither are retries (the TFX DSL has no per-component retry setting).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from mllens.scan.model.kinds import Pipeline, Resource
from mllens.scan.model.pyresolve import Call
from mllens.scan.model.sdk_code import Code
from mllens.scan.model.steps import Step, base, facts, service_of
from mllens.scan.model.values import Value
from mllens.scan.parse.yaml import YamlSeq

# component (by the end of its class name) -> its roles
_COMPONENTS = {"ExampleValidator": "validate_data", "Trainer": "train", "Tuner": "tune", "Evaluator": "evaluate",
               "Pusher": "deploy"}  # fmt: skip


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
    for call in pipelines:
        found = facts(code.file.path, call.line, steps)
        found["registers"] = None
        yield Pipeline(
            **base(code.file.path, call.line, provider="tfx", service="TFX", type="Pipeline",
                   address=code.written(call)),
            **found,
            images=tuple(images),
        )
