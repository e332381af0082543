"""Data stores, registries and key vaults across clouds, from Terraform: the settings that
span a block and its neighbours (S3 settings resources naming their bucket, network rules
standing in for an unset flag, Cloud SQL's two spellings of TLS)."""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds import ContainerRegistry, DataStore, Key
from mllens.scan.parse import parse

TF = """\
resource "aws_s3_bucket" "data" {
  bucket = "d"
}

resource "aws_s3_bucket_versioning" "data" {
  bucket = aws_s3_bucket.data.id
  versioning_configuration { status = "Enabled" }
}

resource "azurerm_storage_account" "sa" {
  min_tls_version = "TLS1_2"
  network_rules {
    default_action = "Deny"
  }
}

resource "google_sql_database_instance" "db" {
  settings {
    ip_configuration {
      require_ssl = true
    }
  }
}

resource "aws_db_instance" "db" {
  storage_encrypted = true
}

resource "aws_ecr_repository" "r" {
  name = "r"
}

resource "azurerm_key_vault" "kv" {
  public_network_access_enabled = false
}
"""


def _state() -> dict[str, object]:
    file = ParsedFile("infra/main.tf", "terraform", TF, parse("terraform", TF))
    return {r.address: r for r in state_of(file).resources}


def test_an_s3_settings_resource_names_the_bucket_it_configures() -> None:
    state = _state()
    bucket, versioning = state["aws_s3_bucket.data"], state["aws_s3_bucket_versioning.data"]
    assert isinstance(bucket, DataStore) and bucket.settings_apart and bucket.configures is None
    assert bucket.encryption is not None and not bucket.encryption.default.written
    assert isinstance(versioning, DataStore) and versioning.configures is not None
    assert versioning.configures.raw == "${aws_s3_bucket.data.id}" and not versioning.settings_apart


def test_network_rules_stand_in_for_an_unset_public_network_flag() -> None:
    account = _state()["azurerm_storage_account.sa"]
    assert isinstance(account, DataStore) and account.public_network is not None and account.tls is not None
    assert (account.public_network.value.name, account.public_network.value.raw, account.public_network.value.line) == (
        "default_action", "Deny", 13)
    assert account.tls.value.raw == "TLS1_2" and account.tls.safe == ("TLS1_2", "TLS1_3")


def test_cloud_sql_reads_require_ssl_when_no_ssl_mode_is_written() -> None:
    db = _state()["google_sql_database_instance.db"]
    assert isinstance(db, DataStore) and db.tls is not None
    assert (db.tls.value.name, db.tls.value.raw, db.tls.safe) == ("require_ssl", True, ("true",))


def test_database_registry_and_vault_settings() -> None:
    state = _state()
    rds, ecr, vault = state["aws_db_instance.db"], state["aws_ecr_repository.r"], state["azurerm_key_vault.kv"]
    assert isinstance(rds, DataStore) and rds.encryption is not None
    assert rds.encryption.default.raw is True and not rds.encryption.key.written
    assert isinstance(ecr, ContainerRegistry) and ecr.encryption is not None
    assert not ecr.encryption.default.written and ecr.encryption.unset_confidence == 0.6
    assert isinstance(vault, Key) and vault.public_network is not None and vault.public_network.value.raw is False
    assert vault.purge_protection is not None and not vault.purge_protection.value.written
