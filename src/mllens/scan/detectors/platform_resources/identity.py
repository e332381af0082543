"""IAM: least-privilege grants and SageMaker guardrail conditions, over the normalised
statements of identity policies (whatever encoding the syntax used)."""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors._iac import BroadGrant, broad_grant, guardrail_keys, service_wildcards, wildcard_actions
from mllens.scan.model import state_of
from mllens.scan.model.kinds_platform import IdentityPolicy, Statement
from mllens.scan.registry import rule

_BROAD_MANAGED = re.compile(r"policy/(AdministratorAccess|AmazonSageMakerFullAccess|AmazonS3FullAccess"
                            r"|PowerUserAccess)$")
# basic roles: a Google project's, and Azure's built-in roles that may change anything in their scope
_BROAD_ROLES = ("roles/owner", "roles/editor", "Owner", "Contributor")


def _may_be_of(resource: str, service: str) -> bool:
    """A resource that may belong to `service`: an ARN of it, or a reference (not an ARN of another)."""
    parts = resource.split(":")
    return len(parts) < 3 or parts[0] != "arn" or parts[2].lower() == service.lower()


def _broad(ctx: FileContext, policy: IdentityPolicy, statement: Statement) -> bool:
    grant = broad_grant(effect=statement.effect, actions=statement.action_names,
                        not_actions=tuple(str(a.raw) for a in statement.not_actions), resources=statement.resources,
                        not_resources=statement.not_resources)
    confidence = None
    if grant is None:
        # resources given by reference (a bucket's ARN attribute) are not in `resources`: they may be of it
        every = tuple(a for a in service_wildcards(effect=statement.effect, actions=statement.action_names)
                      if not statement.resources or any(_may_be_of(r, a.split(":", 1)[0])
                                                        for r in statement.resources))
        if not every:
            return False
        # on named resources: less sure (a bucket's own role may need most of it), still not least privilege
        grant, confidence = BroadGrant(every, "allows every action of a service on the resources it names"), 0.6
    where = next((a.line for a in (*statement.actions, *statement.not_actions) if a.raw == grant.actions[0]),
                 statement.line)
    if "PassRole" in grant.reason:
        where = statement.resource_line or where  # the fix is to scope the roles it names
    ctx.contradicts(line=where, confidence=confidence,
                    message=f"{policy.address} {grant.reason}: {', '.join(grant.actions)}")
    return True


@rule()
def iam_wildcard_actions(ctx: FileContext) -> None:
    for policy in state_of(ctx.file).of(IdentityPolicy):
        if policy.use == "resource":
            continue  # a bucket policy says who may use the bucket, not what a role may do
        seen, specific, broad = False, True, False
        for statement in policy.statements:
            if statement.principals:
                continue  # trust and resource statements say who may act
            seen = True
            if _broad(ctx, policy, statement):
                broad = True  # one contradiction per broad statement: each is its own fix
                continue
            allows_unnamed = statement.effect == "Allow" and bool(statement.not_actions)  # everything but ...
            specific = specific and not statement.action_references and not allows_unnamed and not (
                wildcard_actions(effect=statement.effect, actions=statement.action_names))
        broad_arns = [v for v in policy.managed_policies if isinstance(v.raw, str) and _BROAD_MANAGED.search(v.raw)]
        # a role that also attaches a broad managed policy is not least-privilege as a whole
        if seen and specific and not broad and not broad_arns:
            ctx.supports(line=policy.line, confidence=0.6, message=f"{policy.address} names specific actions")
        for arn in broad_arns:
            ctx.contradicts(line=arn.line, message=f"{policy.address} attaches the broad managed policy "
                                                   f"{str(arn.raw).rsplit('/', 1)[-1]}")
        for role in policy.roles:
            if str(role.raw) in _BROAD_ROLES:
                ctx.contradicts(line=role.line, message=f"{policy.address} grants {role.raw}")


@rule()
def iam_sagemaker_guardrails(ctx: FileContext) -> None:
    for policy in state_of(ctx.file).of(IdentityPolicy):
        if policy.use == "resource":
            continue
        # Every statement counts (a later one may be the only inter-container encryption
        # condition). Statements decoded from one policy string all share that attribute's
        # line, so keys are gathered per line: one piece of evidence per line and check.
        by_line: dict[int, list[str]] = {}
        for statement in policy.statements:
            keys = guardrail_keys(statement.condition_keys())
            if keys:
                line = statement.condition_line
                by_line[line] = list(dict.fromkeys([*by_line.get(line, []), *keys]))
        for line, keys in by_line.items():
            ctx.supports(line=line, check="workspace_guardrails",
                         message=f"{policy.address} conditions SageMaker access on {', '.join(keys)}")
            if "sagemaker:intercontainertrafficencryption" in (k.lower() for k in keys):
                ctx.supports(line=line, check="encryption_enforced",
                             message=f"{policy.address} refuses jobs without inter-container encryption")


_SHARED_TRUST = 4  # distinct services trusting one role: a role for everything, not one per job


@rule()
def shared_role_trust(ctx: FileContext) -> None:
    for policy in state_of(ctx.file).of(IdentityPolicy):
        services = list(dict.fromkeys(str(v.raw).lower() for v in policy.trusted_services))
        if len(services) >= _SHARED_TRUST:
            names = ", ".join(s.split(".", 1)[0] for s in services)
            ctx.contradicts(line=policy.trusted_services[0].line,
                            message=f"{policy.address} may be assumed by {len(services)} services ({names}): "
                                    "every pipeline, build and job that uses it gets the permissions of all of them")
