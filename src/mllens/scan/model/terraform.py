"""Terraform into the resource model: each resource block of a mapped type becomes one
resource of the model's kinds, its attributes read with the line they were written on.

Only blocks of this file are read (`_tf.blocks`, memoised on the file); module calls are
not followed. Types not listed here are not in the model, except that every ML service
resource is kept as a plain `Resource` (for "ML infrastructure is declared as code"). The
ML services' types are mapped here, the platform's in `terraform_platform`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import MISSING, Node
from mllens.scan.detectors._tf import blocks, is_ml, serverless_only_models
from mllens.scan.model.attributes_read import read
from mllens.scan.model.inputs import terraform_inputs
from mllens.scan.model.kinds import (
    Alarm,
    Capture,
    DataStore,
    Deployment,
    Endpoint,
    FeatureStore,
    Metric,
    Model,
    ModelRegistry,
    MonitoringJob,
    MonitoringSchedule,
    Notebook,
    NotebookLifecycle,
    Pipeline,
    Resource,
    Rollout,
    ScalingPolicy,
    ScalingTarget,
    TrackingStore,
    TrainingJob,
    Trigger,
    Variant,
    Workspace,
)
from mllens.scan.model.terraform_azapi import azapi
from mllens.scan.model.terraform_identity import IDENTITY, other_block
from mllens.scan.model.terraform_platform import PLATFORM
from mllens.scan.model.terraform_read import Reader
from mllens.scan.model.terraform_settings import settings
from mllens.scan.model.terraform_stores import STORES
from mllens.scan.model.values import Switch, Value


def _variant(r: Reader, node: Node, *, shadow: bool) -> Variant:
    return Variant(**read(r, Variant, node=node), shadow=shadow)


def _endpoint_config(r: Reader) -> Deployment:
    node = r.block.node
    capture = node.child("data_capture_config")
    return Deployment(
        **r.base(), **read(r, Deployment),
        variants=(*(_variant(r, v, shadow=False) for v in node.children("production_variants")),
                  *(_variant(r, v, shadow=True) for v in node.children("shadow_production_variants"))),
        capture=Capture(block=r.block_value(node, "data_capture_config"),
                        enabled=r.at("enable_capture", node=capture) if capture else Value.absent(
                            r.file, r.block.line, "enable_capture"),
                        on_by_default=True, required=True))


def _vertex_endpoint(r: Reader) -> Deployment:
    node = r.block.node
    logging = node.child("predict_request_response_logging_config")
    name = "predict_request_response_logging_config"
    private = next((k for k in ("private_service_connect_config", "network") if node.has(k)), None)
    return Deployment(
        **r.base(), **read(r, Deployment),
        capture=Capture(block=r.block_value(node, name),
                        enabled=r.at("enabled", node=logging) if logging else Value.absent(r.file, r.block.line, name),
                        on_by_default=False, required=False),
        private_access=r.block_value(node, private) if private else None)


def _sagemaker_endpoint(r: Reader) -> Endpoint:
    config = r.block.node.child("deployment_config")
    rollout = None
    if config is not None:
        rollout = Rollout(block=r.block_value(r.block.node, "deployment_config"),
                          rolling=r.at("rolling_update_policy", node=config),
                          traffic_type=r.at("blue_green_update_policy.traffic_routing_configuration.type", node=config),
                          auto_rollback=r.block_value(config, "auto_rollback_configuration"))
    return Endpoint(**r.base(), **read(r, Endpoint), rollout=rollout)


def _workbench(r: Reader) -> Notebook:
    metadata, line = r.block.node.at("gce_setup.metadata")
    disable_root = metadata.get("notebook-disable-root") if isinstance(metadata, dict) else None
    idle = metadata.get("idle-timeout-seconds", MISSING) if isinstance(metadata, dict) else MISSING
    return Notebook(**r.base(), **read(r, Notebook),
                    root_access=Switch(Value(disable_root, r.file, line, "metadata notebook-disable-root"), ("true",),
                                       0.6),
                    idle_timeout=Value(idle, r.file, line, "idle-timeout-seconds"))


def _domain(r: Reader) -> Workspace:
    return Workspace(**r.base(), **read(r, Workspace), provisions_notebooks=True, idle_settings=_idle_settings(r),
                     user_defaults=r.block_value(r.block.node, "default_user_settings"))


def _studio_app_owner(r: Reader) -> Workspace:
    """A user profile or space: its apps' idle settings."""
    return Workspace(**r.base(), **read(r, Workspace), idle_settings=_idle_settings(r))


