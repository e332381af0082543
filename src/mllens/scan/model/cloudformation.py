"""CloudFormation and SAM templates (YAML or JSON) into the resource model.

Resources come from `_cfn.resources` (memoised on the file), their properties read with the
line they were written on (JSON: found in the text). An absent property is placed at the
resource's logical id. Every AWS::SageMaker::* resource is kept, as a plain `Resource` when
no kind reads it (for "ML infrastructure is declared as code").
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterator
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._cfn import CfnResource, resources, serverless_only_models
from mllens.scan.detectors._iac import Node
from mllens.scan.model.bindings_read import resolver_of
from mllens.scan.model.cloudformation_platform import PLATFORM
from mllens.scan.model.kinds import (
    Alarm,
    Capture,
    Deployment,
    Endpoint,
    FeatureStore,
    Metric,
    Model,
    ModelRegistry,
    ModelVersion,
    MonitoringJob,
    MonitoringPurpose,
    MonitoringSchedule,
    Notebook,
    NotebookLifecycle,
    Pipeline,
    Resource,
    Rollout,
    ScalingTarget,
    Trigger,
    Variant,
    Workspace,
)
from mllens.scan.model.values import Switch, Value

_SM = "AWS::SageMaker::"
# SageMaker resource types that take Tags (lifecycle configs, image versions and the like do not).
_TAGGABLE = re.compile(r"^AWS::SageMaker::(Endpoint|EndpointConfig|Model|NotebookInstance|Domain|FeatureGroup|"
                       r"ModelPackageGroup|Pipeline|MonitoringSchedule|\w+JobDefinition|UserProfile|Space|Project)$")


class _Reader:
    """Properties of one resource, located in one file."""

    def __init__(self, file: ParsedFile, res: CfnResource) -> None:
        self.file, self.res = file.path, res
        self.resolve = resolver_of(file)

    def at(self, path: str, *, node: Node | None = None, name: str | None = None) -> Value:
        """The property at `path`, with what a `Ref` to a parameter resolves to (see bindings)."""
        if node is None:
            raw, line = self.res.at(path)
        else:
            raw, line = node.at(path)
        return self.resolve(Value(raw, self.file, line, name or path.rsplit(".", 1)[-1]))

    def block_value(self, node: Node, key: str) -> Value:
        """A nested mapping as a value: present at its key's line, absent at the logical id."""
        if not node.has(key):
            return Value.absent(self.file, self.res.line, key)
        return Value(node.get(key), self.file, node.line_of(key), key)

    def base(self) -> dict[str, Any]:
        res = self.res
        service = res.type.split("::")[1] if res.type.count("::") >= 2 else res.type
        return {"syntax": "cloudformation", "provider": "aws", "service": service, "type": res.type,
                "name": res.logical_id, "address": res.address, "file": self.file, "line": res.line,
                "ml": res.type.startswith(_SM), "tags": self._tags()}

    def _tags(self) -> Value | None:
        """Tags of a resource that writes them or of a SageMaker type that takes them; in a CDK
        app only written ones (Tags.of(scope) adds them where this file does not show)."""
        if self.res.props.has("Tags") or (_TAGGABLE.match(self.res.type) and not self.file.endswith((".py", ".ts"))):
            return self.at("Tags")
        return None


def _variant(r: _Reader, node: Node, *, shadow: bool) -> Variant:
    return Variant(instance_count=r.at("InitialInstanceCount", node=node),
                   instance_type=r.at("InstanceType", node=node),
                   serverless=r.block_value(node, "ServerlessConfig"), shadow=shadow)


def _endpoint_config(r: _Reader) -> Deployment:
    props = r.res.props
    capture = props.child("DataCaptureConfig")
    return Deployment(
        **r.base(), key=r.at("KmsKeyId"),
        variants=(*(_variant(r, v, shadow=False) for v in props.children("ProductionVariants")),
                  *(_variant(r, v, shadow=True) for v in props.children("ShadowProductionVariants"))),
        capture=Capture(block=r.block_value(props, "DataCaptureConfig"),
                        enabled=r.at("EnableCapture", node=capture) if capture else Value.absent(
                            r.file, r.res.line, "EnableCapture"),
                        on_by_default=True, required=True),
        async_inference=r.block_value(props, "AsyncInferenceConfig"),
        explainer=r.block_value(props, "ExplainerConfig"))


def _endpoint(r: _Reader) -> Endpoint:
    config = r.res.props.child("DeploymentConfig")
    rollout = None
    if config is not None:
        rollout = Rollout(block=r.block_value(r.res.props, "DeploymentConfig"),
                          rolling=r.block_value(config, "RollingUpdatePolicy"),
                          traffic_type=r.at("BlueGreenUpdatePolicy.TrafficRoutingConfiguration.Type", node=config),
                          auto_rollback=r.block_value(config, "AutoRollbackConfiguration"))
    return Endpoint(**r.base(), rollout=rollout)


def _notebook(r: _Reader) -> Notebook:
    return Notebook(**r.base(), key=r.at("KmsKeyId"), root_access=Switch(r.at("RootAccess"), ("Disabled",)),
                    subnet=r.at("SubnetId"), internet_access=Switch(r.at("DirectInternetAccess"), ("Disabled",)),
                    lifecycle_config=r.at("LifecycleConfigName"))


def _domain(r: _Reader) -> Workspace:
    access = Switch(r.at("AppNetworkAccessType"), ("VpcOnly",))
    return Workspace(**r.base(), key=r.at("KmsKeyId"), vpc_only=access, public_access=access,
                     provisions_notebooks=True, idle_settings=_idle_settings(r))


