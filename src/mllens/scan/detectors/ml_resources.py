"""ML service resources, judged once over the resource model whatever syntax declared them.

Each rule reads `state_of(ctx.file)` (see mllens.scan.model): Terraform and CloudFormation
files are mapped into the same kinds (deployment, endpoint, model, notebook, workspace ...),
every attribute carrying its file, line and name as written. A reference to a key counts as
a key (with less confidence); other references are not judged. Messages name the resource
by its address (Terraform) or logical id and type (CloudFormation) and the attribute as the
syntax spells it.
"""

from __future__ import annotations

import re

from mllens.scan.context import FileContext, ParsedFile
from mllens.scan.detectors._iac import instance_generation, judge_choice, judge_key, judge_switch
from mllens.scan.model import state_of
from mllens.scan.model.kinds import (
    Alarm,
    Deployment,
    Endpoint,
    FeatureStore,
    Model,
    ModelRegistry,
    ModelVersion,
    MonitoringJob,
    MonitoringSchedule,
    Network,
    Notebook,
    NotebookLifecycle,
    Pipeline,
    ScalingTarget,
    TrainingJob,
    Trigger,
    Workspace,
)
from mllens.scan.registry import rule


def skip_file(file: ParsedFile) -> bool:
    """The family hook of mllens.scan.engine: nothing to judge in a file that maps to no resource."""
    return not state_of(file).resources



@rule()
def ml_resource_cmk(ctx: FileContext) -> None:
    for res in state_of(ctx.file).resources:
        if res.ml and res.key is not None:
            judge_key(ctx, res.key.raw, res.key.line, what=res.address, attr=res.key.name)
        if isinstance(res, FeatureStore) and res.offline_key is not None:
            key = res.offline_key
            judge_key(ctx, key.raw, key.line, what=f"{res.address} offline store", attr=key.name)


@rule()
def notebook_root_access(ctx: FileContext) -> None:
    for notebook in state_of(ctx.file).of(Notebook):
        if notebook.root_access is not None:
            judge_switch(ctx, notebook.root_access, what=notebook.address)


