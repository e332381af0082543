"""The Vertex AI SDK (`google.cloud.aiplatform`) into the resource model: a model's or an
endpoint's `.deploy()` is a `Deployment` whose one variant serves from `min_replica_count`
replicas, and a `ScalingTarget` between the minimum and `max_replica_count`; a `PipelineJob`
is a `Pipeline` (its steps are compiled elsewhere, so they are not judged here); a
`ModelDeploymentMonitoringJob` is a `MonitoringSchedule`, and each drift or skew detection
config a `MonitoringJob` comparing inputs (skew: with the training data it names).

Serving settings kept in a dict for a deploy made elsewhere (the serving args a TFX Vertex
Pusher or a helper is given) are read alike when the dict has both `min_replica_count` and
`max_replica_count`, with the serving words (`machine_type`, `endpoint_name`,
`deployed_model_display_name`) that tell it from a training job's pool.

Read statically through `pyresolve`, like the SageMaker SDK (see python_sdk). The SDK's own
defaults are what an unwritten count means: one replica, and a maximum equal to the minimum
(no autoscaling); they are placed at the call, where the keyword would be written.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from mllens.scan.model.kinds import (
    Deployment,
    MonitoringJob,
    MonitoringSchedule,
    Pipeline,
    Resource,
    ScalingTarget,
    Variant,
)
from mllens.scan.model.pyresolve import Call
from mllens.scan.model.sdk_code import Code
from mllens.scan.model.steps import base, trees
from mllens.scan.model.values import Value
from mllens.scan.parse.yaml import YamlMap

PACKAGE = "google.cloud.aiplatform."
# ScalingTarget.namespace of a Vertex AI deployment's replicas (ml_resources judges it as serving)
NAMESPACE = "vertex_ai"
_DEPLOY_ON = ("Model", "Endpoint", "PrivateEndpoint")
_MONITORING_JOB = (PACKAGE + "ModelDeploymentMonitoringJob", PACKAGE + "ModelDeploymentMonitoringJob.create")
# drift compares serving windows with each other; skew compares serving with the training data
_DRIFT_CONFIGS = {
    PACKAGE + "model_monitoring.DriftDetectionConfig": "",
    PACKAGE + "model_monitoring.SkewDetectionConfig": "data_source",
}


def _base(code: Code, call: Call, type: str) -> dict[str, Any]:
    return {**code.base(call, service="Vertex AI", type=type, address=code.written(call)), "provider": "google"}


def _is_deploy(name: str) -> bool:
    """`Model.upload(...).deploy`, `Endpoint(...).deploy`, `aiplatform.Model.deploy(self...)`."""
    if not name.startswith(PACKAGE) or not name.endswith(".deploy"):
        return False
    owner = name[len(PACKAGE) : -len(".deploy")].split(".", 1)[0].split("(", 1)[0]
    return owner in _DEPLOY_ON


def _count(code: Code, call: Call, name: str, default: Value) -> Value:
    kw = code.module.keywords(call)
    return code.at(kw, name) if name in kw else default


def _deploy(code: Code, call: Call) -> Iterator[Resource]:
    kw = code.module.keywords(call)
    low = _count(code, call, "min_replica_count", Value(1, code.file.path, call.line, "min_replica_count"))
    high = _count(code, call, "max_replica_count", Value(low.raw, code.file.path, call.line, "max_replica_count"))
    variant = Variant(
        instance_count=low,
        instance_type=code.at(kw, "machine_type"),
        serverless=Value.absent(code.file.path, call.line, "serverless"),  # Vertex AI has no serverless capacity
    )
    yield Deployment(**_base(code, call, "deploy"), variants=(variant,))
    yield ScalingTarget(
        **_base(code, call, "deploy"),
        namespace=Value(NAMESPACE, code.file.path, call.line, "namespace"),
        min_capacity=low,
        max_capacity=high,
    )


def _drift(code: Code, call: Call, name: str, baseline: str) -> MonitoringJob:
    kw = code.module.keywords(call)
    return MonitoringJob(
        **_base(code, call, name.rsplit(".", 1)[-1]),
        purpose="data_quality",
        baseline=code.at(kw, baseline) if baseline else Value.absent(code.file.path, call.line, "data_source"),
        inter_container_encryption=Value.absent(code.file.path, call.line, "encryption"),  # not a setting here
    )


def resources(code: Code) -> Iterator[Resource]:
    module = code.module
    for call in module.calls:
        name = module.qualified(call)
        if name and _is_deploy(name):
            yield from _deploy(code, call)
        elif name in _MONITORING_JOB:
            kind = Value("drift", code.file.path, call.line, "ModelDeploymentMonitoringJob")
            yield MonitoringSchedule(**_base(code, call, "ModelDeploymentMonitoringJob"), monitoring_type=kind)
        elif name in _DRIFT_CONFIGS:
            yield _drift(code, call, name, _DRIFT_CONFIGS[name])
        elif name == PACKAGE + "PipelineJob":
            yield Pipeline(**{**_base(code, call, "PipelineJob"), "service": "Vertex AI Pipelines"})
    yield from _serving_dicts(code)


_REPLICAS = ("min_replica_count", "max_replica_count")
_SERVING_WORDS = ("machine_type", "endpoint_name", "deployed_model_display_name")


def _serving_dicts(code: Code) -> Iterator[Resource]:
    file = code.file.path
    for tree, lines in trees(code.file):
        for node in ast.walk(tree):
            if not isinstance(node, ast.Dict):
                continue
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if not (keys >= set(_REPLICAS) and keys & set(_SERVING_WORDS)):
                continue
            where = code.module.value(node, code.module.root, lines)
            if not isinstance(where, YamlMap):
                continue
            line = where.line
            fields = base(file, line, provider="google", service="Vertex AI", type="serving args",
                          address=f"Vertex AI serving args at line {line}")
            low, high = code.at(where, "min_replica_count"), code.at(where, "max_replica_count")
            variant = Variant(instance_count=low, instance_type=code.at(where, "machine_type"),
                              serverless=Value.absent(file, line, "serverless"))
            yield Deployment(**fields, variants=(variant,))
            yield ScalingTarget(**fields, namespace=Value(NAMESPACE, file, line, "namespace"), min_capacity=low,
                                max_capacity=high)
