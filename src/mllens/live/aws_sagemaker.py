"""The SageMaker account as the resource model: endpoint configs and endpoints, models,
notebook instances, recent training jobs, Studio domains, feature groups, monitoring
schedules, model package groups and their packages, pipelines; the endpoints' Application
Auto Scaling targets and their scaling policies, and the CloudWatch alarms. Read-only List/Describe calls only.

Every resource's `file` is its ARN, every attribute a `Value` named as the API spells it
(`DataCaptureConfig`, `EnableManagedSpotTraining`) with line 0 (no line: the judge drops it)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from mllens.live.aws_calls import Calls, session
from mllens.live.base import LiveRead
from mllens.scan.model.kinds import (
    Alarm,
    Capture,
    Deployment,
    Endpoint,
    FeatureStore,
    Metric,
    Model,
    ModelRegistry,
    ModelVersion,
    MonitoringSchedule,
    Notebook,
    Pipeline,
    Resource,
    Rollout,
    ScalingPolicy,
    ScalingTarget,
    TrainingJob,
    Variant,
    Workspace,
)
from mllens.scan.model.values import Switch, Value

SM = "sagemaker"
RECENT_TRAINING_JOBS = 20  # the newest jobs show how the team trains now


def _at(arn: str, data: dict[str, Any] | None, path: str) -> Value:
    """The value at a dotted path of an API answer, absent when not there."""
    node: Any = data or {}
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return Value.absent(arn, 0, path.rsplit(".", 1)[-1])
        node = node[part]
    if node is None or node == {} or node == []:  # an empty block is one the API leaves unset
        return Value.absent(arn, 0, path.rsplit(".", 1)[-1])
    return Value(node, arn, 0, path.rsplit(".", 1)[-1])


def _base(arn: str, kind: str, name: str) -> dict[str, Any]:
    return {"syntax": "live", "provider": "aws", "service": "SageMaker", "type": kind, "name": name,
            "address": f"{kind} {name}", "file": arn, "line": 0, "ml": True}


def _variant(arn: str, data: dict[str, Any], *, shadow: bool) -> Variant:
    return Variant(instance_count=_at(arn, data, "InitialInstanceCount"), instance_type=_at(arn, data, "InstanceType"),
                   serverless=_at(arn, data, "ServerlessConfig"), shadow=shadow)


def endpoint_config(data: dict[str, Any]) -> Deployment:
    arn = str(data["EndpointConfigArn"])
    capture = data.get("DataCaptureConfig")
    # The API's EnableCapture defaults to true when the block is given
    enabled = _at(arn, capture, "EnableCapture") if capture else Value.absent(arn, 0, "EnableCapture")
    return Deployment(
        **_base(arn, "endpoint config", str(data["EndpointConfigName"])), key=_at(arn, data, "KmsKeyId"),
        variants=(*(_variant(arn, v, shadow=False) for v in data.get("ProductionVariants", [])),
                  *(_variant(arn, v, shadow=True) for v in data.get("ShadowProductionVariants", []))),
        capture=Capture(block=_at(arn, data, "DataCaptureConfig"), enabled=enabled, on_by_default=True,
                        required=True),
        async_inference=_at(arn, data, "AsyncInferenceConfig"), explainer=_at(arn, data, "ExplainerConfig"))


def endpoint(data: dict[str, Any]) -> Endpoint:
    """An endpoint, with the deployment policy of its last update (how it rolls out)."""
    arn = str(data["EndpointArn"])
    config = data.get("LastDeploymentConfig")
    rollout = None
    if config:
        rollout = Rollout(block=_at(arn, data, "LastDeploymentConfig"),
                          rolling=_at(arn, config, "RollingUpdatePolicy"),
                          traffic_type=_at(arn, config, "BlueGreenUpdatePolicy.TrafficRoutingConfiguration.Type"),
                          auto_rollback=_at(arn, config, "AutoRollbackConfiguration"))
    return Endpoint(**_base(arn, "endpoint", str(data["EndpointName"])), rollout=rollout)


def model(data: dict[str, Any]) -> Model:
    arn = str(data["ModelArn"])
    containers = [data["PrimaryContainer"]] if "PrimaryContainer" in data else list(data.get("Containers", []))
    return Model(**_base(arn, "model", str(data["ModelName"])), vpc=_at(arn, data, "VpcConfig"),
                 container_modes=tuple(_at(arn, c, "Mode") for c in containers if "Mode" in c),
                 extra=(("network_isolation", _at(arn, data, "EnableNetworkIsolation")),))


def notebook(data: dict[str, Any]) -> Notebook:
    arn = str(data["NotebookInstanceArn"])
    return Notebook(**_base(arn, "notebook instance", str(data["NotebookInstanceName"])),
                    key=_at(arn, data, "KmsKeyId"), root_access=Switch(_at(arn, data, "RootAccess"), ("Disabled",)),
                    subnet=_at(arn, data, "SubnetId"),
                    internet_access=Switch(_at(arn, data, "DirectInternetAccess"), ("Disabled",)),
                    lifecycle_config=_at(arn, data, "NotebookInstanceLifecycleConfigName"))


def training_job(data: dict[str, Any]) -> TrainingJob:
    arn = str(data["TrainingJobArn"])
    return TrainingJob(**_base(arn, "training job", str(data["TrainingJobName"])),
                       key=_at(arn, data, "ResourceConfig.VolumeKmsKeyId"),
                       instance_count=_at(arn, data, "ResourceConfig.InstanceCount"),
                       inter_node_encryption=_at(arn, data, "EnableInterContainerTrafficEncryption"),
                       network_isolation=_at(arn, data, "EnableNetworkIsolation"), vpc=_at(arn, data, "VpcConfig"),
                       output_key=_at(arn, data, "OutputDataConfig.KmsKeyId"),
                       spot=_at(arn, data, "EnableManagedSpotTraining"),
                       checkpoint=_at(arn, data, "CheckpointConfig"))


def domain(data: dict[str, Any]) -> Workspace:
    arn = str(data["DomainArn"])
    access = Switch(_at(arn, data, "AppNetworkAccessType"), ("VpcOnly",))
    return Workspace(**_base(arn, "Studio domain", str(data["DomainName"])), key=_at(arn, data, "KmsKeyId"),
                     vpc_only=access, public_access=access, provisions_notebooks=True)


def feature_group(data: dict[str, Any]) -> FeatureStore:
    arn = str(data["FeatureGroupArn"])
    offline = _at(arn, data, "OfflineStoreConfig.S3StorageConfig.KmsKeyId") if "OfflineStoreConfig" in data else None
    online = _at(arn, data, "OnlineStoreConfig.EnableOnlineStore")
    return FeatureStore(**_base(arn, "feature group", str(data["FeatureGroupName"])),
                        key=_at(arn, data, "OnlineStoreConfig.SecurityConfig.KmsKeyId")
                        if online.as_bool() else None, offline_key=offline, online=online)


def scaling_target(data: dict[str, Any], region: str, *, policies_read: bool = True) -> ScalingTarget:
    """A scalable target; its ResourceId pairs it with its policies, left out (not judged on
    them) when the account refused to list the policies."""
    resource = str(data["ResourceId"])
    arn = str(data.get("ScalableTargetARN") or f"arn:aws:application-autoscaling:{region}::scalable-target/{resource}")
    return ScalingTarget(**{**_base(arn, "scalable target", resource), "service": "Application Auto Scaling"},
                         namespace=_at(arn, data, "ServiceNamespace"), min_capacity=_at(arn, data, "MinCapacity"),
                         max_capacity=_at(arn, data, "MaxCapacity"),
                         resource_id=_at(arn, data, "ResourceId") if policies_read else None)


def scaling_policy(data: dict[str, Any]) -> ScalingPolicy:
    """A scaling policy, naming its target by ResourceId (as the account pairs them)."""
    arn = str(data["PolicyARN"])
    tracking = "TargetTrackingScalingPolicyConfiguration"
    return ScalingPolicy(**{**_base(arn, "scaling policy", str(data["PolicyName"])),
                            "service": "Application Auto Scaling"},
                         target=_at(arn, data, "ResourceId"), policy_type=_at(arn, data, "PolicyType"),
                         metric=_at(arn, data, f"{tracking}.PredefinedMetricSpecification.PredefinedMetricType"),
                         target_value=_at(arn, data, f"{tracking}.TargetValue"))


def alarm(data: dict[str, Any]) -> Alarm:
    arn = str(data["AlarmArn"])
    metrics = [Metric(namespace=_at(arn, data, "Namespace"), name=_at(arn, data, "MetricName"))]
    for query in data.get("Metrics", []):
        inner = query.get("MetricStat", {}).get("Metric")
        if inner:
            metrics.append(Metric(namespace=_at(arn, inner, "Namespace"), name=_at(arn, inner, "MetricName")))
    return Alarm(**{**_base(arn, "alarm", str(data["AlarmName"])), "service": "CloudWatch", "ml": False},
                 metrics=tuple(metrics))


class AwsSageMakerReader:
    name = "aws"

    def __init__(self, boto_session: Any | None = None, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self._session = boto_session
        self._sleep = sleep  # between retries of a throttled call

    def read(self) -> LiveRead:
        found = LiveRead()
        calls = Calls(self._session if self._session is not None else session(), found.diagnostics, sleep=self._sleep)
        for resource in _resources(calls):
            found.add(resource)
        return found


# (List call, its items' key, Describe call, the name it takes, the kind it maps to)
Described = tuple[str, str, str, str, Callable[[dict[str, Any]], Resource]]
DESCRIBED: tuple[Described, ...] = (
    ("list_models", "Models", "describe_model", "ModelName", model),
    ("list_notebook_instances", "NotebookInstances", "describe_notebook_instance", "NotebookInstanceName", notebook),
    ("list_domains", "Domains", "describe_domain", "DomainId", domain),
    ("list_feature_groups", "FeatureGroupSummaries", "describe_feature_group", "FeatureGroupName", feature_group),
)


def described(calls: Calls, listed: Described) -> list[Resource]:
    """Every item of a List call (all pages), described one by one (one refused: left out)."""
    listing, key, describe, name, build = listed
    out = []
    for item in calls.pages(SM, listing, key):
        data = calls.one(SM, describe, **{name: item[name]})
        if data is not None:
            out.append(build(data))
    return out


def _resources(calls: Calls) -> list[Resource]:
    out: list[Resource] = []
    for item in calls.pages(SM, "list_endpoints", "Endpoints"):
        ep = calls.one(SM, "describe_endpoint", EndpointName=item["EndpointName"])
        if ep is None:
            continue
        out.append(endpoint(ep))
        config = calls.one(SM, "describe_endpoint_config", EndpointConfigName=ep["EndpointConfigName"])
        if config is not None:
            out.append(endpoint_config(config))
    for listed in DESCRIBED:
        out.extend(described(calls, listed))
    recent = calls.one(SM, "list_training_jobs", MaxResults=RECENT_TRAINING_JOBS, SortBy="CreationTime",
                       SortOrder="Descending") or {}
    for item in recent.get("TrainingJobSummaries", []):
        data = calls.one(SM, "describe_training_job", TrainingJobName=item["TrainingJobName"])
        if data is not None:
            out.append(training_job(data))
    out.extend(_governance(calls))
    out.extend(scaling_resources(calls))
    for item in calls.pages("cloudwatch", "describe_alarms", "MetricAlarms"):
        out.append(alarm(item))
    return out


def scaling_resources(calls: Calls) -> list[Resource]:
    """The SageMaker variants' scalable targets and their scaling policies (all pages)."""
    refused = len(calls.diagnostics)
    policies = calls.pages("application-autoscaling", "describe_scaling_policies", "ScalingPolicies",
                           ServiceNamespace="sagemaker")
    read_all = len(calls.diagnostics) == refused  # a refused listing: no target is judged on its policies
    out: list[Resource] = [scaling_target(target, calls.region, policies_read=read_all) for target in calls.pages(
        "application-autoscaling", "describe_scalable_targets", "ScalableTargets", ServiceNamespace="sagemaker")]
    return [*out, *(scaling_policy(policy) for policy in policies)]


