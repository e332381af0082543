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
from dataclasses import replace
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._cfn import CfnResource, resources, serverless_only_models
from mllens.scan.detectors._iac import Node
from mllens.scan.model.attributes_read import read
from mllens.scan.model.bindings_read import resolver_of
from mllens.scan.model.cloudformation_platform import PLATFORM
from mllens.scan.model.inputs import cloudformation_inputs
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
    ScalingPolicy,
    ScalingTarget,
    Trigger,
    Variant,
    Workspace,
)
from mllens.scan.model.values import Value

_SM = "AWS::SageMaker::"
# SageMaker resource types that take Tags (lifecycle configs, image versions and the like do not).
_TAGGABLE = re.compile(r"^AWS::SageMaker::(Endpoint|EndpointConfig|Model|NotebookInstance|Domain|FeatureGroup|"
                       r"ModelPackageGroup|Pipeline|MonitoringSchedule|\w+JobDefinition|UserProfile|Space|Project)$")


class _Reader:
    """Properties of one resource, located in one file."""

    def __init__(self, file: ParsedFile, res: CfnResource) -> None:
        self.file, self.res = file.path, res
        self.text = file.text  # for values whose lines only the text shows (a script in a block scalar)
        self.rtype, self.root = res.type, res.props  # for the attribute table (attributes_read)
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
    return Variant(**read(r, Variant, node=node), shadow=shadow)


def _endpoint_config(r: _Reader) -> Deployment:
    props = r.res.props
    capture = props.child("DataCaptureConfig")
    return Deployment(
        **r.base(), **read(r, Deployment),
        variants=(*(_variant(r, v, shadow=False) for v in props.children("ProductionVariants")),
                  *(_variant(r, v, shadow=True) for v in props.children("ShadowProductionVariants"))),
        capture=Capture(block=r.block_value(props, "DataCaptureConfig"),
                        enabled=r.at("EnableCapture", node=capture) if capture else Value.absent(
                            r.file, r.res.line, "EnableCapture"),
                        on_by_default=True, required=True))


def _endpoint(r: _Reader) -> Endpoint:
    config = r.res.props.child("DeploymentConfig")
    rollout = None
    if config is not None:
        rollout = Rollout(block=r.block_value(r.res.props, "DeploymentConfig"),
                          rolling=r.block_value(config, "RollingUpdatePolicy"),
                          traffic_type=r.at("BlueGreenUpdatePolicy.TrafficRoutingConfiguration.Type", node=config),
                          auto_rollback=r.block_value(config, "AutoRollbackConfiguration"))
    return Endpoint(**r.base(), **read(r, Endpoint), rollout=rollout)


def _workspace(r: _Reader) -> Workspace:
    """A domain, user profile or space: its apps' idle settings wherever nested."""
    domain = r.res.type == _SM + "Domain"
    return Workspace(**r.base(), **read(r, Workspace), provisions_notebooks=domain, idle_settings=_idle_settings(r),
                     user_defaults=r.block_value(r.res.props, "DefaultUserSettings") if domain else None)


def _idle_settings(r: _Reader) -> tuple[Value, ...]:
    return tuple(Value(value, r.file, line, key) for key, value, line in r.res.props.walk()
                 if key == "LifecycleManagement")


def _event_rule(r: _Reader) -> Trigger:
    targets = r.res.props.children("Targets")
    pipeline = any(t.has("SageMakerPipelineParameters") or "pipeline" in str(t.get("Arn")).lower() for t in targets)
    return Trigger(**r.base(), **read(r, Trigger), starts_pipeline=pipeline)


def _model(r: _Reader, serverless: set[str]) -> Model:
    return Model(**r.base(), **read(r, Model), serverless_only=r.res.logical_id in serverless)


