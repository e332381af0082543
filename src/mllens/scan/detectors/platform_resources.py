"""The platform around an ML workload (keys, registries, audit trails, budgets, data catalogs
and processing), judged once over the resource model whichever syntax declared it.

Like ml_resources, each rule reads `state_of(ctx.file)` and knows nothing of syntax; the
platform judgements not yet moved here are the terraform_platform and cloudformation_platform
families.
"""

from __future__ import annotations

from mllens.scan.context import FileContext, ParsedFile
from mllens.scan.detectors._iac import judge_key, judge_switch
from mllens.scan.model import state_of
from mllens.scan.model.kinds import (
    AuditTrail,
    Budget,
    ContainerRegistry,
    DataCatalog,
    DataProcessingJob,
    DataStore,
    Key,
)
from mllens.scan.registry import rule


def skip_file(file: ParsedFile) -> bool:
    """The family hook of mllens.scan.engine: nothing to judge in a file that maps to no resource."""
    return not state_of(file).resources



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
def budgets(ctx: FileContext) -> None:
    for budget in state_of(ctx.file).of(Budget):
        if budget.alerts.written:
            ctx.supports(line=budget.line, message=f"{budget.address} sets a budget with alerts ({budget.alerts.name})")
        else:
            ctx.info(line=budget.line, message=f"{budget.address} sets a budget but no alert ({budget.alerts.name})")


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
def bucket_versioning(ctx: FileContext) -> None:
    for store in state_of(ctx.file).of(DataStore):
        if store.versioning is not None:
            judge_switch(ctx, store.versioning, what=store.address)


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
def object_lock(ctx: FileContext) -> None:
    for store in state_of(ctx.file).of(DataStore):
        lock = store.object_lock
        if lock is not None and lock.on():
            ctx.supports(line=lock.line, message=f"{store.address} keeps objects from being changed or deleted "
                                                 f"for a retention period ({lock.name})")


@rule()
def bucket_encryption(ctx: FileContext) -> None:
    for store in state_of(ctx.file).of(DataStore):
        encryption = store.encryption
        if encryption is None:
            continue
        if not encryption.default.written:
            if encryption.unset_confidence is not None:
                ctx.contradicts(line=store.line, confidence=encryption.unset_confidence,
                                message=f"{store.address} sets no {encryption.default.name}: "
                                        "the provider's own keys are used")
            continue
        algorithm, key = encryption.algorithm, encryption.key
        if str(algorithm.raw).startswith("aws:kms") or (not algorithm.written and key.kind in ("literal", "reference")):
            judge_key(ctx, key.raw, key.line, what=store.address, attr=key.name)
        elif algorithm.kind == "literal":
            ctx.contradicts(line=algorithm.line,
                            message=f"{store.address} encrypts with {algorithm.shown()}, a provider-managed key")


@rule()
def bucket_public_access(ctx: FileContext) -> None:
    for store in state_of(ctx.file).of(DataStore):
        public = store.public_block
        if public is not None and not any(flag.kind == "reference" for flag in public.flags):
            open_flags = [flag for flag in public.flags if flag.as_bool() is not True]
            if open_flags:
                ctx.contradicts(line=open_flags[0].line,
                                message=f"{store.address} leaves {', '.join(f.name for f in open_flags)} off")
            else:
                ctx.supports(line=public.block.line, message=f"{store.address} blocks every kind of public access")
        if store.public_prevention is not None and str(store.public_prevention.raw).lower() == "enforced":
            ctx.supports(line=store.public_prevention.line,
                         message=f"{store.address} enforces public access prevention ({store.public_prevention.name})")
        if store.public_access is not None:
            judge_switch(ctx, store.public_access, what=store.address)


@rule()
def bucket_lifecycle(ctx: FileContext) -> None:
    for store in state_of(ctx.file).of(DataStore):
        for item in store.lifecycle:
            if item.action == "expire":
                for check in ("data_lifecycle_expiry", "data_expiry"):
                    ctx.supports(line=item.value.line, check=check,
                                 message=f"{store.address} expires aged objects ({item.value.name})")
            else:
                ctx.supports(line=item.value.line, check="storage_tiering",
                             message=f"{store.address} moves aged objects to colder storage ({item.value.name})")