def _idle_settings(r: _Reader) -> tuple[Value, ...]:
    return tuple(Value(value, r.file, line, key) for key, value, line in r.res.props.walk()
                 if key == "LifecycleManagement")


def _event_rule(r: _Reader) -> Trigger:
    targets = r.res.props.children("Targets")
    pipeline = any(t.has("SageMakerPipelineParameters") or "pipeline" in str(t.get("Arn")).lower() for t in targets)
    return Trigger(**r.base(), schedule=r.at("ScheduleExpression"), pattern=r.at("EventPattern"),
                   starts_pipeline=pipeline)


def _model(r: _Reader, serverless: set[str]) -> Model:
    props = r.res.props
    containers = [*props.children("PrimaryContainer"), *props.children("Containers")]
    return Model(**r.base(), vpc=r.block_value(props, "VpcConfig"), serverless_only=r.res.logical_id in serverless,
                 container_modes=tuple(r.at("Mode", node=c) for c in containers))


def _feature_group(r: _Reader) -> FeatureStore:
    offline = None
    if r.res.props.has("OfflineStoreConfig"):
        offline = r.at("OfflineStoreConfig.S3StorageConfig.KmsKeyId")
    return FeatureStore(**r.base(), offline_key=offline)


_PURPOSES: dict[str, MonitoringPurpose] = {
    "DataQuality": "data_quality", "ModelQuality": "model_quality", "ModelBias": "model_bias",
    "ModelExplainability": "explainability",
}


def _job_definition(r: _Reader) -> MonitoringJob:
    stem = r.res.type.removeprefix(_SM).removesuffix("JobDefinition")
    return MonitoringJob(**r.base(), purpose=_PURPOSES.get(stem, "other"),
                         baseline=r.at(f"{stem}BaselineConfig"),
                         inter_container_encryption=r.at("NetworkConfig.EnableInterContainerTrafficEncryption"))


def _scaling_target(r: _Reader) -> ScalingTarget:
    return ScalingTarget(**r.base(), namespace=r.at("ServiceNamespace"), min_capacity=r.at("MinCapacity"),
                         max_capacity=r.at("MaxCapacity"))


def _alarm(r: _Reader) -> Alarm:
    metrics = [Metric(namespace=r.at("Namespace"), name=r.at("MetricName"))]
    for query in r.res.props.children("Metrics"):
        stat = query.child("MetricStat")
        inner = stat.child("Metric") if stat is not None else None
        if inner is not None:
            metrics.append(Metric(namespace=r.at("Namespace", node=inner), name=r.at("MetricName", node=inner)))
    return Alarm(**r.base(), metrics=tuple(metrics))


_MAPPERS: dict[str, Callable[[_Reader], Resource]] = {
    _SM + "EndpointConfig": _endpoint_config,
    _SM + "Endpoint": _endpoint,
    _SM + "NotebookInstance": _notebook,
    _SM + "Domain": _domain,
    _SM + "FeatureGroup": _feature_group,
    _SM + "*JobDefinition": _job_definition,
    _SM + "MonitoringSchedule": lambda r: MonitoringSchedule(
        **r.base(), monitoring_type=r.at("MonitoringScheduleConfig.MonitoringType")),
    _SM + "Pipeline": lambda r: Pipeline(**r.base()),
    _SM + "ModelPackageGroup": lambda r: ModelRegistry(**r.base()),
    "AWS::ApplicationAutoScaling::ScalableTarget": _scaling_target,
    "AWS::CloudWatch::Alarm": _alarm,
    "AWS::Events::Rule": _event_rule,
    _SM + "ModelPackage": lambda r: ModelVersion(**r.base(), approval=r.at("ModelApprovalStatus")),
    _SM + "UserProfile": lambda r: Workspace(**r.base(), idle_settings=_idle_settings(r)),
    _SM + "Space": lambda r: Workspace(**r.base(), idle_settings=_idle_settings(r)),
    _SM + "NotebookInstanceLifecycleConfig": lambda r: NotebookLifecycle(**r.base(), content=str(r.res.props.data)),
    _SM + "StudioLifecycleConfig": lambda r: NotebookLifecycle(**r.base(), content=str(r.res.props.data)),
    **PLATFORM,  # keys, buckets, registries, trails, budgets, catalogs, IAM: cloudformation_platform
}


def _mapper(rtype: str) -> Callable[[_Reader], Resource] | None:
    found = _MAPPERS.get(rtype)
    if found is None:
        found = next((m for pattern, m in _MAPPERS.items() if "*" in pattern and fnmatch.fnmatchcase(rtype, pattern)),
                     None)
    return found


def map_resource(file: ParsedFile, res: CfnResource, *, serverless: set[str]) -> Resource | None:
    """One CloudFormation resource in the model (None for a type the model does not read);
    `serverless` names the models only serverless endpoints serve. The CDK adapter maps its
    constructs through here too, so there is one CloudFormation mapping."""
    reader = _Reader(file, res)
    if res.type == _SM + "Model":
        return _model(reader, serverless)
    mapper = _mapper(res.type)
    if mapper is not None:
        return mapper(reader)
    return Resource(**reader.base()) if res.type.startswith(_SM) else None


def adapt(file: ParsedFile) -> Iterator[Resource]:
    """The model's resources of one template, in the order of its Resources section."""
    found = list(resources(file))
    serverless = serverless_only_models(file) if any(res.type == _SM + "Model" for res in found) else set()
    for res in found:
        mapped = map_resource(file, res, serverless=serverless)
        if mapped is not None:
            yield mapped
