"""Data stores, registries and key vaults: encryption with a customer-managed key, public
access, TLS, versioning and backups, object lock and lifecycle."""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.detectors._iac import judge_key, judge_switch
from mllens.scan.detectors.platform_resources.buckets import record_bucket
from mllens.scan.model import state_of
from mllens.scan.model.kinds import ContainerRegistry, DataStore, Key, StoreEncryption
from mllens.scan.model.kinds_platform import IdentityPolicy
from mllens.scan.model.values import Value
from mllens.scan.registry import rule

_KMS = ("aws:kms", "aws:kms:dsse", "kms", "kms_dsse")


@rule()
def bucket_versioning(ctx: FileContext) -> None:
    for store in state_of(ctx.file).of(DataStore):
        record_bucket(ctx, store, "versioning")
        if store.versioning is not None:
            judge_switch(ctx, store.versioning, what=store.address)
        backups = store.backups
        if backups is None or backups.kind != "literal":
            continue
        days = backups.as_int()
        on = backups.as_bool() if days is None else days > 0
        if on is True:
            ctx.supports(line=backups.line,
                         message=f"{store.address} keeps automated backups ({backups.name} = {backups.shown()})")
        elif on is False:
            ctx.contradicts(line=backups.line,
                            message=f"{store.address} turns automated backups off ({backups.name} = {backups.shown()})")


@rule()
def object_lock(ctx: FileContext) -> None:
    for store in state_of(ctx.file).of(DataStore):
        lock = store.object_lock
        if lock is not None and lock.on():
            ctx.supports(line=lock.line, message=f"{store.address} keeps objects from being changed or deleted "
                                                 f"for a retention period ({lock.name})")


def _judge_encryption(ctx: FileContext, what: str, line: int, encryption: StoreEncryption) -> None:
    default, algorithm, key = encryption.default, encryption.algorithm, encryption.key
    if not default.written:
        if encryption.unset_confidence is not None:
            ctx.contradicts(line=line, confidence=encryption.unset_confidence,
                            message=f"{what} sets no {default.name}: no customer-managed key, "
                                    f"{encryption.unset_meaning}")
        return
    if default.kind == "literal" and default.as_bool() is False:
        ctx.contradicts(line=default.line, message=f"{what} is not encrypted at rest ({default.name} = false)")
    elif algorithm.kind == "literal" and str(algorithm.raw).upper() == "NONE":  # a stream's encryption type
        ctx.contradicts(line=algorithm.line, message=f"{what} is not encrypted at rest ({algorithm.name} = NONE)")
    elif key.kind == "literal" and str(key.raw).startswith("alias/aws/"):  # the service's own key in the account
        ctx.contradicts(line=key.line, message=f"{what} is encrypted with the AWS-managed key {key.raw}, "
                                               f"not a customer-managed one")
    elif default.as_bool() is True or str(algorithm.raw).lower() in _KMS or (
            not algorithm.written and key.kind in ("literal", "reference")):
        judge_key(ctx, key.raw, key.line, what=what, attr=key.name)
    elif algorithm.kind == "literal":
        ctx.contradicts(line=algorithm.line,
                        message=f"{what} encrypts with {algorithm.shown()}, a provider-managed key")


@rule()
def bucket_encryption(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    stores: list[DataStore | ContainerRegistry] = list(state.of(DataStore, ContainerRegistry))
    for store in stores:
        if isinstance(store, DataStore):
            record_bucket(ctx, store, "encryption")
        if store.encryption is not None:
            _judge_encryption(ctx, store.address, store.line, store.encryption)


@rule()
def bucket_public_access(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    for store in state.of(DataStore):
        public = store.public_block
        if public is not None and not any(flag.kind == "reference" for flag in public.flags):
            open_flags = [flag for flag in public.flags if flag.as_bool() is not True]
            if open_flags:
                ctx.contradicts(line=open_flags[0].line,
                                message=f"{store.address} leaves {', '.join(f.name for f in open_flags)} off")
            else:
                ctx.supports(line=public.block.line, message=f"{store.address} blocks every kind of public access")
        enforced = store.public_prevention is not None and str(store.public_prevention.raw).lower() == "enforced"
        if store.public_prevention is not None and enforced:
            ctx.supports(line=store.public_prevention.line,
                         message=f"{store.address} enforces public access prevention ({store.public_prevention.name})")
        if store.public_access is not None:
            judge_switch(ctx, store.public_access, what=store.address)
        uniform = store.uniform_access
        if uniform is not None and (uniform.value.written or not enforced):  # prevention already blocks public ACLs
            judge_switch(ctx, uniform, what=store.address)
    reachable: list[DataStore | ContainerRegistry | Key] = list(state.of(DataStore, ContainerRegistry, Key))
    for res in reachable:
        network = res.public_network
        if network is not None:
            judge_switch(ctx, network, what=res.address)
        firewall = res.attr("firewall_default")
        # judged here only beside a written public-access flag (unset, the flag is read from it)
        if firewall is not None and firewall.written and network is not None and network.value.line != firewall.line:
            _judge_firewall(ctx, res.address, firewall)


def _judge_firewall(ctx: FileContext, what: str, firewall: Value) -> None:
    for one in firewall.each():  # per environment, or the module caller's input
        action = str(one.raw).lower()
        if action == "deny":
            ctx.given(one).supports(line=one.line, message=f"{what}'s firewall denies what its rules do not allow "
                                                          f"({one.name} = {one.raw})")
        elif action == "allow":
            ctx.given(one).contradicts(line=one.line, message=f"{what}'s firewall allows every network by default "
                                                             f"({one.name} = {one.raw})")


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


@rule()
def bucket_tls_only(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    for policy in state.of(IdentityPolicy):
        if policy.use == "identity":
            continue  # a bucket policy, or a policy document that may become one
        for statement in policy.statements:
            if statement.effect == "Deny" and any(k.lower() == "aws:securetransport"
                                                  for k in statement.condition_keys()):
                ctx.supports(line=statement.condition_line,
                             message=f"{policy.address} denies requests that do not use TLS")
                break
    for store in state.of(DataStore):
        if store.https_only is not None and store.https_only.as_bool() is False:
            ctx.contradicts(line=store.https_only.line,
                            message=f"{store.address} accepts plain HTTP ({store.https_only.name})")
        if store.tls is not None:
            judge_switch(ctx, store.tls, what=store.address)
