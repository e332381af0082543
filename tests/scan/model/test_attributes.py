"""The attribute table and the attributes rules declare (`reads:`), applied by the adapters."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mllens.errors import InputError
from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import MISSING
from mllens.scan.model import cloudformation, kinds, kinds_platform, state_of, terraform
from mllens.scan.model.attributes import TABLE
from mllens.scan.model.attributes_read import declared_reads, fields_for, with_declared
from mllens.scan.model.bicep import BicepReader, resources
from mllens.scan.model.kinds import Model, MonitoringJob, Notebook, Resource, Workspace
from mllens.scan.model.values import Switch, Value
from mllens.scan.parse import parse
from mllens.scan.registry import Family, FamilyMeta, Rule, RuleMeta, families
from mllens.validation import validate_model

TF = """\
resource "aws_sagemaker_notebook_instance" "nb" {
  kms_key_id  = "arn:aws:kms:eu-west-1:111122223333:key/k"
  root_access = "Disabled"
}

resource "aws_sagemaker_model" "m" {
  enable_network_isolation = true
  primary_container {
    mode = "SingleModel"
  }
  container {
    mode = "MultiModel"
  }
}

resource "aws_sagemaker_model" "open" {
  name = "open"
}
"""

CFN = """\
Resources:
  Bias:
    Type: AWS::SageMaker::ModelBiasJobDefinition
    Properties:
      NetworkConfig:
        EnableInterContainerTrafficEncryption: true
  Isolated:
    Type: AWS::SageMaker::Model
    Properties:
      EnableNetworkIsolation: false
  Open:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: arn
