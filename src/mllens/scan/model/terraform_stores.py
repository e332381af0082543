"""Terraform into the resource model: data stores, container registries and key vaults
across clouds (S3, GCS, Azure Storage, RDS and Aurora, Cloud SQL, ECR, Artifact Registry,
ACR, Key Vault).

An S3 bucket's settings are separate resources (aws_s3_bucket_versioning, ..._server_side_
encryption_configuration); each is a `DataStore` naming its bucket (`configures`), so the
bucket's own block is judged together with them once the module's files are read. The other
providers' stores write their settings in one block, and an unset one is the service
default (judged where that default is the unsafe choice).
"""

from __future__ import annotations

from collections.abc import Callable

from mllens.scan.detectors._iac import Node
from mllens.scan.model.attributes_read import read
from mllens.scan.model.kinds import ContainerRegistry, DataStore, Key, Resource, StoreEncryption
from mllens.scan.model.terraform_platform import gcs_lifecycle, plain
from mllens.scan.model.terraform_read import Reader
from mllens.scan.model.values import Switch, Value

_S3_DEFAULT = "S3 encrypts it with S3-managed keys (SSE-S3)"


def _s3_encryption(r: Reader, holder: Node | None) -> StoreEncryption:
    """Default encryption of an S3 bucket: inline, or its own configuration resource."""
    rule = holder.child("rule") if holder is not None else None
    default = rule.child("apply_server_side_encryption_by_default") if rule is not None else None
    if default is None:
        absent = Value.absent(r.file, r.block.line, "apply_server_side_encryption_by_default")
        return StoreEncryption(default=absent, algorithm=absent, key=absent, unset_meaning=_S3_DEFAULT)
    return StoreEncryption(default=Value(default.data, r.file, default.line, "apply_server_side_encryption_by_default"),
                           algorithm=r.at("sse_algorithm", node=default), key=r.at("kms_master_key_id", node=default))


def _key_only(r: Reader, path: str, meaning: str, *, holder: str | None = None) -> StoreEncryption:
    """Encryption given by one key setting (`path`), or by a block holding it (`holder`)."""
    key = r.at(path, name=path.rsplit(".", 1)[-1])
    default = r.block_value(r.block.node, holder) if holder else key
    return StoreEncryption(default=default, algorithm=Value.absent(r.file, r.block.line, "algorithm"), key=key,
                           unset_confidence=0.6, unset_meaning=meaning)


def _public_network(r: Reader, flag: str, rules: str) -> Switch:
    """Reachable from public networks: the flag when written, else the network rules' default
    action (Deny keeps the public endpoint closed); both unset: open (the default)."""
    if r.block.node.has(flag) or not r.block.node.has(rules):
        return Switch(r.at(flag), ("false",), 0.6)
    return Switch(r.at(f"{rules}.default_action", name="default_action"), ("Deny",), 0.6)


def _s3_bucket(r: Reader) -> DataStore:
    # inline versioning blocks: only a literal is judged (an absent block is for the separate resource)
    return DataStore(**r.base(), **read(r, DataStore), settings_apart=True,
                     encryption=_s3_encryption(r, r.block.node.child("server_side_encryption_configuration")))


def _gcs_bucket(r: Reader) -> DataStore:
    return DataStore(
        **r.base(), **read(r, DataStore), lifecycle=gcs_lifecycle(r),
        encryption=_key_only(r, "encryption.default_kms_key_name", "Google-managed keys are used", holder="encryption"))


def _azure_storage(r: Reader) -> DataStore:
    https = next((k for k in ("https_traffic_only_enabled", "enable_https_traffic_only") if r.block.node.has(k)),
                 "https_traffic_only_enabled")
    cmk = r.block.node.has("customer_managed_key")
    # a customer-managed key may be its own resource that names the account: judged by bare_buckets
    return DataStore(
        **r.base(), **read(r, DataStore), settings_apart=True,
        public_network=_public_network(r, "public_network_access_enabled", "network_rules"),
        https_only=r.at(https),  # whichever of the two spellings is written
        # a separate azurerm_storage_account_customer_managed_key may hold the key: an absent block is not judged
        encryption=StoreEncryption(default=r.block_value(r.block.node, "customer_managed_key"),
                                   algorithm=Value.absent(r.file, r.block.line, "algorithm"),
                                   key=r.at("customer_managed_key.key_vault_key_id", name="key_vault_key_id")
                                   if cmk else Value.absent(r.file, r.block.line, "customer_managed_key"),
                                   unset_meaning="Microsoft-managed keys encrypt it"))


