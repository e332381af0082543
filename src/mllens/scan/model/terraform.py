"""Terraform into the resource model: each resource block of a mapped type becomes one
resource of the model's kinds, its attributes read with the line they were written on.

Only blocks of this file are read (`_tf.blocks`, memoised on the file); module calls are
not followed. Types not listed here are not in the model, except that every ML service
resource is kept as a plain `Resource` (for "ML infrastructure is declared as code").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, Literal

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import MISSING, Node
from mllens.scan.detectors._tf import Block, blocks, is_ml, serverless_only_models
from mllens.scan.model.kinds import (
    Alarm,
    AuditTrail,
    Budget,
    Capture,
    ContainerRegistry,
    DataCatalog,
    DataProcessingJob,
    DataStore,
    Deployment,
    Endpoint,
    FeatureStore,
    Key,
    Metric,
    Model,
    ModelRegistry,
    MonitoringJob,
    MonitoringSchedule,
    Network,
    Notebook,
    NotebookLifecycle,
    Pipeline,
    PublicAccessBlock,
    Resource,
    Rollout,
    ScalingTarget,
    StoreEncryption,
    TrackingStore,
    TrainingJob,
    Trigger,
    Variant,
    Workspace,
)
from mllens.scan.model.values import Switch, Value

_SERVICES = {"aws_sagemaker_": "SageMaker", "google_vertex_ai_": "Vertex AI",
             "google_workbench_": "Vertex AI Workbench",
             "google_notebooks_": "Vertex AI Workbench", "azurerm_machine_learning_": "Azure Machine Learning"}


class _Reader:
    """Values of one block, located in one file."""

    def __init__(self, file: ParsedFile, block: Block) -> None:
        self.file, self.block = file.path, block

    def at(self, path: str, *, node: Node | None = None, name: str | None = None) -> Value:
        raw, line = (node or self.block.node).at(path)
        return Value(raw, self.file, line, name or path)

    def block_value(self, node: Node, key: str) -> Value:
        """A nested block as a value: present at its first line, absent at the holder's line."""
        if not node.has(key):
            return Value.absent(self.file, node.line, key)
        return Value(node.get(key), self.file, node.line_of(key), key)

    def base(self) -> dict[str, Any]:
        b = self.block
        provider = b.type.split("_", 1)[0]
        service = next((s for p, s in _SERVICES.items() if b.type.startswith(p)), provider.upper())
        return {"syntax": "terraform", "provider": {"azurerm": "azure"}.get(provider, provider), "service": service,
                "type": b.type, "name": b.name, "address": b.address, "file": self.file, "line": b.line,
                "ml": is_ml(b)}


def _variant(r: _Reader, node: Node, *, shadow: bool) -> Variant:
    return Variant(instance_count=r.at("initial_instance_count", node=node),
                   instance_type=r.at("instance_type", node=node),
                   serverless=r.block_value(node, "serverless_config"), shadow=shadow)


def _endpoint_config(r: _Reader) -> Deployment:
    node = r.block.node
    capture = node.child("data_capture_config")
    return Deployment(
        **r.base(), key=r.at("kms_key_arn"),
        variants=(*(_variant(r, v, shadow=False) for v in node.children("production_variants")),
                  *(_variant(r, v, shadow=True) for v in node.children("shadow_production_variants"))),
        capture=Capture(block=r.block_value(node, "data_capture_config"),
                        enabled=r.at("enable_capture", node=capture) if capture else Value.absent(
                            r.file, r.block.line, "enable_capture"),
                        on_by_default=True, required=True),
        async_inference=r.at("async_inference_config"))


def _vertex_endpoint(r: _Reader) -> Deployment:
    node = r.block.node
    logging = node.child("predict_request_response_logging_config")
    name = "predict_request_response_logging_config"
    private = next((k for k in ("private_service_connect_config", "network") if node.has(k)), None)
    return Deployment(
        **r.base(), key=r.at("encryption_spec.kms_key_name"),
        capture=Capture(block=r.block_value(node, name),
                        enabled=r.at("enabled", node=logging) if logging else Value.absent(r.file, r.block.line, name),
                        on_by_default=False, required=False),
        private_access=r.block_value(node, private) if private else None)


