"""What a shell command of a CI step does: run tests, train, deploy, build, lint, or nothing.

Written once for every CI system (and for the Makefile targets and shell scripts a step
calls). A command is judged per part of a `&&`/`;`/`|` chain where it matters (a dry run
beside a real run). Package installs (`pip install pytest`) and echoes never count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mllens.scan.detectors._ci import Command

INSTALL = re.compile(r"^\s*(sudo\s+)?(python3?\s+-m\s+)?(pip3?|uv\s+pip|uv\s+add|conda|mamba|micromamba|apt-get|apt|"
                     r"apk|yum|brew|pipx|poetry\s+add|npm)\s+(install|add|i|ci)\b")
ECHO = re.compile(r"^\s*(echo|printf|Write-Host)\b")
TESTS = re.compile(r"(^|[\s;&|(])(pytest|py\.test|tox|nox)(\s|$)|python3?\s+-m\s+(pytest|unittest|tox|nox)\b|"
                   r"\b(hatch|poetry|uv|pdm|pipenv)\s+run\s+(pytest|tox|nox|test)\b|"
                   r"\b(npm|yarn|pnpm)\s+(run\s+)?test\b|\bgo\s+test\b|\bcargo\s+test\b|\b(mvn|gradle)\w*\s+test\b|"
                   # a shell script of the test suite run by path: tests/x.sh, test_x.sh, x_test.sh
                   r"(^|[\s;&|(])((ba)?sh\s+)?(\./)?([\w.-]+/)*(tests?/[\w.-]+|test_[\w.-]+|[\w.-]+_tests?)\.sh(?=\s|$|[;&|)])|"
                   # a test module run as a script: python test_api.py (a script kept in a test folder may be
                   # a client or a fixture maker: python test/test.py is not read as a test run)
                   r"\bpython[\d.]*\s+(\./)?([\w.-]+/)*test_\w*\.py(?=\s|$|[;&|)])")
# a python script or module whose own name (not a folder's: training/stage_model.py) says train or pipeline
TRAIN = re.compile(r"\bpython3?\s+(-m\s+)?(?:[\w.-]*/)*[\w.-]*train[\w.-]*(?=\s|$|[;&|)])|"
                   r"\b(make|just|invoke)\s+train\b|"
                   r"\bdvc\s+(repro|exp\s+run)\b|"
                   r"\baz\s+ml\s+job\s+create\b|\bgcloud\s+ai\s+(custom-jobs|hp-tuning-jobs)\s+create\b|"
                   r"\baws\s+sagemaker\s+(create-training-job|start-pipeline-execution)\b|\brun[-_]pipeline\b|"
                   r"\bmlflow\s+run\b|\bkfp\s+run\b|\btfx\s+run\s+create\b|"
                   r"\bpython3?\s+(-m\s+)?(?:[\w.-]*/)*[\w.-]*pipeline[\w.-]*(?=\s|$|[;&|)])")
# Deployments of a model or its serving stack.
_DEPLOY_ML = re.compile(
    r"\baz\s+ml\s+(online|batch)-(deployment|endpoint)\s+(create|update)\b|"
    r"\bgcloud\s+(ai\s+endpoints\s+deploy-model|run\s+deploy)\b|\baws\s+sagemaker\s+(create|update)-endpoint\b|"
    r"\baws\s+lambda\s+update-function-(code|configuration)\b|\bmlflow\s+deployments\s+create\b|\bbentoml\s+deploy\b|"
    r"\baws\s+sagemaker\s+create-model\b|\baz\s+ml\s+model\s+deploy\b|"
    r"\bpython3?\s+(-m\s+)?[\w./-]*deploy[\w./-]*|\bmake\s+deploy\b|\b(sam|serverless)\s+deploy\b")
# Infrastructure automation: a deployment of the ML workload only when it names one (below).
_DEPLOY_INFRA = re.compile(
    r"\baws\s+cloudformation\s+(deploy|create-stack|update-stack|package)\b|\bcdk\s+deploy\b|"
    r"\bterraform\b[^|;&]*?\sapply\b|\bkubectl\b[^|;&]*?\s(apply|rollout|set\s+image)\b|"
    r"\bhelm\b[^|;&]*?\s(upgrade|install)\b|\bpulumi\s+up\b|\baz\s+deployment\s+(group|sub)\s+create\b|"
    r"\bgcloud\s+deployment-manager\s+deployments\s+(create|update)\b")
# Infrastructure planned or applied from code (plans and synths included: the code is what CI reviews).
_INFRA_AS_CODE = re.compile(
    r"\bterraform\b[^|;&]*?\s(plan|apply)\b|\bcdk\s+(deploy|synth|diff)\b|\bpulumi\s+(up|preview)\b|"
    r"\baws\s+cloudformation\s+(deploy|create-stack|update-stack|package)\b|\bsam\s+deploy\b|"
    r"\baz\s+deployment\s+(group|sub)\s+(create|what-if)\b|\bgcloud\s+deployment-manager\s+deployments\s+"
    r"(create|update)\b|\bhelm\b[^|;&]*?\s(upgrade|install)\b|\bkubectl\b[^|;&]*?\sapply\b")
ML_TARGET = re.compile(r"endpoint|model|serv(e|ing)|inference|predict", re.IGNORECASE)
BUILD = re.compile(r"\bdocker\s+(build|push)\b|\bdocker\s+buildx\s+build\b|\bgcloud\s+builds\s+submit\b|"
                   r"\baz\s+acr\s+build\b|\btfx\s+pipeline\s+(create|update|compile)\b|\bkfp\s+(dsl\s+)?compile\b")
LINT = re.compile(r"(^|[\s;&|(])(flake8|ruff|pylint|black|isort|mypy|pre-commit|yamllint|hadolint|bandit)(\s|$)")
# Steps that do nothing: echo, true, exit 0, ls, pwd, sleep, printing the environment.
NOTHING = re.compile(r"^\s*(echo|printf|Write-Host|true|:|exit\s+0|ls|pwd|sleep|env|printenv|cat|whoami|date|"
                     r"set\s+-\w+|cd)\b|^\s*:?\s*$")
CHAIN = re.compile(r"&&|\|\||[;|]")
# An Azure ML job submitted from a file whose own name says it deploys and not that it trains
# (pipelines/prod-deploy-pipeline.yaml): a deployment pipeline, not training.
_AML_JOB_FILE = re.compile(r"\baz\s+ml\s+job\s+create\b.*?(?:--file|-f)[=\s]+[\"']?(?:[^\s\"']*/)?([^\s\"'/]+)", re.S)
_DEPLOY_NAME = re.compile(r"deploy|release|serv(e|ing)|endpoint", re.IGNORECASE)
_DRY_RUN = re.compile(r"\s--dry(-run)?(?=[\s=]|$)")


def counts(text: str) -> bool:
    """A command that may run something: not an install and not an echo."""
    return not INSTALL.search(text) and not ECHO.match(text)


def runs_tests(text: str) -> bool:
    return counts(text) and TESTS.search(text) is not None


def _deployment_job(part: str) -> bool:
    found = _AML_JOB_FILE.search(part)
    name = found.group(1) if found else ""
    return bool(_DEPLOY_NAME.search(name)) and "train" not in name.lower()


def runs_training(text: str) -> bool:
    return counts(text) and any(TRAIN.search(part) and not _DRY_RUN.search(part) and not _deployment_job(part)
                                for part in CHAIN.split(text))


def deploys(text: str) -> bool:
    """A deployment of the ML workload: a model/endpoint/serving command, or infrastructure
    automation (terraform apply, helm upgrade, kubectl apply, CloudFormation) whose command
    names an endpoint, model, serving or inference target. A training script whose name
    also says deploy (train_and_deploy.py) is training."""
    if not counts(text) or runs_training(text):
        return False
    if _DEPLOY_ML.search(text) or any(_deployment_job(part) for part in CHAIN.split(text)):
        return True
    return any(_DEPLOY_INFRA.search(part) and ML_TARGET.search(part) for part in CHAIN.split(text))


# An ML pipeline published to its orchestrator, where runs (and schedules) start from it:
# Kubeflow Pipelines uploads, TFX pipeline create/update (the tfx CLI or a tfx-cli builder
# image), SageMaker create/update-pipeline. A deployment of the training workflow, not of a model.
_PUBLISH_PIPELINE = re.compile(r"\bkfp\b[^|;&]*?\spipeline\s+(upload|create|upload-version)\b|"
                               r"\btfx(-cli)?\b[^|;&]*?\spipeline\s+(create|update)\b|"
                               r"\baws\s+sagemaker\s+(create|update)-pipeline\b")


def publishes_pipeline(text: str) -> bool:
    return counts(text) and _PUBLISH_PIPELINE.search(text) is not None


# A model version registered: CLIs of the registries, or a python script or module named for it.
_REGISTER = re.compile(r"\baz\s+ml\s+model\s+(create|register)\b|\baws\s+sagemaker\s+create-model-package\b|"
                       r"\bgcloud\s+ai\s+models\s+upload\b|"
                       r"\bpython3?\s+(-m\s+)?(?:[\w.-]*/)*[\w.-]*regist[\w.-]*(?=\s|$|[;&|)])")


def registers(text: str) -> bool:
    return counts(text) and _REGISTER.search(text) is not None


def deploys_or_applies(text: str) -> bool:
    """A deployment of the ML workload or infrastructure automation of any target."""
    return deploys(text) or (counts(text) and _DEPLOY_INFRA.search(text) is not None)


def infrastructure(text: str) -> bool:
    """Infrastructure planned or applied from code (terraform plan/apply, cdk, pulumi, helm ...)."""
    return counts(text) and _INFRA_AS_CODE.search(text) is not None


def builds(text: str) -> bool:
    return counts(text) and BUILD.search(text) is not None


def lints(text: str) -> bool:
    return counts(text) and LINT.search(text) is not None


def does_nothing(text: str) -> bool:
    return all(NOTHING.match(part) for part in CHAIN.split(text))


def first_deployment(cmds: Sequence[Command]) -> Command | None:
    """Where a pipeline deploys the model: the first deploying command, or, in its job, the
    infrastructure applied before it (part of the same deployment)."""
    found = next((c for c in cmds if deploys(c.text)), None)
    if found is None:
        return None
    return next(c for c in cmds if c.job == found.job and deploys_or_applies(c.text))


# Any of the words the judgements above look for: a text holding none of them runs nothing they count.
_ANY = re.compile("|".join(f"(?:{r.pattern})" for r in (TESTS, TRAIN, _DEPLOY_ML, _DEPLOY_INFRA, _REGISTER)))


def may_run_something(text: str) -> bool:
    return _ANY.search(text) is not None