@rule()
def ml_private_networking(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    for notebook in state.of(Notebook):
        if notebook.subnet is not None and notebook.subnet.unset:
            ctx.contradicts(line=notebook.line,
                            message=f"{notebook.address} has no {notebook.subnet.name}: it runs outside your VPC")
        elif notebook.internet_access is not None:
            judge_switch(ctx, notebook.internet_access, what=notebook.address)
    for workspace in state.of(Workspace):
        if workspace.vpc_only is not None:
            judge_switch(ctx, workspace.vpc_only, what=workspace.address)
    for model in state.of(Model):
        if model.vpc is None:
            continue
        if model.vpc.written:
            ctx.supports(line=model.vpc.line, message=f"{model.address} runs in your VPC ({model.vpc.name})")
        elif not model.serverless_only:  # Serverless Inference cannot place a model in a VPC
            ctx.contradicts(line=model.line, confidence=0.6,
                            message=f"{model.address} has no {model.vpc.name}: its containers reach the internet "
                                    "directly")


@rule()
def workspace_public_access(ctx: FileContext) -> None:
    for workspace in state_of(ctx.file).of(Workspace):
        if workspace.public_access is not None:
            judge_switch(ctx, workspace.public_access, what=workspace.address)


@rule()
def endpoint_data_capture(ctx: FileContext) -> None:
    for deployment in state_of(ctx.file).of(Deployment):
        capture = deployment.capture
        if capture is None or deployment.serverless:
            continue  # Serverless Inference does not support data capture
        name = capture.block.name
        if not capture.block.written:
            if capture.required:
                ctx.contradicts(line=capture.block.line, message=f"{deployment.address} has no {name}")
            continue
        enabled = capture.enabled.as_bool()
        if enabled is False:
            if capture.required:
                ctx.contradicts(line=capture.enabled.line,
                                message=f"{deployment.address} turns data capture off ({capture.enabled.name})")
        elif enabled or capture.on_by_default:
            ctx.supports(line=capture.block.line,
                         message=f"{deployment.address} captures requests and predictions ({name})")


@rule()
def serving_instance_count(ctx: FileContext) -> None:
    for deployment in state_of(ctx.file).of(Deployment):
        for variant in deployment.variants:
            count = variant.instance_count.as_int()
            if variant.shadow or variant.serverless.written or count is None:
                continue  # a shadow, serverless capacity, or a value from a variable: not judged
            line = variant.instance_count.line
            if count > 1:
                ctx.supports(line=line, message=f"{deployment.address} serves from {count} instances")
            else:
                ctx.contradicts(line=line, message=f"{deployment.address} serves from a single instance "
                                                   f"({variant.instance_count.name} = {count})")


@rule()
def serving_instance_types(ctx: FileContext) -> None:
    for deployment in state_of(ctx.file).of(Deployment):
        for variant in deployment.variants:
            kind = variant.instance_type
            generation = instance_generation(kind.raw)
            if variant.shadow or generation == "other":
                continue
            if generation == "old":
                ctx.contradicts(line=kind.line, message=f"{deployment.address} serves on a previous-generation "
                                                        f"instance ({kind.name} = {kind.shown()})")
            else:
                ctx.supports(line=kind.line, message=f"{deployment.address} serves on a current or purpose-built "
                                                     f"instance ({kind.name} = {kind.shown()})")


@rule()
def inference_mode(ctx: FileContext) -> None:
    for deployment in state_of(ctx.file).of(Deployment):
        if deployment.async_inference is not None and deployment.async_inference.written:
            ctx.supports(line=deployment.async_inference.line,
                         message=f"{deployment.address} serves asynchronously ({deployment.async_inference.name})")
        for variant in deployment.variants:
            if not variant.shadow and variant.serverless.written:
                ctx.supports(line=variant.serverless.line,
                             message=f"{deployment.address} serves from serverless capacity "
                                     f"({variant.serverless.name})")


@rule()
def model_monitoring(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    for schedule in state.of(MonitoringSchedule):
        ctx.supports(line=schedule.line, check="model_monitoring_schedule",
                     message=f"{schedule.address} runs a monitoring job on a schedule")
        if str(schedule.monitoring_type.raw) == "ModelBias":
            ctx.supports(line=schedule.monitoring_type.line, check="bias_monitoring",
                         message=f"{schedule.address} monitors bias drift ({schedule.monitoring_type.name})")
    for job in state.of(MonitoringJob):
        if job.purpose == "model_bias":
            ctx.supports(line=job.line, check="bias_monitoring",
                         message=f"{job.address} computes bias metrics on traffic")
        elif job.purpose == "data_quality":
            baseline = job.baseline.written
            ctx.supports(line=job.line, check="drift_monitoring", confidence=0.9 if baseline else 0.6,
                         message=f"{job.address} compares endpoint inputs with "
                                 + (f"a training baseline ({job.baseline.name})" if baseline
                                    else f"statistics (no {job.baseline.name})"))


@rule()
def inter_container_encryption(ctx: FileContext) -> None:
    for job in state_of(ctx.file).of(MonitoringJob):
        value = job.inter_container_encryption
        if value.kind == "literal":
            judge_choice(ctx, value.raw, value.line, what=job.address, attr=value.name, good=("true",),
                         default_bad=False)


@rule()
def feature_store(ctx: FileContext) -> None:
    for store in state_of(ctx.file).of(FeatureStore):
        ctx.supports(line=store.line, message=f"{store.address} defines a feature store")


@rule()
def pipeline_resource(ctx: FileContext) -> None:
    for pipeline in state_of(ctx.file).of(Pipeline):
        ctx.supports(line=pipeline.line, message=f"{pipeline.address} defines a {pipeline.service} pipeline")


@rule()
def multi_model_endpoint(ctx: FileContext) -> None:
    for model in state_of(ctx.file).of(Model):
        for mode in model.container_modes:
            if str(mode.raw) == "MultiModel":
                ctx.supports(line=mode.line,
                             message=f"{model.address} hosts many models on one endpoint ({mode.name} = MultiModel)")


@rule()
def managed_notebooks(ctx: FileContext) -> None:
    for res in state_of(ctx.file).of(Notebook, Workspace):
        if isinstance(res, Notebook) or (isinstance(res, Workspace) and res.provisions_notebooks):
            ctx.supports(line=res.line, message=f"{res.address} provisions managed notebooks")


_SYNTAX = {"terraform": "Terraform", "cloudformation": "a CloudFormation template"}


@rule()
def ml_infrastructure_as_code(ctx: FileContext) -> None:
    found = state_of(ctx.file).ml
    if found:
        names = ", ".join(r.address for r in found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
        ctx.supports(line=found[0].line, check="infrastructure_as_code",
                     message=f"ML infrastructure is declared in {_SYNTAX[found[0].syntax]}: {names}")
    endpoint = next((r for r in found if isinstance(r, Endpoint | Deployment)), None)
    if endpoint is not None:
        ctx.supports(line=endpoint.line, check="endpoint_as_code", message=f"{endpoint.address} is defined as code")


@rule()
def endpoint_autoscaling(ctx: FileContext) -> None:
    for target in state_of(ctx.file).of(ScalingTarget):
        if str(target.namespace.raw).lower() != "sagemaker":
            continue
        low, high = target.min_capacity.as_int(), target.max_capacity.as_int()
        if low is not None and high is not None and high <= low:
            ctx.contradicts(line=target.max_capacity.line,
                            message=f"{target.address} registers the variant with {target.max_capacity.name} {high} "
                                    f"<= {target.min_capacity.name} {low}")
        else:
            ctx.supports(line=target.line, message=f"{target.address} scales a SageMaker variant with demand")


@rule()
def safe_rollout(ctx: FileContext) -> None:
    for endpoint in state_of(ctx.file).of(Endpoint):
        rollout = endpoint.rollout
        if rollout is None:
            continue
        if rollout.rolling.written:
            ctx.supports(line=rollout.rolling.line,
                         message=f"{endpoint.address} updates in rolling batches ({rollout.rolling.name})")
            continue
        kind = str(rollout.traffic_type.raw).upper()
        if kind in ("CANARY", "LINEAR"):
            ctx.supports(line=rollout.traffic_type.line, message=f"{endpoint.address} shifts traffic by "
                                                                 f"{kind.lower()} steps")
        elif rollout.auto_rollback.written:
            ctx.supports(line=rollout.auto_rollback.line, confidence=0.7,
                         message=f"{endpoint.address} rolls back automatically on alarms "
                                 f"({rollout.auto_rollback.name})")
        elif kind == "ALL_AT_ONCE":
            ctx.contradicts(line=rollout.traffic_type.line,
                            message=f"{endpoint.address} shifts all traffic at once with no automatic rollback")


_SERVING_METRICS = re.compile(r"latency|invocation|error|utilization|throttl|concurrency", re.IGNORECASE)
_UTILISATION = re.compile(r"utilization|invocations(perinstance)?$", re.IGNORECASE)
_MONITOR_METRICS = re.compile(r"aws/sagemaker/endpoints/data-metrics|model-monitor|drift|violation", re.IGNORECASE)


@rule()
def ml_alarms(ctx: FileContext) -> None:
    for alarm in state_of(ctx.file).of(Alarm):
        for metric in alarm.metrics:
            namespace, name = metric.namespace.as_str() or "", metric.name.as_str() or ""
            if _MONITOR_METRICS.search(namespace) or _MONITOR_METRICS.search(name):
                for check in ("monitoring_alarms", "drift_alert"):
                    ctx.supports(line=alarm.line, check=check,
                                 message=f"{alarm.address} alarms on model monitoring metric {name or namespace}")
                break
            if namespace.lower() == "aws/sagemaker" and _SERVING_METRICS.search(name):
                ctx.supports(line=alarm.line, check="serving_alarms",
                             message=f"{alarm.address} alarms on endpoint metric {name}")
                if _UTILISATION.search(name):
                    ctx.supports(line=alarm.line, check="endpoint_utilisation_monitored",
                                 message=f"{alarm.address} watches endpoint utilisation ({name})")
                break
        if alarm.conditions is not None and "aiplatform.googleapis.com/prediction" in str(alarm.conditions.raw):
            ctx.supports(line=alarm.line, check="serving_alarms",
                         message=f"{alarm.address} alerts on Vertex AI prediction metrics ({alarm.conditions.name})")


_APPROVAL_EVENT = ("SageMaker Model Package State Change", "ModelApprovalStatus")


@rule()
def registry_approval(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    for registry in state.of(ModelRegistry):
        ctx.supports(line=registry.line, check="model_registry",
                     message=f"{registry.address} is a model registry group")
    for trigger in state.of(Trigger):
        if all(word in str(trigger.pattern.raw) for word in _APPROVAL_EVENT):
            ctx.supports(line=trigger.pattern.line, check="model_approval",
                         message=f"{trigger.address} reacts to model package approval status changes "
                                 f"({trigger.pattern.name})")
    for version in state.of(ModelVersion):
        if str(version.approval.raw) == "PendingManualApproval":
            ctx.supports(line=version.approval.line, check="model_approval",
                         message=f"{version.address} waits for a manual approval ({version.approval.name})")


@rule()
def pipeline_triggers(ctx: FileContext) -> None:
    for trigger in state_of(ctx.file).of(Trigger):
        if not trigger.starts_pipeline:
            continue
        pattern = str(trigger.pattern.raw)
        if trigger.schedule.written:
            ctx.supports(line=trigger.schedule.line, check="scheduled_retraining",
                         message=f"{trigger.address} starts the SageMaker pipeline on a schedule")
        elif "CloudWatch Alarm State Change" in pattern:
            for check in ("drift_triggered_retraining", "event_triggered_retraining"):
                ctx.supports(line=trigger.pattern.line, check=check,
                             message=f"{trigger.address} starts the SageMaker pipeline when an alarm fires")
        elif "Object Created" in pattern:
            ctx.supports(line=trigger.pattern.line, check="event_triggered_retraining",
                         message=f"{trigger.address} starts the SageMaker pipeline when new data arrives")


_IDLE_WORDS = re.compile(r"idle|autostop|auto-stop|auto_stop", re.IGNORECASE)


@rule()
def idle_shutdown(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    for script in state.of(NotebookLifecycle):
        if _IDLE_WORDS.search(script.content):
            ctx.supports(line=script.line, message=f"{script.address} installs an idle auto-stop script")
    for notebook in state.of(Notebook):
        if notebook.lifecycle_config is not None and notebook.lifecycle_config.unset:
            ctx.contradicts(line=notebook.line, confidence=0.6,
                            message=f"{notebook.address} has no lifecycle configuration to stop it when idle "
                                    f"({notebook.lifecycle_config.name})")
        timeout = notebook.idle_timeout
        if timeout is not None and timeout.written:
            ctx.supports(line=timeout.line, message=f"{notebook.address} shuts down after {timeout.name}")
        elif timeout is not None:
            ctx.contradicts(line=notebook.line, confidence=0.6, message=f"{notebook.address} sets no {timeout.name}")
    for workspace in state.of(Workspace):
        for value in workspace.idle_settings:
            if value.kind == "literal":
                judge_choice(ctx, value.raw, value.line, what=workspace.address, attr=f"idle {value.name}",
                             good=("ENABLED",), default_bad=False)
    for compute in state.of(TrainingJob):
        low = compute.min_nodes.as_int() if compute.min_nodes is not None else None
        if compute.min_nodes is None or low is None:
            continue
        if low == 0:
            ctx.supports(line=compute.min_nodes.line, message=f"{compute.address} scales down to zero nodes when idle")
        else:
            ctx.contradicts(line=compute.min_nodes.line,
                            message=f"{compute.address} keeps {low} nodes running when idle ({compute.min_nodes.name})")


# Only the runtime endpoint carries InvokeEndpoint traffic; sagemaker.api is the control plane.
_RUNTIME_ENDPOINT = re.compile(r"sagemaker\.runtime|runtime\.sagemaker|aiplatform", re.IGNORECASE)


@rule()
def private_endpoints(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    for network in state.of(Network):
        if network.reaches is not None and _RUNTIME_ENDPOINT.search(str(network.reaches.raw)):
            ctx.supports(line=network.reaches.line,
                         message=f"{network.address} reaches the inference runtime through a VPC interface endpoint")
        elif "amlworkspace" in network.connection:
            ctx.supports(line=network.line, message=f"{network.address} connects to the ML workspace over Private Link")
    for deployment in state.of(Deployment):
        if deployment.private_access is not None:
            ctx.supports(line=deployment.private_access.line,
                         message=f"{deployment.address} is reachable only privately ({deployment.private_access.name})")


@rule()
def online_explainer(ctx: FileContext) -> None:
    for deployment in state_of(ctx.file).of(Deployment):
        if deployment.explainer is not None and deployment.explainer.written:
            ctx.supports(line=deployment.explainer.line,
                         message=f"{deployment.address} returns explanations with predictions "
                                 f"({deployment.explainer.name})")


@rule()
def spot_compute(ctx: FileContext) -> None:
    for compute in state_of(ctx.file).of(TrainingJob):
        if compute.priority is not None and str(compute.priority.raw) == "LowPriority":
            ctx.supports(line=compute.priority.line,
                         message=f"{compute.address} runs on low-priority (spot) capacity ({compute.priority.name})")