def _sagemaker_endpoint(r: _Reader) -> Endpoint:
    config = r.block.node.child("deployment_config")
    rollout = None
    if config is not None:
        rollout = Rollout(block=r.block_value(r.block.node, "deployment_config"),
                          rolling=r.at("rolling_update_policy", node=config),
                          traffic_type=r.at("blue_green_update_policy.traffic_routing_configuration.type", node=config),
                          auto_rollback=r.block_value(config, "auto_rollback_configuration"))
    return Endpoint(**r.base(), rollout=rollout)


def _notebook_instance(r: _Reader) -> Notebook:
    return Notebook(**r.base(), key=r.at("kms_key_id"),
                    root_access=Switch(r.at("root_access"), ("Disabled",)),
                    subnet=r.at("subnet_id"),
                    internet_access=Switch(r.at("direct_internet_access"), ("Disabled",)),
                    lifecycle_config=r.at("lifecycle_config_name"))


def _workbench(r: _Reader) -> Notebook:
    metadata, line = r.block.node.at("gce_setup.metadata")
    disable_root = metadata.get("notebook-disable-root") if isinstance(metadata, dict) else None
    idle = metadata.get("idle-timeout-seconds", MISSING) if isinstance(metadata, dict) else MISSING
    return Notebook(**r.base(),
                    root_access=Switch(Value(disable_root, r.file, line, "metadata notebook-disable-root"), ("true",),
                                       0.6),
                    internet_access=Switch(r.at("gce_setup.disable_public_ip"), ("true",), 0.6),
                    idle_timeout=Value(idle, r.file, line, "idle-timeout-seconds"))


def _domain(r: _Reader) -> Workspace:
    access = Switch(r.at("app_network_access_type"), ("VpcOnly",))
    return Workspace(**r.base(), key=r.at("kms_key_id"), vpc_only=access, public_access=access,
                     provisions_notebooks=True, idle_settings=_idle_settings(r))


def _idle_settings(r: _Reader) -> tuple[Value, ...]:
    return tuple(Value(value, r.file, line, key) for key, value, line in r.block.node.walk()
                 if key == "lifecycle_management")


def _azure_workspace(r: _Reader) -> Workspace:
    return Workspace(**r.base(), key=r.at("encryption.key_id"),
                     public_access=Switch(r.at("public_network_access_enabled"), ("false",)))


def _model(r: _Reader, serverless: set[str]) -> Model:
    node = r.block.node
    containers = [*node.children("primary_container"), *node.children("container")]
    return Model(**r.base(), vpc=r.block_value(node, "vpc_config"), serverless_only=r.block.name in serverless,
                 container_modes=tuple(r.at("mode", node=c) for c in containers))


def _feature_group(r: _Reader) -> FeatureStore:
    offline = None
    if r.block.node.has("offline_store_config"):
        offline = r.at("offline_store_config.s3_storage_config.kms_key_id", name="kms_key_id")
    return FeatureStore(**r.base(), offline_key=offline)


def _data_quality_job(r: _Reader) -> MonitoringJob:
    return MonitoringJob(**r.base(), purpose="data_quality", baseline=r.at("data_quality_baseline_config"),
                         inter_container_encryption=r.at("network_config.enable_inter_container_traffic_encryption",
                                                         name="enable_inter_container_traffic_encryption"))


def _scaling_target(r: _Reader) -> ScalingTarget:
    return ScalingTarget(**r.base(), namespace=r.at("service_namespace"), min_capacity=r.at("min_capacity"),
                         max_capacity=r.at("max_capacity"))


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