def _approval(arn: str, package: dict[str, Any]) -> Value:
    """A package's approval as the registry judgement reads it: the status it was registered
    with. The account shows only the current one: waiting for approval is that; an approved
    package may have been reviewed since, so its status is not judged (absent)."""
    status = _at(arn, package, "ModelApprovalStatus")
    return status if status.raw == "PendingManualApproval" else Value.absent(arn, 0, status.name)


def monitoring_schedules(calls: Calls) -> list[Resource]:
    """Every monitoring schedule (all pages), as its summary lists it (its type is there)."""
    out: list[Resource] = []
    for item in calls.pages(SM, "list_monitoring_schedules", "MonitoringScheduleSummaries"):
        arn = str(item["MonitoringScheduleArn"])
        out.append(MonitoringSchedule(**_base(arn, "monitoring schedule", str(item["MonitoringScheduleName"])),
                                      monitoring_type=_at(arn, item, "MonitoringType")))
    return out


def _governance(calls: Calls) -> list[Resource]:
    """Monitoring schedules, model package groups with their packages' approval, pipelines."""
    out: list[Resource] = [*monitoring_schedules(calls)]
    for group in calls.pages(SM, "list_model_package_groups", "ModelPackageGroupSummaryList"):
        arn = str(group["ModelPackageGroupArn"])
        out.append(ModelRegistry(**_base(arn, "model package group", str(group["ModelPackageGroupName"]))))
        for package in calls.pages(SM, "list_model_packages", "ModelPackageSummaryList",
                                   ModelPackageGroupName=group["ModelPackageGroupName"]):
            parn = str(package["ModelPackageArn"])
            out.append(ModelVersion(**_base(parn, "model package", "/".join(parn.rsplit("/", 2)[-2:])),
                                    approval=_approval(parn, package)))
    for item in calls.pages(SM, "list_pipelines", "PipelineSummaries"):
        arn = str(item["PipelineArn"])
        out.append(Pipeline(**_base(arn, "pipeline", str(item["PipelineName"]))))
    return out
