"""Which files bind another file's references (from paths), and a scan that reads them: the
evidence per environment, and a re-scan that judges a file again when one of them changed."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from scanfiles import write

from mllens.scan import cache
from mllens.scan import run_files as run_module
from mllens.scan.binding_files import BindingFiles, forget_stale, stale_consumers
from mllens.scan.registry import families
from mllens.scan.run import run_scan

PATHS = [
    "infra/main.tf", "infra/variables.tf", "infra/outputs.tf", "infra/locals.tf", "infra/prod.tfvars",
    "infra/envs/staging/terraform.tfvars", "infra/environments/dev.auto.tfvars.json",
    "infra/modules/net/main.tf", "infra/modules/net/net.tfvars", "infra/modules/net/variables.tf",
    "cfn/endpoint.yaml", "cfn/prod-config.json", "cfn/params/staging.json", "cfn/envs/qa/params.json",
    "cfn/events/event.json", "cfn/package.json", "cfn/lambda/requirements.json", "other/prod.json",
]


def test_terraform_sources_are_the_module_folder_its_tfvars_and_its_possible_callers() -> None:
    files = BindingFiles.of(PATHS)
    assert files.sources("infra/main.tf") == [
        "infra/environments/dev.auto.tfvars.json", "infra/envs/staging/terraform.tfvars", "infra/locals.tf",
        "infra/outputs.tf", "infra/prod.tfvars", "infra/variables.tf",
    ]  # any .tf of the folder may declare a variable; not the nested module's files
    # the nested module: its own files, and those of infra/, which may call it (with its tfvars)
    assert files.sources("infra/modules/net/main.tf") == [
        "infra/environments/dev.auto.tfvars.json", "infra/envs/staging/terraform.tfvars", "infra/locals.tf",
        "infra/main.tf", "infra/modules/net/net.tfvars", "infra/modules/net/variables.tf", "infra/outputs.tf",
        "infra/prod.tfvars", "infra/variables.tf",
    ]
    assert files.sources("infra/prod.tfvars") == []


def test_callers_of_a_module_are_near_it_and_outside_it() -> None:
    files = BindingFiles.of(["modules/endpoint/main.tf", "modules/endpoint/examples/basic/main.tf",
                             "envs/prod/main.tf", "envs/prod/terraform.tfvars", "main.tf", "far/away/deep/main.tf",
                             "modules/net/main.tf"])
    # below its parent (modules/) or grandparent (the root), two levels down, not inside it
    assert files.callers("modules/endpoint") == ["", "envs/prod", "modules/net"]
    assert "envs/prod/terraform.tfvars" in files.sources("modules/endpoint/main.tf")
    assert not any(p.startswith("far/") for p in files.sources("modules/endpoint/main.tf"))


def test_cloudformation_sources_are_json_beside_it_or_in_parameter_folders() -> None:
    files = BindingFiles.of(PATHS)
    assert files.sources("cfn/endpoint.yaml") == ["cfn/envs/qa/params.json", "cfn/params/staging.json",
                                                  "cfn/prod-config.json"]  # not events/, lambda/, package.json
    assert files.siblings("cfn/endpoint.yaml") == ["cfn/endpoint.yaml", "cfn/prod-config.json", "cfn/package.json"]
    files = BindingFiles.of([*PATHS, "cfn/params/prod.yaml", "cfn/docker-compose.yaml", "cfn/values.yaml",
                             "cfn/.github/workflows/deploy.yml", "cfn/training.yml"])
    assert files.sources("cfn/endpoint.yaml") == [  # YAML parameter files too, not a tool's YAML
        "cfn/envs/qa/params.json", "cfn/params/prod.yaml", "cfn/params/staging.json", "cfn/prod-config.json",
        "cfn/training.yml"]  # a template beside it is read too: its text says it is no parameter file


def test_a_changed_source_makes_the_files_it_may_bind_stale() -> None:
    consumers = ["infra/main.tf", "infra/modules/net/main.tf", "cfn/endpoint.yaml", "other/x.yaml", "other/x.tf"]
    assert stale_consumers(["infra/envs/staging/terraform.tfvars"], consumers) == {
        "infra/main.tf", "infra/modules/net/main.tf", "other/x.tf"}  # infra's variables may be module inputs
    # a .tf may declare variables, or call the modules near it (other/ is below the root)
    assert stale_consumers(["infra/variables.tf"], consumers) == {"infra/main.tf", "infra/modules/net/main.tf",
                                                                   "other/x.tf"}
    assert stale_consumers(["infra/modules/net/net.tfvars"], consumers) == {"infra/modules/net/main.tf"}
    assert stale_consumers(["cfn/params/staging.json"], consumers) == {"cfn/endpoint.yaml"}
    assert stale_consumers(["cfn/params/prod.yaml"], consumers) == {"cfn/endpoint.yaml"}  # YAML parameters
    assert stale_consumers(["cfn/docker-compose.yml"], consumers) == set()  # a tool's YAML: no parameter file
    assert stale_consumers(["cfn/docker-compose.yml"], consumers, names=True) == {"cfn/endpoint.yaml"}
    digests = {"infra/main.tf": "d1", "infra/outputs.tf": "d2", "cfn/endpoint.yaml": "d3", "other/x.yaml": "d4"}
    # prod.tfvars is new (not known unchanged): the module's files go; a deleted parameter
    # file: the template beside it goes; other folders stay known
    forget_stale(digests, ["infra/main.tf", "infra/outputs.tf", "infra/prod.tfvars", "cfn/endpoint.yaml",
                           "other/x.yaml"],
                 ["infra/main.tf", "infra/outputs.tf", "cfn/endpoint.yaml", "cfn/prod-config.json", "other/x.yaml"])
    assert digests == {"other/x.yaml": "d4"}
    digests = {"infra/main.tf": "d1", "cfn/endpoint.yaml": "d3", "infra/prod.tfvars": "d5"}
    forget_stale(digests, list(digests), list(digests))  # nothing new, changed or deleted
    assert digests == {"infra/main.tf": "d1", "cfn/endpoint.yaml": "d3", "infra/prod.tfvars": "d5"}


ML = [f for f in families() if f.name == "ml_resources"]
ENDPOINT = """\
resource "aws_sagemaker_endpoint_configuration" "ep" {
  production_variants {
    model_name             = "m"
    instance_type          = "ml.c6i.xlarge"
    initial_instance_count = var.instance_count
  }
}
"""
PROJECT = {
    "infra/main.tf": ENDPOINT,
    "infra/variables.tf": 'variable "instance_count" {\n  default = 1\n}\n',
    "infra/envs/staging/terraform.tfvars": "instance_count = 1\n",
    "infra/envs/prod/terraform.tfvars": "instance_count = 2\n",
}


def _counts(result: object) -> list[tuple[str, str, int | None, float, str]]:
    return sorted(
        (e.outcome, e.file, e.line, e.confidence, e.message)
        for e in result.evidence  # type: ignore[attr-defined]
        if e.rule == "ml_resources.serving_instance_count"
    )


def test_scan_judges_each_environment_where_it_is_set(tmp_path: Path) -> None:
    write(tmp_path, PROJECT)
    result = run_scan(tmp_path, families_to_run=ML, use_cache=False)
    assert _counts(result) == [
        ("contradicts", "infra/envs/staging/terraform.tfvars", 1, 0.85,
         "aws_sagemaker_endpoint_configuration.ep serves from a single instance (initial_instance_count = 1) "
         "in staging [var.instance_count, read at infra/main.tf:5]"),
        ("supports", "infra/envs/prod/terraform.tfvars", 1, 0.85,
         "aws_sagemaker_endpoint_configuration.ep serves from 2 instances in prod "
         "[var.instance_count, read at infra/main.tf:5]"),
    ]
    assert {e.file_class for e in result.evidence} == {"project"}


def test_default_only_is_judged_with_less_confidence(tmp_path: Path) -> None:
    write(tmp_path, {"infra/main.tf": ENDPOINT, "infra/variables.tf": PROJECT["infra/variables.tf"]})
    [(outcome, file, line, confidence, message)] = _counts(run_scan(tmp_path, families_to_run=ML, use_cache=False))
    assert (outcome, file, line) == ("contradicts", "infra/variables.tf", 2) and confidence < 0.85
    assert message.endswith("[default of var.instance_count, read at infra/main.tf:5]")


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(cache, "RACY_NS", 0)  # trust the times of files written a moment ago
    seen: list[str] = []
    real = run_module.process_file

    def spy(plan, file, reader):  # type: ignore[no-untyped-def]
        seen.append(file.path)
        return real(plan, file, reader)

    monkeypatch.setattr(run_module, "process_file", spy)
    return seen


def _rewrite(path: Path, text: str) -> None:
    path.write_text(text)
    later = time.time() + 5  # other times than the last scan's, whatever the clock's resolution
    os.utime(path, (later, later))


def test_warm_rescan_judges_again_when_a_tfvars_changes(tmp_path: Path, checked: list[str]) -> None:
    write(tmp_path, PROJECT)
    first = run_scan(tmp_path, families_to_run=ML)
    assert [row[:2] for row in _counts(first)] == [("contradicts", "infra/envs/staging/terraform.tfvars"),
                                                   ("supports", "infra/envs/prod/terraform.tfvars")]
    checked.clear()
    assert _counts(run_scan(tmp_path, families_to_run=ML)) == _counts(first)  # unchanged: from the cache
    assert "infra/main.tf" not in checked
    _rewrite(tmp_path / "infra/envs/staging/terraform.tfvars", "instance_count = 2\n")
    checked.clear()
    third = run_scan(tmp_path, families_to_run=ML)
    assert "infra/main.tf" in checked  # its own bytes unchanged, read again
    assert [row[:2] for row in _counts(third)] == [("supports", "infra/envs/prod/terraform.tfvars"),
                                                   ("supports", "infra/envs/staging/terraform.tfvars")]
    (tmp_path / "infra/envs/prod/terraform.tfvars").unlink()  # a deleted environment
    (tmp_path / "infra/envs/staging/terraform.tfvars").unlink()
    fourth = run_scan(tmp_path, families_to_run=ML)
    assert [row[:3] for row in _counts(fourth)] == [("contradicts", "infra/variables.tf", 2)]


TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  InstanceCount:
    Type: Number
    Default: 2
Resources:
  EndpointConfig:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - VariantName: main
          ModelName: m
          InitialInstanceCount: !Ref InstanceCount
"""


