"""Which CI system a file belongs to: from its path first, then from the shape of its YAML.

Most systems are found by where they live (`.github/workflows/`, `.gitlab-ci.yml` ...).
Two are not: Cloud Build runs any file passed with `--config` (`build/train.yaml`), and a
CodeBuild project may name any file in the repository as its buildspec
(`codebuild-buildspec.yml`, `buildspecs/train.yml`). A YAML file with no telling path is
claimed for them only when its shape is unmistakable: top-level keys all of the system's
own, Cloud Build steps that run container images, buildspec phases with their fixed names.
GitHub workflows, Kubernetes/Argo/Tekton manifests, composite actions, docker-compose or
Drone files never pass: their top-level keys, or their steps' keys, are not Cloud Build's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mllens.scan.context import ParsedFile

_YAML = (".yml", ".yaml")


def system(path: str) -> str | None:
    """Which CI system a file belongs to, from its path alone."""
    low = path.lower()
    base = low.rsplit("/", 1)[-1]
    folders = low.split("/")[:-1]
    if "/.github/workflows/" in f"/{low}" and base.endswith(_YAML):
        return "github"
    if base.endswith("gitlab-ci.yml") or base.endswith("gitlab-ci.yaml"):
        return "gitlab"
    if "azure-pipelines" in base or "/.azure-pipelines/" in f"/{low}" or "/.azuredevops/" in f"/{low}":
        return "azure"
    if base.startswith("cloudbuild") and base.endswith((*_YAML, ".json")):
        return "cloudbuild"
    # codebuild-buildspec.yml (SageMaker project seed code), buildspec_train.yml, build/buildspec.yml,
    # and any YAML kept in a buildspecs/ folder
    if base.endswith(_YAML) and ("buildspec" in base or any(f in ("buildspec", "buildspecs") for f in folders)):
        return "codebuild"
    if base.startswith("jenkinsfile") or base.endswith(".jenkinsfile"):
        return "jenkins"
    if base == "bitbucket-pipelines.yml" or low.endswith(".circleci/config.yml"):
        return "other"
    return None


def document(file: ParsedFile) -> Mapping[Any, Any] | None:
    """The first document of a YAML/JSON pipeline file, when it is a mapping."""
    data = file.data
    if isinstance(data, list):
        data = data[0] if data else None
    return data if isinstance(data, Mapping) else None


def system_of(file: ParsedFile) -> str | None:
    """Which CI system a parsed file belongs to: its path, or else its YAML shape."""
    return file.memo("ci.system", _system_of)


def _system_of(file: ParsedFile) -> str | None:
    by_path = system(file.path)
    if by_path is not None:
        return by_path
    if file.path.lower().endswith(".groovy"):
        return "jenkins" if is_jenkins_groovy(file.path, file.text) else None
    if file.kind != "yaml":
        return None
    doc = document(file)
    if doc is None:
        return None
    if is_cloud_build(doc):
        return "cloudbuild"
    if is_buildspec(doc):
        return "codebuild"
    if is_azure_pipeline(doc):
        return "azure"
    if is_gitlab_fragment(doc):
        return "gitlab"
    return None


def helper(path: str) -> str | None:
    """What a CI step may call into: a Makefile ("make"), a shell script ("script"), a
    composite GitHub action ("action")."""
    base = path.lower().rsplit("/", 1)[-1]
    if base in ("makefile", "gnumakefile") or base.endswith(".mk"):
        return "make"
    if base in ("action.yml", "action.yaml"):
        return "action"
    if base.endswith((".sh", ".bash")):
        return "script"
    return None


# Declarative (`pipeline {`), scripted (`node {`, `node('label') {`), and shared-library steps
# (`vars/NAME.groovy` defining `def call(...)`): Gradle scripts and other Groovy code are none.
_JENKINS_GROOVY = re.compile(r"^\s*(pipeline\s*\{|node\s*(\(.*\))?\s*\{|stage\s*\()", re.MULTILINE)
_LIBRARY_STEP = re.compile(r"^\s*def\s+call\s*\(", re.MULTILINE)


def is_jenkins_groovy(path: str, text: str) -> bool:
    folders = path.lower().split("/")[:-1]
    if "vars" in folders and _LIBRARY_STEP.search(text):
        return True
    return _JENKINS_GROOVY.search(text) is not None


# The fields of a Cloud Build config and of one of its steps (cloud.google.com/build/docs/build-config-file-schema);
# Cloud Build rejects a config with any other field.
_CLOUD_BUILD_KEYS = frozenset({"steps", "timeout", "queueTtl", "logsBucket", "options", "substitutions", "tags",
                               "serviceAccount", "secrets", "availableSecrets", "artifacts", "images", "dependencies"})
_STEP_KEYS = frozenset({"name", "args", "env", "dir", "id", "waitFor", "entrypoint", "secretEnv", "volumes",
                        "timeout", "script", "allowFailure", "allowExitCodes", "automapSubstitutions"})
_RUNS = ("args", "entrypoint", "script")
# An image reference: registry/path, a tag or digest, or a substitution ($_IMAGE, gcr.io/$PROJECT_ID/x).
_IMAGE = re.compile(r"^[\w.${}/:@-]+$")
# Docker Hub images written bare (no registry, no tag) that builds run as steps.
_BARE_IMAGES = frozenset({"python", "ubuntu", "debian", "alpine", "bash", "busybox", "node", "golang", "docker",
                          "gcc", "maven", "gradle", "openjdk", "ruby", "rust", "curl", "git", "buildpack-deps"})


def _is_image(name: Any) -> bool:
    if not isinstance(name, str) or not _IMAGE.match(name):
        return False
    return any(c in name for c in "/:@") or name.startswith("$") or name in _BARE_IMAGES


def is_cloud_build(doc: Mapping[Any, Any]) -> bool:
    """A Cloud Build config: only Cloud Build's top-level fields, and a `steps` list whose
    every step names a container image and has only step fields, one at least running it."""
    steps = doc.get("steps")
    if not isinstance(steps, list) or not steps or not set(doc) <= _CLOUD_BUILD_KEYS:
        return False
    for step in steps:
        if not isinstance(step, Mapping) or not set(step) <= _STEP_KEYS or not _is_image(step.get("name")):
            return False
    return any(key in step for step in steps for key in _RUNS)


_BUILDSPEC_KEYS = frozenset({"version", "run-as", "env", "proxy", "batch", "phases", "reports", "artifacts", "cache"})
_PHASES = frozenset({"install", "pre_build", "build", "post_build"})


def is_buildspec(doc: Mapping[Any, Any]) -> bool:
    """A CodeBuild buildspec: `version: 0.1/0.2`, buildspec fields only, and `phases` named
    install, pre_build, build or post_build."""
    phases = doc.get("phases")
    return (
        str(doc.get("version")) in ("0.1", "0.2")
        and set(doc) <= _BUILDSPEC_KEYS
        and isinstance(phases, Mapping)
        and bool(phases)
        and set(phases) <= _PHASES
    )


# Azure Pipelines: a pipeline (trigger, pool, stages/jobs/steps) or a template (parameters
# with steps, jobs or stages). Its lists hold items keyed the Azure way: a stage has `stage`
# (or `template`), a job `job`/`deployment` (or `template`), a step one of the step keys.
_AZURE_KEYS = frozenset({"trigger", "pr", "schedules", "pool", "variables", "parameters", "resources", "stages",
                         "jobs", "steps", "name", "extends", "lockBehavior", "appendCommitMessageToRunName",
                         "container", "workspace", "strategy", "timeoutInMinutes", "continueOnError"})
_AZURE_ITEMS = {
    "stages": frozenset({"stage", "template"}),
    "jobs": frozenset({"job", "deployment", "template"}),
    "steps": frozenset({"task", "script", "bash", "pwsh", "powershell", "checkout", "template", "download",
                        "publish", "downloadBuild", "getPackage", "reviewApp", "restoreCache"}),
}


def is_azure_pipeline(doc: Mapping[Any, Any]) -> bool:
    """Azure Pipelines keys only at the top, a non-empty stages, jobs or steps list whose every
    item is keyed the Azure way, and one key at least that only Azure uses (a GitHub `jobs:` is
    a mapping; Tekton and Argo steps are inside `spec`; Drone steps run `commands`)."""
    if not set(doc) <= _AZURE_KEYS:
        return False
    lists = [(key, doc[key]) for key in _AZURE_ITEMS if isinstance(doc.get(key), list) and doc[key]]
    if not lists:
        return False
    marked = bool(set(doc) & _AZURE_MARKS)
    for key, items in lists:
        for item in items:
            if not isinstance(item, Mapping) or not set(item) & _AZURE_ITEMS[key]:
                return False
            marked = marked or bool(set(item) & _AZURE_MARKS)
    return marked


# Keys no other runner's `steps:` uses: a list of {name, script} alone could be any runner.
_AZURE_MARKS = frozenset({"task", "displayName", "checkout", "pwsh", "template", "stage", "job", "deployment",
                          "pool", "trigger", "pr", "parameters", "dependsOn"})


# GitLab CI: the keywords of the top level and of a job (docs.gitlab.com/ee/ci/yaml/). A file
# included from .gitlab-ci.yml (`include: local:`) may have any name; it is taken for GitLab
# only when every top-level key is a GitLab keyword or a job, every job is a mapping of job
# keywords, and one job at least runs a script.
_GITLAB_TOP = frozenset({"stages", "variables", "default", "include", "workflow", "image", "services", "cache",
                         "before_script", "after_script"})
_GITLAB_JOB = frozenset({"script", "before_script", "after_script", "stage", "image", "services", "variables",
                         "rules", "only", "except", "when", "needs", "dependencies", "artifacts", "cache", "tags",
                         "environment", "extends", "allow_failure", "timeout", "retry", "parallel", "trigger",
                         "coverage", "interruptible", "resource_group", "release", "secrets", "id_tokens", "inherit",
                         "pages", "hooks", "identity", "start_in", "manual_confirmation"})


def is_gitlab_fragment(doc: Mapping[Any, Any]) -> bool:
    jobs = [v for k, v in doc.items() if k not in _GITLAB_TOP]
    if not jobs or not all(isinstance(j, Mapping) and j and set(j) <= _GITLAB_JOB for j in jobs):
        return False
    return any("script" in j and ("stage" in j or "image" in j or "extends" in j) for j in jobs)
