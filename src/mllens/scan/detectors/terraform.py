"""Terraform: how the ML services themselves are configured: SageMaker on AWS, Vertex AI and
Workbench on Google Cloud, Azure Machine Learning (storage, keys, IAM and cost controls
around them are the terraform_platform family).

Each rule reads resource blocks through `_tf.resources` and judges one attribute. Values
that come from variables or other resources are not guessed at: a reference to a key counts
as a key (with less confidence), other references are skipped. Nothing here follows module
calls into other directories; a module's own files are scanned where they live.
"""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors._iac import (
    as_bool,
    as_int,
    as_str,
    classify,
    instance_generation,
    judge_choice,
    judge_key,
)
from mllens.scan.detectors._tf import blocks, is_ml, is_serverless_config, resources, serverless_only_models
from mllens.scan.registry import rule

_KEY_ATTRS = {
    "aws_sagemaker_endpoint_configuration": "kms_key_arn",
    "aws_sagemaker_notebook_instance": "kms_key_id",
    "aws_sagemaker_domain": "kms_key_id",
    "google_vertex_ai_endpoint": "encryption_spec.kms_key_name",
    "google_vertex_ai_dataset": "encryption_spec.kms_key_name",
    "google_vertex_ai_featurestore": "encryption_spec.kms_key_name",
    "google_vertex_ai_index_endpoint": "encryption_spec.kms_key_name",
    "google_vertex_ai_metadata_store": "encryption_spec.kms_key_name",
    "google_vertex_ai_tensorboard": "encryption_spec.kms_key_name",
    "azurerm_machine_learning_workspace": "encryption.key_id",
}


@rule()
def ml_resource_cmk(ctx: FileContext) -> None:
    for block in resources(ctx.file, *_KEY_ATTRS):
        path = _KEY_ATTRS[block.type]
        value, line = block.at(path)
        judge_key(ctx, value, line, what=block.address, attr=path)
    for block in resources(ctx.file, "aws_sagemaker_feature_group"):
        if block.node.has("offline_store_config"):
            value, line = block.at("offline_store_config.s3_storage_config.kms_key_id")
            judge_key(ctx, value, line, what=f"{block.address} offline store", attr="kms_key_id")


