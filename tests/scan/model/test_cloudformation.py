"""The CloudFormation adapter: YAML and JSON templates into the same kinds as Terraform."""

from __future__ import annotations

import json

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Deployment, Model, MonitoringJob, Notebook, Resource
from mllens.scan.parse import parse

YAML = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: arn
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      KmsKeyId: !Ref Key
      ProductionVariants:
        - ModelName: !GetAtt Model.ModelName
          ServerlessConfig: {MaxConcurrency: 5, MemorySizeInMB: 2048}
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
  Quality:
    Type: AWS::SageMaker::ModelQualityJobDefinition
    Properties:
      NetworkConfig:
        EnableInterContainerTrafficEncryption: true
  Bucket:
    Type: AWS::S3::Bucket
"""


def _state(text: str, kind: str = "yaml", path: str = "template.yaml") -> list[Resource]:
    return list(state_of(ParsedFile(path, kind, text, parse(kind, text))).resources)


def test_resources_keep_their_logical_id_and_type_for_messages() -> None:
    found = [(type(r).__name__, r.name, r.address, r.line) for r in _state(YAML)]
    assert found == [
        ("Model", "Model", "Model (AWS::SageMaker::Model)", 3),
        ("Deployment", "Config", "Config (AWS::SageMaker::EndpointConfig)", 7),
        ("Notebook", "Notebook", "Notebook (AWS::SageMaker::NotebookInstance)", 14),
        ("MonitoringJob", "Quality", "Quality (AWS::SageMaker::ModelQualityJobDefinition)", 18),
        ("DataStore", "Bucket", "Bucket (AWS::S3::Bucket)", 23),
    ]


def test_an_intrinsic_function_is_a_reference_and_an_absent_property_sits_at_the_logical_id() -> None:
    resources = _state(YAML)
    config = next(r for r in resources if isinstance(r, Deployment))
    assert config.key is not None
    assert (config.key.kind, config.key.line, config.key.name) == ("reference", 10, "KmsKeyId")
    notebook = next(r for r in resources if isinstance(r, Notebook))
    assert notebook.root_access is not None
    assert (notebook.root_access.value.kind, notebook.root_access.value.line) == ("absent", 14)
    assert notebook.root_access.value.name == "RootAccess"


def test_a_model_served_only_from_serverless_capacity_is_marked() -> None:
    resources = _state(YAML)
    config = next(r for r in resources if isinstance(r, Deployment))
    assert config.serverless and config.variants[0].serverless.line == 13
    model = next(r for r in resources if isinstance(r, Model))
    assert model.serverless_only


def test_a_job_definition_names_its_purpose() -> None:
    job = next(r for r in _state(YAML) if isinstance(r, MonitoringJob))
    assert job.purpose == "model_quality"
    assert (job.inter_container_encryption.raw, job.inter_container_encryption.line) == (True, 22)


def test_json_templates_find_the_line_of_each_property_in_the_text() -> None:
    template = {"Resources": {"Nb": {"Type": "AWS::SageMaker::NotebookInstance",
                                     "Properties": {"RootAccess": "Disabled", "KmsKeyId": "arn:aws:kms:k"}}}}
    text = json.dumps(template, indent=2)
    notebook = _state(text, "json", "template.json")[0]
    assert isinstance(notebook, Notebook) and notebook.root_access is not None and notebook.key is not None
    lines = text.split("\n")
    assert '"RootAccess"' in lines[notebook.root_access.value.line - 1]
    assert '"KmsKeyId"' in lines[notebook.key.line - 1]
    assert notebook.key.kind == "literal"


def test_a_file_that_is_not_a_template_maps_to_nothing() -> None:
    assert _state("name: build\nsteps: []\n") == []


SCALING = """\
Resources:
  Target:
    Type: AWS::ApplicationAutoScaling::ScalableTarget
    Properties:
      ServiceNamespace: sagemaker
      ResourceId: endpoint/churn/variant/AllTraffic
      MinCapacity: 1
      MaxCapacity: 4
  ByRef:
    Type: AWS::ApplicationAutoScaling::ScalingPolicy
    Properties:
      PolicyType: TargetTrackingScaling
      ScalingTargetId: !Ref Target
  ById:
    Type: AWS::ApplicationAutoScaling::ScalingPolicy
    Properties:
      PolicyType: StepScaling
      ResourceId: endpoint/churn/variant/AllTraffic
  Features:
    Type: AWS::SageMaker::FeatureGroup
    Properties:
      OnlineStoreConfig:
        EnableOnlineStore: false
        SecurityConfig: {KmsKeyId: alias/features}
"""


def test_a_scaling_policy_names_its_target_by_ref_or_resource_id() -> None:
    from mllens.scan.model.kinds import FeatureStore, ScalingPolicy

    found = _state(SCALING)
    policies = {r.name: r for r in found if isinstance(r, ScalingPolicy)}
    assert (policies["ByRef"].target.raw, policies["ByRef"].target.name) == ({"Ref": "Target"}, "ScalingTargetId")
    assert (policies["ById"].target.raw, policies["ById"].target.line) == ("endpoint/churn/variant/AllTraffic", 18)
    store = next(r for r in found if isinstance(r, FeatureStore))
    assert store.offline_only and store.key is None  # no online store: its key is not judged
