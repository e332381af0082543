"""The SageMaker live reader on a moto account, judged by the resource model's judgements:
evidence at each resource's ARN, no line."""

from __future__ import annotations

from typing import Any

from moto_account import serve

from mllens.live.aws_sagemaker import AwsSageMakerReader
from mllens.live.judge import judge
from mllens.scan.evidence import Evidence


def evidence(session: Any) -> list[Evidence]:
    found, _ = judge(AwsSageMakerReader(session).read())
    return found


def at(found: list[Evidence], rule: str, file: str) -> set[tuple[str, str, str]]:
    return {(e.practice, e.check, e.outcome) for e in found if e.rule == rule and e.file == file}


def test_an_endpoint_config_without_data_capture_is_a_gap_at_its_arn(account: Any) -> None:
    config = serve(account, name="churn")
    found = evidence(account)
    arn = config["EndpointConfigArn"]
    assert at(found, "ml_resources.endpoint_data_capture", arn) == {
        ("MLOPS06-BP02", "endpoint_data_capture", "contradicts"), ("MLPERF06-BP04", "data_capture", "contradicts")}
    gap = next(e for e in found if e.rule == "ml_resources.endpoint_data_capture")
    assert gap.line is None and gap.message == "endpoint config churn-config has no DataCaptureConfig"
    # a single instance is judged at the same place
    assert at(found, "ml_resources.serving_instance_count", arn) == {
        ("MLREL05-BP01", "multiple_instances", "contradicts")}


def test_two_instances_captured_and_autoscaled_support(account: Any) -> None:
    config = serve(account, name="fraud", instances=2, capture=True)
    scaling = account.client("application-autoscaling")
    scaling.register_scalable_target(ServiceNamespace="sagemaker", ResourceId="endpoint/fraud/variant/main",
                                     ScalableDimension="sagemaker:variant:DesiredInstanceCount",
                                     MinCapacity=2, MaxCapacity=6)
    found = evidence(account)
    arn = config["EndpointConfigArn"]
    assert {o for _, _, o in at(found, "ml_resources.endpoint_data_capture", arn)} == {"supports"}
    assert at(found, "ml_resources.serving_instance_count", arn) == {("MLREL05-BP01", "multiple_instances",
                                                                       "supports")}
    scaled = [e for e in found if e.rule == "ml_resources.endpoint_autoscaling"]
    assert {e.outcome for e in scaled} == {"supports"}
    # at the scalable target's own ARN, named in the message by the variant it scales
    assert all(":scalable-target/" in e.file and e.line is None for e in scaled)
    assert all("endpoint/fraud/variant/main" in e.message for e in scaled)


def test_a_max_capacity_at_its_minimum_contradicts_autoscaling(account: Any) -> None:
    serve(account, name="fixed", instances=2, capture=True)
    account.client("application-autoscaling").register_scalable_target(
        ServiceNamespace="sagemaker", ResourceId="endpoint/fixed/variant/main",
        ScalableDimension="sagemaker:variant:DesiredInstanceCount", MinCapacity=2, MaxCapacity=2)
    found = [e for e in evidence(account) if e.rule == "ml_resources.endpoint_autoscaling"]
    assert {(e.practice, e.outcome) for e in found} == {("MLREL05-BP01", "contradicts"),
                                                        ("MLCOST05-BP03", "contradicts")}
    assert "MaxCapacity 2 <= MinCapacity 2" in found[0].message


def test_a_model_outside_a_vpc_and_an_endpoint_alarm(account: Any) -> None:
    serve(account, name="churn", instances=2, capture=True)
    account.client("cloudwatch").put_metric_alarm(
        AlarmName="churn-latency", Namespace="AWS/SageMaker", MetricName="ModelLatency", Statistic="Average",
        Period=60, EvaluationPeriods=1, Threshold=500.0, ComparisonOperator="GreaterThanThreshold",
        Dimensions=[{"Name": "EndpointName", "Value": "churn"}])
    found = evidence(account)
    model = next(e for e in found if e.rule == "ml_resources.ml_private_networking")
    assert model.file.endswith(":model/churn-model") and model.outcome == "contradicts"
    alarms = [e for e in found if e.rule == "ml_resources.ml_alarms"]
    assert {(e.check, e.outcome) for e in alarms} >= {("serving_alarms", "supports")}
    assert all(e.file.endswith(":alarm:churn-latency") for e in alarms)


