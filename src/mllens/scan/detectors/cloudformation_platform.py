"""CloudFormation and SAM templates: the platform controls around an ML workload (S3 buckets,
KMS keys, IAM policies, CloudTrail, budgets and tags).

A bucket in a template is the whole bucket, so a setting it does not write is its service
default, and is judged as such where that default is the unsafe choice.

Keys' rotation, image tag immutability, trail validation, bucket encryption, public access,
versioning, object lock and lifecycle, data access logging, budgets, data catalogs and
serverless data steps are judged once over the resource model by the platform_resources
family; the rest moves there next.
"""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors._cfn import managed_arns, policy_documents, resources, statements
from mllens.scan.detectors._iac import (
    broad_grant,
    classify,
    guardrail_keys,
    wildcard_actions,
)
from mllens.scan.registry import rule

_BUCKET = "AWS::S3::Bucket"


@rule()
def bucket_tls_only(ctx: FileContext) -> None:
    for res in resources(ctx.file, "AWS::S3::BucketPolicy"):
        for doc, line in policy_documents(res):
            for statement in statements(doc, line, res.props.finder):
                effect = str(statement.get("Effect")).lower()
                if effect == "deny" and "aws:securetransport" in str(statement.data).lower():
                    ctx.supports(line=statement.line_of("Condition"),
                                 message=f"{res.address} denies requests without TLS")


_IAM = ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group")
_BROAD_MANAGED = re.compile(r"policy/(AdministratorAccess|AmazonSageMakerFullAccess|AmazonS3FullAccess"
                            r"|PowerUserAccess)$")


@rule()
def iam_wildcard_actions(ctx: FileContext) -> None:
    for res in resources(ctx.file, *_IAM):
        seen, broad, specific = False, False, True
        for doc, line in policy_documents(res):
            for statement in statements(doc, line, res.props.finder):
                seen = True
                grant = broad_grant(statement.data)
                if grant is not None and not broad:
                    broad = True
                    ctx.contradicts(line=statement.line_of("Action"),
                                    message=f"{res.address} {grant.reason}: {', '.join(grant.actions)}")
                specific = specific and not wildcard_actions(statement.data)
        broad_arns = [arn for arn in managed_arns(res) if _BROAD_MANAGED.search(arn)]
        # a role that also attaches a broad managed policy is not least-privilege as a whole
        if seen and not broad and specific and not broad_arns:
            ctx.supports(line=res.line, confidence=0.6, message=f"{res.address} names specific actions")
        for arn in broad_arns:
            ctx.contradicts(line=res.props.line_of("ManagedPolicyArns"),
                            message=f"{res.address} attaches the broad managed policy {arn.rsplit('/', 1)[-1]}")


@rule()
def iam_sagemaker_guardrails(ctx: FileContext) -> None:
    for res in resources(ctx.file, *_IAM):
        for doc, line in policy_documents(res):
            for statement in statements(doc, line, res.props.finder):
                keys = guardrail_keys(statement.data)
                if keys:
                    ctx.supports(line=statement.line_of("Condition"), check="workspace_guardrails",
                                 message=f"{res.address} conditions SageMaker access on {', '.join(keys)}")
                if "sagemaker:intercontainertrafficencryption" in (k.lower() for k in keys):
                    ctx.supports(line=statement.line_of("Condition"), check="encryption_enforced",
                                 message=f"{res.address} refuses jobs without inter-container encryption")


# SageMaker resource types that take Tags (lifecycle configs, images versions and the like do not).
_TAGGABLE = re.compile(r"^AWS::SageMaker::(Endpoint|EndpointConfig|Model|NotebookInstance|Domain|FeatureGroup|"
                       r"ModelPackageGroup|Pipeline|MonitoringSchedule|\w+JobDefinition|UserProfile|Space|Project)$")


@rule()
def cost_allocation_tags(ctx: FileContext) -> None:
    for res in resources(ctx.file, "AWS::SageMaker::*"):
        if not _TAGGABLE.match(res.type):
            continue
        if classify(res.props.get("Tags")) in ("literal", "reference"):
            ctx.supports(line=res.props.line_of("Tags"), message=f"{res.address} carries Tags")
        else:
            ctx.contradicts(line=res.line, confidence=0.6,
                            message=f"{res.address} has no Tags (stack-level tags applied at deploy time are not seen)")