def _feature_group(r: _Reader) -> FeatureStore:
    offline = None
    if r.res.props.has("OfflineStoreConfig"):
        offline = r.at("OfflineStoreConfig.S3StorageConfig.KmsKeyId")
    key = r.at("OnlineStoreConfig.SecurityConfig.KmsKeyId") if r.res.props.has("OnlineStoreConfig") else None
    store = FeatureStore(**r.base(), **read(r, FeatureStore), offline_key=offline, key=key)
    return replace(store, key=None) if store.offline_only else store  # no online store: no key to judge


def _scaling_policy(r: _Reader) -> ScalingPolicy:
    # a policy names its target by ScalingTargetId (a Ref) or by the target's ResourceId
    target = r.at("ScalingTargetId")
    return ScalingPolicy(**r.base(), **read(r, ScalingPolicy), target=target if target.written else r.at("ResourceId"))


_PURPOSES: dict[str, MonitoringPurpose] = {
    "DataQuality": "data_quality", "ModelQuality": "model_quality", "ModelBias": "model_bias",
    "ModelExplainability": "explainability",
}


def _job_definition(r: _Reader) -> MonitoringJob:
    stem = r.res.type.removeprefix(_SM).removesuffix("JobDefinition")
    # the baseline's key is named after the type (DataQualityBaselineConfig ...), so it stays here
    return MonitoringJob(**r.base(), **read(r, MonitoringJob), purpose=_PURPOSES.get(stem, "other"),
                         baseline=r.at(f"{stem}BaselineConfig"))


def _alarm(r: _Reader) -> Alarm:
    metrics = [Metric(**read(r, Metric))]  # the alarm's own metric (at the top: not a sub-object)
    for query in r.res.props.children("Metrics"):
        stat = query.child("MetricStat")
        inner = stat.child("Metric") if stat is not None else None
        if inner is not None:
            metrics.append(Metric(**read(r, Metric, node=inner)))
    return Alarm(**r.base(), **read(r, Alarm), metrics=tuple(metrics))


def _plain(kind: type[Resource]) -> Callable[[_Reader], Resource]:
    """A resource whose attributes are all in the table (attributes.TABLE)."""
    return lambda r: kind(**r.base(), **read(r, kind))


def _lifecycle(r: _Reader) -> NotebookLifecycle:
    return NotebookLifecycle(**r.base(), **read(r, NotebookLifecycle), content=str(r.res.props.data))


_MAPPERS: dict[str, Callable[[_Reader], Resource]] = {
    _SM + "EndpointConfig": _endpoint_config,
    _SM + "Endpoint": _endpoint,
    _SM + "NotebookInstance": _plain(Notebook),
    _SM + "Domain": _workspace,
    _SM + "FeatureGroup": _feature_group,
    _SM + "*JobDefinition": _job_definition,
    _SM + "MonitoringSchedule": _plain(MonitoringSchedule),
    _SM + "Pipeline": _plain(Pipeline),
    _SM + "ModelPackageGroup": _plain(ModelRegistry),
    "AWS::ApplicationAutoScaling::ScalableTarget": _plain(ScalingTarget),
    "AWS::ApplicationAutoScaling::ScalingPolicy": _scaling_policy,
    "AWS::CloudWatch::Alarm": _alarm,
    "AWS::Events::Rule": _event_rule,
    _SM + "ModelPackage": _plain(ModelVersion),
    _SM + "UserProfile": _workspace,
    _SM + "Space": _workspace,
    _SM + "NotebookInstanceLifecycleConfig": _lifecycle,
    _SM + "StudioLifecycleConfig": _lifecycle,
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
    return Resource(**reader.base(), **read(reader, Resource)) if res.type.startswith(_SM) else None


def adapt(file: ParsedFile) -> Iterator[Resource]:
    """The model's resources of one template, in the order of its Resources section."""
    found = list(resources(file))
    serverless = serverless_only_models(file) if any(res.type == _SM + "Model" for res in found) else set()
    for res in found:
        mapped = map_resource(file, res, serverless=serverless)
        if mapped is not None:
            yield mapped
    if found:  # a template's parameters that carry secrets
        yield from cloudformation_inputs(file)
