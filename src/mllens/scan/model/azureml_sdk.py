"""The Azure ML Python SDK v2 (`azure.ai.ml`) into the resource model: a
ManagedOnlineDeployment or KubernetesOnlineDeployment is a `Deployment` whose one variant
serves from `instance_count` instances, and whose `scale_settings` say whether it scales on
utilisation (TargetUtilizationScaleSettings), the same `Switch` the CLI v2 YAML gives
(scan/model/azureml.py). A MonitorSchedule is a `MonitoringSchedule`, and each data or
prediction drift signal a `MonitoringJob` comparing production data with its reference data.
Read statically through `pyresolve` (see python_sdk).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any

from mllens.scan.model.kinds import Deployment, MonitoringJob, MonitoringSchedule, Resource, Variant
from mllens.scan.model.pyresolve import Call, Settings
from mllens.scan.model.sdk_code import Code
from mllens.scan.model.values import Switch, Value

PACKAGE = "azure.ai.ml.entities."
_DEPLOYMENTS = ("ManagedOnlineDeployment", "KubernetesOnlineDeployment")
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
    return Deployment(**_azure(code, call, cls), variants=(variant,), scaling=_scaling(code, call))


def _azure(code: Code, call: Call, cls: str) -> dict[str, Any]:
    return {
        **code.base(call, service="Azure Machine Learning", type=cls, address=code.written(call)),
        "provider": "azure",
    }


def resources(code: Code) -> Iterator[Resource]:
    module = code.module
    for call in module.calls:
        name = module.qualified(call)
        cls = name[len(PACKAGE) :] if name.startswith(PACKAGE) else ""
        if cls in _DEPLOYMENTS:
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
