"""Monitoring, pipelines, registries, triggers, alarms, managed notebooks and the resources themselves as code."""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.model import state_of
from mllens.scan.model.kinds import (
    Alarm,
    Deployment,
    Endpoint,
    FeatureStore,
    ModelRegistry,
    ModelVersion,
    MonitoringJob,
    MonitoringSchedule,
    Notebook,
    Pipeline,
    Resource,
    Trigger,
    Workspace,
)
from mllens.scan.registry import rule

_SYNTAX = {"terraform": "Terraform", "cloudformation": "a CloudFormation template", "cdk": "an AWS CDK app",
           "kubernetes": "Kubernetes manifests",
           "bicep": "Bicep", "arm": "an ARM template", "azureml": "an Azure ML CLI v2 spec"}
_SERVING_METRICS = re.compile(r"latency|invocation|error|utilization|throttl|concurrency", re.IGNORECASE)
_UTILISATION = re.compile(r"utilization|invocations(perinstance)?$", re.IGNORECASE)
_MONITOR_METRICS = re.compile(r"aws/sagemaker/endpoints/data-metrics|model-monitor|drift|violation", re.IGNORECASE)
# Series of model servers (KServe/Knative, Seldon, Triton, TorchServe, TF Serving, BentoML, MLServer)
_SERVING_SERIES = re.compile(r"kserve|revision_request|seldon|nv_inference|ts_inference|tfserving|:tensorflow:serving|"
                             r"bentoml|mlserver|inference_request|model_(request|latency|inference)", re.IGNORECASE)
_DRIFT_SERIES = re.compile(r"drift|data_quality|feature_skew|psi_|_psi\b", re.IGNORECASE)
_APPROVAL_EVENT = ("SageMaker Model Package State Change", "ModelApprovalStatus")


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
def feature_store(ctx: FileContext) -> None:
    for store in state_of(ctx.file).of(FeatureStore):
        online = store.online
        if online is not None and store.offline_only:
            ctx.supports(line=store.line, check="shared_feature_store",
                         message=f"{store.address} publishes features to an offline store")
            ctx.info(line=online.line if online.written else store.line, check="feature_store",
                     message=f"{store.address} has no online store ({online.name} off or unset): serving cannot "
                             "read the features training used from it")
        else:
            ctx.supports(line=store.line, message=f"{store.address} defines a feature store")
        _say_retired(ctx, store)


@rule()
def pipeline_resource(ctx: FileContext) -> None:
    for pipeline in state_of(ctx.file).of(Pipeline):
        if not pipeline.runs_ml:
            continue  # a DAG that runs no ML service's work
        ctx.supports(line=pipeline.line, message=f"{pipeline.address} defines a {pipeline.service} pipeline")


@rule()
def managed_notebooks(ctx: FileContext) -> None:
    for res in state_of(ctx.file).of(Notebook, Workspace):
        if isinstance(res, Notebook) or (isinstance(res, Workspace) and res.provisions_notebooks):
            ctx.supports(line=res.line, message=f"{res.address} provisions managed notebooks")
            _say_retired(ctx, res)


def _say_retired(ctx: FileContext, res: Resource) -> None:
    # still the managed service it was, so it still counts; the team should know it is going
    if res.retired:
        ctx.info(line=res.line, message=f"{res.address}: {res.type} is a retired resource type; "
                                        f"move to {res.retired}")


