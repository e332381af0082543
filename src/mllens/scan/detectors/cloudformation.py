"""CloudFormation and SAM templates: how SageMaker resources are configured.

Templates are YAML or JSON (`cdk synth` output included). Values written with intrinsic
functions (`!Ref`, `!GetAtt`, `!Sub`, `!If` ...) are references: a key reference counts as a
key with less confidence, other references are not judged. Storage, keys, IAM, logging,
budgets and tags are the cloudformation_platform family.
"""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors._cfn import is_serverless_config, resources, serverless_only_models
from mllens.scan.detectors._iac import (
    as_bool,
    as_int,
    as_str,
    classify,
    instance_generation,
    judge_choice,
    judge_key,
)
from mllens.scan.registry import rule

_SM = "AWS::SageMaker::"
_KEY_PATHS = {_SM + "EndpointConfig": "KmsKeyId", _SM + "NotebookInstance": "KmsKeyId", _SM + "Domain": "KmsKeyId"}


@rule()
def ml_resource_cmk(ctx: FileContext) -> None:
    for res in resources(ctx.file, *_KEY_PATHS):
        value, line = res.at(_KEY_PATHS[res.type])
        judge_key(ctx, value, line, what=res.address, attr="KmsKeyId")
    for res in resources(ctx.file, _SM + "FeatureGroup"):
        if res.props.has("OfflineStoreConfig"):
            value, line = res.at("OfflineStoreConfig.S3StorageConfig.KmsKeyId")
            judge_key(ctx, value, line, what=f"{res.address} offline store", attr="KmsKeyId")


@rule()
def notebook_root_access(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "NotebookInstance"):
        value, line = res.at("RootAccess")
        judge_choice(ctx, value, line, what=res.address, attr="RootAccess", good=("Disabled",), default_bad=True)


@rule()
def ml_private_networking(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "NotebookInstance"):
        if classify(res.props.get("SubnetId")) in ("absent", "blank"):
            ctx.contradicts(line=res.line, message=f"{res.address} has no SubnetId: it runs outside your VPC")
        else:
            value, line = res.at("DirectInternetAccess")
            judge_choice(ctx, value, line, what=res.address, attr="DirectInternetAccess", good=("Disabled",),
                         default_bad=True)
    for res in resources(ctx.file, _SM + "Domain"):
        value, line = res.at("AppNetworkAccessType")
        judge_choice(ctx, value, line, what=res.address, attr="AppNetworkAccessType", good=("VpcOnly",),
                     default_bad=True)
    # Serverless Inference cannot place a model in a VPC: a model only served that way is not judged.
    serverless = serverless_only_models(ctx.file)
    for res in resources(ctx.file, _SM + "Model"):
        if res.props.has("VpcConfig"):
            ctx.supports(line=res.props.line_of("VpcConfig"), message=f"{res.address} runs in your VPC (VpcConfig)")
        elif res.logical_id not in serverless:
            ctx.contradicts(line=res.line, confidence=0.6,
                            message=f"{res.address} has no VpcConfig: its containers reach the internet directly")


@rule()
def workspace_public_access(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "Domain"):
        value, line = res.at("AppNetworkAccessType")
        judge_choice(ctx, value, line, what=res.address, attr="AppNetworkAccessType", good=("VpcOnly",),
                     default_bad=True)


@rule()
def sagemaker_data_capture(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "EndpointConfig"):
        if is_serverless_config(res):
            continue  # Serverless Inference does not support data capture
        capture = res.props.child("DataCaptureConfig")
        if capture is None:
            ctx.contradicts(line=res.line, message=f"{res.address} has no DataCaptureConfig")
        elif as_bool(capture.get("EnableCapture")) is False:
            ctx.contradicts(line=capture.line_of("EnableCapture"), message=f"{res.address} turns data capture off")
        else:
            ctx.supports(line=res.props.line_of("DataCaptureConfig"),
                         message=f"{res.address} captures requests and predictions")


@rule()
def sagemaker_model_monitoring(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "MonitoringSchedule"):
        ctx.supports(line=res.line, check="model_monitoring_schedule",
                     message=f"{res.address} runs a monitoring job on a schedule")
        kind, line = res.at("MonitoringScheduleConfig.MonitoringType")
        if str(kind) == "ModelBias":
            ctx.supports(line=line, check="bias_monitoring", message=f"{res.address} monitors bias drift")
    for res in resources(ctx.file, _SM + "ModelBiasJobDefinition"):
        ctx.supports(line=res.line, check="bias_monitoring", message=f"{res.address} computes bias metrics on traffic")
    for res in resources(ctx.file, _SM + "DataQualityJobDefinition"):
        baseline = res.props.has("DataQualityBaselineConfig")
        ctx.supports(line=res.line, check="drift_monitoring", confidence=0.9 if baseline else 0.6,
                     message=f"{res.address} compares endpoint inputs with "
                             + ("a training baseline" if baseline else "statistics (no baseline configured)"))


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
def sagemaker_autoscaling(ctx: FileContext) -> None:
    for res in resources(ctx.file, "AWS::ApplicationAutoScaling::ScalableTarget"):
        if str(res.props.get("ServiceNamespace")).lower() != "sagemaker":
            continue
        low, high = as_int(res.props.get("MinCapacity")), as_int(res.props.get("MaxCapacity"))
        if low is not None and high is not None and high <= low:
            ctx.contradicts(line=res.props.line_of("MaxCapacity"),
                            message=f"{res.address} registers the variant with MaxCapacity {high} <= MinCapacity {low}")
        else:
            ctx.supports(line=res.line, message=f"{res.address} scales a SageMaker variant with demand")


