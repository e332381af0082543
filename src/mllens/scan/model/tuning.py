"""The budget of hyperparameter tuning jobs in Python into the resource model (`TuningJob`).

Read from the settings as each service spells them, wherever they are written in a module
that uses an ML SDK: the keywords of a SageMaker `HyperparameterTuner(...)` or a Vertex AI
`HyperparameterTuningJob(...)` call, a dict of those keywords kept for later (`tuner_config =
{"max_jobs": 20, ...}`), a boto3 request's `ResourceLimits`, and an AI Platform Training
`hyperparameters` spec as a dict or as the JSON text a pipeline passes on (`"maxTrials": 6`).
Values come through the module's names and parameter defaults (`pyresolve`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from mllens.scan.model.kinds import Resource, TuningJob
from mllens.scan.model.sdk_code import Code
from mllens.scan.model.steps import base, trees
from mllens.scan.model.values import Value
from mllens.scan.parse.yaml import YamlMap

# (max trials, parallel trials, early stopping) as each service spells them
_SPELLINGS = (
    ("max_jobs", "max_parallel_jobs", "early_stopping_type"),  # SageMaker SDK
    ("MaxNumberOfTrainingJobs", "MaxParallelTrainingJobs", "TrainingJobEarlyStoppingType"),  # boto3 request
    ("maxTrials", "maxParallelTrials", "enableTrialEarlyStopping"),  # AI Platform Training
    ("max_trial_count", "parallel_trial_count", "search_algorithm"),  # Vertex AI SDK (no early stopping flag)
)
_TEXT_KEY = re.compile(r'"(maxTrials|maxParallelTrials|enableTrialEarlyStopping)"\s*:\s*([A-Za-z0-9_]+)')


_MOST = frozenset(most for most, _, _ in _SPELLINGS)
_SERVICES = {"max_jobs": ("aws", "SageMaker"), "MaxNumberOfTrainingJobs": ("aws", "SageMaker"),
             "maxTrials": ("gcp", "AI Platform Training"), "max_trial_count": ("gcp", "Vertex AI")}  # fmt: skip


def _budget(code: Code, where: YamlMap, line: int, address: str) -> TuningJob | None:
    for most, parallel, stopping in _SPELLINGS:
        if most in where:
            stop = code.at(where, stopping) if stopping != "search_algorithm" else Value.absent(
                code.file.path, where.line, "early stopping")
            provider, service = _SERVICES[most]
            return TuningJob(**base(code.file.path, line, provider=provider, service=service, type="tuning",
                                    address=address),
                             max_trials=code.at(where, most), parallel=code.at(where, parallel), early_stopping=stop)
    return None


def _in_text(code: Code, node: ast.Constant, line: int) -> TuningJob | None:
    """An AI Platform hyperparameters spec written as JSON text in a string constant."""
    text = node.value if isinstance(node.value, str) else ""
    found = {m.group(1): (m.group(2), line + text.count("\n", 0, m.start())) for m in _TEXT_KEY.finditer(text)}
    if "maxTrials" not in found:
        return None

    def value(key: str) -> Value:
        if key not in found:
            return Value.absent(code.file.path, line, key)
        raw, at = found[key]
        # the limit stands for the spec, one string: cited where it starts; the other settings where written
        return Value(int(raw) if raw.isdigit() else raw, code.file.path, line if key == "maxTrials" else at, key)

    return TuningJob(**base(code.file.path, line, provider="gcp", service="AI Platform Training",
                            type="hyperparameters", address=f"hyperparameter spec at line {line}"),
                     max_trials=value("maxTrials"), parallel=value("maxParallelTrials"),
                     early_stopping=value("enableTrialEarlyStopping"))


def resources(code: Code) -> Iterator[Resource]:
    module = code.module
    seen: set[int] = set()  # the lines of max-trial settings already read (a dict passed to a call)
    for call in module.calls:
        name = module.qualified(call)
        last = name.rsplit(".", 1)[-1]
        if last in ("HyperparameterTuner", "HyperparameterTuningJob") and "()" not in name:
            found = _budget(code, module.keywords(call), call.line, code.written(call))
        elif last == "create_hyper_parameter_tuning_job" and "client(sagemaker)." in name:
            request = module.keywords(call).get("HyperParameterTuningJobConfig")
            limits = request.get("ResourceLimits") if isinstance(request, YamlMap) else None
            found = _budget(code, limits, call.line, code.written(call)) if isinstance(limits, YamlMap) else None
        else:
            continue
        if found is not None and found.max_trials.line not in seen:
            seen.add(found.max_trials.line)
            yield found
    for tree, lines in trees(code.file):
        for node in ast.walk(tree):
            job: TuningJob | None = None
            if isinstance(node, ast.Dict) and any(isinstance(k, ast.Constant) and k.value in _MOST
                                                  for k in node.keys):
                where = module.value(node, module.root, lines)
                job = _budget(code, where, lines(node.lineno), f"tuning settings at line {lines(node.lineno)}") \
                    if isinstance(where, YamlMap) else None
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "maxTrials" in node.value:
                job = _in_text(code, node, lines(node.lineno))
            if job is not None and job.max_trials.line not in seen:
                seen.add(job.max_trials.line)
                yield job