@rule()
def notebook_root_access(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_sagemaker_notebook_instance"):
        value, line = block.at("root_access")
        judge_choice(ctx, value, line, what=block.address, attr="root_access", good=("Disabled",), default_bad=True)
    for block in resources(ctx.file, "google_workbench_instance"):
        metadata, line = block.at("gce_setup.metadata")
        value = metadata.get("notebook-disable-root") if isinstance(metadata, dict) else None
        judge_choice(ctx, value, line, what=block.address, attr="metadata notebook-disable-root", good=("true",),
                     default_bad=True, absent_confidence=0.6)


@rule()
def ml_private_networking(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_sagemaker_notebook_instance"):
        value, line = block.at("direct_internet_access")
        if classify(block.node.get("subnet_id")) in ("absent", "blank"):
            ctx.contradicts(line=block.line, message=f"{block.address} has no subnet_id: it runs outside your VPC")
        else:
            judge_choice(ctx, value, line, what=block.address, attr="direct_internet_access", good=("Disabled",),
                         default_bad=True)
    for block in resources(ctx.file, "aws_sagemaker_domain"):
        value, line = block.at("app_network_access_type")
        judge_choice(ctx, value, line, what=block.address, attr="app_network_access_type", good=("VpcOnly",),
                     default_bad=True)
    # Serverless Inference cannot place a model in a VPC: a model only served that way is not judged.
    serverless = serverless_only_models(ctx.file)
    for block in resources(ctx.file, "aws_sagemaker_model"):
        if block.node.has("vpc_config"):
            ctx.supports(line=block.node.line_of("vpc_config"),
                         message=f"{block.address} runs in your VPC (vpc_config)")
        elif block.name not in serverless:
            ctx.contradicts(line=block.line, confidence=0.6,
                            message=f"{block.address} has no vpc_config: its containers reach the internet directly")
    for block in resources(ctx.file, "google_workbench_instance"):
        value, line = block.at("gce_setup.disable_public_ip")
        judge_choice(ctx, value, line, what=block.address, attr="gce_setup.disable_public_ip", good=("true",),
                     default_bad=True, absent_confidence=0.6)


@rule()
def workspace_public_access(ctx: FileContext) -> None:
    for block in resources(ctx.file, "azurerm_machine_learning_workspace"):
        value, line = block.at("public_network_access_enabled")
        judge_choice(ctx, value, line, what=block.address, attr="public_network_access_enabled", good=("false",),
                     default_bad=True)
    for block in resources(ctx.file, "aws_sagemaker_domain"):
        value, line = block.at("app_network_access_type")
        judge_choice(ctx, value, line, what=block.address, attr="app_network_access_type", good=("VpcOnly",),
                     default_bad=True)


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


@rule()
def sagemaker_data_capture(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_sagemaker_endpoint_configuration"):
        if is_serverless_config(block):
            continue  # Serverless Inference does not support data capture
        capture = block.node.child("data_capture_config")
        if capture is None:
            ctx.contradicts(line=block.line, message=f"{block.address} has no data_capture_config")
            continue
        enabled = as_bool(capture.get("enable_capture"))
        if enabled is False:
            ctx.contradicts(line=capture.line_of("enable_capture"), message=f"{block.address} turns data capture off")
        else:
            ctx.supports(line=capture.line, message=f"{block.address} captures requests and predictions")
    for block in resources(ctx.file, "google_vertex_ai_endpoint"):
        logging = block.node.child("predict_request_response_logging_config")
        if logging is not None and as_bool(logging.get("enabled")):
            ctx.supports(line=logging.line, message=f"{block.address} logs a sample of requests and predictions")


@rule()
def sagemaker_model_monitoring(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_sagemaker_monitoring_schedule"):
        ctx.supports(line=block.line, check="model_monitoring_schedule",
                     message=f"{block.address} runs a monitoring job on a schedule")
        kind, line = block.at("monitoring_schedule_config.monitoring_type")
        if str(kind) == "ModelBias":
            ctx.supports(line=line, check="bias_monitoring", message=f"{block.address} monitors bias drift")
    for block in resources(ctx.file, "aws_sagemaker_data_quality_job_definition"):
        baseline = block.node.has("data_quality_baseline_config")
        ctx.supports(line=block.line, check="drift_monitoring", confidence=0.9 if baseline else 0.6,
                     message=f"{block.address} compares endpoint inputs with "
                             + ("a training baseline" if baseline else "statistics (no baseline configured)"))


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
def sagemaker_autoscaling(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_appautoscaling_target"):
        if str(block.node.get("service_namespace")).lower() != "sagemaker":
            continue
        low, high = as_int(block.node.get("min_capacity")), as_int(block.node.get("max_capacity"))
        if low is not None and high is not None and high <= low:
            ctx.contradicts(line=block.node.line_of("max_capacity"),
                            message=f"{block.address} registers the variant with max_capacity {high} <= min {low}")
        else:
            ctx.supports(line=block.line, message=f"{block.address} scales a SageMaker variant with demand")


@rule()
def sagemaker_instance_count(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_sagemaker_endpoint_configuration"):
        for variant in block.node.children("production_variants"):
            if variant.has("serverless_config"):
                continue  # capacity is the service's concern
            count = as_int(variant.get("initial_instance_count"))
            line = variant.line_of("initial_instance_count")
            if count is None:
                continue  # from a variable: unknown until applied
            if count > 1:
                ctx.supports(line=line, message=f"{block.address} serves from {count} instances")
            else:
                ctx.contradicts(line=line, message=f"{block.address} serves from a single instance")


@rule()
def sagemaker_safe_rollout(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_sagemaker_endpoint"):
        config = block.node.child("deployment_config")
        if config is None:
            continue
        if config.has("rolling_update_policy"):
            ctx.supports(line=config.line_of("rolling_update_policy"),
                         message=f"{block.address} updates in rolling batches")
            continue
        kind, line = config.at("blue_green_update_policy.traffic_routing_configuration.type")
        rollback = config.child("auto_rollback_configuration")
        kind_text = str(kind).upper()
        if kind_text in ("CANARY", "LINEAR"):
            ctx.supports(line=line, message=f"{block.address} shifts traffic by {kind_text.lower()} steps")
        elif rollback is not None:
            ctx.supports(line=rollback.line, confidence=0.7,
                         message=f"{block.address} rolls back automatically on alarms")
        elif kind_text == "ALL_AT_ONCE":
            ctx.contradicts(line=line, message=f"{block.address} shifts all traffic at once with no automatic rollback")


@rule()
def sagemaker_model_registry(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_sagemaker_model_package_group"):
        ctx.supports(line=block.line, check="model_registry", message=f"{block.address} is a model registry group")
    for block in resources(ctx.file, "aws_cloudwatch_event_rule"):
        pattern = str(block.node.get("event_pattern"))
        if "SageMaker Model Package State Change" in pattern and "ModelApprovalStatus" in pattern:
            ctx.supports(line=block.node.line_of("event_pattern"), check="model_approval",
                         message=f"{block.address} reacts to model package approval status changes")


@rule()
def feature_store(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_sagemaker_feature_group", "google_vertex_ai_featurestore",
                           "google_vertex_ai_feature_online_store", "google_vertex_ai_feature_group"):
        ctx.supports(line=block.line, message=f"{block.address} defines a feature store")


@rule()
def inter_container_encryption(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_sagemaker_data_quality_job_definition"):
        value, line = block.at("network_config.enable_inter_container_traffic_encryption")
        if classify(value) == "literal":
            judge_choice(ctx, value, line, what=block.address, attr="enable_inter_container_traffic_encryption",
                         good=("true",), default_bad=False)


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


@rule()
def sagemaker_pipeline(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_sagemaker_pipeline"):
        ctx.supports(line=block.line, message=f"{block.address} defines a SageMaker pipeline")


@rule()
def multi_model_endpoint(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_sagemaker_model"):
        for container in [*block.node.children("primary_container"), *block.node.children("container")]:
            if str(container.get("mode")) == "MultiModel":
                ctx.supports(line=container.line_of("mode"),
                             message=f"{block.address} hosts many models on one endpoint")


@rule()
def ml_infrastructure_as_code(ctx: FileContext) -> None:
    found = [b for b in blocks(ctx.file) if is_ml(b)]
    if found:
        names = ", ".join(b.address for b in found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
        ctx.supports(line=found[0].line, check="infrastructure_as_code",
                     message=f"ML infrastructure is declared in Terraform: {names}")
    endpoint = next((b for b in found if b.type in _ENDPOINT_TYPES), None)
    if endpoint is not None:
        ctx.supports(line=endpoint.line, check="endpoint_as_code", message=f"{endpoint.address} is defined as code")


_ENDPOINT_TYPES = ("aws_sagemaker_endpoint", "aws_sagemaker_endpoint_configuration", "google_vertex_ai_endpoint",
                   "azurerm_machine_learning_inference_cluster")
_NOTEBOOK_TYPES = ("aws_sagemaker_notebook_instance", "aws_sagemaker_domain", "google_workbench_instance",
                   "google_notebooks_instance", "google_colab_runtime_template",
                   "azurerm_machine_learning_compute_instance")


@rule()
def managed_notebooks(ctx: FileContext) -> None:
    for block in resources(ctx.file, *_NOTEBOOK_TYPES):
        ctx.supports(line=block.line, message=f"{block.address} provisions managed notebooks")


@rule()
def inference_mode(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_sagemaker_endpoint_configuration"):
        if block.node.has("async_inference_config"):
            ctx.supports(line=block.node.line_of("async_inference_config"),
                         message=f"{block.address} serves asynchronously (async_inference_config)")
        for variant in block.node.children("production_variants"):
            if variant.has("serverless_config"):
                ctx.supports(line=variant.line_of("serverless_config"),
                             message=f"{block.address} serves from serverless capacity (serverless_config)")


@rule()
def serving_instance_types(ctx: FileContext) -> None:
    for block in resources(ctx.file, "aws_sagemaker_endpoint_configuration"):
        for variant in block.node.children("production_variants"):
            kind = variant.get("instance_type")
            generation = instance_generation(kind)
            if generation == "old":
                ctx.contradicts(line=variant.line_of("instance_type"),
                                message=f"{block.address} serves on a previous-generation instance ({kind})")
            elif generation == "current":
                ctx.supports(line=variant.line_of("instance_type"),
                             message=f"{block.address} serves on a current or purpose-built instance ({kind})")
