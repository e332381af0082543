"""The neutral view of a pipeline: the same facts (environments, approvals, images, calls)
read from every system's syntax."""

from __future__ import annotations

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._ci_pipeline import Pipeline, pipeline
from mllens.scan.parse import parse


def view(path: str, text: str, kind: str = "yaml") -> Pipeline:
    data = parse(kind, text) if kind == "yaml" else text
    found = pipeline(ParsedFile(path, kind, text, data))
    assert found is not None
    return found


def test_github_environments_images_actions_and_calls() -> None:
    found = view(".github/workflows/cd.yml", """\
on: [push]
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment:
      name: production
    container:
      image: python:3.11.9
      options: --user 1001
    services:
      cache:
        image: redis:7.2.5
    steps:
      - uses: actions/checkout@v4
      - uses: ams0/acr-task@v1
        with:
          image: not-a-job-image
      - run: make test && ./scripts/deploy.sh prod
  shared:
    uses: ./.github/workflows/reusable.yml
""")
    assert [(e.value, e.line, e.job) for e in found.environments] == [("production", 5, "deploy")]
    assert [(i.value, i.line) for i in found.images] == [("python:3.11.9", 7), ("redis:7.2.5", 12)]
    assert [(o.value, o.line) for o in found.container_options] == [("--user 1001", 9)]
    assert [a.value for a in found.actions] == ["actions/checkout@v4", "ams0/acr-task@v1"]
    assert sorted(c.value for c in found.calls) == [
        "file:.github/workflows/reusable.yml", "file:scripts/deploy.sh", "make:test"]
    assert found.approvals == ()  # a protected environment cannot be seen from the file


def test_gitlab_jobs_manual_approval_and_images() -> None:
    found = view(".gitlab-ci.yml", """\
image: python:3.11
deploy-prod:
  stage: deploy
  environment: production
  script:
    - helm upgrade --install churn-serving ./chart
  rules:
    - if: $CI_COMMIT_BRANCH == "main"
      when: manual
""")
    assert [(e.value, e.job) for e in found.environments] == [("production", "deploy-prod")]
    assert [(a.value, a.line, a.job) for a in found.approvals] == [("when: manual", 9, "deploy-prod")]
    assert [(i.value, i.line) for i in found.images] == [("python:3.11", 1)]
    assert [(c.text, c.job) for c in found.commands] == [
        ("helm upgrade --install churn-serving ./chart", "deploy-prod")]


def test_azure_deployment_jobs_templates_and_container_aliases() -> None:
    found = view("devops/release.yml", """\
resources:
  containers:
    - container: tools
      image: mcr.microsoft.com/azure-cli:2.61.0
stages:
  - stage: release
    jobs:
      - deployment: deploy_prod
        container: tools
        environment: churn-prod
        strategy:
          runOnce:
            deploy:
              steps:
                - template: ../templates/deploy-steps.yml
                - template: steps.yml@shared
""")
    assert [(e.value, e.job) for e in found.environments] == [("churn-prod", "deploy_prod")]
    assert [(a.value, a.line) for a in found.approvals] == [("environment", 10)]
    assert [i.value for i in found.images] == ["mcr.microsoft.com/azure-cli:2.61.0"]  # the alias is no image
    assert [(c.value, c.line) for c in found.calls] == [("file:templates/deploy-steps.yml", 15)]


def test_cloud_build_step_images_and_exec_form_commands() -> None:
    found = view("cloudbuild.yaml", """\
steps:
  - name: python:3.11
    entrypoint: python
    args: ["-m", "pytest", "-q"]
""")
    assert [(i.value, i.line) for i in found.images] == [("python:3.11", 2)]
    assert [c.text for c in found.commands] == ["python -m pytest -q"]


def test_jenkins_release_stages_inputs_and_library_calls() -> None:
    found = view("Jenkinsfile", """\
pipeline {
    stages {
        stage('Build') { steps { sh 'make build' } }
        stage('DeployToProd') {
            input { message 'Go?' }
            steps { deployModel('prod') }
        }
    }
}
""", kind="other")
    assert [e.value for e in found.environments] == ["DeployToProd"]  # deploy/release/promote stages only
    assert [(a.value, a.line) for a in found.approvals] == [("input", 5)]
    assert [(c.value, c.line) for c in found.calls] == [("step:deployModel", 6), ("make:build", 3)]
