"""Terraform: the platform controls around an ML workload: object storage (encryption,
versioning, lifecycle, public access, TLS), keys, IAM policies, audit logging, sensitive-data
discovery, budgets and cost-allocation tags, on AWS, Google Cloud and Azure.

Each rule reads resource blocks through `_tf.resources` and judges one attribute. Values
that come from variables or other resources are not guessed at: a reference to a key counts
as a key (with less confidence), other references are skipped. Nothing here follows module
calls into other directories; a module's own files are scanned where they live.

Keys' rotation, image tag immutability, trail validation, bucket encryption, public access,
versioning, object lock and lifecycle, data access logging, budgets, data catalogs and
serverless data steps are judged once over the resource model by the platform_resources
family; the rest moves there next.
"""

from __future__ import annotations

import re

from mllens.scan.context import FileContext, ProjectContext
from mllens.scan.detectors._iac import (
    as_bool,
    broad_grant,
    classify,
    guardrail_keys,
    listify,
    wildcard_actions,
)
from mllens.scan.detectors._tf import action_line, blocks, is_ml, policy_statements, resources
from mllens.scan.registry import rule

_TAGS = {"aws": "tags", "google": "labels", "azurerm": "tags"}


@rule()
def cost_allocation_tags(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws", "google", kind="provider"):
        attr = "default_tags" if block.type == "aws" else "default_labels"
        if block.node.has(attr):
            ctx.supports(line=block.node.line_of(attr), message=f"provider {block.type} tags every resource ({attr})")
            ctx.fact("terraform.default_tags", block.type)
    for block in blocks(ctx.file):
        if not is_ml(block):
            continue
        attr = _TAGS[block.type.split("_", 1)[0]]
        if classify(block.node.get(attr)) in ("literal", "reference"):
            ctx.supports(line=block.node.line_of(attr), message=f"{block.address} carries {attr}")
        else:
            ctx.fact("terraform.untagged", {"file": ctx.file.path, "line": block.line, "address": block.address,
                                            "provider": block.type.split("_", 1)[0]})


@rule(scope="project")
def untagged_ml_resources(ctx: ProjectContext) -> None:
    defaults = set(ctx.facts_of("terraform.default_tags"))
    for item in ctx.facts_of("terraform.untagged"):
        if item["provider"] not in defaults:
            ctx.contradicts(file=item["file"], line=item["line"],
                            message=f"{item['address']} has no tags and no provider default tags apply")


def _expires(ctx: FileContext, line: int, message: str) -> None:
    for check in ("data_lifecycle_expiry", "data_expiry"):
        ctx.supports(line=line, check=check, message=message)


_POLICY_TYPES = ("aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy", "aws_iam_role")
_BROAD_MANAGED = re.compile(r"arn:aws:iam::aws:policy/(AdministratorAccess|AmazonSageMakerFullAccess|AmazonS3FullAccess"
                            r"|PowerUserAccess)$")
_BROAD_ROLES = ("roles/owner", "roles/editor")


@rule()
def iam_wildcard_actions(ctx: FileContext) -> None:
    candidates = [*resources(ctx.file, *_POLICY_TYPES), *resources(ctx.file, "aws_iam_policy_document", kind="data")]
    for block in candidates:
        seen, specific = False, True
        for statement in policy_statements(block):
            if statement.has("principals") or statement.has("Principal"):
                continue  # trust and resource policies say who may act, not what a role may do
            seen = True
            grant = broad_grant(statement.data)
            if grant is not None:
                where = action_line(ctx.file, block, statement.line, grant.actions[0])
                ctx.contradicts(line=where, message=f"{block.address} {grant.reason}: {', '.join(grant.actions)}")
                break
            specific = specific and not wildcard_actions(statement.data)
        else:
            if seen and specific:
                ctx.supports(line=block.line, confidence=0.6, message=f"{block.address} names specific actions")
    for block in resources(ctx.file, "aws_iam_role_policy_attachment", "aws_iam_role"):
        for arn in listify(block.node.get("policy_arn")) + listify(block.node.get("managed_policy_arns")):
            if isinstance(arn, str) and _BROAD_MANAGED.search(arn):
                attr = "policy_arn" if block.node.has("policy_arn") else "managed_policy_arns"
                ctx.contradicts(line=block.node.line_of(attr),
                                message=f"{block.address} attaches the broad managed policy {arn.rsplit('/', 1)[-1]}")
    for block in resources(ctx.file, "google_project_iam_member", "google_project_iam_binding"):
        if str(block.node.get("role")) in _BROAD_ROLES:
            ctx.contradicts(line=block.node.line_of("role"), message=f"{block.address} grants {block.node.get('role')}")


@rule()
def iam_sagemaker_guardrails(ctx: FileContext) -> None:
    candidates = [*resources(ctx.file, *_POLICY_TYPES), *resources(ctx.file, "aws_iam_policy_document", kind="data")]
    for block in candidates:
        # Every statement counts (a later one may be the only inter-container encryption
        # condition). Statements decoded from one policy string all carry that attribute's
        # line, so their keys are gathered per line: one piece of evidence per line and check.
        by_line: dict[int, list[str]] = {}
        for statement in policy_statements(block):
            keys = guardrail_keys(statement.data)
            if keys:
                line = statement.line_of("condition") if statement.has("condition") else statement.line
                by_line[line] = list(dict.fromkeys([*by_line.get(line, []), *keys]))
        for line, keys in by_line.items():
            ctx.supports(line=line, check="workspace_guardrails",
                         message=f"{block.address} conditions SageMaker access on {', '.join(keys)}")
            if "sagemaker:intercontainertrafficencryption" in (k.lower() for k in keys):
                ctx.supports(line=line, check="encryption_enforced",
                             message=f"{block.address} refuses jobs without inter-container encryption")


@rule()
def bucket_tls_only(ctx: FileContext) -> None:
    for block in [*resources(ctx.file, "aws_s3_bucket_policy"), *resources(ctx.file, "aws_iam_policy_document",
                                                                             kind="data")]:
        for statement in policy_statements(block):
            effect = statement.data.get("Effect", statement.data.get("effect", ""))
            if "aws:securetransport" in str(statement.data).lower() and str(effect).lower() == "deny":
                line = statement.line_of("condition") if statement.has("condition") else statement.line
                ctx.supports(line=line, message=f"{block.address} denies requests that do not use TLS")
                break
    for block in resources(ctx.file, "azurerm_storage_account"):
        for attr in ("https_traffic_only_enabled", "enable_https_traffic_only"):
            if as_bool(block.node.get(attr)) is False:
                ctx.contradicts(line=block.node.line_of(attr), message=f"{block.address} accepts plain HTTP ({attr})")


@rule()
def pii_discovery(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_macie2_classification_job", "google_data_loss_prevention_job_trigger",
                           "google_data_loss_prevention_discovery_config"):
        ctx.supports(line=block.line, message=f"{block.address} scans stored data for sensitive information")