@rule()
def ml_infrastructure_as_code(ctx: FileContext) -> None:
    found = [r for r in state_of(ctx.file).ml if not r.scripted]  # an SDK call creating one is no declaration
    if found:
        names = ", ".join(r.address for r in found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
        ctx.supports(line=found[0].line, check="infrastructure_as_code",
                     message=f"ML infrastructure is declared in {_SYNTAX[found[0].syntax]}: {names}")
    endpoint = next((r for r in found if isinstance(r, Endpoint | Deployment)), None)
    if endpoint is not None:
        ctx.supports(line=endpoint.line, check="endpoint_as_code", message=f"{endpoint.address} is defined as code")


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
            if _serving_metric(namespace, name):
                ctx.supports(line=alarm.line, check="serving_alarms",
                             message=f"{alarm.address} alarms on endpoint metric {name}")
                if _UTILISATION.search(name):
                    ctx.supports(line=alarm.line, check="endpoint_utilisation_monitored",
                                 message=f"{alarm.address} watches endpoint utilisation ({name})")
                break
        if alarm.conditions is not None and alarm.service == "Prometheus":
            _prometheus_alert(ctx, alarm, str(alarm.conditions.raw))
        if alarm.conditions is not None and "aiplatform.googleapis.com/prediction" in str(alarm.conditions.raw):
            ctx.supports(line=alarm.line, check="serving_alarms",
                         message=f"{alarm.address} alerts on Vertex AI prediction metrics ({alarm.conditions.name})")


def _prometheus_alert(ctx: FileContext, alarm: Alarm, expr: str) -> None:
    """A Prometheus alert on a model server's own metrics, or on drift metrics a monitor exports."""
    if _DRIFT_SERIES.search(expr):
        for check in ("monitoring_alarms", "drift_alert"):
            ctx.supports(line=alarm.conditions.line if alarm.conditions else alarm.line, check=check,
                         message=f"{alarm.address} alerts on a model monitoring metric")
    elif _SERVING_SERIES.search(expr):
        ctx.supports(line=alarm.conditions.line if alarm.conditions else alarm.line, check="serving_alarms",
                     message=f"{alarm.address} alerts on model server metrics")


# Azure ML online endpoint and deployment metrics: RequestLatency, RequestsPerMinute, CpuUtilizationPercentage ...
_AZURE_ML_SERVING = re.compile(r"latency|request|utilization|error|capacity", re.IGNORECASE)


def _serving_metric(namespace: str, name: str) -> bool:
    """A serving metric of SageMaker endpoints or of Azure ML online endpoints and deployments."""
    space = namespace.lower()
    if space == "aws/sagemaker":
        return bool(_SERVING_METRICS.search(name))
    return space.startswith("microsoft.machinelearningservices/") and bool(_AZURE_ML_SERVING.search(name))


@rule()
def registry_approval(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    for registry in state.of(ModelRegistry):
        ctx.supports(line=registry.line, check="model_registry",
                     message=f"{registry.address} is a model registry group")
    for trigger in state.of(Trigger):
        if _APPROVAL_EVENT[0] in str(trigger.pattern.raw):  # deployment starts from the registry's events
            ctx.supports(line=trigger.pattern.line, check="automated_deployment", confidence=0.7,
                         message=f"{trigger.address} starts work when a model package changes state in the "
                                 f"registry ({trigger.pattern.name})")
        if all(word in str(trigger.pattern.raw) for word in _APPROVAL_EVENT):
            ctx.supports(line=trigger.pattern.line, check="model_approval",
                         message=f"{trigger.address} reacts to model package approval status changes "
                                 f"({trigger.pattern.name})")
    for version in state.of(ModelVersion):
        if str(version.approval.raw) == "PendingManualApproval":
            ctx.supports(line=version.approval.line, check="model_approval",
                         message=f"{version.address} waits for a manual approval ({version.approval.name})")
        elif str(version.approval.raw) == "Approved":
            ctx.contradicts(line=version.approval.line, check="model_approval",
                            message=f"{version.address} registers versions already approved, with no review "
                                    f"({version.approval.name} = Approved)")


@rule()
def pipeline_triggers(ctx: FileContext) -> None:
    for trigger in state_of(ctx.file).of(Trigger):
        if not trigger.starts_pipeline:
            continue
        pattern = str(trigger.pattern.raw)
        if trigger.schedule.written:
            ctx.supports(line=trigger.schedule.line, check="scheduled_retraining",
                         message=f"{trigger.address} starts {trigger.starts} on a schedule")
        elif "CloudWatch Alarm State Change" in pattern:
            for check in ("drift_triggered_retraining", "event_triggered_retraining"):
                ctx.supports(line=trigger.pattern.line, check=check,
                             message=f"{trigger.address} starts {trigger.starts} when an alarm fires")
        elif "Object Created" in pattern:
            ctx.supports(line=trigger.pattern.line, check="event_triggered_retraining",
                         message=f"{trigger.address} starts {trigger.starts} when new data arrives")
