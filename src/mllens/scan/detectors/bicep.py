"""Bicep: Azure Machine Learning workspaces, compute and online endpoints.

Files are read with mllens.scan.parse.bicep (tree-sitter-bicep; see its blind spots).
A property set from a parameter or an expression is not judged, except a key reference,
which counts as a key with less confidence.
"""

from __future__ import annotations

from collections.abc import Iterator

from mllens.scan.context import FileContext, ParsedFile
from mllens.scan.parse.bicep import BicepResource, BicepValue, parse_bicep
from mllens.scan.registry import rule

_ML = "Microsoft.MachineLearningServices/"


def _resources(file: ParsedFile, *types: str) -> Iterator[BicepResource]:
    for res in file.memo("bicep.resources", lambda f: parse_bicep(f.text)):
        if not res.existing and (not types or res.type in {_ML + t for t in types}):
            yield res


def _where(res: BicepResource) -> str:
    return f"{res.symbol} ({res.type.rsplit('/', 1)[-1]})"


def _judge(ctx: FileContext, res: BicepResource, value: BicepValue | None, *, attr: str, good: str,
           absent_bad: bool, check: str | None = None) -> None:
    if value is None:
        if absent_bad:
            ctx.contradicts(line=res.line, check=check, confidence=0.6,
                            message=f"{_where(res)} leaves {attr} unset: the default is not {good}")
    elif value.literal and value.text.lower() == good.lower():
        ctx.supports(line=value.line, check=check, message=f"{_where(res)} sets {attr} = {value.text}")
    elif value.literal:
        ctx.contradicts(line=value.line, check=check, message=f"{_where(res)} sets {attr} = {value.text}, not {good}")


@rule()
def workspace_public_access(ctx: FileContext) -> None:
    for res in _resources(ctx.file, "workspaces"):
        _judge(ctx, res, res.get("properties.publicNetworkAccess"), attr="publicNetworkAccess", good="Disabled",
               absent_bad=True)


@rule()
def workspace_cmk(ctx: FileContext) -> None:
    for res in _resources(ctx.file, "workspaces"):
        key = res.get("properties.encryption.keyVaultProperties.keyIdentifier")
        status = res.get("properties.encryption.status")
        if status is not None and status.literal and status.text.lower() == "disabled":
            # templates often keep the block with status 'Disabled' and empty key fields
            ctx.contradicts(line=status.line, message=f"{_where(res)} sets encryption.status = {status.text}")
        elif key is not None and key.literal and not key.text.strip():
            ctx.contradicts(line=key.line, message=f"{_where(res)} leaves keyIdentifier empty: no customer-managed key")
        elif key is None:
            ctx.contradicts(line=res.line, confidence=0.7, message=f"{_where(res)} sets no customer-managed key")
        else:
            ctx.supports(line=key.line, confidence=0.85 if key.literal else 0.7,
                         message=f"{_where(res)} encrypts with a customer-managed key (keyIdentifier)")


@rule()
def compute_idle_shutdown(ctx: FileContext) -> None:
    for res in _resources(ctx.file, "workspaces/computes"):
        kind = res.get("properties.computeType")
        if kind is not None and kind.text == "ComputeInstance":
            idle = res.get("properties.properties.idleTimeBeforeShutdown")
            if idle is not None:
                ctx.supports(line=idle.line, message=f"{_where(res)} shuts down after {idle.text} idle")
            else:
                ctx.contradicts(line=res.line, confidence=0.6, message=f"{_where(res)} sets no idleTimeBeforeShutdown")
        elif kind is not None and kind.text == "AmlCompute":
            low = res.get("properties.properties.scaleSettings.minNodeCount")
            if low is not None and low.literal and low.text == "0":
                ctx.supports(line=low.line, message=f"{_where(res)} scales down to zero nodes")
            elif low is not None and low.literal:
                ctx.contradicts(line=low.line, message=f"{_where(res)} keeps {low.text} nodes running when idle")


@rule()
def compute_low_priority(ctx: FileContext) -> None:
    for res in _resources(ctx.file, "workspaces/computes"):
        priority = res.get("properties.properties.vmPriority")
        if priority is not None and priority.text == "LowPriority":
            ctx.supports(line=priority.line, message=f"{_where(res)} runs on low-priority capacity")


@rule()
def online_endpoint(ctx: FileContext) -> None:
    for res in _resources(ctx.file, "workspaces/onlineEndpoints"):
        mode = res.get("properties.authMode")
        if mode is not None and mode.literal:
            ctx.supports(line=mode.line, check="endpoint_authentication",
                         message=f"{_where(res)} authenticates callers ({mode.text})")
        _judge(ctx, res, res.get("properties.publicNetworkAccess"), attr="publicNetworkAccess", good="Disabled",
               absent_bad=True, check="endpoint_private_access")


@rule()
def online_deployment_scale(ctx: FileContext) -> None:
    for res in _resources(ctx.file, "workspaces/onlineEndpoints/deployments"):
        capacity = res.get("sku.capacity")
        if capacity is not None and capacity.literal and capacity.text.isdigit():
            if int(capacity.text) > 1:
                ctx.supports(line=capacity.line, check="multiple_instances",
                             message=f"{_where(res)} runs {capacity.text} instances")
            else:
                ctx.contradicts(line=capacity.line, check="multiple_instances",
                                message=f"{_where(res)} runs a single instance")
        scale = res.get("properties.scaleSettings.scaleType")
        if scale is not None and scale.text == "TargetUtilization":
            ctx.supports(line=scale.line, check="endpoint_autoscaling", message=f"{_where(res)} scales on utilization")


@rule()
def ml_infrastructure_as_code(ctx: FileContext) -> None:
    found = list(_resources(ctx.file))
    ml = [r for r in found if r.type.startswith(_ML)]
    if ml:
        ctx.supports(line=ml[0].line, check="infrastructure_as_code",
                     message=f"Azure ML resources are declared in Bicep: {_where(ml[0])}")
    endpoint = next(_resources(ctx.file, "workspaces/onlineEndpoints", "workspaces/batchEndpoints"), None)
    if endpoint is not None:
        ctx.supports(line=endpoint.line, check="endpoint_as_code", message=f"{_where(endpoint)} is defined as code")
    for res in _resources(ctx.file, "workspaces/computes"):
        kind = res.get("properties.computeType")
        if kind is not None and kind.text == "ComputeInstance":
            ctx.supports(line=res.line, check="managed_notebooks",
                         message=f"{_where(res)} is a managed notebook instance")
