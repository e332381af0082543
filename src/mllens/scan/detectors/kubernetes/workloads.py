"""Kubernetes workloads as a cluster runs them: what their containers ask of the nodes, and
how many pods serve when nothing says.

A Deployment that writes no replicas runs one pod unless an autoscaler sizes it, and the
autoscaler often sits in another file (hpa.yaml beside deployment.yaml): container_resources
records both as facts while it reads every workload, and default_replicas pairs them once
every file has been read.
"""

from __future__ import annotations

from mllens.scan.context import FileContext, ProjectContext
from mllens.scan.detectors._iac import as_str
from mllens.scan.detectors._k8s import K8sObject, manifests
from mllens.scan.detectors._k8s_sizing import declared, model_containers, role
from mllens.scan.registry import rule


@rule()
def container_resources(ctx: FileContext) -> None:
    # once per workload, as a reviewer cites it: at the first model container that is sized
    for obj in manifests(ctx.file):
        _record_scaling(ctx, obj)
        kind = role(obj)
        found = model_containers(obj) if kind else []
        sized = next(((c, declared(c)) for c in found if declared(c)), None)
        check = "serving_resources_declared" if kind == "serving" else "training_resources_declared"
        if sized is not None:
            container, parts = sized
            ctx.supports(line=container.line_of("resources"), check=check,
                         message=f"{obj.address} declares CPU or memory {' and '.join(parts)} for its "
                                 f"{kind} containers")
        elif kind == "training" and found:
            only = " (only an accelerator limit)" if any(c.has("resources") for c in found) else ""
            ctx.contradicts(line=found[0].line, check=check,
                            message=f"{obj.address} trains with no CPU or memory requests or limits{only}: the "
                                    f"scheduler cannot size or pack it, and it may starve or be starved")


SERVER_FACT, SCALED_FACT = "kubernetes.unsized_server", "kubernetes.autoscaled"
_SCALERS = ("HorizontalPodAutoscaler", "ScaledObject", "VerticalPodAutoscaler")


def _record_scaling(ctx: FileContext, obj: K8sObject) -> None:
    """Facts for default_replicas: servers that write no replicas, and what autoscalers name."""
    if obj.kind in _SCALERS:
        name = as_str(obj.at("spec.scaleTargetRef.name")[0])
        if name:
            ctx.fact(SCALED_FACT, {"name": name})
    elif obj.kind in ("Deployment", "StatefulSet", "Rollout") and role(obj) == "serving":
        spec = obj.child("spec")
        if spec is not None and not spec.has("replicas") and obj.name:
            ctx.fact(SERVER_FACT, {"file": ctx.file.path, "line": spec.line, "name": obj.name,
                                   "address": obj.address})


@rule(scope="project")
def default_replicas(ctx: ProjectContext) -> None:
    scaled = {str(f["name"]) for f in ctx.facts_of(SCALED_FACT) if isinstance(f, dict)}
    for server in ctx.facts_of(SERVER_FACT):
        if not isinstance(server, dict) or "${" in str(server["name"]) or str(server["name"]) in scaled:
            continue
        if any("${" in name for name in scaled):
            return  # an autoscaler whose target a chart could not render may scale any of them
        ctx.contradicts(file=str(server["file"]), line=int(server["line"]),
                        message=f"{server['address']} writes no replicas and no autoscaler in the project scales "
                                f"it: one pod serves the model, and a restart or a node drain stops it")
