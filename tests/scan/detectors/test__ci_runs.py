"""What a CI command does, decided once for every system."""

from __future__ import annotations

import pytest

from mllens.scan.detectors import _ci_runs as runs
from mllens.scan.detectors._ci import Command


@pytest.mark.parametrize(("text", "tests"), [
    ("pytest -q tests/", True),
    ("python -m unittest discover", True),
    ("poetry run pytest", True),
    ("npm test", True),
    ("pip install pytest tox", False),  # an install
    ('echo "run pytest later"', False),
    ("make test", False),  # what make test runs is read from the Makefile (followed_steps)
    ("python test/test.py --endpoint staging", False),  # a script, not a test runner
    ("./tasks/unit_test.sh", True),  # a shell script of the test suite, by its name or folder
    ("./training/tests/test_model.sh || FAILURE=true", True),
    ("./scripts/deploy.sh", False),
    ("python x_test.sh.py", False),
])
def test_test_runners(text: str, tests: bool) -> None:
    assert runs.runs_tests(text) is tests


@pytest.mark.parametrize(("text", "train"), [
    ("python -m churn.train --epochs 3", True),
    ("python src/train_model.py", True),
    ("python ./training/stage_model.py --fetch", False),  # the folder's name says nothing of this script
    ("dvc repro --dry && echo ok", False),
    ("dvc repro --dry && dvc repro", True),
    ("tfx run create --engine vertex", True),
    ("az ml job create --file pipeline.yml", True),
])
def test_training(text: str, train: bool) -> None:
    assert runs.runs_training(text) is train


@pytest.mark.parametrize(("text", "deploys", "infra"), [
    ("terraform apply -auto-approve", False, True),
    ("terraform -chdir=serving apply -auto-approve", True, True),
    ("helm upgrade --install ingress ingress-nginx/ingress-nginx", False, True),
    ("helm upgrade --install churn-inference ./chart", True, True),
    ("kubectl apply -f k8s/model-server.yaml", True, True),
    ("terraform plan", False, True),
    ("az ml online-deployment create --file blue.yml", True, False),
    ("aws lambda update-function-code --function-name predict", True, False),
    ("python training-deploy-model.py", False, False),  # training first
    ("python scripts/deploy_endpoint.py", True, False),
])
def test_deployments_and_infrastructure(text: str, deploys: bool, infra: bool) -> None:
    assert runs.deploys(text) is deploys
    assert runs.infrastructure(text) is infra


def test_first_deployment_takes_infrastructure_applied_before_it_in_the_same_job() -> None:
    cmds = [Command("terraform apply -auto-approve", 3, "deploy"), Command("docker push x", 4, "deploy"),
            Command("aws lambda update-function-code --function-name f", 5, "deploy"),
            Command("terraform apply", 9, "other")]
    found = runs.first_deployment(cmds)
    assert found is not None and found.line == 3
    assert runs.first_deployment([Command("terraform apply", 1, "")]) is None


@pytest.mark.parametrize(("text", "nothing"), [
    ("echo done", True), ("exit 0", True), ("true", True), ("ls -la && pwd", True),
    ("pytest || true", False), ("docker build .", False),
])
def test_placeholders(text: str, nothing: bool) -> None:
    assert runs.does_nothing(text) is nothing
