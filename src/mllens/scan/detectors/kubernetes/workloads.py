"""Kubernetes workloads as a cluster runs them: what their containers ask of the nodes."""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.detectors._k8s import manifests
from mllens.scan.detectors._k8s_sizing import declared, model_containers, role
from mllens.scan.registry import rule


@rule()
def container_resources(ctx: FileContext) -> None:
    # once per workload, as a reviewer cites it: at the first model container that is sized
    for obj in manifests(ctx.file):
        kind = role(obj)
        found = model_containers(obj) if kind else []
        sized = next(((c, declared(c)) for c in found if declared(c)), None)
        check = "serving_resources_declared" if kind == "serving" else "training_resources_declared"
        if sized is not None:
            container, parts = sized
            ctx.supports(line=container.line_of("resources"), check=check,
                         message=f"{obj.address} declares CPU or memory {' and '.join(parts)} for its "
                                 f"{kind} containers")
        elif kind == "training" and found and not any(c.has("resources") for c in found):
            ctx.contradicts(line=found[0].line, check=check,
                            message=f"{obj.address} trains with no CPU or memory requests or limits: the "
                                    f"scheduler cannot size or pack it, and it may starve or be starved")
