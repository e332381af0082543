"""Scaling policies: an Application Auto Scaling target (a SageMaker variant) with no scaling
policy is registered but never scales. A policy may sit in another file of its stack or
module, so `endpoint_autoscaling` records targets and policies as facts and the project
rule here pairs them once every file (or, live, the whole account) has been read."""

from __future__ import annotations

import posixpath
import re
from typing import Any

from mllens.scan.context import FileContext, ProjectContext
from mllens.scan.model.kinds import ScalingPolicy, ScalingTarget
from mllens.scan.model.state import State
from mllens.scan.model.values import Value
from mllens.scan.registry import rule

TARGET_FACT, POLICY_FACT = "ml_resources.scaling_target", "ml_resources.scaling_policy"
# Where every policy of a target is visible to the scan: a Terraform module or CloudFormation
# template read whole, or a live account. A CDK app adds policies by method calls the model
# does not read, so its targets are not judged here.
_JUDGED_SYNTAX = ("terraform", "cloudformation", "live")
_TF_TARGET_REF = re.compile(r"\b(aws_appautoscaling_target\.[A-Za-z0-9_-]+)\.")


def _text(value: Value | None) -> str:
    """A value as comparable text ("" when not written): a literal's string or a reference as written."""
    return "" if value is None or not value.written else str(value.raw)


def _ref(policy: ScalingPolicy) -> str:
    """The target a policy names by reference: a Terraform address or a CloudFormation logical id."""
    raw = policy.target.raw
    if isinstance(raw, dict) and isinstance(raw.get("Ref"), str):
        return str(raw["Ref"])
    found = _TF_TARGET_REF.search(str(raw)) if policy.target.kind == "reference" else None
    return found.group(1) if found else ""


def record_scaling(ctx: FileContext, state: State) -> None:
    """Facts for endpoint_scaling_policy: this file's SageMaker scaling targets and every policy."""
    live = ctx.file.kind == "live"
    folder = "" if live else posixpath.dirname(ctx.file.path)
    for target in state.of(ScalingTarget):
        if (target.syntax not in _JUDGED_SYNTAX or target.resource_id is None
                or str(target.namespace.raw).lower() != "sagemaker"):
            continue
        ctx.fact(TARGET_FACT, {
            "dir": folder, "file": target.file, "line": target.line, "address": target.address,
            "ref": target.address if target.syntax == "terraform" else target.name,
            "resource_id": _text(target.resource_id), "literal": target.resource_id.kind == "literal"})
    for policy in state.of(ScalingPolicy):
        kind = _text(policy.policy_type) or "a scaling policy"
        metric = _text(policy.metric)
        ctx.fact(POLICY_FACT, {
            "dir": folder, "address": policy.address, "ref": _ref(policy), "resource_id": _text(policy.target),
            "literal": policy.target.kind == "literal",
            "what": kind + (f" on {metric}" if metric else "")
            + (f", target {_text(policy.target_value)}" if _text(policy.target_value) else "")})


def _names(policy: dict[str, Any], target: dict[str, Any]) -> bool:
    """The policy names this target: by reference in its own stack or module, or by the same
    resource id (a literal id anywhere in the project, an expression in the same folder)."""
    if policy["ref"]:
        return bool(policy["dir"] == target["dir"] and policy["ref"] == target["ref"])
    same_id = policy["resource_id"] != "" and policy["resource_id"] == target["resource_id"]
    return same_id and bool(policy["literal"] or policy["dir"] == target["dir"])


@rule(scope="project")
def endpoint_scaling_policy(ctx: ProjectContext) -> None:
    targets = list(ctx.facts_of(TARGET_FACT))
    policies = list(ctx.facts_of(POLICY_FACT))
    # A policy by id that names no target read here names one the scan cannot follow (a
    # module's output, a variable, an id written otherwise): it may scale any target whose id
    # is not a plain literal, so those are not judged (a literal id would have matched). A
    # policy by reference names its target exactly (maybe a table's, not recorded).
    loose = [p for p in policies if not p["ref"] and not any(_names(p, t) for t in targets)]
    for target in targets:
        scaled_by = [p for p in policies if _names(p, target)]
        if scaled_by:
            policy = scaled_by[0]
            ctx.supports(file=target["file"], line=target["line"] or None,
                         message=f"{target['address']} scales by {policy['address']} ({policy['what']})")
        elif not any(not p["literal"] or not target["literal"] for p in loose):
            seen = "the account" if target["file"].startswith("arn:") else "the project"
            ctx.contradicts(file=target["file"], line=target["line"] or None,
                            message=f"{target['address']} is registered for autoscaling, but no scaling policy in "
                                    f"{seen} names it: it never scales")
