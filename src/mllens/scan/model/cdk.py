"""AWS CDK apps (Python, TypeScript) into the resource model, read statically.

A reader (`cdk_python`, `cdk_typescript`) finds the construct calls of one file and hands
over each one's class, service module, construct id, line and props as written (snake_case
or camelCase keys, nested as `YamlMap`/`YamlSeq` with lines). Here the props take the shape
of the CloudFormation properties (PascalCase), so the CloudFormation adapter's mapping reads
them: L1 `Cfn*` constructs are their CloudFormation resources; a few common L2 ones (s3.Bucket,
kms.Key, ecr.Repository) are turned into the properties they synthesise to. Anything that is
not a literal in the file is a reference (`${...}`): not judged as missing. Nothing runs.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._cfn import CfnResource
from mllens.scan.detectors._iac import MISSING, Node
from mllens.scan.model.cdk_construct import Construct
from mllens.scan.model.cdk_pipeline import pipeline
from mllens.scan.model.kinds import Resource
from mllens.scan.parse.yaml import YamlMap, YamlSeq

# The CDK module (aws_<module> / aws-<module>) of each CloudFormation service the model reads.
SERVICES = {
    "sagemaker": "SageMaker", "s3": "S3", "kms": "KMS", "ecr": "ECR", "events": "Events",
    "cloudwatch": "CloudWatch", "applicationautoscaling": "ApplicationAutoScaling", "cloudtrail": "CloudTrail",
    "glue": "Glue", "budgets": "Budgets", "lakeformation": "LakeFormation", "emrserverless": "EMRServerless",
}  # fmt: skip
# CloudFormation property names that are not the plain PascalCase of the CDK spelling.
_SPELLED = {"KmsMasterKeyId": "KMSMasterKeyID", "SseAlgorithm": "SSEAlgorithm"}
_ENUM = re.compile(r"^\$\{[\w.]*\.(\w+)\}$")  # ${s3.BucketEncryption.KMS} -> KMS


def is_cdk_app(file: ParsedFile) -> bool:
    """A word test, cheap enough for every Python and TypeScript file."""
    if file.kind == "python":
        return "aws_cdk" in file.text
    return file.path.endswith(".ts") and "aws-cdk-lib" in file.text


def pascal(key: str) -> str:
    """kms_key_id, kmsKeyId -> KmsKeyId; kms_master_key_id -> KMSMasterKeyID."""
    out = "".join(p[:1].upper() + p[1:] for p in key.split("_")) if "_" in key else key[:1].upper() + key[1:]
    return _SPELLED.get(out, out)


def cfn_shape(value: Any) -> Any:
    """Props as CloudFormation spells them, lines kept."""
    if isinstance(value, YamlMap):
        out = YamlMap(value.line)
        for key, item in value.items():
            name = pascal(str(key))
            out[name] = cfn_shape(item)
            out.key_lines[name] = value.line_of(key)
        return out
    if isinstance(value, YamlSeq):
        seq = YamlSeq(value.line)
        seq.extend(cfn_shape(v) for v in value)
        seq.item_lines.extend(value.item_lines)
        return seq
    return value


def enum_member(value: Any) -> str | None:
    """`s3.BucketEncryption.KMS` (read as a reference) -> KMS."""
    found = _ENUM.match(value) if isinstance(value, str) else None
    return found.group(1) if found else None


def _put(out: YamlMap, key: str, value: Any, line: int) -> None:
    out[key] = value
    out.key_lines[key] = line


def _block(line: int, **items: Any) -> YamlMap:
    out = YamlMap(line)
    for key, value in items.items():
        if value is not MISSING:
            _put(out, key, value, line)
    return out


_ALGORITHMS = {"KMS": "aws:kms", "KMS_MANAGED": "aws:kms", "S3_MANAGED": "AES256", "DSSE": "aws:kms:dsse",
               "DSSE_MANAGED": "aws:kms:dsse"}  # fmt: skip
_PUBLIC_FLAGS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
_PRESETS = {"BLOCK_ALL": (True, True, True, True), "BLOCK_ACLS": (True, False, True, False)}


def _bucket(props: YamlMap) -> YamlMap:
    out = YamlMap(props.line)
    key = props.get("EncryptionKey", MISSING)
    member = enum_member(props.get("Encryption")) or ("KMS" if key is not MISSING else None)
    if member in _ALGORITHMS:
        line = props.line_of("Encryption" if "Encryption" in props else "EncryptionKey")
        default = _block(line, SSEAlgorithm=_ALGORITHMS[str(member)], KMSMasterKeyID=key)
        rules = YamlSeq(line)
        rules.append(_block(line, ServerSideEncryptionByDefault=default))
        rules.item_lines.append(line)
        _put(out, "BucketEncryption", _block(line, ServerSideEncryptionConfiguration=rules), line)
    if "Versioned" in props:
        flag, line = props["Versioned"], props.line_of("Versioned")
        status = {True: "Enabled", False: "Suspended"}.get(flag, flag) if isinstance(flag, bool) else flag
        _put(out, "VersioningConfiguration", _block(line, Status=status), line)
    if "BlockPublicAccess" in props:
        block, line = props["BlockPublicAccess"], props.line_of("BlockPublicAccess")
        preset = _PRESETS.get(enum_member(block) or "")
        if preset is not None:
            block = _block(line, **dict(zip(_PUBLIC_FLAGS, preset, strict=True)))
        _put(out, "PublicAccessBlockConfiguration", block, line)
    return out


def _key(props: YamlMap) -> YamlMap:
    out = YamlMap(props.line)
    for name in ("EnableKeyRotation", "KeySpec"):
        if name in props:
            value = props[name]
            _put(out, name, enum_member(value) or value, props.line_of(name))
    return out


def _repository(props: YamlMap) -> YamlMap:
    out = YamlMap(props.line)
    if "ImageTagMutability" in props:
        value = props["ImageTagMutability"]
        _put(out, "ImageTagMutability", enum_member(value) or value, props.line_of("ImageTagMutability"))
    if "ImageScanOnPush" in props:
        line = props.line_of("ImageScanOnPush")
        _put(out, "ImageScanningConfiguration", _block(line, ScanOnPush=props["ImageScanOnPush"]), line)
    return out


_STATEMENT_KEYS = (("Actions", "Action"), ("NotActions", "NotAction"), ("Resources", "Resource"),
                   ("NotResources", "NotResource"), ("Conditions", "Condition"))


def _policy_statement(props: YamlMap) -> YamlMap:
    """`new iam.PolicyStatement({...})` (wherever it is added: a role, a policy, addToPolicy) as
    an AWS::IAM::Policy of that one statement."""
    line = props.line
    statement = _block(line, Effect="Deny" if enum_member(props.get("Effect")) == "DENY" else "Allow")
    for key, name in _STATEMENT_KEYS:
        if key in props:
            _put(statement, name, props[key], props.line_of(key))
    items = YamlSeq(line)
    items.append(statement)
    items.item_lines.append(line)
    return _block(line, PolicyDocument=_block(line, Version="2012-10-17", Statement=items))


_MANAGED = re.compile(r"""from(?:AwsManagedPolicyName|_aws_managed_policy_name)\(\s*['"`]([^'"`]+)['"`]""")


def _role(props: YamlMap) -> YamlMap:
    """`new iam.Role(...)`: its AWS managed policies (inline statements are read where they are
    written, as PolicyStatement constructs)."""
    out = YamlMap(props.line)
    managed = props.get("ManagedPolicies")
    if isinstance(managed, YamlSeq):
        arns = YamlSeq(managed.line)
        for item, line in zip(managed, managed.item_lines, strict=False):
            found = _MANAGED.search(str(item))
            arns.append(f"arn:aws:iam::aws:policy/{found.group(1)}" if found else item)
            arns.item_lines.append(line)
        _put(out, "ManagedPolicyArns", arns, props.line_of("ManagedPolicies"))
    return out


# L2 constructs: (module, class) -> (CloudFormation type, props as CloudFormation spells them)
_L2: dict[tuple[str, str], tuple[str, Callable[[YamlMap], YamlMap]]] = {
    ("s3", "Bucket"): ("AWS::S3::Bucket", _bucket),
    ("kms", "Key"): ("AWS::KMS::Key", _key),
    ("ecr", "Repository"): ("AWS::ECR::Repository", _repository),
    ("iam", "PolicyStatement"): ("AWS::IAM::Policy", _policy_statement),
    ("iam", "Role"): ("AWS::IAM::Role", _role),
    ("codepipeline", "Pipeline"): ("AWS::CodePipeline::Pipeline", lambda props: pipeline(props, enum_member)),
}


def as_cfn(construct: Construct) -> CfnResource | None:
    """The CloudFormation resource a construct synthesises to, when the model reads it."""
    props = cfn_shape(construct.props)
    if construct.cls.startswith("Cfn") and construct.module in SERVICES:
        rtype = f"AWS::{SERVICES[construct.module]}::{construct.cls.removeprefix('Cfn')}"
    elif (construct.module, construct.cls) in _L2:
        rtype, shape = _L2[construct.module, construct.cls]
        props = shape(props)
    else:
        return None
    return CfnResource(construct.ident, rtype, construct.line, Node.of(props, construct.line),
                       Node.of(YamlMap(construct.line), construct.line))


def constructs(file: ParsedFile) -> list[Construct]:
    if file.kind == "python":
        from mllens.scan.model.cdk_python import read
    else:
        from mllens.scan.model.cdk_typescript import read
    return read(file)


def adapt(file: ParsedFile) -> Iterator[Resource]:
    """The model's resources of one CDK app, in the order its construct calls are written."""
    # The CloudFormation adapter's mapping, so a third mapping is never written.
    from mllens.scan.model.cloudformation import map_resource

    if not is_cdk_app(file):
        return
    for construct in constructs(file):
        res = as_cfn(construct)
        if res is None:
            continue
        found = map_resource(file, res, serverless=set())
        if found is not None:
            yield dataclasses.replace(found, syntax="cdk", address=f"{construct.ident} ({construct.written})")

