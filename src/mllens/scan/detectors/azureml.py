"""Azure Machine Learning CLI v2 YAML: what only these specs write (deployment probes, sweep and
command jobs, registered assets, the environments jobs, components and deployments run on, and
where job inputs come from), as `az ml ... create --file` reads them.

Endpoints, deployments, compute, workspaces, pipeline jobs and schedules are mapped into the
resource model (mllens.scan.model.azureml) and judged by the ml_resources family.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from mllens.scan.context import FileContext
from mllens.scan.detectors._aml import AmlSpec, spec
from mllens.scan.detectors._iac import Node, as_bool, as_int, as_str
from mllens.scan.detectors._k8s import image_pin
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




def _environment_at(node: Node, where: str) -> Iterator[tuple[str, Any, int]]:
    if not node.has("environment"):
        return
    inline = node.child("environment")
    if inline is not None and inline.has("image"):  # an inline environment: evidence on its image
        yield where, {"image": inline.get("image")}, inline.line_of("image")
    else:
        yield where, node.get("environment"), node.line_of("environment")


def _environments(found: AmlSpec) -> Iterator[tuple[str, Any, int]]:
    """(where, environment as written, line) for each environment a spec runs on."""
    node = found.node
    if found.kind == "environment":
        if node.has("image"):
            yield "", {"image": node.get("image")}, node.line_of("image")
        return
    yield from _environment_at(node, "")
    trial = node.child("trial")
    if trial is not None:
        yield from _environment_at(trial, "trial ")
    jobs = node.child("jobs")
    for name in jobs.names() if jobs is not None else []:
        job = jobs.child(name) if jobs is not None else None
        if job is not None:
            yield from _environment_at(job, f"job {name} ")


def _environment_pin(environment: Any) -> tuple[str, str]:
    """(pin, what) of an environment: a registered one by name (`azureml:sklearn@latest`,
    `azureml:sklearn:3`, a registry URI) or an inline one by its image."""
    if isinstance(environment, Mapping):
        image = environment.get("image")
        return (image_pin(image), f"image {image}") if isinstance(image, str) and image else ("other", "")
    if not isinstance(environment, str) or "${{" in environment:
        return "other", ""
    text = environment.strip()
    if text.endswith("@latest") or text.rstrip("/").endswith("/labels/latest"):
        return "floating", text
    name = text.removeprefix("azureml:")
    if "/versions/" in text or (":" in name and not name.startswith("//")):
        return "version", text
    return "other", text


@rule()
def environment_versions(ctx: FileContext) -> None:
    found = spec(ctx.file, "pipeline_job", "command_job", "sweep_job", "component", "environment",
                 "online_deployment", "batch_deployment")
    if found is None:
        return
    serving = found.kind in ("online_deployment", "batch_deployment")
    check = None if serving else "base_images_pinned"  # a serving image is also what recreates the endpoint
    judged = [(where, *_environment_pin(environment), line) for where, environment, line in _environments(found)]
    # one piece of evidence per spec: a pipeline's jobs usually share one environment
    moving = [(where, what, line) for where, pin, what, line in judged if pin == "floating"]
    pinned = [(where, what, line) for where, pin, what, line in judged if pin in ("version", "digest")]
    if moving:
        where, what, line = moving[0]
        more = f" (and {len(moving) - 1} more jobs)" if len(moving) > 1 else ""
        ctx.contradicts(line=line, check=check, message=f"{found.address} {where}runs on {what}{more}: a moving "
                                                        "reference, so each run may get a different environment")
    elif pinned:
        where, what, line = pinned[0]
        ctx.supports(line=line, check=check, message=f"{found.address} {where}runs on {what} (pinned)")


def _data_inputs(found: AmlSpec) -> Iterator[tuple[str, str, int]]:
    """(input name, path, line) of each input with a `path`: the spec's own and its jobs'."""
    holders = [found.node]
    jobs = found.node.child("jobs")
    if jobs is not None:
        holders += [j for j in (jobs.child(n) for n in jobs.names()) if j is not None]
    for holder in holders:
        inputs = holder.child("inputs")
        if inputs is None:
            continue
        for name in inputs.names():
            item = inputs.child(name)
            path = item.get("path") if item is not None else None
            if item is not None and isinstance(path, str) and path.strip():
                yield name, path.strip(), item.line_of("path")


@rule()
def job_data_inputs(ctx: FileContext) -> None:
    found = spec(ctx.file, "pipeline_job", "command_job", "sweep_job")
    if found is None:
        return
    for name, path, line in _data_inputs(found):
        if "${{" in path or path.startswith("$"):
            continue  # bound when the job is submitted
        if path.startswith("azureml:") and "://" not in path:
            if ":" in path[len("azureml:"):] and not path.endswith("@latest"):
                ctx.supports(line=line, message=f"{found.address} reads input {name} from the data asset {path} "
                                                "at a fixed version")
        elif "://" not in path:
            ctx.contradicts(line=line, message=f"{found.address} uploads input {name} from the folder {path} of "
                                               "the repository: no versioned data asset records what it trained on")


_TELEMETRY = {"online_deployment": "app_insights_enabled", "v1_deployment": "appInsightsEnabled"}


@rule()
def deployment_telemetry(ctx: FileContext) -> None:
    found = spec(ctx.file, *_TELEMETRY)
    if found is None:
        return
    key = _TELEMETRY[found.kind]
    value, line = found.node.at(key)
    flag = as_bool(value)
    if flag:
        ctx.supports(line=line, message=f"{found.address} sends request, latency and failure telemetry to "
                                        f"Application Insights ({key})")
    elif flag is False:
        ctx.contradicts(line=line, message=f"{found.address} turns Application Insights off ({key}: {value})")


@rule()
def deployment_tls(ctx: FileContext) -> None:
    found = spec(ctx.file, "v1_deployment")
    if found is None:
        return
    value, line = found.node.at("sslEnabled")
    flag = as_bool(value)
    if flag:
        ctx.supports(line=line, message=f"{found.address} serves its scoring URI over TLS (sslEnabled)")
    elif flag is False:
        ctx.contradicts(line=line, message=f"{found.address} serves its scoring URI over plain HTTP "
                                           f"(sslEnabled: {value})")
