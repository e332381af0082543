"""boto3 SageMaker client calls read statically into the resource model."""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Deployment, Model, ModelVersion, TrainingJob
from mllens.scan.model.state import State
from mllens.scan.parse import parse

CODE = """\
import boto3

session = boto3.Session()
sm = session.client("sagemaker")
CAPTURE = {"EnableCapture": True, "InitialSamplingPercentage": 20, "DestinationS3Uri": "s3://b/c"}
request = {"ModelName": "m", "VpcConfig": {"Subnets": ["s"], "SecurityGroupIds": ["g"]}}
sm.create_model(**request)
sm.create_endpoint_config(
    EndpointConfigName="cfg",
    KmsKeyId=key_arn,
    ProductionVariants=[{"VariantName": "a", "InitialInstanceCount": 2, "InstanceType": "ml.m5.large"}],
    DataCaptureConfig=CAPTURE,
)
boto3.client("sagemaker").create_training_job(
    TrainingJobName="t",
    ResourceConfig={"InstanceCount": 2, "VolumeKmsKeyId": "k"},
    EnableManagedSpotTraining=True,
)
sm.create_model_package(ModelPackageGroupName="g", ModelApprovalStatus="PendingManualApproval")
boto3.client("s3").create_bucket(Bucket="not-sagemaker")
"""


def _state() -> State:
    return state_of(ParsedFile("deploy.py", "python", CODE, parse("python", CODE)))


def test_requests_take_the_cloudformation_mapping_with_their_lines() -> None:
    state = _state()
    (model,) = state.of(Model)
    assert model.vpc is not None and model.vpc.written and model.address == "create_model m"  # a ** dict followed
    (config,) = state.of(Deployment)
    assert (config.syntax, config.scripted, config.line) == ("python", True, 8)
    assert config.key is not None and config.key.kind == "reference"  # a name the module never binds
    assert config.variants[0].instance_count.as_int() == 2
    assert config.capture is not None and config.capture.enabled.as_bool() is True
    assert [v.approval.raw for v in state.of(ModelVersion)] == ["PendingManualApproval"]


def test_a_training_request_and_only_sagemaker_clients() -> None:
    state = _state()
    (job,) = state.of(TrainingJob)
    assert job.instance_count is not None and (job.instance_count.as_int(), job.instance_count.line) == (2, 16)
    assert job.key is not None and job.key.raw == "k"
    assert job.spot is not None and job.spot.line == 17
    assert len(state.resources) == 4  # the S3 client's call is not read here
