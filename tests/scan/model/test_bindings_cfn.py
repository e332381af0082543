"""CloudFormation values set elsewhere: `!Sub` strings of parameters, resolved per
environment, and YAML parameter files (a top-level `Parameters:` map)."""

from __future__ import annotations

from mllens.scan.context import Bound, ParsedFile
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Deployment
from mllens.scan.parse import parse

TEMPLATE = """\
Parameters:
  Family:
    Type: String
    Default: m5
  Size:
    Type: String
    Default: xlarge
Resources:
  Config:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - VariantName: a
          ModelName: m
          InstanceType: !Sub "ml.${Family}.${Size}"
        - VariantName: b
          ModelName: m
          InstanceType: !Sub "ml.${Family}.${AWS::Region}"
        - VariantName: c
          ModelName: m
          InstanceType: !Sub ["ml.${F}.large", {F: !Ref Family}]
        - VariantName: d
          ModelName: m
          InstanceType: !Sub "ml.${!Family}.${Size}"
"""


def _types(*sources: tuple[str, str]) -> list[list[tuple[object, tuple[str, ...], str]]]:
    file = ParsedFile("cfn/endpoint.yaml", "yaml", TEMPLATE, parse("yaml", TEMPLATE), bound=Bound(tuple(sources)))
    variants = next(state_of(file).of(Deployment)).variants
    return [[(v.raw, v.envs, f"{v.file}:{v.line}") for v in variant.instance_type.each()] for variant in variants]


def test_sub_of_parameters_resolves_from_defaults() -> None:
    a, b, c, d = _types()
    assert a == [("ml.m5.xlarge", (), "cfn/endpoint.yaml:4")]  # the first default it uses
    # a pseudo parameter, the list form and an escaped ${!...} stay as written: not judged
    assert [v[0] for v in b] == [{"Fn::Sub": "ml.${Family}.${AWS::Region}"}]
    assert len(c) == 1 and isinstance(c[0][0], dict)
    assert [v[0] for v in d] == [{"Fn::Sub": "ml.${!Family}.${Size}"}]


def test_sub_per_environment_located_where_the_environment_sets_a_part() -> None:
    prod = ("cfn/params/prod.yaml", "# prod\nParameters:\n  Family: c7g\n  Size: 2xlarge\n")
    staging = ("cfn/params/staging.yml", "Parameters:\n  Size: large\nTags:\n  team: x\n")
    a, *_ = _types(prod, staging)
    assert a == [("ml.c7g.2xlarge", ("prod",), "cfn/params/prod.yaml:3"),
                 ("ml.m5.large", ("staging",), "cfn/params/staging.yml:2")]


def test_yaml_that_is_no_parameter_file_binds_nothing() -> None:
    template = ("cfn/params/other.yaml", "Parameters:\n  Family:\n    Type: String\nResources: {}\n")
    nested = ("cfn/params/nested.yaml", "Parameters:\n  Family:\n    Default: c7g\n")
    broken = ("cfn/params/broken.yaml", "Parameters: [\n")
    compose = ("cfn/params/compose.yaml", "services:\n  api:\n    image: x\n")
    a, *_ = _types(template, nested, broken, compose)
    assert a == [("ml.m5.xlarge", (), "cfn/endpoint.yaml:4")]