def _event_rule(r: _Reader, pipelines: set[str]) -> Trigger:
    return Trigger(**r.base(), schedule=r.at("schedule_expression"), pattern=r.at("event_pattern"),
                   starts_pipeline=r.block.address in pipelines)


def _schedule(r: _Reader) -> Trigger:
    # The resource is itself a schedule: evidence sits on its first line.
    node = r.block.node
    return Trigger(**r.base(), schedule=Value(node.get("schedule_expression"), r.file, r.block.line, r.block.type),
                   pattern=Value.absent(r.file, r.block.line, "event_pattern"),
                   starts_pipeline=bool(_PIPELINE_ARN.search(str(node.get("target")))))


def _aws_key(r: _Reader) -> Key:
    return Key(**r.base(), spec=r.at("customer_master_key_spec"),
               rotation=Switch(r.at("enable_key_rotation"), ("true",), 0.9))


def _trail(r: _Reader) -> AuditTrail:
    node = r.block.node
    selectors = str(node.get("event_selector")) + str(node.get("advanced_event_selector"))
    return AuditTrail(**r.base(), log_validation=Switch(r.at("enable_log_file_validation"), ("true",)),
                      data_events="S3 object-level" if "AWS::S3::Object" in selectors else "")


def _s3_encryption(r: _Reader, holder: Node | None) -> StoreEncryption:
    """Default encryption of an S3 bucket: inline, or its own configuration resource."""
    rule = holder.child("rule") if holder is not None else None
    default = rule.child("apply_server_side_encryption_by_default") if rule is not None else None
    if default is None:
        absent = Value.absent(r.file, r.block.line, "apply_server_side_encryption_by_default")
        return StoreEncryption(default=absent, algorithm=absent, key=absent)
    return StoreEncryption(default=Value(default.data, r.file, default.line, "apply_server_side_encryption_by_default"),
                           algorithm=r.at("sse_algorithm", node=default), key=r.at("kms_master_key_id", node=default))


def _budget(attr: str) -> Callable[[_Reader], Resource]:
    return lambda r: Budget(**r.base(), alerts=r.at(attr))


def _catalog(role: Literal["catalog", "lake"]) -> Callable[[_Reader], Resource]:
    def build(r: _Reader) -> Resource:
        table = r.block.type == "aws_glue_catalog_table"
        return DataCatalog(**r.base(), role=role, location=r.at("storage_descriptor.location") if table else None)

    return build


def _alarm(r: _Reader) -> Alarm:
    node = r.block.node
    metrics = [node, *(m for q in node.children("metric_query") for m in q.children("metric"))]
    return Alarm(**r.base(), metrics=tuple(Metric(namespace=r.at("namespace", node=m), name=r.at("metric_name", node=m))
                                           for m in metrics))


def _compute_cluster(r: _Reader) -> TrainingJob:
    return TrainingJob(**r.base(), min_nodes=r.at("scale_settings.min_node_count"), priority=r.at("vm_priority"))


def _plain(kind: type[Resource], key: str | None = None) -> Callable[[_Reader], Resource]:
    """A resource judged on no attribute of its own, or only on its key at `key`."""
    return lambda r: kind(**r.base(), key=r.at(key) if key else None)