def test_warm_rescan_judges_a_template_again_when_its_parameter_file_changes(
    tmp_path: Path, checked: list[str]
) -> None:
    write(tmp_path, {"cfn/endpoint.yaml": TEMPLATE, "cfn/prod-config.json": '{"Parameters": {"InstanceCount": "2"}}'})
    first = run_scan(tmp_path, families_to_run=ML)
    assert [row[:3] for row in _counts(first)] == [("supports", "cfn/prod-config.json", 1)]
    _rewrite(tmp_path / "cfn/prod-config.json", '{"Parameters": {"InstanceCount": "1"}}')
    checked.clear()
    second = run_scan(tmp_path, families_to_run=ML)
    assert "cfn/endpoint.yaml" in checked
    assert [row[:3] for row in _counts(second)] == [("contradicts", "cfn/prod-config.json", 1)]
    # a new template beside it that the parameter file is named after: it no longer applies
    write(tmp_path, {"cfn/prod.yaml": TEMPLATE.replace("Default: 2", "Default: 3")})
    third = run_scan(tmp_path, families_to_run=ML)
    assert ("supports", "cfn/endpoint.yaml", 5) in [row[:3] for row in _counts(third)]
    assert ("contradicts", "cfn/prod-config.json", 1) in [row[:3] for row in _counts(third)]  # now prod.yaml's


