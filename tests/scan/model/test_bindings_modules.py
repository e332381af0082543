"""Terraform values set in other files of the folder and by the module blocks that call it:
declarations read from any .tf (only their blocks parsed, lines kept), local module sources,
and a module's variable resolved per caller and per caller's environment."""

from __future__ import annotations

from mllens.scan.context import Bound, ParsedFile
from mllens.scan.model import Value, state_of
from mllens.scan.model.bindings_modules import calls, declarations
from mllens.scan.model.kinds import Deployment
from mllens.scan.parse import parse

MODULE_TF = """\
variable "instance_count" {
  default = 1
}

resource "aws_sagemaker_endpoint_configuration" "ep" {
  production_variants {
    model_name             = "m"
    instance_type          = "ml.${var.family}.xlarge"
    initial_instance_count = var.instance_count
  }
}
"""
MAIN_TF = """\
terraform {
  required_version = ">= 1.5"
}

resource "aws_s3_bucket" "data" {
  bucket = "x-{}"
}

variable "family" {
  default = "m5"
}
"""


def _count(path: str, *sources: tuple[str, str]) -> list[tuple[object, tuple[str, ...], str, float]]:
    file = ParsedFile(path, "terraform", MODULE_TF, parse("terraform", MODULE_TF), bound=Bound(tuple(sources)))
    value: Value = next(state_of(file).of(Deployment)).variants[0].instance_count
    return [(v.raw, v.envs, f"{v.file}:{v.line}", v.trust) for v in value.each()]


def test_declarations_parse_only_variable_locals_and_module_blocks_at_their_lines() -> None:
    data = declarations(MAIN_TF + 'locals {\n  size = "xl"\n}\nmodule "m" {\n  source = "./m"\n}\n')
    assert set(data) == {"variable", "locals", "module"}  # not the resource, not terraform {}
    assert data["variable"][0]["family"]["__attr_lines__"]["default"] == 10
    assert data["locals"][0]["__attr_lines__"]["size"] == 13
    # a cut that does not parse (a brace inside a heredoc) falls back to the whole text
    tricky = 'variable "a" {\n  description = <<EOT\n}\nEOT\n  default = 2\n}\n'
    assert declarations(tricky)["variable"][0]["a"]["default"] == 2


def test_a_module_block_calls_a_local_folder_only() -> None:
    assert calls("", "./modules/endpoint", "modules/endpoint")
    assert calls("envs/prod", "../../modules/endpoint", "modules/endpoint")
    assert calls("envs/prod", "../../modules/endpoint/", "modules/endpoint")
    assert not calls("envs/prod", "../modules/endpoint", "modules/endpoint")
    assert not calls("", "terraform-aws-modules/sagemaker/aws", "modules/endpoint")
    assert not calls("", "git::https://example.com/m.git", "modules/endpoint")
    assert not calls("", None, "modules/endpoint")


def test_a_variable_declared_in_another_tf_of_the_folder_resolves() -> None:
    file = ParsedFile("infra/endpoint.tf", "terraform", MODULE_TF.split("\n\n", 1)[1],
                      parse("terraform", MODULE_TF.split("\n\n", 1)[1]),
                      bound=Bound((("infra/main.tf", MAIN_TF), ("infra/outputs.tf", ""))))
    variant = next(state_of(file).of(Deployment)).variants[0]
    assert [(v.raw, f"{v.file}:{v.line}") for v in variant.instance_type.each()] == [("ml.m5.xlarge",
                                                                                      "infra/main.tf:10")]


def test_each_caller_passes_its_own_value_or_gets_the_default() -> None:
    caller = ('module "serving" {\n  source         = "./modules/endpoint"\n  instance_count = 2\n}\n\n'
              'module "shadow" {\n  source = "./modules/endpoint"\n}\n\n'
              'module "other" {\n  source         = "./modules/other"\n  instance_count = 5\n}\n')
    assert _count("modules/endpoint/main.tf", ("main.tf", caller)) == [
        (2, ("module.serving",), "main.tf:3", 1.0),  # the argument's line, named by the block
        (1, ("module.shadow",), "modules/endpoint/main.tf:2", 0.9),  # passes nothing: the default, trusted less
    ]


def test_a_caller_passing_its_variable_resolves_per_environment() -> None:
    caller = ('variable "n" {\n  type = number\n}\n\nmodule "endpoint" {\n'
              '  source         = "../../modules/endpoint"\n  instance_count = var.n\n}\n')
    sources = (("envs/prod/main.tf", caller), ("envs/prod/terraform.tfvars", "n = 3\n"),
               ("envs/dev/main.tf", caller.replace("type = number", "default = 1")),
               ("envs/qa/main.tf", caller))  # qa sets nothing: not judged
    assert _count("modules/endpoint/main.tf", *sources) == [
        (1, ("dev",), "envs/dev/main.tf:2", 0.9),  # the caller's default, in its folder's environment
        (3, ("prod",), "envs/prod/terraform.tfvars:1", 1.0),
    ]


def test_no_caller_keeps_the_module_own_default_and_tfvars() -> None:
    unrelated = 'module "x" {\n  source         = "./elsewhere"\n  instance_count = 9\n}\n'
    assert _count("modules/endpoint/main.tf", ("main.tf", unrelated)) == [(1, (), "modules/endpoint/main.tf:2", 0.9)]
    assert _count("modules/endpoint/main.tf", ("main.tf", unrelated),
                  ("modules/endpoint/prod.tfvars", "instance_count = 4\n")) == [
        (4, ("prod",), "modules/endpoint/prod.tfvars:1", 1.0)]
