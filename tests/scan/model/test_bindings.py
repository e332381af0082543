"""What references resolve to: Terraform variables and locals (defaults, tfvars per
environment), CloudFormation parameters (Defaults, parameter files bound to a template)."""

from __future__ import annotations

from mllens.scan.context import Bound, ParsedFile
from mllens.scan.model import Value, state_of
from mllens.scan.model.bindings_text import env_name
from mllens.scan.model.kinds import Deployment, Notebook
from mllens.scan.parse import parse

ENDPOINT_TF = """\
resource "aws_sagemaker_endpoint_configuration" "ep" {
  kms_key_arn = var.key
  production_variants {
    model_name             = "m"
    instance_type          = "ml.${var.family}.${local.size}"
    initial_instance_count = var.instance_count
  }
}
"""
VARIABLES_TF = """\
variable "instance_count" {
  default = 1
}

variable "family" {
  default = "m5"
}

variable "key" {
  default = null
}

locals {
  size  = "xlarge"
  count = var.instance_count
}
"""


def _tf(text: str, *sources: tuple[str, str], path: str = "infra/main.tf") -> ParsedFile:
    return ParsedFile(path, "terraform", text, parse("terraform", text), bound=Bound(tuple(sources)))


def _variant(file: ParsedFile) -> tuple[Deployment, Value, Value]:
    deployment = next(state_of(file).of(Deployment))
    variant = deployment.variants[0]
    return deployment, variant.instance_count, variant.instance_type


def _cases(value: Value) -> list[tuple[object, tuple[str, ...], str]]:
    """(value, environments, where it is set) of each resolution."""
    return [(v.raw, v.envs, f"{v.file}:{v.line}") for v in value.each()]


def test_environment_names_come_from_the_folder_or_the_file_name() -> None:
    assert env_name("infra", "infra/envs/staging/terraform.tfvars") == "staging"
    assert env_name("infra", "infra/environments/dev.auto.tfvars") == "dev"
    assert env_name("infra", "infra/prod.tfvars") == "prod"
    assert env_name("infra", "infra/terraform.tfvars") is None  # loaded on every run: a base
    assert env_name("", "prod-config.json") == "prod"
    assert env_name("cfn", "cfn/params/staging.json") == "staging"
    assert env_name("cfn", "cfn/envs/prod/parameters.json") == "prod"
    assert env_name("cfn", "cfn/endpoint-prod.json", strip="endpoint") == "prod"


def test_default_only_is_one_value_marked_as_a_default() -> None:
    file = _tf(ENDPOINT_TF, ("infra/variables.tf", VARIABLES_TF))
    _, count, kind = _variant(file)
    assert count.kind == "reference" and count.raw == "${var.instance_count}"  # as written
    [one] = count.each()  # located where the value is set, read at the attribute
    assert (one.raw, one.as_int(), one.file, one.line, one.name) == (
        1,
        1,
        "infra/variables.tf",
        2,
        "initial_instance_count",
    )
    assert one.note == " [default of var.instance_count, read at infra/main.tf:6]"
    assert one.trust < 1.0
    # a string of references: each resolved and put in its place
    assert [v.raw for v in kind.each()] == ["ml.m5.xlarge"]


def test_tfvars_per_environment_one_value_per_distinct_result() -> None:
    staging = ("infra/envs/staging/terraform.tfvars", "# small\ninstance_count = 1\n")
    prod = ("infra/envs/prod/terraform.tfvars", 'family = "c7g"\ninstance_count = 2\n')
    qa = ("infra/envs/qa/terraform.tfvars", "instance_count = 1\n")
    _, count, kind = _variant(_tf(ENDPOINT_TF, ("infra/variables.tf", VARIABLES_TF), staging, prod, qa))
    assert _cases(count) == [  # one per value and place that sets it
        (2, ("prod",), "infra/envs/prod/terraform.tfvars:2"),
        (1, ("qa",), "infra/envs/qa/terraform.tfvars:1"),
        (1, ("staging",), "infra/envs/staging/terraform.tfvars:2"),
    ]
    assert all(v.trust == 1.0 for v in count.each())
    assert count.each()[0].note == " in prod [var.instance_count, read at infra/main.tf:6]"
    # prod sets the family; qa and staging keep the default
    assert {v.raw: v.envs for v in kind.each()} == {"ml.c7g.xlarge": ("prod",), "ml.m5.xlarge": ("qa", "staging")}


def test_an_environment_that_does_not_set_a_variable_gets_the_base_then_the_default() -> None:
    base = ("infra/terraform.tfvars", "instance_count = 3\n")
    dev = ("infra/dev.tfvars", 'family = "g5"\n')
    _, count, _ = _variant(_tf(ENDPOINT_TF, ("infra/variables.tf", VARIABLES_TF), base, dev))
    assert _cases(count) == [(3, ("dev",), "infra/terraform.tfvars:1")]
    _, count, _ = _variant(_tf(ENDPOINT_TF, ("infra/variables.tf", VARIABLES_TF), dev))
    assert _cases(count) == [(1, ("dev",), "infra/variables.tf:2")]
    assert count.each()[0].note == " in dev [default of var.instance_count, read at infra/main.tf:6]"


def test_tfvars_json_and_nested_keys() -> None:
    prod = ("infra/prod.tfvars.json", '{\n  "tags": {"instance_count": 9},\n  "instance_count": 4\n}\n')
    nested = ("infra/dev.tfvars", "tags = {\n  instance_count = 9\n}\ninstance_count = 2\n")
    _, count, _ = _variant(_tf(ENDPOINT_TF, ("infra/variables.tf", VARIABLES_TF), prod, nested))
    assert [(v.raw, v.line) for v in count.each()] == [(2, 4), (4, 3)]