def test_sam_config_beside_a_template_is_a_source() -> None:
    files = BindingFiles.of(["sam/template.yaml", "sam/samconfig.toml", "sam/params/samconfig.toml"])
    assert files.sources("sam/template.yaml") == ["sam/samconfig.toml"]
    assert stale_consumers(["sam/samconfig.toml"], ["sam/template.yaml"]) == {"sam/template.yaml"}


MODULE_ENDPOINT = ENDPOINT.replace("resource", 'variable "instance_count" {\n  default = 1\n}\n\nresource', 1)


def test_warm_rescan_judges_a_module_again_when_its_caller_changes(tmp_path: Path, checked: list[str]) -> None:
    caller = 'module "endpoint" {\n  source         = "./modules/endpoint"\n  instance_count = 2\n}\n'
    write(tmp_path, {"modules/endpoint/main.tf": MODULE_ENDPOINT, "main.tf": caller, "outputs.tf": "# none\n"})
    first = run_scan(tmp_path, families_to_run=ML)
    assert [row[:3] for row in _counts(first)] == [("supports", "main.tf", 3)]
    checked.clear()
    assert _counts(run_scan(tmp_path, families_to_run=ML)) == _counts(first)
    assert "modules/endpoint/main.tf" not in checked  # nothing changed: from the cache
    _rewrite(tmp_path / "main.tf", caller.replace("= 2", "= 1"))
    checked.clear()
    second = run_scan(tmp_path, families_to_run=ML)
    assert "modules/endpoint/main.tf" in checked  # its own bytes unchanged, judged again
    assert [row[:3] for row in _counts(second)] == [("contradicts", "main.tf", 3)]
    (tmp_path / "main.tf").unlink()  # no caller: the module's default
    assert [row[:3] for row in _counts(run_scan(tmp_path, families_to_run=ML))] == [
        ("contradicts", "modules/endpoint/main.tf", 2)]


def test_warm_rescan_judges_again_when_a_declaration_in_main_tf_changes(
    tmp_path: Path, checked: list[str]
) -> None:
    main = 'terraform {\n  required_version = ">= 1.5"\n}\n\nvariable "instance_count" {\n  default = 1\n}\n'
    write(tmp_path, {"infra/endpoint.tf": ENDPOINT, "infra/main.tf": main})
    first = run_scan(tmp_path, families_to_run=ML)
    assert [row[:3] for row in _counts(first)] == [("contradicts", "infra/main.tf", 6)]
    _rewrite(tmp_path / "infra/main.tf", main.replace("default = 1", "default = 3"))
    checked.clear()
    second = run_scan(tmp_path, families_to_run=ML)
    assert "infra/endpoint.tf" in checked
    assert [row[:3] for row in _counts(second)] == [("supports", "infra/main.tf", 6)]