"""


def _resources(path: str, kind: str, text: str) -> list[Resource]:
    return list(state_of(ParsedFile(path, kind, text, parse(kind, text))).resources)


def test_a_plain_attribute_keeps_the_value_line_and_name_the_adapter_wrote() -> None:
    nb = next(r for r in _resources("main.tf", "terraform", TF) if isinstance(r, Notebook))
    assert nb.key == Value("arn:aws:kms:eu-west-1:111122223333:key/k", "main.tf", 2, "kms_key_id")
    assert nb.root_access == Switch(Value("Disabled", "main.tf", 3, "root_access"), ("Disabled",))
    assert nb.subnet == Value(MISSING, "main.tf", 1, "subnet_id")  # absent at the resource's line
    assert nb.idle_timeout is None  # a field the type does not map stays None (not judged)


def test_items_of_several_blocks_are_read_in_order_each_at_its_own_line() -> None:
    model = next(r for r in _resources("main.tf", "terraform", TF) if isinstance(r, Model))
    assert [(v.raw, v.line, v.name) for v in model.container_modes] == [("SingleModel", 9, "mode"),
                                                                         ("MultiModel", 12, "mode")]


def test_a_glob_type_maps_every_type_it_matches() -> None:
    job = next(r for r in _resources("t.yaml", "yaml", CFN) if isinstance(r, MonitoringJob))
    assert (job.inter_container_encryption.raw, job.inter_container_encryption.line) == (True, 6)
    assert job.purpose == "model_bias"


def test_an_attribute_a_rule_declares_is_read_from_each_syntax_it_names() -> None:
    # ml_resources.model_network_isolation declares Model.network_isolation in its metadata
    tf_models = [r for r in _resources("main.tf", "terraform", TF) if isinstance(r, Model)]
    assert [(m.name, m.attr("network_isolation")) for m in tf_models] == [
        ("m", Value(True, "main.tf", 7, "enable_network_isolation")),
        ("open", Value(MISSING, "main.tf", 16, "enable_network_isolation")),
    ]
    cfn_models = [r for r in _resources("t.yaml", "yaml", CFN) if isinstance(r, Model)]
    assert [(m.name, m.attr("network_isolation")) for m in cfn_models] == [
        ("Isolated", Value(False, "t.yaml", 10, "EnableNetworkIsolation")),
        ("Open", Value(MISSING, "t.yaml", 11, "EnableNetworkIsolation")),  # absent: at the logical id
    ]
    notebook = next(r for r in _resources("main.tf", "terraform", TF) if isinstance(r, Notebook))
    assert notebook.attr("network_isolation") is None  # no kind or type declares it here
    assert tf_models[0].attr("no_such_attribute") is None


def test_every_type_in_the_table_is_one_an_adapter_maps() -> None:
    mapped = {*terraform._MAPPERS, *cloudformation._MAPPERS, "aws_sagemaker_model", "AWS::SageMaker::Model",
              "aws_cloudwatch_event_rule"}  # the last three are mapped before the table of mappers
    for key, by_type in TABLE.items():
        assert set(by_type) <= mapped, key
        kind = getattr(kinds, key.split(".")[0], None) or getattr(kinds_platform, key.split(".")[0])
        assert fields_for(kind, next(iter(by_type)))[0]  # compiled: the kind has the field


def _family(name: str, **reads: dict[str, dict[str, str]]) -> Family:
    meta = validate_model(FamilyMeta, {"family": name, "description": "a family under test", "kinds": ["terraform"],
                                       "rules": {}}, file=f"{name}.yaml")
    maps = [{"practice": "MLSEC03-BP02", "check": "private_networking"}]
    rules = tuple(
        Rule(id=f"{name}.{rule}", family=name, name=rule, scope="file", func=print, meta=RuleMeta(
            title="A rule under test", confidence=0.5, maps=maps, outcomes=["supports"], why="only for this test",
            how="only for this test", reads=declared))
        for rule, declared in reads.items())  # fmt: skip
    return Family(name=name, meta=meta, rules=rules)


def test_two_rules_may_declare_one_attribute_alike() -> None:
    same = {"Model.isolation": {"aws_sagemaker_model": "enable_network_isolation"}}
    table = declared_reads([_family("fam", one=same, two=same)])
    assert [(attr, spec.paths) for attr, spec in table["Model"]["aws_sagemaker_model"]] == [
        ("isolation", ("enable_network_isolation",))]


@pytest.mark.parametrize(("reads", "message"), [
    ({"Modle.isolation": {"aws_sagemaker_model": "x"}}, "expected Kind.attribute with a kind of the model"),
    ({"Metric.isolation": {"aws_sagemaker_model": "x"}}, "expected Kind.attribute with a kind of the model"),
    ({"Model.vpc": {"aws_sagemaker_model": "vpc_config"}}, "Model.vpc is a typed attribute of Model"),
    ({"Model.attr": {"aws_sagemaker_model": "x"}}, "Model.attr is a typed attribute of Model"),
])  # fmt: skip
def test_a_bad_declaration_names_the_family_file_and_the_rule(reads: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)) as err:
        declared_reads([_family("fam", one=reads)])
    assert (err.value.file, err.value.field) == ("fam.yaml", f"rules.one.reads.{next(iter(reads))}")


def test_two_rules_that_read_one_attribute_from_different_places_are_refused() -> None:
    one = {"Model.isolation": {"aws_sagemaker_model": "enable_network_isolation"}}
    two = {"Model.isolation": {"aws_sagemaker_model": "network_isolation"}}
    with pytest.raises(InputError, match=re.escape("read from 'network_isolation' here but from "
                                                   "'enable_network_isolation' by fam.one")):
        declared_reads([_family("fam", one=one, two=two)])


@pytest.mark.parametrize(("reads", "message"), [
    ({"model.isolation": {"aws_sagemaker_model": "x"}}, "expected Kind.attribute (Model.network_isolation), got "
                                                        "'model.isolation'"),
    ({"Model.isolation": {"aws_sagemaker_model": "a b"}}, "Model.isolation: expected a dotted path for "
                                                          "aws_sagemaker_model, got 'a b'"),
])  # fmt: skip
def test_the_shape_of_a_declaration_is_checked_when_the_family_loads(reads: dict[str, Any], message: str) -> None:
    rule = {"title": "A rule under test", "confidence": 0.5, "outcomes": ["supports"], "why": "only for this test",
            "how": "only for this test", "maps": [{"practice": "MLSEC03-BP02", "check": "private_networking"}],
            "reads": reads}
    data = {"family": "fam", "description": "a family under test", "kinds": ["terraform"], "rules": {"one": rule}}
    with pytest.raises(InputError, match=re.escape(message)) as err:
        validate_model(FamilyMeta, data, file="fam.yaml")
    assert err.value.file == "fam.yaml"


def test_the_shipped_rules_declarations_are_valid_and_agree() -> None:
    table = declared_reads(families())
    assert {t: [attr for attr, _ in fields] for t, fields in table["Model"].items()} == {
        "aws_sagemaker_model": ["network_isolation"], "AWS::SageMaker::Model": ["network_isolation"]}


BICEP = """\
resource ws 'Microsoft.MachineLearningServices/workspaces@2024-04-01' = {
  name: 'mlw'
  properties: {
    hbiWorkspace: true
  }
}

resource other 'Microsoft.MachineLearningServices/workspaces@2024-04-01' = {
  name: 'mlw2'
}
"""


def test_bicep_resources_get_what_rules_declare_for_their_azure_type_in_any_case() -> None:
    file = ParsedFile("main.bicep", "bicep", BICEP, parse("bicep", BICEP))
    table = declared_reads([_family("fam", one={
        "Workspace.high_impact": {"microsoft.machinelearningservices/WORKSPACES": "properties.hbiWorkspace"}})])
    declared = [res for res in resources(file) if not res.existing]
    mapped = [r for r in _resources("main.bicep", "bicep", BICEP) if isinstance(r, Workspace)]
    read = [with_declared(ws, BicepReader(file.path, res).at, table) for ws, res in zip(mapped, declared, strict=True)]
    assert [r.attr("high_impact") for r in read] == [Value(True, "main.bicep", 4, "hbiWorkspace"),
                                                     Value(MISSING, "main.bicep", 8, "hbiWorkspace")]
    assert [r.attr("high_impact") for r in mapped] == [None, None]  # no shipped rule declares it
