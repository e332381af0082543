"""Keys, networks and root access of the ML services' own resources."""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors._iac import judge_choice, judge_key, judge_switch
from mllens.scan.model import state_of
from mllens.scan.model.kinds import (
    Deployment,
    Endpoint,
    FeatureStore,
    Model,
    MonitoringJob,
    Network,
    Notebook,
    TrainingJob,
    Workspace,
)
from mllens.scan.model.values import Switch
from mllens.scan.registry import rule

_RUNTIME_ENDPOINT = re.compile(r"sagemaker\.runtime|runtime\.sagemaker|aiplatform", re.IGNORECASE)


@rule()
def ml_resource_cmk(ctx: FileContext) -> None:
    for res in state_of(ctx.file).resources:
        if res.ml and res.key is not None:
            for key in res.key.each():  # per environment when set from a variable
                judge_key(ctx.given(key), key.raw, key.line, what=res.address, attr=key.name)
        if isinstance(res, TrainingJob) and res.output_key is not None:
            out = res.output_key
            judge_key(ctx, out.raw, out.line, what=f"{res.address} output", attr=out.name)
        if isinstance(res, FeatureStore) and res.offline_key is not None:
            for key in res.offline_key.each():
                judge_key(ctx.given(key), key.raw, key.line, what=f"{res.address} offline store", attr=key.name)


@rule()
def notebook_root_access(ctx: FileContext) -> None:
    for notebook in state_of(ctx.file).of(Notebook):
        if notebook.root_access is not None:
            judge_switch(ctx, notebook.root_access, what=notebook.address)


@rule()
def ml_private_networking(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    for deployment in state.of(Deployment):
        if deployment.egress is not None:
            judge_switch(ctx, deployment.egress, what=deployment.address)
    for notebook in state.of(Notebook):
        if notebook.subnet is not None and notebook.subnet.unset:
            ctx.contradicts(line=notebook.line,
                            message=f"{notebook.address} has no {notebook.subnet.name}: it runs outside your VPC")
        elif notebook.internet_access is not None:
            judge_switch(ctx, notebook.internet_access, what=notebook.address)
    for workspace in state.of(Workspace):
        if workspace.vpc_only is not None:
            judge_switch(ctx, workspace.vpc_only, what=workspace.address)
    for cluster in state.of(TrainingJob):
        public_ip = cluster.attr("node_public_ip")  # declared in this rule's reads:
        if public_ip is not None and public_ip.written:
            judge_switch(ctx, Switch(public_ip, ("false",), None), what=cluster.address)
    for model in state.of(Model):
        if model.vpc is None:
            continue
        if model.vpc.written:
            ctx.supports(line=model.vpc.line, message=f"{model.address} runs in your VPC ({model.vpc.name})")
        elif not model.serverless_only and not _isolated(model):  # Serverless Inference: no VPC possible
            ctx.contradicts(line=model.line, confidence=0.6,
                            message=f"{model.address} has no {model.vpc.name}: its containers reach the internet "
                                    "directly")


def _isolated(model: Model) -> bool:
    """Its containers run with network isolation (declared in this rule's `reads:`): no network
    to reach, so a missing VPC exposes nothing. Every value a variable may take must say so."""
    value = model.attr("network_isolation")
    return value is not None and all(v.kind == "literal" and v.as_bool() is True for v in value.each())


@rule()
def workspace_public_access(ctx: FileContext) -> None:
    for workspace in state_of(ctx.file).of(Workspace):
        if workspace.public_access is not None:
            judge_switch(ctx, workspace.public_access, what=workspace.address)


@rule()
def inter_container_encryption(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    jobs = [(j.address, j.inter_container_encryption) for j in state.of(MonitoringJob)]
    jobs += [(j.address, j.inter_node_encryption) for j in state.of(TrainingJob)
             if j.processing and j.inter_node_encryption is not None]
    for address, value in jobs:
        for one in value.each():  # per environment when set from a variable
            if one.kind == "literal":
                judge_choice(ctx.given(one), one.raw, one.line, what=address, attr=one.name, good=("true",),
                             default_bad=False)


@rule()
def private_endpoints(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    for endpoint in state.of(Endpoint):
        if endpoint.public_access is not None:
            judge_switch(ctx, endpoint.public_access, what=endpoint.address)
    for network in state.of(Network):
        if network.reaches is not None and _RUNTIME_ENDPOINT.search(str(network.reaches.raw)):
            ctx.supports(line=network.reaches.line,
                         message=f"{network.address} reaches the inference runtime through a VPC interface endpoint")
        elif network.admits_only_selected:
            ctx.supports(line=network.line, message=f"{network.address} lets in only the callers it selects")
        elif "amlworkspace" in network.connection:
            ctx.supports(line=network.line, message=f"{network.address} connects to the ML workspace over Private Link")
    for deployment in state.of(Deployment):
        if deployment.private_access is not None:
            ctx.supports(line=deployment.private_access.line,
                         message=f"{deployment.address} is reachable only privately ({deployment.private_access.name})")


@rule()
def endpoint_authentication(ctx: FileContext) -> None:
    for endpoint in state_of(ctx.file).of(Endpoint):
        mode = endpoint.auth_mode
        if mode is None:
            continue
        if mode.kind == "literal" and str(mode.raw).upper() == "NONE":  # an API with no authorizer
            ctx.contradicts(line=mode.line, message=f"{endpoint.address} lets anyone call it ({mode.name}: NONE)")
        elif mode.kind == "literal":
            ctx.supports(line=mode.line, message=f"{endpoint.address} requires callers to authenticate "
                                                 f"({mode.name} = {mode.shown()})")
        elif not mode.written and endpoint.auth_default:
            ctx.supports(line=mode.line, confidence=0.7,
                         message=f"{endpoint.address} sets no {mode.name}: callers authenticate with the "
                                 f"default {endpoint.auth_default} authentication")
