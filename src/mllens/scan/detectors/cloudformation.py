"""CloudFormation and SAM judgements not yet moved onto the resource model: alarms, the
registry's approval, idle shutdown, pipeline triggers and online explanations.

The ML services' resources (keys, networking, root access, capture, instances, monitoring,
rollout ...) are judged once over the model, for every syntax, by the ml_resources family;
storage, keys, IAM, logging, budgets and tags are the cloudformation_platform family. Values
written with intrinsic functions (`!Ref`, `!GetAtt`, `!Sub` ...) are references, not judged.
"""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors._cfn import resources
from mllens.scan.detectors._iac import as_str, classify, judge_choice
from mllens.scan.registry import rule

_SM = "AWS::SageMaker::"


_SERVING_METRICS = re.compile(r"latency|invocation|error|utilization|throttl|concurrency", re.IGNORECASE)
_UTILISATION = re.compile(r"utilization|invocations(perinstance)?$", re.IGNORECASE)
_MONITOR_METRICS = re.compile(r"aws/sagemaker/endpoints/data-metrics|model-monitor|drift|violation", re.IGNORECASE)


@rule()
def sagemaker_alarms(ctx: FileContext) -> None:
    for res in resources(ctx.file, "AWS::CloudWatch::Alarm"):
        metrics = [(res.props.get("Namespace"), res.props.get("MetricName"))]
        for query in res.props.children("Metrics"):
            metric = query.child("MetricStat")
            inner = metric.child("Metric") if metric is not None else None
            if inner is not None:
                metrics.append((inner.get("Namespace"), inner.get("MetricName")))
        for raw_namespace, raw_name in metrics:
            namespace, name = as_str(raw_namespace) or "", as_str(raw_name) or ""
            if _MONITOR_METRICS.search(namespace) or _MONITOR_METRICS.search(name):
                for check in ("monitoring_alarms", "drift_alert"):
                    ctx.supports(line=res.line, check=check,
                                 message=f"{res.address} alarms on model monitoring metric {name or namespace}")
                break
            if namespace.lower() == "aws/sagemaker" and _SERVING_METRICS.search(name):
                ctx.supports(line=res.line, check="serving_alarms",
                             message=f"{res.address} alarms on endpoint metric {name}")
                if _UTILISATION.search(name):
                    ctx.supports(line=res.line, check="endpoint_utilisation_monitored",
                                 message=f"{res.address} watches endpoint utilisation ({name})")
                break


@rule()
def sagemaker_model_registry(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "ModelPackageGroup"):
        ctx.supports(line=res.line, check="model_registry", message=f"{res.address} is a model registry group")
    for res in resources(ctx.file, "AWS::Events::Rule"):
        pattern = str(res.props.get("EventPattern"))
        if "SageMaker Model Package State Change" in pattern and "ModelApprovalStatus" in pattern:
            ctx.supports(line=res.props.line_of("EventPattern"), check="model_approval",
                         message=f"{res.address} reacts to model package approval status changes")
    for res in resources(ctx.file, _SM + "ModelPackage"):
        status, line = res.at("ModelApprovalStatus")
        if str(status) == "PendingManualApproval":
            ctx.supports(line=line, check="model_approval", message=f"{res.address} waits for a manual approval")


_IDLE_WORDS = re.compile(r"idle|autostop|auto-stop|auto_stop", re.IGNORECASE)


@rule()
def idle_shutdown(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "NotebookInstanceLifecycleConfig", _SM + "StudioLifecycleConfig"):
        if _IDLE_WORDS.search(str(res.props.data)):
            ctx.supports(line=res.line, message=f"{res.address} installs an idle auto-stop script")
    for res in resources(ctx.file, _SM + "NotebookInstance"):
        if classify(res.props.get("LifecycleConfigName")) in ("absent", "blank"):
            ctx.contradicts(line=res.line, confidence=0.6,
                            message=f"{res.address} has no lifecycle configuration to stop it when idle")
    for res in resources(ctx.file, _SM + "Domain", _SM + "UserProfile", _SM + "Space"):
        for key, value, line in res.props.walk():
            if key == "LifecycleManagement" and classify(value) == "literal":
                judge_choice(ctx, value, line, what=res.address, attr="idle LifecycleManagement", good=("ENABLED",),
                             default_bad=False)


@rule()
def pipeline_triggers(ctx: FileContext) -> None:
    for res in resources(ctx.file, "AWS::Events::Rule"):
        targets = res.props.children("Targets")
        if not any(t.has("SageMakerPipelineParameters") or "pipeline" in str(t.get("Arn")).lower() for t in targets):
            continue
        if res.props.has("ScheduleExpression"):
            ctx.supports(line=res.props.line_of("ScheduleExpression"), check="scheduled_retraining",
                         message=f"{res.address} starts the SageMaker pipeline on a schedule")
        elif "CloudWatch Alarm State Change" in str(res.props.get("EventPattern")):
            for check in ("drift_triggered_retraining", "event_triggered_retraining"):
                ctx.supports(line=res.props.line_of("EventPattern"), check=check,
                             message=f"{res.address} starts the SageMaker pipeline when an alarm fires")
        elif "Object Created" in str(res.props.get("EventPattern")):
            ctx.supports(line=res.props.line_of("EventPattern"), check="event_triggered_retraining",
                         message=f"{res.address} starts the SageMaker pipeline when new data arrives")


@rule()
def online_explainer(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "EndpointConfig"):
        if res.props.has("ExplainerConfig"):
            ctx.supports(line=res.props.line_of("ExplainerConfig"),
                         message=f"{res.address} returns explanations with predictions (ExplainerConfig)")