_VERTEX_KEY = "encryption_spec.kms_key_name"
_MAPPERS: dict[str, Callable[[_Reader], Resource]] = {
    "aws_sagemaker_endpoint_configuration": _endpoint_config,
    "google_vertex_ai_endpoint": _vertex_endpoint,
    "aws_sagemaker_endpoint": _sagemaker_endpoint,
    "google_vertex_ai_index_endpoint": _plain(Endpoint, _VERTEX_KEY),
    "azurerm_machine_learning_inference_cluster": _plain(Endpoint),
    "aws_sagemaker_notebook_instance": _notebook_instance,
    "google_workbench_instance": _workbench,
    "google_notebooks_instance": _plain(Notebook),
    "google_colab_runtime_template": _plain(Notebook),
    "azurerm_machine_learning_compute_instance": _plain(Notebook),
    "aws_sagemaker_domain": _domain,
    "azurerm_machine_learning_workspace": _azure_workspace,
    "aws_sagemaker_feature_group": _feature_group,
    "google_vertex_ai_featurestore": _plain(FeatureStore, _VERTEX_KEY),
    "google_vertex_ai_feature_online_store": _plain(FeatureStore),
    "google_vertex_ai_feature_group": _plain(FeatureStore),
    "google_vertex_ai_dataset": _plain(DataStore, _VERTEX_KEY),
    "google_vertex_ai_metadata_store": _plain(TrackingStore, _VERTEX_KEY),
    "google_vertex_ai_tensorboard": _plain(TrackingStore, _VERTEX_KEY),
    "aws_sagemaker_monitoring_schedule": lambda r: MonitoringSchedule(
        **r.base(), monitoring_type=r.at("monitoring_schedule_config.monitoring_type")),
    "aws_sagemaker_data_quality_job_definition": _data_quality_job,
    "aws_sagemaker_pipeline": _plain(Pipeline),
    "aws_sagemaker_model_package_group": _plain(ModelRegistry),
    "aws_appautoscaling_target": _scaling_target,
    "aws_cloudwatch_metric_alarm": _alarm,
    "google_monitoring_alert_policy": lambda r: Alarm(**r.base(), conditions=r.at("conditions")),
    "aws_scheduler_schedule": _schedule,
    "aws_sagemaker_user_profile": lambda r: Workspace(**r.base(), idle_settings=_idle_settings(r)),
    "aws_sagemaker_space": lambda r: Workspace(**r.base(), idle_settings=_idle_settings(r)),
    "aws_sagemaker_notebook_instance_lifecycle_configuration": lambda r: NotebookLifecycle(
        **r.base(), content=" ".join(str(v) for v in r.block.node.data.values())),
    "aws_sagemaker_studio_lifecycle_config": lambda r: NotebookLifecycle(
        **r.base(), content=" ".join(str(v) for v in r.block.node.data.values())),
    "azurerm_machine_learning_compute_cluster": _compute_cluster,
    "aws_kms_key": _aws_key,
    "aws_s3_bucket_versioning": lambda r: DataStore(
        **r.base(), versioning=Switch(r.at("versioning_configuration.status", name="status"), ("Enabled",))),
    # inline versioning blocks: only a literal is judged (an absent block is the separate resource's job)
    "aws_s3_bucket": lambda r: DataStore(**r.base(), versioning=Switch(r.at("versioning.enabled"), ("true",), None),
                                         object_lock=r.at("object_lock_enabled"),
                                         encryption=_s3_encryption(r, r.block.node.child(
                                             "server_side_encryption_configuration"))),
    "aws_s3_bucket_server_side_encryption_configuration": lambda r: DataStore(
        **r.base(), encryption=_s3_encryption(r, r.block.node)),
    "google_storage_bucket": lambda r: DataStore(
        **r.base(), versioning=Switch(r.at("versioning.enabled"), ("true",), None),
        object_lock=r.block_value(r.block.node, "retention_policy"),
        public_prevention=r.at("public_access_prevention"),
        encryption=StoreEncryption(default=r.block_value(r.block.node, "encryption"),
                                   algorithm=Value.absent(r.file, r.block.line, "algorithm"),
                                   key=r.at("encryption.default_kms_key_name", name="default_kms_key_name"))),
    "azurerm_storage_account_customer_managed_key": lambda r: DataStore(
        **r.base(), encryption=StoreEncryption(
            default=Value(r.block.node.data, r.file, r.block.line, r.block.type),
            algorithm=Value.absent(r.file, r.block.line, "algorithm"),
            key=Value(r.block.node.data, r.file, r.block.line, r.block.type))),
    # resources that are themselves a store's setting: the value is the resource, on its first line
    "aws_s3_bucket_object_lock_configuration": lambda r: DataStore(
        **r.base(), object_lock=Value(r.block.node.data, r.file, r.block.line, r.block.type)),
    "azurerm_storage_container_immutability_policy": lambda r: DataStore(
        **r.base(), object_lock=Value(r.block.node.data, r.file, r.block.line, r.block.type)),
    "azurerm_storage_account": lambda r: DataStore(
        **r.base(), versioning=Switch(r.at("blob_properties.versioning_enabled", name="versioning_enabled"), ("true",),
                                      None),
        public_access=Switch(r.at("allow_nested_items_to_be_public"), ("false",), 0.6)),
    **dict.fromkeys(("aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block"), lambda r: DataStore(
        **r.base(), public_block=PublicAccessBlock(
            block=Value(r.block.node.data, r.file, r.block.line, r.block.type),
            flags=tuple(r.at(flag) for flag in ("block_public_acls", "block_public_policy", "ignore_public_acls",
                                                "restrict_public_buckets"))))),
    "aws_vpc_endpoint": lambda r: Network(**r.base(), reaches=r.at("service_name")),
    "azurerm_private_endpoint": lambda r: Network(
        **r.base(), connection=str(r.block.node.data.get("private_service_connection", ""))),
    "google_kms_crypto_key": lambda r: Key(**r.base(), rotation_schedule=r.at("rotation_period")),
    "azurerm_key_vault_key": lambda r: Key(**r.base(), rotation_schedule=r.at("rotation_policy"),
                                           schedule_unset_confidence=0.6),
    "aws_ecr_repository": lambda r: ContainerRegistry(
        **r.base(), immutable_tags=Switch(r.at("image_tag_mutability"), ("IMMUTABLE",))),
    "google_artifact_registry_repository": lambda r: ContainerRegistry(
        **r.base(), immutable_tags=Switch(r.at("docker_config.immutable_tags"), ("true",), None)),
    "aws_cloudtrail": _trail,
    "google_project_iam_audit_config": lambda r: AuditTrail(
        **r.base(), data_events="DATA_READ" if "DATA_READ" in str(r.block.node.data) else ""),
    # the resource is itself the bucket's logging setting
    "aws_s3_bucket_logging": lambda r: DataStore(
        **r.base(), access_logging=Value(r.block.node.data, r.file, r.block.line, r.block.type)),
    "aws_budgets_budget": _budget("notification"),
    "google_billing_budget": _budget("threshold_rules"),
    "azurerm_consumption_budget_subscription": _budget("notification"),
    "azurerm_consumption_budget_resource_group": _budget("notification"),
    **dict.fromkeys(("aws_glue_catalog_database", "aws_glue_catalog_table", "aws_glue_crawler", "google_dataplex_lake",
                     "google_dataplex_zone", "google_data_catalog_entry_group", "azurerm_purview_account",
                     "databricks_catalog", "databricks_schema"), _catalog("catalog")),
    **dict.fromkeys(("aws_lakeformation_resource", "aws_lakeformation_data_lake_settings", "google_biglake_table",
                     "google_biglake_catalog", "google_dataplex_asset"), _catalog("lake")),
    **dict.fromkeys(("aws_glue_job", "aws_emrserverless_application", "google_dataflow_job",
                     "google_dataflow_flex_template_job", "google_dataproc_batch", "azurerm_data_factory_pipeline"),
                    lambda r: DataProcessingJob(**r.base())),
}


def adapt(file: ParsedFile) -> Iterator[Resource]:
    """The model's resources of one Terraform file, in the order of its blocks."""
    serverless: set[str] | None = None
    pipelines: set[str] | None = None
    for block in blocks(file):
        if block.kind != "resource":
            continue
        reader = _Reader(file, block)
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
        mapper = _MAPPERS.get(block.type)
        if mapper is not None:
            yield mapper(reader)
        elif is_ml(block):
            yield Resource(**reader.base())

