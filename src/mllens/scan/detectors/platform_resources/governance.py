"""Keys, registries, audit trails, catalogs, data processing and sensitive-data discovery."""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.detectors._iac import judge_switch
from mllens.scan.model import state_of
from mllens.scan.model.kinds import (
    AuditTrail,
    ContainerRegistry,
    DataCatalog,
    DataProcessingJob,
    DataStore,
    Key,
)
from mllens.scan.model.kinds_platform import DataDiscoveryJob
from mllens.scan.registry import rule


@rule()
def kms_key_rotation(ctx: FileContext) -> None:
    for key in state_of(ctx.file).of(Key):
        if key.spec is not None and key.spec.kind == "literal" and str(key.spec.raw) != "SYMMETRIC_DEFAULT":
            continue  # asymmetric and HMAC keys cannot rotate automatically
        if key.rotation is not None:
            judge_switch(ctx, key.rotation, what=key.address)
        schedule = key.rotation_schedule
        if schedule is not None and schedule.written:
            ctx.supports(line=schedule.line, message=f"{key.address} rotates automatically ({schedule.name})")
        elif schedule is not None:
            ctx.contradicts(line=key.line, confidence=key.schedule_unset_confidence,
                            message=f"{key.address} sets no {schedule.name}")


@rule()
def immutable_image_tags(ctx: FileContext) -> None:
    for registry in state_of(ctx.file).of(ContainerRegistry):
        if registry.immutable_tags is not None:
            judge_switch(ctx, registry.immutable_tags, what=registry.address)


@rule()
def trail_log_validation(ctx: FileContext) -> None:
    for trail in state_of(ctx.file).of(AuditTrail):
        if trail.log_validation is not None:
            judge_switch(ctx, trail.log_validation, what=trail.address)


@rule()
def data_catalog(ctx: FileContext) -> None:
    for entry in state_of(ctx.file).of(DataCatalog):
        if entry.role == "catalog":
            ctx.supports(line=entry.line, check="data_catalog",
                         message=f"{entry.address} registers datasets in a catalog")
        else:
            ctx.supports(line=entry.line, check="data_lake_as_code", message=f"{entry.address} defines the data lake")
        if entry.location is not None and str(entry.location.raw).startswith("s3://"):
            ctx.supports(line=entry.location.line, check="data_lake_as_code",
                         message=f"{entry.address} catalogs a table on S3 ({entry.location.name})")


@rule()
def serverless_data_steps(ctx: FileContext) -> None:
    for job in state_of(ctx.file).of(DataProcessingJob):
        ctx.supports(line=job.line, message=f"{job.address} runs data processing on serverless capacity")


@rule()
def data_access_logging(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    for trail in state.of(AuditTrail):
        if trail.data_events:
            ctx.supports(line=trail.line, message=f"{trail.address} records data access events ({trail.data_events})")
    for store in state.of(DataStore):
        if store.access_logging is not None and store.access_logging.written:
            ctx.supports(line=store.access_logging.line, confidence=0.7,
                         message=f"{store.address} writes server access logs ({store.access_logging.name})")


@rule()
def pii_discovery(ctx: FileContext) -> None:
    for job in state_of(ctx.file).of(DataDiscoveryJob):
        ctx.supports(line=job.line, message=f"{job.address} scans stored data for sensitive information")


@rule()
def key_vault_purge_protection(ctx: FileContext) -> None:
    for vault in state_of(ctx.file).of(Key):
        if vault.purge_protection is not None:
            judge_switch(ctx, vault.purge_protection, what=vault.address)


@rule()
def store_access_control(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    for vault in state.of(Key):
        if vault.rbac is not None:
            judge_switch(ctx, vault.rbac, what=vault.address)
    for registry in state.of(ContainerRegistry):
        if registry.admin_user is not None:
            judge_switch(ctx, registry.admin_user, what=registry.address)
