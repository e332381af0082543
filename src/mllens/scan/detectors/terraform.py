"""Terraform judgements not yet moved onto the resource model: private endpoints, alarms,
the registry's approval events, idle shutdown, spot compute and pipeline triggers.

The ML services' resources (keys, networking, root access, capture, instances, monitoring,
rollout ...) are judged once over the model, for every syntax, by the ml_resources family;
storage, keys, IAM and cost controls are the terraform_platform family. Rules here read
resource blocks through `_tf.resources`; values from variables or other resources are not
guessed at, and module calls are not followed.
"""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors._iac import as_int, as_str, classify, judge_choice
from mllens.scan.detectors._tf import resources
from mllens.scan.registry import rule

# Only the runtime endpoint carries InvokeEndpoint traffic; sagemaker.api is the control plane.
_RUNTIME_ENDPOINT = re.compile(r"sagemaker\.runtime|runtime\.sagemaker|aiplatform", re.IGNORECASE)


@rule()
def private_endpoints(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_vpc_endpoint"):
        name, line = block.at("service_name")
        if _RUNTIME_ENDPOINT.search(str(name)):
            ctx.supports(line=line,
                         message=f"{block.address} reaches the inference runtime through a VPC interface endpoint")
    for block in resources(ctx.file, "google_vertex_ai_endpoint"):
        keys = [k for k in ("private_service_connect_config", "network") if block.node.has(k)]
        if keys:
            ctx.supports(line=block.node.line_of(keys[0]),
                         message=f"{block.address} is reachable only privately ({keys[0]})")
    for block in resources(ctx.file, "azurerm_private_endpoint"):
        if "amlworkspace" in str(block.node.data.get("private_service_connection", "")):
            ctx.supports(line=block.line, message=f"{block.address} connects to the ML workspace over Private Link")


_SERVING_METRICS = re.compile(r"latency|invocation|error|utilization|throttl|concurrency", re.IGNORECASE)
_UTILISATION = re.compile(r"utilization|invocations(perinstance)?$", re.IGNORECASE)


_MONITOR_NAMESPACE = re.compile(r"aws/sagemaker/endpoints/data-metrics|model-monitor|drift|violation",
                                re.IGNORECASE)


@rule()
def sagemaker_alarms(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_cloudwatch_metric_alarm"):
        metrics = [block.node, *(m for q in block.node.children("metric_query") for m in q.children("metric"))]
        for metric in metrics:
            namespace = as_str(metric.get("namespace")) or ""
            name = as_str(metric.get("metric_name")) or ""
            if _MONITOR_NAMESPACE.search(namespace) or _MONITOR_NAMESPACE.search(name):
                for check in ("monitoring_alarms", "drift_alert"):
                    ctx.supports(line=block.line, check=check,
                                 message=f"{block.address} alarms on model monitoring metric {name or namespace}")
                break
            if namespace.lower() == "aws/sagemaker" and _SERVING_METRICS.search(name):
                ctx.supports(line=block.line, check="serving_alarms",
                             message=f"{block.address} alarms on endpoint metric {name}")
                if _UTILISATION.search(name):
                    ctx.supports(line=block.line, check="endpoint_utilisation_monitored",
                                 message=f"{block.address} watches endpoint utilisation ({name})")
                break
    for block in resources(ctx.file, "google_monitoring_alert_policy"):
        if "aiplatform.googleapis.com/prediction" in str(block.node.data.get("conditions", "")):
            ctx.supports(line=block.line, check="serving_alarms",
                         message=f"{block.address} alerts on Vertex AI prediction metrics")


@rule()
def sagemaker_model_registry(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_sagemaker_model_package_group"):
        ctx.supports(line=block.line, check="model_registry", message=f"{block.address} is a model registry group")
    for block in resources(ctx.file, "aws_cloudwatch_event_rule"):
        pattern = str(block.node.get("event_pattern"))
        if "SageMaker Model Package State Change" in pattern and "ModelApprovalStatus" in pattern:
            ctx.supports(line=block.node.line_of("event_pattern"), check="model_approval",
                         message=f"{block.address} reacts to model package approval status changes")


_IDLE_WORDS = re.compile(r"idle|autostop|auto-stop|auto_stop", re.IGNORECASE)


@rule()
def idle_shutdown(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_sagemaker_notebook_instance_lifecycle_configuration",
                           "aws_sagemaker_studio_lifecycle_config"):
        if _IDLE_WORDS.search(" ".join(str(v) for v in block.node.data.values())):
            ctx.supports(line=block.line, message=f"{block.address} installs an idle auto-stop script")
    for block in resources(ctx.file, "aws_sagemaker_notebook_instance"):
        if classify(block.node.get("lifecycle_config_name")) in ("absent", "blank"):
            ctx.contradicts(line=block.line, confidence=0.6,
                            message=f"{block.address} has no lifecycle configuration to stop it when idle")
    for block in resources(ctx.file, "aws_sagemaker_domain", "aws_sagemaker_user_profile", "aws_sagemaker_space"):
        for key, value, line in block.node.walk():
            if key == "lifecycle_management" and classify(value) == "literal":
                judge_choice(ctx, value, line, what=block.address, attr="idle lifecycle_management", good=("ENABLED",),
                             default_bad=False)
    for block in resources(ctx.file, "google_workbench_instance"):
        metadata, line = block.at("gce_setup.metadata")
        if isinstance(metadata, dict) and "idle-timeout-seconds" in metadata:
            ctx.supports(line=line, message=f"{block.address} shuts down after idle-timeout-seconds")
        else:
            ctx.contradicts(line=block.line, confidence=0.6, message=f"{block.address} sets no idle-timeout-seconds")
    for block in resources(ctx.file, "azurerm_machine_learning_compute_cluster"):
        low, line = block.at("scale_settings.min_node_count")
        if as_int(low) == 0:
            ctx.supports(line=line, message=f"{block.address} scales down to zero nodes when idle")
        elif as_int(low) is not None:
            ctx.contradicts(line=line, message=f"{block.address} keeps {low} nodes running when idle")


@rule()
def spot_training(ctx: FileContext) -> None:
    for block in resources(ctx.file, "azurerm_machine_learning_compute_cluster"):
        value, line = block.at("vm_priority")
        if str(value) == "LowPriority":
            ctx.supports(line=line, message=f"{block.address} runs on low-priority (spot) capacity")


_PIPELINE_ARN = re.compile(r"sagemaker.*pipeline|sagemaker_pipeline|startPipelineExecution", re.IGNORECASE)


@rule()
def pipeline_triggers(ctx: FileContext) -> None:
    rules = {f"aws_cloudwatch_event_rule.{b.name}": b for b in resources(ctx.file, "aws_cloudwatch_event_rule")}
    for target in resources(ctx.file, "aws_cloudwatch_event_target"):
        if not (target.node.has("sagemaker_pipeline_target") or _PIPELINE_ARN.search(str(target.node.get("arn")))):
            continue
        name = str(target.node.get("rule"))
        source = next((b for ref, b in rules.items() if re.search(re.escape(ref) + r"\b", name)), None)
        if source is None:
            continue
        if source.node.has("schedule_expression"):
            ctx.supports(line=source.node.line_of("schedule_expression"), check="scheduled_retraining",
                         message=f"{source.address} starts the SageMaker pipeline on a schedule")
        elif "CloudWatch Alarm State Change" in str(source.node.get("event_pattern")):
            for check in ("drift_triggered_retraining", "event_triggered_retraining"):
                ctx.supports(line=source.node.line_of("event_pattern"), check=check,
                             message=f"{source.address} starts the SageMaker pipeline when an alarm fires")
        elif "Object Created" in str(source.node.get("event_pattern")):
            ctx.supports(line=source.node.line_of("event_pattern"), check="event_triggered_retraining",
                         message=f"{source.address} starts the SageMaker pipeline when new data arrives")
    for block in resources(ctx.file, "aws_scheduler_schedule"):
        if _PIPELINE_ARN.search(str(block.node.get("target"))):
            ctx.supports(line=block.line, check="scheduled_retraining",
                         message=f"{block.address} starts the SageMaker pipeline on a schedule")


