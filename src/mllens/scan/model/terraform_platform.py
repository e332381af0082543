"""Terraform into the resource model: the platform around the ML services (keys, buckets,
registries, audit trails, budgets, catalogs, data processing, private endpoints)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

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
from mllens.scan.model.terraform_read import Reader
from mllens.scan.model.values import Switch, Value


def _aws_key(r: Reader) -> Key:
    return Key(**r.base(), spec=r.at("customer_master_key_spec"),
               rotation=Switch(r.at("enable_key_rotation"), ("true",), 0.9))


def _trail(r: Reader) -> AuditTrail:
    node = r.block.node
    selectors = str(node.get("event_selector")) + str(node.get("advanced_event_selector"))
    return AuditTrail(**r.base(), log_validation=Switch(r.at("enable_log_file_validation"), ("true",)),
                      data_events="S3 object-level" if "AWS::S3::Object" in selectors else "")


def _budget(attr: str) -> Callable[[Reader], Resource]:
    return lambda r: Budget(**r.base(), alerts=r.at(attr))


def _catalog(role: Literal["catalog", "lake"]) -> Callable[[Reader], Resource]:
    def build(r: Reader) -> Resource:
        table = r.block.type == "aws_glue_catalog_table"
        return DataCatalog(**r.base(), role=role, location=r.at("storage_descriptor.location") if table else None)

    return build


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


PLATFORM: dict[str, Callable[[Reader], Resource]] = {
    "aws_kms_key": _aws_key,
    "aws_s3_bucket_lifecycle_configuration": lambda r: DataStore(**r.base(), lifecycle=_s3_lifecycle(r)),
    "azurerm_storage_management_policy": lambda r: DataStore(**r.base(), lifecycle=_azure_lifecycle(r)),
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
