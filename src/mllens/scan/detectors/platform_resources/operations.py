"""How the workload's own machinery runs: functions' tracing and retries, where Terraform
keeps its state, and whether provider versions are pinned."""

from __future__ import annotations

import re
from typing import Any

from mllens.scan.context import FileContext, ProjectContext
from mllens.scan.detectors._iac import judge_switch
from mllens.scan.model import state_of
from mllens.scan.model.kinds_platform import Cluster, Function, ProviderRequirement, StateBackend, Telemetry
from mllens.scan.registry import rule

# one release: "5.31.0", "= 5.31.0", "v1.2.3" (not "~> 5.0", ">= 5", "!= 5.1.0")
_EXACT = re.compile(r"^\s*=?\s*v?\d+\.\d+\.\d+\s*$")


@rule()
def function_tracing(ctx: FileContext) -> None:
    for function in state_of(ctx.file).of(Function):
        if function.tracing is not None and function.tracing.value.written:
            judge_switch(ctx, function.tracing, what=function.address)


@rule()
def async_retries(ctx: FileContext) -> None:
    for function in state_of(ctx.file).of(Function):
        if function.async_retries is None:
            continue
        for one in function.async_retries.each():
            count = one.as_int()
            if count is None:
                continue  # unset (the service retries twice) or a reference nothing resolves
            if count == 0:
                ctx.given(one).contradicts(line=one.line, message=f"{function.address} never retries a failed "
                                                                   f"asynchronous invocation ({one.name} = 0)")
            else:
                ctx.given(one).supports(line=one.line, message=f"{function.address} retries a failed asynchronous "
                                                               f"invocation ({one.name} = {count})")


@rule()
def state_encryption(ctx: FileContext) -> None:
    for backend in state_of(ctx.file).of(StateBackend):
        flag = backend.encrypted
        if flag.kind != "literal":
            continue  # unset: the bucket's own default encryption decides, which this file does not show
        if flag.as_bool() is True:
            ctx.supports(line=flag.line, message=f"Terraform state in {backend.address} is encrypted at rest "
                                                 f"({flag.name} = true)")
        elif flag.as_bool() is False:
            ctx.contradicts(line=flag.line, message=f"Terraform state in {backend.address} is written unencrypted "
                                                    f"({flag.name} = false)")


@rule()
def provider_versions(ctx: FileContext) -> None:
    for req in state_of(ctx.file).of(ProviderRequirement):
        version = req.version
        written = version.kind == "literal" and isinstance(version.raw, str) and version.raw.strip() != ""
        exact = written and bool(_EXACT.match(str(version.raw)))
        if exact:
            ctx.supports(line=version.line, message=f"{req.address} pins the {req.name} provider to one release "
                                                    f"({version.name} = {version.raw})")
        ctx.fact("platform_resources.provider", {
            "dir": req.module_dir, "provider": req.name, "file": ctx.file.path, "line": version.line,
            "address": req.address, "constrained": written})


@rule(scope="project")
def unpinned_providers(ctx: ProjectContext) -> None:
    by_module: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for item in ctx.facts_of("platform_resources.provider"):
        by_module.setdefault((item["dir"], item["provider"]), []).append(item)
    for (folder, provider), items in sorted(by_module.items()):
        lock = f"{folder}/.terraform.lock.hcl" if folder else ".terraform.lock.hcl"
        if any(i["constrained"] for i in items) or ctx.index.exists(lock):
            continue  # a constraint somewhere in the module (a range is not judged), or a lock file
        first = min(items, key=lambda i: (i["file"], i["line"]))
        ctx.contradicts(file=first["file"], line=first["line"],
                        message=f"{first['address']}: the {provider} provider has no version constraint and the "
                                f"module has no .terraform.lock.hcl, so each init may install another release")


_COLLECTS = {"azurerm_application_insights": "the workload's request metrics and traces (Application Insights)",
             "azurerm_log_analytics_workspace": "the workload's logs and metrics (a Log Analytics workspace)",
             "azurerm_monitor_diagnostic_setting": "the logs and metrics of its target (diagnostic settings)"}

# a diagnostic setting's target, by name: an ML workspace, endpoint or cluster (not a log workspace)
_ML_TARGET = re.compile(r"machine_learning|sagemaker|vertex|\baml|mlw|inference|endpoint|kubernetes_cluster|aks"
                        r"|(?<!log_analytics)_workspace", re.IGNORECASE)


@rule()
def telemetry_sinks(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    for sink in state.of(Telemetry):
        if sink.target is not None and not _ML_TARGET.search(str(sink.target.raw)):
            continue  # diagnostic settings of a store or vault: not the serving infrastructure
        what = _COLLECTS.get(sink.type, "the workload's metrics on a dashboard")
        ctx.supports(line=sink.line, message=f"{sink.address} collects {what}")
    for cluster in state.of(Cluster):
        if cluster.telemetry is not None and cluster.telemetry.written:
            ctx.supports(line=cluster.telemetry.line,
                         message=f"{cluster.address} sends container metrics and logs ({cluster.telemetry.name})")


@rule()
def cluster_autoscaling(ctx: FileContext) -> None:
    for cluster in state_of(ctx.file).of(Cluster):
        switch, count = cluster.autoscaling, cluster.node_count
        if switch is None:
            continue
        on = [v for v in switch.each() if v.as_bool() is True]
        if on:
            ctx.given(on[0]).supports(line=on[0].line, message=f"{cluster.address} adds and removes nodes with "
                                                               f"demand ({on[0].name} = true)")
        elif switch.kind != "reference" and count is not None and count.written:
            ctx.contradicts(line=count.line, confidence=0.6,
                            message=f"{cluster.address} runs a fixed {count.name} ({count.shown()}) with no "
                                    "autoscaler: its nodes are paid for whether jobs run or not")
