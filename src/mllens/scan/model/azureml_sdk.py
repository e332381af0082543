"""The Azure ML Python SDK v2 (`azure.ai.ml`) into the resource model: a
ManagedOnlineDeployment or KubernetesOnlineDeployment is a `Deployment` whose one variant
serves from `instance_count` instances, whose `scale_settings` say whether it scales on
utilisation (TargetUtilizationScaleSettings), the same `Switch` the CLI v2 YAML gives
(scan/model/azureml.py), and whose `data_collector` captures requests. A ManagedOnlineEndpoint
is an `Endpoint` with its `auth_mode` (key when unset). A MonitorSchedule is a `MonitoringSchedule`, and each data or
prediction drift signal a `MonitoringJob` comparing production data with its reference data.
An AmlCompute cluster (v2, or v1 `AmlCompute.provisioning_configuration`) is a `TrainingJob`
cluster: its minimum nodes, idle scale-down and priority. Read statically through `pyresolve` (see python_sdk).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from mllens.scan.detectors._iac import as_bool
from mllens.scan.model.azureml_sdk_pipeline import pipelines
from mllens.scan.model.kinds import (
    Capture,
    Deployment,
    Endpoint,
    MonitoringJob,
    MonitoringSchedule,
    Resource,
    TrainingJob,
    Variant,
)
from mllens.scan.model.pyresolve import Call, Settings
from mllens.scan.model.sdk_code import Code
from mllens.scan.model.values import Switch, Value
from mllens.scan.parse.yaml import YamlMap

PACKAGE = "azure.ai.ml.entities."
_DEPLOYMENTS = ("ManagedOnlineDeployment", "KubernetesOnlineDeployment")
_ENDPOINTS = ("ManagedOnlineEndpoint", "KubernetesOnlineEndpoint")
_DRIFT_SIGNALS = ("DataDriftSignal", "PredictionDriftSignal")
# the scale settings classes of the SDK, as the CLI v2 YAML's scale_settings.type spells them
_SCALE_TYPES = {"TargetUtilizationScaleSettings": "target_utilization", "DefaultScaleSettings": "default"}


def _scaling(code: Code, call: Call) -> Switch:
    kw = code.module.keywords(call)
    value = code.at(kw, "scale_settings")
    node = call.kw("scale_settings")
    written = kw.get("scale_settings")
    # a settings class, with keywords (resolved as Settings) or without (`DefaultScaleSettings()`)
    if isinstance(written, Settings):
        cls = written.cls
    elif isinstance(node, ast.Call):
        cls = (code.module.name_of(node.func, call.scope) or "").rsplit(".", 1)[-1]
    else:
        cls = ""
    if cls:
        value = Value(_SCALE_TYPES.get(cls, cls), code.file.path, value.line, "scale_settings")
    return Switch(value, ("target_utilization",), None)


def _deployment(code: Code, call: Call, cls: str) -> Deployment:
    kw = code.module.keywords(call)
    variant = Variant(
        instance_count=code.at(kw, "instance_count"),
        instance_type=code.at(kw, "instance_type"),
        serverless=Value.absent(code.file.path, call.line, "serverless"),  # online deployments run on instances
    )
    return Deployment(**_azure(code, call, cls), variants=(variant,), scaling=_scaling(code, call),
                      capture=_capture(code, kw, call))


def _capture(code: Code, kw: YamlMap, call: Call) -> Capture:
    """`data_collector=DataCollector(collections={"model_inputs": DeploymentCollection(enabled=True)})`:
    on when one collection is enabled; a collector whose collections cannot be read says nothing."""
    block = code.at(kw, "data_collector")
    collector = kw.get("data_collector")
    collections = collector.get("collections") if isinstance(collector, YamlMap) else None
    flags = [as_bool(c.get("enabled")) for c in collections.values()
             if isinstance(c, YamlMap)] if isinstance(collections, YamlMap) else []
    enabled = (Value(any(flags), code.file.path, block.line, "DeploymentCollection enabled") if flags
               else Value.absent(code.file.path, block.line, "enabled"))
    return Capture(block=block, enabled=enabled, on_by_default=False, required=True)


def _azure(code: Code, call: Call, cls: str) -> dict[str, Any]:
    return {
        **code.base(call, service="Azure Machine Learning", type=cls, address=code.written(call)),
        "provider": "azure",
    }


def _cluster(code: Code, call: Call, cls: str, *, v1: bool) -> TrainingJob:
    """A training compute cluster: SDK v2 AmlCompute, or v1 AmlCompute.provisioning_configuration
    (min_nodes, idle_seconds_before_scaledown, vm_priority). Its network is left unread, as the
    Terraform, Bicep and CLI readers of the same cluster leave it."""
    kw = code.module.keywords(call)
    return TrainingJob(
        **_azure(code, call, cls),
        min_nodes=code.at(kw, "min_nodes" if v1 else "min_instances"),
        priority=code.at(kw, "vm_priority" if v1 else "tier"),
        idle_scale_down=code.at(kw, "idle_seconds_before_scaledown" if v1 else "idle_time_before_scale_down"),
    )


def resources(code: Code) -> Iterator[Resource]:
    yield from pipelines(code)
    module = code.module
    for call in module.calls:
        name = module.qualified(call)
        cls = name[len(PACKAGE) :] if name.startswith(PACKAGE) else ""
        if name.startswith("azureml.") and name.endswith("AmlCompute.provisioning_configuration"):
            yield _cluster(code, call, "AmlCompute", v1=True)
        elif cls == "AmlCompute":
            yield _cluster(code, call, cls, v1=False)
        elif cls in _ENDPOINTS:
            kw = code.module.keywords(call)
            yield Endpoint(**_azure(code, call, cls), auth_mode=code.at(kw, "auth_mode"), auth_default="key")
        elif cls in _DEPLOYMENTS:
            yield _deployment(code, call, cls)
        elif cls == "MonitorSchedule":
            kind = Value("drift", code.file.path, call.line, "MonitorSchedule")
            yield MonitoringSchedule(**_azure(code, call, cls), monitoring_type=kind)
        elif cls in _DRIFT_SIGNALS:
            kw = code.module.keywords(call)
            yield MonitoringJob(
                **_azure(code, call, cls),
                purpose="data_quality",
                baseline=code.at(kw, "reference_data"),
                inter_container_encryption=Value.absent(code.file.path, call.line, "encryption"),  # not a setting
            )
