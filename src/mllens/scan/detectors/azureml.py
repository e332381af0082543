"""Azure Machine Learning CLI v2 YAML: what only these specs write (deployment probes, sweep and
command jobs, registered assets), as `az ml ... create --file` reads them.

Endpoints, deployments, compute, workspaces, pipeline jobs and schedules are mapped into the
resource model (mllens.scan.model.azureml) and judged by the ml_resources family.
"""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.detectors._aml import spec
from mllens.scan.detectors._iac import as_int, as_str
from mllens.scan.registry import rule


@rule()
def deployment_probes(ctx: FileContext) -> None:
    found = spec(ctx.file, "online_deployment")
    if found is None:
        return
    for key in ("readiness_probe", "liveness_probe"):
        if found.node.has(key):
            ctx.supports(line=found.node.line_of(key), message=f"{found.address} tunes its {key.replace('_', ' ')}")
            return


_EFFICIENT = ("bayesian",)


@rule()
def sweep_job(ctx: FileContext) -> None:
    found = spec(ctx.file, "sweep_job")
    if found is None:
        return
    ctx.supports(line=found.node.line_of("type") if found.node.has("type") else found.node.line_of("$schema"),
                 check="hyperparameter_search", message=f"{found.address} runs a hyperparameter sweep")
    algorithm, line = found.node.at("sampling_algorithm")
    name = algorithm.get("type") if isinstance(algorithm, dict) else algorithm
    if isinstance(name, str):
        if name.lower() in _EFFICIENT:
            ctx.supports(line=line, check="efficient_search_strategy", message=f"{found.address} samples with {name}")
        elif name.lower() == "grid":
            ctx.contradicts(line=line, check="efficient_search_strategy",
                            message=f"{found.address} searches an exhaustive grid")
        elif name.lower() == "random":
            ctx.info(line=line, check="efficient_search_strategy",
                     message=f"{found.address} samples at random (better than a grid, not model-based)")
    if found.node.has("early_termination"):
        ctx.supports(line=found.node.line_of("early_termination"), check="early_stopping",
                     message=f"{found.address} ends poor trials early")


@rule()
def command_job(ctx: FileContext) -> None:
    found = spec(ctx.file, "command_job")
    if found is None:
        return
    compute, line = found.node.at("compute")
    if as_str(compute):
        ctx.supports(line=line, check="managed_training_jobs", message=f"{found.address} runs on {compute}")
    kind, kind_line = found.node.at("distribution.type")
    workers = as_int(found.node.at("resources.instance_count")[0]) or 1
    per_node = as_int(found.node.at("distribution.process_count_per_instance")[0]) or 1
    if isinstance(kind, str) and workers * per_node > 1:
        ctx.supports(line=kind_line, check="distributed_training",
                     message=f"{found.address} trains with {kind} over {workers * per_node} processes")


@rule()
def registered_assets(ctx: FileContext) -> None:
    found = spec(ctx.file, "model", "data", "feature_store", "feature_set")
    if found is None:
        return
    line = found.node.line_of("version") if found.node.has("version") else found.node.line_of("name")
    if found.kind == "model":
        ctx.supports(line=line, check="model_registry", message=f"{found.address} is registered as a model version")
    elif found.kind == "data" and found.node.has("version"):
        ctx.supports(line=line, check="dataset_versioning", message=f"{found.address} is a versioned data asset")
    elif found.kind in ("feature_store", "feature_set"):
        for check in ("feature_store", "shared_feature_store"):
            ctx.supports(line=found.node.line_of("name"), check=check,
                         message=f"{found.address} publishes features to the Azure ML feature store")


