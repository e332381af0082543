"""Drift between code and cloud: a Terraform or CloudFormation project in tmp_path and a moto
account running the same resources by name; what differs is evidence at both places."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from moto_account import ROLE, serve

from mllens.live.aws_sagemaker import AwsSageMakerReader
from mllens.live.declared import declared_resources
from mllens.live.drift import drift
from mllens.scan.evidence import Evidence

TF = """\
resource "aws_sagemaker_model" "churn" {
  name                     = "churn-model"
  execution_role_arn       = "arn:aws:iam::123456789012:role/sagemaker"
  enable_network_isolation = true
  primary_container {
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"
  }
}

resource "aws_sagemaker_endpoint_configuration" "churn" {
  name = var.config_name
  production_variants {
    variant_name           = "main"
    model_name             = aws_sagemaker_model.churn.name
    initial_instance_count = 2
    instance_type          = "ml.m5.large"
  }
  data_capture_config {
    initial_sampling_percentage = 100
    destination_s3_uri          = "s3://bucket/capture"
    capture_options {
      capture_mode = "Input"
    }
  }
}
"""
VARIABLES = 'variable "config_name" {\n  default = "churn-config"\n}\n'

CFN = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      EndpointConfigName: churn-config
      ProductionVariants:
        - VariantName: main
          ModelName: churn-model
          InitialInstanceCount: 1
          InstanceType: ml.m5.large
"""


def _live(account: Any) -> list[Any]:
    found = AwsSageMakerReader(account).read()
    return [r for group in found.resources.values() for r in group]


def _by_rule(evidence: list[Evidence]) -> dict[str, Evidence]:
    return {e.rule: e for e in evidence}


def test_terraform_declared_with_capture_running_without_is_drift_at_both_places(
    account: Any, tmp_path: Path
) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(TF, encoding="utf-8")
    (tmp_path / "infra" / "variables.tf").write_text(VARIABLES, encoding="utf-8")
    config = serve(account, name="churn", instances=1)  # no capture, one instance, no isolation
    found = _by_rule(drift(declared_resources(tmp_path), _live(account)))
    capture = found["ml_resources.endpoint_data_capture"]
    assert (capture.file, capture.line, capture.outcome) == ("infra/main.tf", 18, "contradicts")
    assert config["EndpointConfigArn"] in capture.message and "data capture on" in capture.message
    assert "with data capture off" in capture.message
    count = found["ml_resources.serving_instance_count"]
    assert (count.file, count.line) == ("infra/main.tf", 15)
    assert "instance count 2" in count.message and "with instance count 1" in count.message
    isolation = found["ml_resources.model_network_isolation"]
    assert (isolation.file, isolation.line) == ("infra/main.tf", 4)
    assert ":model/churn-model" in isolation.message
    assert set(found) == {"ml_resources.endpoint_data_capture", "ml_resources.serving_instance_count",
                          "ml_resources.model_network_isolation"}


def test_the_same_settings_in_code_and_cloud_are_no_drift(account: Any, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TF.replace("enable_network_isolation = true", "vpc_config {}"),
                                      encoding="utf-8")
    (tmp_path / "variables.tf").write_text(VARIABLES, encoding="utf-8")
    sm = account.client("sagemaker")
    serve(account, name="churn", instances=2, capture=True)
    sm.create_model(ModelName="other-model", ExecutionRoleArn=ROLE,
                    PrimaryContainer={"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/m:1"})
    found = drift(declared_resources(tmp_path), _live(account))
    assert [e.rule for e in found] == ["ml_resources.ml_private_networking"]  # declared in a VPC, runs outside