@rule()
def sagemaker_instance_count(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "EndpointConfig"):
        for variant in res.props.children("ProductionVariants"):
            count = as_int(variant.get("InitialInstanceCount"))
            if variant.has("ServerlessConfig") or count is None:
                continue  # serverless, or a parameter: not judged
            line = variant.line_of("InitialInstanceCount")
            if count > 1:
                ctx.supports(line=line, message=f"{res.address} serves from {count} instances")
            else:
                ctx.contradicts(line=line, message=f"{res.address} serves from a single instance")


@rule()
def sagemaker_safe_rollout(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "Endpoint"):
        config = res.props.child("DeploymentConfig")
        if config is None:
            continue
        if config.has("RollingUpdatePolicy"):
            ctx.supports(line=config.line_of("RollingUpdatePolicy"),
                         message=f"{res.address} updates in rolling batches")
            continue
        kind, line = config.at("BlueGreenUpdatePolicy.TrafficRoutingConfiguration.Type")
        if str(kind).upper() in ("CANARY", "LINEAR"):
            ctx.supports(line=line, message=f"{res.address} shifts traffic by {str(kind).lower()} steps")
        elif config.has("AutoRollbackConfiguration"):
            ctx.supports(line=config.line_of("AutoRollbackConfiguration"), confidence=0.7,
                         message=f"{res.address} rolls back automatically on alarms")
        elif str(kind).upper() == "ALL_AT_ONCE":
            ctx.contradicts(line=line, message=f"{res.address} shifts all traffic at once with no automatic rollback")


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


@rule()
def feature_store(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "FeatureGroup"):
        ctx.supports(line=res.line, message=f"{res.address} defines a feature store")


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
def inter_container_encryption(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "*JobDefinition"):
        value, line = res.at("NetworkConfig.EnableInterContainerTrafficEncryption")
        if classify(value) == "literal":
            judge_choice(ctx, value, line, what=res.address, attr="EnableInterContainerTrafficEncryption",
                         good=("true",), default_bad=False)


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
def sagemaker_pipeline(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "Pipeline"):
        ctx.supports(line=res.line, message=f"{res.address} defines a SageMaker pipeline")


@rule()
def multi_model_endpoint(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "Model"):
        for container in [*res.props.children("PrimaryContainer"), *res.props.children("Containers")]:
            if str(container.get("Mode")) == "MultiModel":
                ctx.supports(line=container.line_of("Mode"), message=f"{res.address} hosts many models on one endpoint")


@rule()
def ml_infrastructure_as_code(ctx: FileContext) -> None:
    found = list(resources(ctx.file, _SM + "*"))
    if found:
        names = ", ".join(r.logical_id for r in found[:3]) + (f" and {len(found) - 3} more" if len(found) > 3 else "")
        ctx.supports(line=found[0].line, check="infrastructure_as_code",
                     message=f"SageMaker resources are declared in a template: {names}")
    endpoint = next(resources(ctx.file, _SM + "Endpoint", _SM + "EndpointConfig"), None)
    if endpoint is not None:
        ctx.supports(line=endpoint.line, check="endpoint_as_code", message=f"{endpoint.address} is defined as code")


@rule()
def managed_notebooks(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "NotebookInstance", _SM + "Domain"):
        ctx.supports(line=res.line, message=f"{res.address} provisions managed notebooks")


@rule()
def inference_mode(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "EndpointConfig"):
        if res.props.has("AsyncInferenceConfig"):
            ctx.supports(line=res.props.line_of("AsyncInferenceConfig"),
                         message=f"{res.address} serves asynchronously (AsyncInferenceConfig)")
        for variant in res.props.children("ProductionVariants"):
            if variant.has("ServerlessConfig"):
                ctx.supports(line=variant.line_of("ServerlessConfig"),
                             message=f"{res.address} serves from serverless capacity (ServerlessConfig)")


@rule()
def serving_instance_types(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "EndpointConfig"):
        for variant in res.props.children("ProductionVariants"):
            kind = variant.get("InstanceType")
            generation = instance_generation(kind)
            if generation == "old":
                ctx.contradicts(line=variant.line_of("InstanceType"),
                                message=f"{res.address} serves on a previous-generation instance ({kind})")
            elif generation == "current":
                ctx.supports(line=variant.line_of("InstanceType"),
                             message=f"{res.address} serves on a current or purpose-built instance ({kind})")


@rule()
def online_explainer(ctx: FileContext) -> None:
    for res in resources(ctx.file, _SM + "EndpointConfig"):
        if res.props.has("ExplainerConfig"):
            ctx.supports(line=res.props.line_of("ExplainerConfig"),
                         message=f"{res.address} returns explanations with predictions (ExplainerConfig)")