def _rds(r: Reader) -> DataStore:
    return DataStore(
        **r.base(), **read(r, DataStore),
        encryption=StoreEncryption(default=r.at("storage_encrypted"),
                                   algorithm=Value.absent(r.file, r.block.line, "algorithm"), key=r.at("kms_key_id"),
                                   unset_confidence=0.7, unset_meaning="its storage is not encrypted (the default)"))


def _cloud_sql(r: Reader) -> DataStore:
    ip = "settings.ip_configuration"
    mode, require = r.at(f"{ip}.ssl_mode", name="ssl_mode"), r.at(f"{ip}.require_ssl", name="require_ssl")
    tls = Switch(require, ("true",), 0.6) if require.written and not mode.written else Switch(
        mode, ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"), 0.6)
    return DataStore(
        **r.base(), **read(r, DataStore), tls=tls,
        encryption=_key_only(r, "encryption_key_name", "Google-managed keys are used"))


def _stream(r: Reader) -> DataStore:
    """A Kinesis data stream: records rest unencrypted unless encryption_type is KMS."""
    kind = r.at("encryption_type")
    return DataStore(**r.base(), **read(r, DataStore), encryption=StoreEncryption(
        default=kind, algorithm=kind, key=r.at("kms_key_id"), unset_confidence=0.7,
        unset_meaning="its records are stored unencrypted (the default)"))


def _ecr(r: Reader) -> ContainerRegistry:
    encryption = StoreEncryption(
        default=r.block_value(r.block.node, "encryption_configuration"),
        algorithm=r.at("encryption_configuration.encryption_type", name="encryption_type"),
        key=r.at("encryption_configuration.kms_key", name="kms_key"),
        unset_confidence=0.6, unset_meaning="ECR encrypts images with AES-256 and an AWS-owned key")
    return ContainerRegistry(**r.base(), **read(r, ContainerRegistry), encryption=encryption)


def _acr(r: Reader) -> ContainerRegistry:
    return ContainerRegistry(
        **r.base(), **read(r, ContainerRegistry),
        public_network=_public_network(r, "public_network_access_enabled", "network_rule_set"),
        encryption=StoreEncryption(default=r.block_value(r.block.node, "encryption"),
                                   algorithm=Value.absent(r.file, r.block.line, "algorithm"),
                                   key=r.at("encryption.key_vault_key_id", name="key_vault_key_id")))


def _key_vault(r: Reader) -> Key:
    rbac = next((k for k in ("rbac_authorization_enabled", "enable_rbac_authorization") if r.block.node.has(k)),
                "enable_rbac_authorization")
    return Key(**r.base(), **read(r, Key),
               public_network=_public_network(r, "public_network_access_enabled", "network_acls"),
               rbac=Switch(r.at(rbac), ("true",), 0.6))


STORES: dict[str, Callable[[Reader], Resource]] = {
    "aws_s3_bucket": _s3_bucket,
    # a setting of an S3 bucket as a resource of its own: it names the bucket it configures (the table)
    "aws_s3_bucket_versioning": plain(DataStore),
    "aws_s3_bucket_server_side_encryption_configuration": lambda r: DataStore(
        **r.base(), **read(r, DataStore), encryption=_s3_encryption(r, r.block.node)),
    "google_storage_bucket": _gcs_bucket,
    "azurerm_storage_account": _azure_storage,
    "aws_db_instance": _rds,
    "aws_rds_cluster": _rds,
    "google_sql_database_instance": _cloud_sql,
    "aws_ecr_repository": _ecr,
    "google_artifact_registry_repository": lambda r: ContainerRegistry(
        **r.base(), **read(r, ContainerRegistry),
        encryption=_key_only(r, "kms_key_name", "Google-managed keys are used")),
    "azurerm_container_registry": _acr,
    "azurerm_key_vault": _key_vault,
    "aws_kinesis_stream": _stream,
    **dict.fromkeys(("azurerm_mysql_server", "azurerm_postgresql_server", "azurerm_mariadb_server"), plain(DataStore)),
}