def test_cloudformation_template_is_compared_the_same_way(account: Any, tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(CFN, encoding="utf-8")
    config = serve(account, name="churn", instances=3, capture=True)
    found = drift(declared_resources(tmp_path), _live(account))
    # no DataCaptureConfig: at the resource's line, as the files' own judgement places it
    assert {(e.rule, e.file, e.line) for e in found} == {
        ("ml_resources.endpoint_data_capture", "template.yaml", 3),
        ("ml_resources.serving_instance_count", "template.yaml", 10),
    }
    assert all(config["EndpointConfigArn"] in e.message for e in found)


def test_a_resource_only_in_code_or_only_in_the_account_is_not_compared(account: Any, tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(CFN.replace("churn-config", "other-config"), encoding="utf-8")
    serve(account, name="churn")
    assert drift(declared_resources(tmp_path), _live(account)) == []


def test_a_malformed_file_leaves_the_comparison_going(account: Any, tmp_path: Path) -> None:
    (tmp_path / "broken.tf").write_text('resource "aws_sagemaker_model" "x" {\n  name = \n', encoding="utf-8")
    (tmp_path / "template.yaml").write_text(CFN, encoding="utf-8")
    serve(account, name="churn", capture=True)
    found = drift(declared_resources(tmp_path), _live(account))
    assert {(e.rule, e.file) for e in found} == {("ml_resources.endpoint_data_capture", "template.yaml")}


ENV_TF = """\
resource "aws_sagemaker_endpoint_configuration" "churn" {
  name = "churn-config"
  production_variants {
    variant_name           = "main"
    model_name             = "churn-model"
    initial_instance_count = var.instance_count
    instance_type          = "ml.m5.large"
  }
}
"""


def _per_environment(root: Path) -> None:
    (root / "main.tf").write_text(ENV_TF, encoding="utf-8")
    (root / "variables.tf").write_text('variable "instance_count" {\n  default = 1\n}\n', encoding="utf-8")
    (root / "prod.tfvars").write_text("instance_count = 2\n", encoding="utf-8")


def test_an_account_running_one_environments_value_is_no_drift(account: Any, tmp_path: Path) -> None:
    _per_environment(tmp_path)
    serve(account, name="churn", instances=2)  # what prod.tfvars deploys
    assert drift(declared_resources(tmp_path), _live(account)) == []


def test_a_value_no_environment_declares_is_drift_where_each_is_set(account: Any, tmp_path: Path) -> None:
    _per_environment(tmp_path)
    serve(account, name="churn", instances=3)
    found = drift(declared_resources(tmp_path), _live(account))
    # the environment file sets what is deployed (the declared default is overridden there)
    assert {(e.file, e.line) for e in found} == {("prod.tfvars", 1)}
    assert all("var.instance_count" in e.message and "instance count 3" in e.message for e in found)


CDK = """\
from aws_cdk import Stack
from aws_cdk import aws_sagemaker as sagemaker


class ServingStack(Stack):
    def __init__(self, scope, construct_id):
        super().__init__(scope, construct_id)
        sagemaker.CfnEndpointConfig(
            self, "ChurnConfig",
            endpoint_config_name="churn-config",
            production_variants=[{"modelName": "churn-model", "variantName": "main", "initialInstanceCount": 2}],
            data_capture_config=sagemaker.CfnEndpointConfig.DataCaptureConfigProperty(
                enable_capture=True,
                initial_sampling_percentage=100,
                destination_s3_uri="s3://captures/churn",
            ),
        )
"""


def test_a_cdk_app_is_compared_through_the_same_model(account: Any, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(CDK, encoding="utf-8")
    (tmp_path / "train.py").write_text("import sagemaker\n", encoding="utf-8")  # no CDK: not read
    serve(account, name="churn", instances=2)  # running without capture
    found = drift(declared_resources(tmp_path), _live(account))
    assert {(e.rule, e.file) for e in found} == {("ml_resources.endpoint_data_capture", "app.py")}
    assert {e.line for e in found} == {13}  # enable_capture=True, where the app turns it on


def test_fixtures_and_vendored_templates_are_not_what_the_project_deploys(account: Any, tmp_path: Path) -> None:
    for folder in ("tests/fixtures", "node_modules/pkg"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "template.yaml").write_text(CFN, encoding="utf-8")
    serve(account, name="churn", instances=3, capture=True)
    assert declared_resources(tmp_path) == []
    assert drift(declared_resources(tmp_path), _live(account)) == []