def _idle_settings(r: Reader) -> tuple[Value, ...]:
    return tuple(Value(value, r.file, line, key) for key, value, line in r.block.node.walk()
                 if key == "lifecycle_management")


def _model(r: Reader, serverless: set[str]) -> Model:
    return Model(**r.base(), **read(r, Model), serverless_only=r.block.name in serverless)


def _feature_group(r: Reader) -> FeatureStore:
    offline = None
    if r.block.node.has("offline_store_config"):
        offline = r.at("offline_store_config.s3_storage_config.kms_key_id", name="kms_key_id")
    online = r.block.node.has("online_store_config")  # the online store's key, where there is one
    key = r.at("online_store_config.security_config.kms_key_id", name="kms_key_id") if online else None
    store = FeatureStore(**r.base(), **read(r, FeatureStore), offline_key=offline, key=key)
    return replace(store, key=None) if store.offline_only else store  # no online store: no key to judge


def _triggers(file: ParsedFile) -> set[str]:
    """Addresses of the event rules of this file that a target hands to a SageMaker pipeline."""
    rules = [f"aws_cloudwatch_event_rule.{b.name}" for b in blocks(file) if b.type == "aws_cloudwatch_event_rule"]
    found: set[str] = set()
    for target in blocks(file):
        if target.type != "aws_cloudwatch_event_target" or not (
            target.node.has("sagemaker_pipeline_target") or _PIPELINE_ARN.search(str(target.node.get("arn")))
        ):
            continue
        name = str(target.node.get("rule"))
        found.update(next(([ref] for ref in rules if re.search(re.escape(ref) + r"\b", name)), []))
    return found


_PIPELINE_ARN = re.compile(r"sagemaker.*pipeline|sagemaker_pipeline|startPipelineExecution", re.IGNORECASE)


def _event_rule(r: Reader, pipelines: set[str]) -> Trigger:
    return Trigger(**r.base(), **read(r, Trigger), starts_pipeline=r.block.address in pipelines)


def _schedule(r: Reader) -> Trigger:
    # The resource is itself a schedule: evidence sits on its first line.
    node = r.block.node
    return Trigger(**r.base(), **read(r, Trigger),
                   schedule=Value(node.get("schedule_expression"), r.file, r.block.line, r.block.type),
                   pattern=Value.absent(r.file, r.block.line, "event_pattern"),
                   starts_pipeline=bool(_PIPELINE_ARN.search(str(node.get("target")))))


def _alarm(r: Reader) -> Alarm:
    node = r.block.node
    metrics = [node, *(m for q in node.children("metric_query") for m in q.children("metric"))]
    return Alarm(**r.base(), **read(r, Alarm), metrics=tuple(Metric(**read(r, Metric, node=m)) for m in metrics))


def _lifecycle(r: Reader) -> NotebookLifecycle:
    return NotebookLifecycle(**r.base(), **read(r, NotebookLifecycle),
                             content=" ".join(str(v) for v in r.block.node.data.values()))


def _plain(kind: type[Resource]) -> Callable[[Reader], Resource]:
    """A resource whose attributes are all in the table (attributes.TABLE)."""
    return lambda r: kind(**r.base(), **read(r, kind))


def _retired(kind: type[Resource], successor: str) -> Callable[[Reader], Resource]:
    """A resource type its provider has retired: mapped as before, and says what replaces it."""
    return lambda r: kind(**r.base(), **read(r, kind), retired=successor)


