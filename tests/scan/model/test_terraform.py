"""The Terraform adapter: blocks into the model's kinds, each value with its line and kind."""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Deployment, Key, Model, Network, Notebook, Resource, Trigger, Workspace
from mllens.scan.parse import parse

TF = """\
resource "aws_sagemaker_model" "m" {
  name = "m"
}

resource "aws_sagemaker_endpoint_configuration" "cfg" {
  kms_key_arn = var.key
  production_variants {
    model_name             = aws_sagemaker_model.m.name
    instance_type          = "ml.m4.xlarge"
    initial_instance_count = 2
  }
}

resource "aws_sagemaker_notebook_instance" "nb" {
  root_access = "Disabled"
}

resource "google_workbench_instance" "wb" {
  gce_setup {
    metadata = { notebook-disable-root = "true" }
  }
}

resource "azurerm_machine_learning_workspace" "ws" {
  public_network_access_enabled = false
}

resource "aws_sagemaker_code_repository" "repo" {
}

resource "aws_s3_bucket" "data" {
}
"""


def _state() -> list[Resource]:
    file = ParsedFile("infra/main.tf", "terraform", TF, parse("terraform", TF))
    return list(state_of(file).resources)


def test_each_mapped_block_becomes_one_resource_of_its_kind_in_file_order() -> None:
    kinds = [(type(r).__name__, r.address) for r in _state()]
    assert kinds == [
        ("Model", "aws_sagemaker_model.m"),
        ("Deployment", "aws_sagemaker_endpoint_configuration.cfg"),
        ("Notebook", "aws_sagemaker_notebook_instance.nb"),
        ("Notebook", "google_workbench_instance.wb"),
        ("Workspace", "azurerm_machine_learning_workspace.ws"),
        ("Resource", "aws_sagemaker_code_repository.repo"),  # an ML type no kind reads: kept as ML
        ("DataStore", "aws_s3_bucket.data"),
    ]
    assert all(r.syntax == "terraform" and r.file == "infra/main.tf" for r in _state())
    assert [r.ml for r in _state()] == [True] * 6 + [False]  # a bucket is not one of the ML service's own


def test_a_key_from_a_variable_is_a_reference_on_its_own_line() -> None:
    config = next(r for r in _state() if isinstance(r, Deployment))
    assert config.key is not None
    assert (config.key.kind, config.key.line, config.key.name) == ("reference", 6, "kms_key_arn")
    variant = config.variants[0]
    assert (variant.instance_type.raw, variant.instance_type.line) == ("ml.m4.xlarge", 9)
    assert (variant.instance_count.as_int(), variant.instance_count.line) == (2, 10)
    assert not variant.serverless.written and not config.serverless


def test_an_unwritten_attribute_is_absent_at_the_line_of_its_holder() -> None:
    config = next(r for r in _state() if isinstance(r, Deployment))
    assert config.capture is not None
    assert (config.capture.block.kind, config.capture.block.line) == ("absent", 5)
    model = next(r for r in _state() if isinstance(r, Model))
    assert model.vpc is not None and not model.vpc.written and model.vpc.line == 1
    assert not model.serverless_only  # served by an instance-based configuration


def test_the_same_setting_is_read_from_each_provider_with_its_safe_spelling() -> None:
    notebooks = [r for r in _state() if isinstance(r, Notebook)]
    aws, google = (n.root_access for n in notebooks)
    assert aws is not None and google is not None
    assert (aws.value.raw, aws.value.line, aws.safe) == ("Disabled", 15, ("Disabled",))
    assert (google.value.raw, google.value.name, google.safe, google.unset_confidence) == (
        "true", "metadata notebook-disable-root", ("true",), 0.6)
    workspace = next(r for r in _state() if isinstance(r, Workspace))
    assert workspace.public_access is not None and workspace.public_access.value.raw is False
    # Azure ML's managed network: only approved outbound traffic is safe; unset is not judged
    assert workspace.vpc_only is not None and not workspace.vpc_only.value.written
    assert (workspace.vpc_only.safe, workspace.vpc_only.unset_confidence) == (("AllowOnlyApprovedOutbound",), None)
    assert workspace.provider == "azure" and workspace.service == "Azure Machine Learning"