def test_unresolved_references_stay_references() -> None:
    no_default = 'variable "instance_count" {\n  type = number\n}\n'
    file = _tf(ENDPOINT_TF, ("infra/variables.tf", no_default), ("infra/dev.tfvars", 'region = "x"\n'))
    _, count, kind = _variant(file)
    assert count.each() == (count,) and count.note == "" and count.trust == 1.0
    assert kind.each() == (kind,)  # one of its references has no value
    # a null default is the caller's to fill ("optional key"): not a missing key
    file = _tf(ENDPOINT_TF, ("infra/variables.tf", VARIABLES_TF))
    assert next(state_of(file).of(Deployment)).key.each()[0].kind == "reference"  # type: ignore[union-attr]
    # an expression besides references is not computed
    other = ENDPOINT_TF.replace("var.instance_count", "var.instance_count + 1")
    assert _variant(_tf(other, ("infra/variables.tf", VARIABLES_TF)))[1].each()[0].kind == "reference"


def test_locals_and_a_file_own_variables() -> None:
    text = VARIABLES_TF + ENDPOINT_TF.replace("var.instance_count", "local.count")
    _, count, kind = _variant(_tf(text))
    note = " [default of var.instance_count, read at infra/main.tf:22]"  # through local.count
    assert [(v.raw, v.note) for v in count.each()] == [(1, note)]
    assert [v.raw for v in kind.each()] == ["ml.m5.xlarge"]


TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  RootAccess:
    Type: String
    Default: Enabled
  Subnet:
    Type: String
Resources:
  Nb:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      RootAccess: !Ref RootAccess
      SubnetId: !Ref Subnet
      KmsKeyId: !Ref AWS::NoValue
"""


def _cfn(
    text: str, *sources: tuple[str, str], path: str = "cfn/notebook.yaml", siblings: tuple[str, ...] = ()
) -> Notebook:
    kind = "json" if path.endswith(".json") else "yaml"
    file = ParsedFile(path, kind, text, parse(kind, text), bound=Bound(tuple(sources), siblings))
    return next(state_of(file).of(Notebook))


def _root(notebook: Notebook) -> list[tuple[object, tuple[str, ...], int]]:
    assert notebook.root_access is not None
    return [(v.raw, v.envs, v.line) for v in notebook.root_access.value.each()]


def test_parameter_default_and_the_three_parameter_file_shapes() -> None:
    assert _root(_cfn(TEMPLATE)) == [("Enabled", (), 5)]
    prod = ("cfn/prod-config.json", '{\n  "Parameters": {\n    "RootAccess": "Disabled"\n  }\n}\n')
    dev = ("cfn/params/dev.json", '[\n  {"ParameterKey": "RootAccess",\n   "ParameterValue": "Enabled"}\n]\n')
    qa = ("cfn/qa.json", '["RootAccess=Disabled", "Subnet=subnet-1"]\n')
    assert _root(_cfn(TEMPLATE, prod, dev, qa)) == [
        ("Enabled", ("dev",), 3),
        ("Disabled", ("prod",), 3),
        ("Disabled", ("qa",), 1),
    ]
    notebook = _cfn(TEMPLATE, qa)
    assert notebook.subnet is not None and [v.raw for v in notebook.subnet.each()] == ["subnet-1"]
    assert notebook.key is not None and notebook.key.each() == (notebook.key,)  # a pseudo parameter


def test_a_parameter_file_applies_to_its_own_template_only() -> None:
    others = ("cfn/notebook.yaml", "cfn/training.yaml")
    named_other = ("cfn/training-prod.json", '{"Parameters": {"RootAccess": "Disabled"}}')
    undeclared = ("cfn/extra.json", '{"Parameters": {"RootAccess": "Disabled", "Image": "x"}}')
    assert _root(_cfn(TEMPLATE, named_other, undeclared, siblings=others)) == [("Enabled", (), 5)]
    named_mine = ("cfn/notebook-prod.json", '{"Parameters": {"RootAccess": "Disabled", "Image": "x"}}')
    assert _root(_cfn(TEMPLATE, named_mine, siblings=others)) == [("Disabled", ("prod",), 1)]
    # a JSON that is not a parameter file, and a template's own Parameters section, are neither
    template_json = ("cfn/other.json", '{"Parameters": {"RootAccess": {"Type": "String"}}, "Resources": {}}')
    data = ("cfn/rows.json", '[{"a": 1}]')
    assert _root(_cfn(TEMPLATE, template_json, data)) == [("Enabled", (), 5)]


def test_json_template_default_lines() -> None:
    text = (
        '{\n  "Parameters": {\n    "RootAccess": {\n      "Type": "String",\n      "Default": "Disabled"\n    }\n'
        '  },\n  "Resources": {\n    "Nb": {\n      "Type": "AWS::SageMaker::NotebookInstance",\n'
        '      "Properties": {"RootAccess": {"Ref": "RootAccess"}}\n    }\n  }\n}\n'
    )
    assert _root(_cfn(text, path="cfn/notebook.json")) == [("Disabled", (), 5)]


def test_sam_config_environments() -> None:
    config = (
        "version = 0.1\n[default.deploy.parameters]\nstack_name = 'x'\n"
        "[prod.deploy.parameters]\nparameter_overrides = \"RootAccess=Disabled Subnet='subnet 1'\"\n"
        "[qa.deploy.parameters]\nparameter_overrides = [\"RootAccess=Enabled\", \"Unknown=1\"]\n"
    )
    notebook = _cfn(TEMPLATE, ("cfn/samconfig.toml", config))
    assert _root(notebook) == [("Disabled", ("prod",), 5)]  # qa sets a parameter the template lacks
    assert notebook.subnet is not None and [v.raw for v in notebook.subnet.each()] == ["subnet 1"]