_MAPPERS: dict[str, Callable[[Reader], Resource]] = {
    "aws_sagemaker_endpoint_configuration": _endpoint_config,
    "google_vertex_ai_endpoint": _vertex_endpoint,
    "aws_sagemaker_endpoint": _sagemaker_endpoint,
    "google_vertex_ai_index_endpoint": _plain(Endpoint),
    "azurerm_machine_learning_inference_cluster": _plain(Endpoint),
    "aws_sagemaker_notebook_instance": _plain(Notebook),
    "google_workbench_instance": _workbench,
    "google_notebooks_instance": _retired(Notebook, "google_workbench_instance (Vertex AI Workbench instances)"),
    "google_colab_runtime_template": _plain(Notebook),
    "azurerm_machine_learning_compute_instance": _plain(Notebook),
    "aws_sagemaker_domain": _domain,
    "azurerm_machine_learning_workspace": _plain(Workspace),
    "aws_sagemaker_feature_group": _feature_group,
    "google_vertex_ai_featurestore": _retired(
        FeatureStore, "google_vertex_ai_feature_online_store and google_vertex_ai_feature_group"),
    "google_vertex_ai_feature_online_store": _plain(FeatureStore),
    "google_vertex_ai_feature_group": _plain(FeatureStore),
    "google_vertex_ai_dataset": _plain(DataStore),
    "google_vertex_ai_metadata_store": _plain(TrackingStore),
    "google_vertex_ai_tensorboard": _plain(TrackingStore),
    "aws_sagemaker_monitoring_schedule": _plain(MonitoringSchedule),
    "aws_sagemaker_data_quality_job_definition": lambda r: MonitoringJob(**r.base(), **read(r, MonitoringJob),
                                                                         purpose="data_quality"),
    "aws_sagemaker_pipeline": _plain(Pipeline),
    "aws_sagemaker_model_package_group": _plain(ModelRegistry),
    "aws_appautoscaling_target": _plain(ScalingTarget),
    "aws_appautoscaling_policy": lambda r: ScalingPolicy(**r.base(), **read(r, ScalingPolicy),
                                                         target=r.at("resource_id")),
    "aws_cloudwatch_metric_alarm": _alarm,
    "google_monitoring_alert_policy": _plain(Alarm),
    "aws_scheduler_schedule": _schedule,
    "aws_sagemaker_user_profile": _studio_app_owner,
    "aws_sagemaker_space": _studio_app_owner,
    "aws_sagemaker_notebook_instance_lifecycle_configuration": _lifecycle,
    "aws_sagemaker_studio_lifecycle_config": _lifecycle,
    "azurerm_machine_learning_compute_cluster": _plain(TrainingJob),
    **PLATFORM,
    **IDENTITY,
    **STORES,
}


def adapt(file: ParsedFile) -> Iterator[Resource]:
    """The model's resources of one Terraform file, in the order of its blocks."""
    serverless: set[str] | None = None
    pipelines: set[str] | None = None
    for block in blocks(file):
        reader = Reader(file, block)
        if block.kind != "resource":
            other = other_block(reader)  # policy documents, provider default tags
            if other is not None:
                yield other
            continue
        if block.type == "aws_sagemaker_model":
            if serverless is None:
                serverless = serverless_only_models(file)
            yield _model(reader, serverless)
            continue
        if block.type == "aws_cloudwatch_event_rule":
            if pipelines is None:
                pipelines = _triggers(file)
            yield _event_rule(reader, pipelines)
            continue
        if block.type == "azapi_resource":  # an ARM type and body: mapped as Bicep and ARM map it
            found = azapi(reader, file)
            if found is not None:
                yield found
            continue
        mapper = _MAPPERS.get(block.type)
        if mapper is not None:
            yield mapper(reader)
        elif is_ml(block):
            yield Resource(**reader.base(), **read(reader, Resource))
    yield from terraform_inputs(file)  # variables that carry secrets
    yield from settings(file)  # the state backend and provider versions