def test_every_piece_of_live_evidence_names_an_arn_and_no_line(account: Any) -> None:
    serve(account, name="churn")
    found = evidence(account)
    assert found
    assert all(e.file.startswith("arn:aws:") and e.line is None for e in found)


ROLE = "arn:aws:iam::123456789012:role/sagemaker"


def test_notebook_instances_root_access_and_network(account: Any) -> None:
    sm = account.client("sagemaker")
    sm.create_notebook_instance(NotebookInstanceName="open", InstanceType="ml.t3.medium", RoleArn=ROLE,
                                DirectInternetAccess="Enabled", RootAccess="Enabled")
    sm.create_notebook_instance(NotebookInstanceName="closed", InstanceType="ml.t3.medium", RoleArn=ROLE,
                                DirectInternetAccess="Disabled", RootAccess="Disabled", SubnetId="subnet-1",
                                SecurityGroupIds=["sg-1"], KmsKeyId="arn:aws:kms:us-east-1:123456789012:key/k")
    found = evidence(account)
    arn = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/"
    for rule in ("ml_resources.notebook_root_access", "ml_resources.ml_private_networking",
                 "ml_resources.ml_resource_cmk"):
        assert {o for _, _, o in at(found, rule, arn + "open")} == {"contradicts"}, rule
        assert {o for _, _, o in at(found, rule, arn + "closed")} == {"supports"}, rule


def test_a_recent_training_job_on_spot_with_encrypted_traffic(account: Any) -> None:
    account.client("sagemaker").create_training_job(
        TrainingJobName="train", RoleArn=ROLE, AlgorithmSpecification={"TrainingImage": "img",
                                                                       "TrainingInputMode": "File"},
        OutputDataConfig={"S3OutputPath": "s3://bucket/out"}, StoppingCondition={"MaxRuntimeInSeconds": 600},
        ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 2, "VolumeSizeInGB": 10},
        EnableManagedSpotTraining=True, EnableInterContainerTrafficEncryption=True,
        CheckpointConfig={"S3Uri": "s3://bucket/checkpoints"})
    found = evidence(account)
    arn = "arn:aws:sagemaker:us-east-1:123456789012:training-job/train"
    assert at(found, "ml_resources.spot_compute", arn) == {("MLCOST04-BP06", "spot_training", "supports"),
                                                           ("MLCOST04-BP10", "checkpointing", "supports")}
    assert {o for _, _, o in at(found, "ml_resources.training_inter_node_encryption", arn)} == {"supports"}
    assert {o for _, _, o in at(found, "ml_resources.training_private_network", arn)} == {"contradicts"}


def test_registry_approval_judges_only_a_waiting_package(account: Any) -> None:
    sm = account.client("sagemaker")
    sm.create_model_package_group(ModelPackageGroupName="churn")
    spec = {"Containers": [{"Image": "img"}], "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"]}
    sm.create_model_package(ModelPackageGroupName="churn", ModelApprovalStatus="PendingManualApproval",
                            InferenceSpecification=spec)
    sm.create_model_package(ModelPackageGroupName="churn", ModelApprovalStatus="Approved",
                            InferenceSpecification=spec)
    found = [e for e in evidence(account) if e.rule == "ml_resources.registry_approval"]
    # an approved package may have been reviewed since it was registered: the account cannot say
    assert {(e.file.rsplit(":", 1)[-1], e.check, e.outcome) for e in found} == {
        ("model-package-group/churn", "model_registry", "supports"),
        ("model-package/churn/1", "model_approval", "supports")}
