"""Which CI system a file belongs to: by path, by YAML shape (Azure, Cloud Build, CodeBuild),
Groovy files that are Jenkins pipelines, and what steps call into (Makefiles, scripts)."""

from __future__ import annotations

import pytest

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._ci_system import helper, is_azure_pipeline, is_jenkins_groovy, system_of
from mllens.scan.parse import parse


def yaml_file(path: str, text: str) -> ParsedFile:
    return ParsedFile(path, "yaml", text, parse("yaml", text))


AZURE_TEMPLATE = """\
parameters:
  - name: jobFile
    type: string
steps:
  - task: AzureCLI@2
    inputs: {scriptLocation: inlineScript, inlineScript: az ml job create --file x.yml}
"""
AZURE_JOBS = "jobs:\n  - job: test\n    steps:\n      - script: pytest\n        displayName: Tests\n"
GITHUB = "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"
RUNNER = "steps:\n  - name: train\n    script: python train.py\n"
AML_PIPELINE = ("$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json\n"
                "type: pipeline\njobs:\n  train:\n    type: command\n")


@pytest.mark.parametrize(("path", "text", "expected"), [
    ("devops/templates/submit.yml", AZURE_TEMPLATE, "azure"),
    ("ci/build.yml", AZURE_JOBS, "azure"),
    (".github/workflows/ci.yml", GITHUB, "github"),
    ("ci/github-like.yml", GITHUB, None),  # a workflow outside .github/workflows is not run
    ("runner.yml", RUNNER, None),  # name + script alone could be any runner's
    ("mlops/pipeline.yml", AML_PIPELINE, None),  # an Azure ML pipeline job is no CI pipeline
])
def test_yaml_systems_by_path_and_shape(path: str, text: str, expected: str | None) -> None:
    assert system_of(yaml_file(path, text)) == expected


def test_azure_shape_needs_azure_items_throughout() -> None:
    assert is_azure_pipeline({"stages": [{"stage": "a"}], "trigger": ["main"]})
    assert not is_azure_pipeline({"stages": [{"stage": "a"}, {"name": "b"}]})  # one item is not Azure's
    assert not is_azure_pipeline({"steps": [{"script": "pytest"}], "services": {}})  # a key Azure does not have


@pytest.mark.parametrize(("path", "text", "expected"), [
    ("jenkins/pipeline.groovy", "pipeline {\n  agent any\n}\n", True),
    ("ci/release.groovy", "node('linux') {\n  stage('Build') { sh 'make' }\n}\n", True),
    ("shared/vars/deployModel.groovy", "def call(String name) {\n  sh \"az ml model create\"\n}\n", True),
    ("src/main/groovy/Util.groovy", "class Util {\n  static int add(int a, int b) { a + b }\n}\n", False),
    ("lib/helpers.groovy", "def call() { println 'not in vars/' }\n", False),
])
def test_groovy_files_that_are_jenkins(path: str, text: str, expected: bool) -> None:
    assert is_jenkins_groovy(path, text) is expected
    assert (system_of(ParsedFile(path, "text", text)) == "jenkins") is expected


def test_jenkinsfile_names_and_helpers() -> None:
    assert system_of(ParsedFile("Jenkinsfile.deploy", "other", "")) == "jenkins"
    assert system_of(ParsedFile("ci/train.jenkinsfile", "other", "")) == "jenkins"
    assert [helper(p) for p in ("Makefile", "ops/GNUmakefile", "build/rules.mk", "tasks/test.sh", "a.bash",
                                ".github/actions/train/action.yml", "src/train.py")] == [
        "make", "make", "make", "script", "script", "action", None]
