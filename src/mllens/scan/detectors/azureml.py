"""Azure Machine Learning CLI v2 YAML: endpoints, deployments, jobs, compute, workspaces,
schedules and registered assets, as `az ml ... create --file` reads them.
"""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.detectors._aml import spec
from mllens.scan.detectors._iac import as_bool, as_int, as_str, classify, judge_choice
from mllens.scan.registry import rule


@rule()
def endpoint_auth(ctx: FileContext) -> None:
    found = spec(ctx.file, "online_endpoint", "batch_endpoint")
    if found is None:
        return
    mode, line = found.node.at("auth_mode")
    if classify(mode) == "literal":
        ctx.supports(line=line, message=f"{found.address} requires callers to authenticate ({mode})")
    else:
        ctx.supports(line=found.node.line_of("name"), confidence=0.7,
                     message=f"{found.address} uses the default key authentication")


@rule()
def endpoint_network(ctx: FileContext) -> None:
    endpoint = spec(ctx.file, "online_endpoint")
    if endpoint is not None:
        value, line = endpoint.node.at("public_network_access")
        judge_choice(ctx, value, line if classify(value) != "absent" else endpoint.node.line_of("name"),
                     what=endpoint.address, attr="public_network_access", good=("disabled",), default_bad=True,
                     check="endpoint_private_access", absent_confidence=0.6)
    deployment = spec(ctx.file, "online_deployment")
    if deployment is not None and deployment.node.has("egress_public_network_access"):
        value, line = deployment.node.at("egress_public_network_access")
        judge_choice(ctx, value, line, what=deployment.address, attr="egress_public_network_access",
                     good=("disabled",), default_bad=False, check="private_networking")


@rule()
def deployment_instance_count(ctx: FileContext) -> None:
    found = spec(ctx.file, "online_deployment")
    if found is None:
        return
    value, line = found.node.at("instance_count")
    count = as_int(value)
    if count is None:
        return
    if count > 1:
        ctx.supports(line=line, message=f"{found.address} serves from {count} instances")
    else:
        ctx.contradicts(line=line, message=f"{found.address} serves from a single instance")


@rule()
def deployment_autoscaling(ctx: FileContext) -> None:
    found = spec(ctx.file, "online_deployment")
    if found is None:
        return
    kind, line = found.node.at("scale_settings.type")
    if str(kind) == "target_utilization":
        ctx.supports(line=line, message=f"{found.address} scales on target utilization")


@rule()
def deployment_data_collection(ctx: FileContext) -> None:
    found = spec(ctx.file, "online_deployment")
    if found is None:
        return
    collector = found.node.child("data_collector")
    collections = collector.child("collections") if collector is not None else None
    enabled: list[str] = []
    if collections is not None:
        for name in collections.names():
            item = collections.child(name)
            if item is not None and as_bool(item.get("enabled")):
                enabled.append(name)
    if enabled:
        ctx.supports(line=found.node.line_of("data_collector"),
                     message=f"{found.address} collects {', '.join(enabled)} for monitoring")
    else:
        ctx.contradicts(line=found.node.line_of("data_collector") if collector else found.node.line_of("name"),
                        confidence=0.6, message=f"{found.address} collects no model inputs or outputs")


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
def training_compute(ctx: FileContext) -> None:
    cluster = spec(ctx.file, "compute_cluster")
    if cluster is not None:
        tier, line = cluster.node.at("tier")
        if str(tier).replace("_", "").lower() == "lowpriority":
            ctx.supports(line=line, check="spot_training", message=f"{cluster.address} uses low-priority capacity")
        value, low_line = cluster.node.at("min_instances")
        low = as_int(value)
        if low is not None and low > 0:
            ctx.contradicts(line=low_line, check="idle_shutdown",
                            message=f"{cluster.address} keeps {low} nodes running when idle")
        elif cluster.node.has("idle_time_before_scale_down") or low == 0:
            key = "idle_time_before_scale_down" if cluster.node.has("idle_time_before_scale_down") else "min_instances"
            ctx.supports(line=cluster.node.line_of(key), check="idle_shutdown",
                         message=f"{cluster.address} scales down to zero when idle")
    instance = spec(ctx.file, "compute_instance")
    if instance is not None:
        keys = [k for k in ("idle_time_before_shutdown_minutes", "idle_time_before_shutdown", "schedules")
                if instance.node.has(k)]
        if keys:
            ctx.supports(line=instance.node.line_of(keys[0]), check="idle_shutdown",
                         message=f"{instance.address} shuts down when idle or on a schedule ({keys[0]})")
        else:
            ctx.contradicts(line=instance.node.line_of("name"), check="idle_shutdown", confidence=0.6,
                            message=f"{instance.address} has no idle shutdown or stop schedule")


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
def pipeline_job(ctx: FileContext) -> None:
    found = spec(ctx.file, "pipeline_job")
    if found is not None:
        ctx.supports(line=found.node.line_of("jobs") if found.node.has("jobs") else 1,
                     message=f"{found.address} defines training as an Azure ML pipeline")


@rule()
def schedule(ctx: FileContext) -> None:
    found = spec(ctx.file, "schedule")
    if found is not None and found.node.has("trigger"):
        ctx.supports(line=found.node.line_of("trigger"), message=f"{found.address} starts a job on a schedule")


@rule()
def workspace(ctx: FileContext) -> None:
    found = spec(ctx.file, "workspace")
    if found is None:
        return
    value, line = found.node.at("public_network_access")
    judge_choice(ctx, value, line if classify(value) != "absent" else found.node.line_of("name"), what=found.address,
                 attr="public_network_access", good=("disabled",), default_bad=True,
                 check="managed_workspace_isolated", absent_confidence=0.6)
    if found.node.has("customer_managed_key"):
        ctx.supports(line=found.node.line_of("customer_managed_key"), check="storage_encrypted_cmk",
                     message=f"{found.address} encrypts its data with a customer-managed key")
    else:
        ctx.contradicts(line=found.node.line_of("name"), check="storage_encrypted_cmk", confidence=0.7,
                        message=f"{found.address} sets no customer_managed_key")


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


_INFRA = ("online_endpoint", "batch_endpoint", "online_deployment", "batch_deployment", "compute_cluster",
          "compute_instance", "workspace")


@rule()
def ml_assets_as_code(ctx: FileContext) -> None:
    found = spec(ctx.file, *_INFRA)
    if found is None:
        return
    line = found.node.line_of("$schema")
    ctx.supports(line=line, check="infrastructure_as_code", message=f"{found.address} is declared as a CLI v2 spec")
    if found.kind.endswith(("_endpoint", "_deployment")):
        ctx.supports(line=line, check="endpoint_as_code", message=f"{found.address} is defined as code")
    if found.kind.startswith("batch_"):
        ctx.supports(line=line, check="inference_mode_declared", message=f"{found.address} scores in batch")
    if found.kind == "compute_instance":
        ctx.supports(line=line, check="managed_notebooks", message=f"{found.address} is a managed notebook instance")
