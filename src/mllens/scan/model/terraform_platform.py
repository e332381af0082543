"""Terraform into the resource model: the platform around the ML services (keys, buckets,
registries, audit trails, budgets, catalogs, data processing, private endpoints)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from mllens.scan.detectors._iac import Node
from mllens.scan.model.attributes_read import read
from mllens.scan.model.boot_scripts import boot_fields
from mllens.scan.model.delivery import terraform_pipeline
from mllens.scan.model.firewall import terraform_group
from mllens.scan.model.kinds import (
    AuditTrail,
    Budget,
    DataCatalog,
    DataProcessingJob,
    DataStore,
    Key,
    LifecycleAction,
    Network,
    PublicAccessBlock,
    Resource,
    StoreEncryption,
)
from mllens.scan.model.kinds_platform import BootScript, Cluster, Function, Telemetry
from mllens.scan.model.terraform_read import Reader
from mllens.scan.model.values import Value


def _trail(r: Reader) -> AuditTrail:
    node = r.block.node
    selectors = str(node.get("event_selector")) + str(node.get("advanced_event_selector"))
    return AuditTrail(**r.base(), **read(r, AuditTrail),
                      data_events="S3 object-level" if "AWS::S3::Object" in selectors else "")


def plain(kind: type[Resource], **fields: Any) -> Callable[[Reader], Resource]:
    """A resource whose attributes are all in the table (attributes.TABLE), and constant `fields`."""
    return lambda r: kind(**r.base(), **read(r, kind), **fields)


def _s3_lifecycle(r: Reader) -> tuple[LifecycleAction, ...]:
    out: list[LifecycleAction] = []
    for item in r.block.node.children("rule"):
        if str(item.get("status")).lower() == "disabled":
            continue
        plan: tuple[tuple[Literal["expire", "tier"], tuple[str, ...]], ...] = (
            ("expire", ("expiration", "noncurrent_version_expiration")),
            ("tier", ("transition", "noncurrent_version_transition")))
        for action, keys in plan:
            out.extend(LifecycleAction(action=action, value=r.at(k, node=item)) for k in keys if item.has(k))
    return tuple(out)


def gcs_lifecycle(r: Reader) -> tuple[LifecycleAction, ...]:
    actions: dict[str, Literal["expire", "tier"]] = {"Delete": "expire", "SetStorageClass": "tier"}
    out = []
    for item in r.block.node.children("lifecycle_rule"):
        value = r.at("action.type", node=item)
        if str(value.raw) in actions:
            out.append(LifecycleAction(action=actions[str(value.raw)], value=value))
    return tuple(out)


def _azure_lifecycle(r: Reader) -> tuple[LifecycleAction, ...]:
    out = []
    for item in r.block.node.children("rule"):
        for key, raw, line in item.walk():
            if key.startswith(("delete_after", "tier_to_")):
                action: Literal["expire", "tier"] = "expire" if key.startswith("delete_after") else "tier"
                out.append(LifecycleAction(action=action, value=Value(raw, r.file, line, key)))
    return tuple(out)


def _aks(r: Reader, pool: Node | None) -> Cluster:
    """An AKS cluster (its default node pool) or an extra node pool: the autoscaler switch in either
    provider spelling, the node count, and the monitoring add-on."""
    holder = pool if pool is not None else r.block.node
    switch = next((k for k in ("auto_scaling_enabled", "enable_auto_scaling") if holder.has(k)), "enable_auto_scaling")
    node = r.block.node
    oms = "oms_agent" if node.has("oms_agent") else None
    addon = node.child("addon_profile")
    return Cluster(**r.base(), **read(r, Cluster), autoscaling=r.at(switch, node=holder),
                   node_count=r.at("node_count", node=holder),
                   telemetry=r.block_value(node, oms) if oms else (
                       r.block_value(addon, "oms_agent") if addon is not None and addon.has("oms_agent") else None))


PLATFORM: dict[str, Callable[[Reader], Resource]] = {
    "aws_kms_key": plain(Key),
    "aws_s3_bucket_lifecycle_configuration": lambda r: DataStore(**r.base(), **read(r, DataStore),
                                                                 lifecycle=_s3_lifecycle(r)),
    "azurerm_storage_management_policy": lambda r: DataStore(**r.base(), **read(r, DataStore),
                                                             lifecycle=_azure_lifecycle(r)),
    "azurerm_storage_account_customer_managed_key": lambda r: DataStore(
        **r.base(), **read(r, DataStore), encryption=StoreEncryption(
            default=Value(r.block.node.data, r.file, r.block.line, r.block.type),
            algorithm=Value.absent(r.file, r.block.line, "algorithm"),
            key=Value(r.block.node.data, r.file, r.block.line, r.block.type))),
    # resources that are themselves a store's setting: the value is the resource, on its first line
    "aws_s3_bucket_object_lock_configuration": lambda r: DataStore(
        **r.base(), **read(r, DataStore), object_lock=Value(r.block.node.data, r.file, r.block.line, r.block.type)),
    "azurerm_storage_container_immutability_policy": lambda r: DataStore(
        **r.base(), **read(r, DataStore), object_lock=Value(r.block.node.data, r.file, r.block.line, r.block.type)),
    **dict.fromkeys(("aws_s3_bucket_public_access_block", "aws_s3_account_public_access_block"), lambda r: DataStore(
        **r.base(), **read(r, DataStore), public_block=PublicAccessBlock(
            block=Value(r.block.node.data, r.file, r.block.line, r.block.type), **read(r, PublicAccessBlock)))),
    "aws_vpc_endpoint": plain(Network),
    "azurerm_private_endpoint": lambda r: Network(
        **r.base(), **read(r, Network), connection=str(r.block.node.data.get("private_service_connection", ""))),
    "google_kms_crypto_key": plain(Key),
    "azurerm_key_vault_key": plain(Key, schedule_unset_confidence=0.6),
    "aws_cloudtrail": _trail,
    "google_project_iam_audit_config": lambda r: AuditTrail(
        **r.base(), **read(r, AuditTrail), data_events="DATA_READ" if "DATA_READ" in str(r.block.node.data) else ""),
    # the resource is itself the bucket's logging setting
    "aws_s3_bucket_logging": lambda r: DataStore(
        **r.base(), **read(r, DataStore), access_logging=Value(r.block.node.data, r.file, r.block.line, r.block.type)),
    **dict.fromkeys(("aws_budgets_budget", "google_billing_budget", "azurerm_consumption_budget_subscription",
                     "azurerm_consumption_budget_resource_group"), plain(Budget)),
    **dict.fromkeys(("aws_glue_catalog_database", "aws_glue_catalog_table", "aws_glue_crawler", "google_dataplex_lake",
                     "google_dataplex_zone", "google_data_catalog_entry_group", "azurerm_purview_account",
                     "databricks_catalog", "databricks_schema"), plain(DataCatalog, role="catalog")),
    **dict.fromkeys(("aws_lakeformation_resource", "aws_lakeformation_data_lake_settings", "google_biglake_table",
                     "google_biglake_catalog", "google_dataplex_asset"), plain(DataCatalog, role="lake")),
    **dict.fromkeys(("aws_glue_job", "aws_emrserverless_application", "google_dataflow_job",
                     "google_dataflow_flex_template_job", "google_dataproc_batch", "azurerm_data_factory_pipeline"),
                    plain(DataProcessingJob)),
    "aws_codepipeline": lambda r: terraform_pipeline(r.base(), r.block.node),
    # a function and its asynchronous-invocation settings (a resource that names it)
    **dict.fromkeys(("aws_lambda_function", "aws_lambda_function_event_invoke_config"), plain(Function)),
    # where metrics, logs and traces go, and the clusters jobs and models run on
    **dict.fromkeys(("azurerm_application_insights", "azurerm_log_analytics_workspace",
                     "azurerm_monitor_diagnostic_setting", "aws_cloudwatch_dashboard", "google_monitoring_dashboard"),
                    plain(Telemetry)),
    "azurerm_kubernetes_cluster": lambda r: _aks(r, r.block.node.child("default_node_pool")),
    "azurerm_kubernetes_cluster_node_pool": lambda r: _aks(r, r.block.node),
    # virtual machines and the script they run at first boot
    **dict.fromkeys(("aws_instance", "aws_launch_template"), lambda r: BootScript(
        **r.base(), **read(r, BootScript), **boot_fields(r.at("user_data"), r.source.text))),
    **dict.fromkeys(("aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"),
                    lambda r: terraform_group(r.base(), r.block.node, r.rtype)),
}