def test_the_mapping_is_built_once_per_file() -> None:
    file = ParsedFile("main.tf", "terraform", TF, parse("terraform", TF))
    assert state_of(file) is state_of(file)


PLATFORM = """\
resource "aws_kms_key" "k" {
  enable_key_rotation = true
}

resource "google_kms_crypto_key" "g" {
  rotation_period = "7776000s"
}

resource "aws_cloudwatch_event_rule" "nightly" {
  schedule_expression = "cron(0 2 * * ? *)"
}

resource "aws_cloudwatch_event_rule" "other" {
  schedule_expression = "rate(1 day)"
}

resource "aws_cloudwatch_event_target" "t" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = aws_sagemaker_pipeline.train.arn
}

resource "azurerm_private_endpoint" "pe" {
  private_service_connection {
    subresource_names = ["amlworkspace"]
  }
}
"""


def _platform() -> list[Resource]:
    return list(state_of(ParsedFile("p.tf", "terraform", PLATFORM, parse("terraform", PLATFORM))).resources)


def test_keys_carry_rotation_as_a_switch_or_a_schedule_by_provider() -> None:
    aws, google = (r for r in _platform() if isinstance(r, Key))
    assert aws.rotation is not None and aws.rotation.value.line == 2 and aws.rotation.unset_confidence == 0.9
    assert aws.rotation_schedule is None
    assert google.rotation is None and google.rotation_schedule is not None
    assert (google.rotation_schedule.raw, google.rotation_schedule.line) == ("7776000s", 6)


def test_an_event_rule_starts_a_pipeline_only_when_a_target_of_this_file_names_it() -> None:
    triggers = {r.name: r for r in _platform() if isinstance(r, Trigger)}
    assert triggers["nightly"].starts_pipeline and not triggers["other"].starts_pipeline
    assert triggers["nightly"].schedule.line == 10


def test_a_private_endpoint_keeps_its_connection_text() -> None:
    network = next(r for r in _platform() if isinstance(r, Network))
    assert "amlworkspace" in network.connection and network.reaches is None


SCALING = """\
resource "aws_appautoscaling_target" "variant" {
  service_namespace = "sagemaker"
  resource_id       = "endpoint/churn/variant/primary"
  min_capacity      = 1
  max_capacity      = 4
}

resource "aws_appautoscaling_policy" "invocations" {
  policy_type = "TargetTrackingScaling"
  resource_id = aws_appautoscaling_target.variant.resource_id
  target_tracking_scaling_policy_configuration {
    target_value = 700
    predefined_metric_specification {
      predefined_metric_type = "SageMakerVariantInvocationsPerInstance"
    }
  }
}

resource "aws_sagemaker_feature_group" "customers" {
  online_store_config {
    enable_online_store = true
    security_config {
      kms_key_id = var.key
    }
  }
}
"""


def test_a_scaling_policy_names_its_target_and_a_feature_group_its_online_store() -> None:
    from mllens.scan.model.kinds import FeatureStore, ScalingPolicy, ScalingTarget

    found = list(state_of(ParsedFile("scaling.tf", "terraform", SCALING, parse("terraform", SCALING))).resources)
    target = next(r for r in found if isinstance(r, ScalingTarget))
    assert target.resource_id is not None
    assert (target.resource_id.raw, target.resource_id.line) == ("endpoint/churn/variant/primary", 3)
    policy = next(r for r in found if isinstance(r, ScalingPolicy))
    assert "aws_appautoscaling_target.variant.resource_id" in str(policy.target.raw) and policy.target.line == 10
    assert (policy.policy_type.raw, policy.target_value and policy.target_value.raw) == ("TargetTrackingScaling", 700)
    assert policy.metric is not None and policy.metric.raw == "SageMakerVariantInvocationsPerInstance"
    store = next(r for r in found if isinstance(r, FeatureStore))
    assert store.online is not None and (store.online.raw, store.online.line) == (True, 21)
    assert not store.offline_only and store.key is not None and store.key.line == 23
