"""CloudFormation and SAM templates into the resource model: the platform around the ML
services (buckets, keys, registries, audit trails, budgets, catalogs, data processing, IAM
policies and bucket policies). The ML services' own types are mapped in `cloudformation`,
which merges `PLATFORM` into its dispatch and hands each mapper its reader."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Literal, Protocol

from mllens.scan.detectors._cfn import CfnResource, managed_arns, policy_documents
from mllens.scan.detectors._iac import Node
from mllens.scan.model.attributes_read import read
from mllens.scan.model.boot_scripts import boot_fields
from mllens.scan.model.delivery import cloudformation_pipeline
from mllens.scan.model.firewall import cloudformation_group
from mllens.scan.model.identity import document_statements, trusted_services
from mllens.scan.model.kinds import (
    AuditTrail,
    Budget,
    ContainerRegistry,
    DataCatalog,
    DataProcessingJob,
    DataStore,
    Key,
    LifecycleAction,
    PublicAccessBlock,
    Resource,
    StoreEncryption,
)
from mllens.scan.model.kinds_platform import BootScript, Function, IdentityPolicy, PolicyUse, Statement, Telemetry
from mllens.scan.model.values import Value


class _Reader(Protocol):
    """What the mappers here use of `cloudformation._Reader` (named structurally: that module
    imports this one)."""

    file: str
    res: CfnResource
    text: str

    def at(self, path: str, *, node: Node | None = None, name: str | None = None) -> Value: ...

    def block_value(self, node: Node, key: str) -> Value: ...

    def base(self) -> dict[str, Any]: ...

    @property
    def rtype(self) -> str: ...

    @property
    def root(self) -> Node: ...


def _s3_encryption(r: _Reader) -> StoreEncryption:
    rules = r.res.props.child("BucketEncryption")
    items = rules.children("ServerSideEncryptionConfiguration") if rules is not None else []
    default = items[0].child("ServerSideEncryptionByDefault") if items else None
    if default is None:
        absent = Value.absent(r.file, r.res.line, "BucketEncryption")
        return StoreEncryption(default=absent, algorithm=absent, key=absent, unset_confidence=0.6)
    return StoreEncryption(default=Value(default.data, r.file, default.line, "ServerSideEncryptionByDefault"),
                           algorithm=r.at("SSEAlgorithm", node=default), key=r.at("KMSMasterKeyID", node=default),
                           unset_confidence=0.6)


def _public_block(r: _Reader) -> PublicAccessBlock | None:
    block = r.res.props.child("PublicAccessBlockConfiguration")
    if block is None:
        return None  # new buckets block public access unless a template turns it off
    return PublicAccessBlock(block=r.block_value(r.res.props, "PublicAccessBlockConfiguration"),
                             **read(r, PublicAccessBlock, node=block))


_EXPIRE = ("ExpirationInDays", "ExpirationDate", "NoncurrentVersionExpiration", "NoncurrentVersionExpirationInDays")
_TIER = ("Transitions", "Transition", "NoncurrentVersionTransitions", "NoncurrentVersionTransition")


def _s3_lifecycle(r: _Reader) -> tuple[LifecycleAction, ...]:
    config = r.res.props.child("LifecycleConfiguration")
    out: list[LifecycleAction] = []
    for item in config.children("Rules") if config is not None else []:
        if str(item.get("Status")) != "Enabled":
            continue
        plan: tuple[tuple[Literal["expire", "tier"], tuple[str, ...]], ...] = (("expire", _EXPIRE), ("tier", _TIER))
        for action, keys in plan:
            key = next((k for k in keys if item.has(k)), None)  # one per rule and action
            if key is not None:
                out.append(LifecycleAction(action=action, value=r.at(key, node=item)))
    return tuple(out)


def _trail(r: _Reader) -> AuditTrail:
    selectors = str(r.res.props.get("EventSelectors")) + str(r.res.props.get("AdvancedEventSelectors"))
    return AuditTrail(**r.base(), **read(r, AuditTrail),
                      data_events="S3 object-level" if "AWS::S3::Object" in selectors else "")


def _bucket(r: _Reader) -> DataStore:
    props = r.res.props
    return DataStore(
        **r.base(), **read(r, DataStore), encryption=_s3_encryption(r),
        public_block=_public_block(r), lifecycle=_s3_lifecycle(r),
        object_lock=r.block_value(props, "ObjectLockConfiguration") if props.has("ObjectLockConfiguration")
        else r.at("ObjectLockEnabled"))


def _ecr(r: _Reader) -> ContainerRegistry:
    return ContainerRegistry(
        **r.base(), **read(r, ContainerRegistry),
        encryption=StoreEncryption(default=r.block_value(r.res.props, "EncryptionConfiguration"),
                                   algorithm=r.at("EncryptionConfiguration.EncryptionType"),
                                   key=r.at("EncryptionConfiguration.KmsKey"), unset_confidence=0.6,
                                   unset_meaning="ECR encrypts images with AES-256 and an AWS-owned key"))


def _rds(r: _Reader) -> DataStore:
    return DataStore(
        **r.base(), **read(r, DataStore),
        encryption=StoreEncryption(default=r.at("StorageEncrypted"),
                                   algorithm=Value.absent(r.file, r.res.line, "algorithm"),
                                   key=r.at("KmsKeyId"), unset_confidence=0.7,
                                   unset_meaning="its storage is not encrypted (the default)"))


def _stream(r: _Reader) -> DataStore:
    """A Kinesis data stream: records rest unencrypted unless StreamEncryption names KMS."""
    return DataStore(
        **r.base(), **read(r, DataStore),
        encryption=StoreEncryption(default=r.block_value(r.res.props, "StreamEncryption"),
                                   algorithm=r.at("StreamEncryption.EncryptionType", name="EncryptionType"),
                                   key=r.at("StreamEncryption.KeyId", name="KeyId"), unset_confidence=0.7,
                                   unset_meaning="its records are stored unencrypted (the default)"))


def _statements(r: _Reader) -> Iterator[Statement]:
    for doc, line in policy_documents(r.res):
        yield from document_statements(doc, line, r.file, finder=r.res.props.finder)


def _policy(use: PolicyUse) -> Callable[[_Reader], Resource]:
    def build(r: _Reader) -> Resource:
        line = r.res.props.line_of("ManagedPolicyArns")
        trust = r.res.props.get("AssumeRolePolicyDocument") if r.rtype == "AWS::IAM::Role" else None
        return IdentityPolicy(**r.base(), **read(r, IdentityPolicy), use=use, statements=tuple(_statements(r)),
                              managed_policies=tuple(Value(a, r.file, line, "ManagedPolicyArns")
                                                     for a in managed_arns(r.res)),
                              trusted_services=trusted_services(
                                  trust, r.res.props.line_of("AssumeRolePolicyDocument"), r.file,
                                  finder=r.res.props.finder) if trust is not None else ())

    return build


def _plain(kind: type[Resource], **fields: Any) -> Callable[[_Reader], Resource]:
    """A resource whose attributes are all in the table (attributes.TABLE), and constant `fields`."""
    return lambda r: kind(**r.base(), **read(r, kind), **fields)


PLATFORM: dict[str, Callable[[_Reader], Resource]] = {
    "AWS::S3::Bucket": _bucket,
    "AWS::KMS::Key": _plain(Key),
    "AWS::ECR::Repository": _ecr,
    **dict.fromkeys(("AWS::RDS::DBInstance", "AWS::RDS::DBCluster"), _rds),
    "AWS::CloudTrail::Trail": _trail,
    "AWS::Budgets::Budget": _plain(Budget),
    "AWS::Glue::Database": _plain(DataCatalog, role="catalog"),
    "AWS::Glue::Table": _plain(DataCatalog, role="catalog"),
    "AWS::Glue::Crawler": _plain(DataCatalog, role="catalog"),
    "AWS::LakeFormation::*": _plain(DataCatalog, role="lake"),
    "AWS::Glue::Job": _plain(DataProcessingJob),
    "AWS::EMRServerless::Application": _plain(DataProcessingJob),
    **dict.fromkeys(("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::Role", "AWS::IAM::User",
                     "AWS::IAM::Group"), _policy("identity")),
    "AWS::S3::BucketPolicy": _policy("resource"),
    "AWS::CodePipeline::Pipeline": lambda r: cloudformation_pipeline(r.base(), r.res.props),
    "AWS::Kinesis::Stream": _stream,
    "AWS::CloudWatch::Dashboard": _plain(Telemetry),
    "AWS::EC2::Instance": lambda r: BootScript(**r.base(), **read(r, BootScript),
                                               **boot_fields(r.at("UserData"), r.text)),
    "AWS::EC2::LaunchTemplate": lambda r: BootScript(
        **r.base(), **read(r, BootScript),
        **boot_fields(r.at("LaunchTemplateData.UserData", name="UserData"), r.text)),
    **dict.fromkeys(("AWS::Lambda::Function", "AWS::Serverless::Function", "AWS::Lambda::EventInvokeConfig"),
                    _plain(Function)),
    **dict.fromkeys(("AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"),
                    lambda r: cloudformation_group(r.base(), r.res.props, r.rtype)),
}
