"""CI pipelines: GitHub Actions, GitLab CI, Azure Pipelines, Cloud Build, CodeBuild
buildspecs and Jenkinsfiles. What they run (tests, training, deployment), when (schedules),
through which environments, and how they authenticate (token permissions, pinned actions,
short-lived cloud credentials).

Commands are read from the keys each system runs as shell (see _ci.py); names, conditions
and comments never count, and package installs (`pip install pytest`) are not test runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mllens.scan.context import FileContext, ParsedFile
from mllens.scan.detectors._ci import Command, commands, document, github_on, line_of, steps, system_of
from mllens.scan.registry import rule

_INSTALL = re.compile(r"^\s*(sudo\s+)?(python3?\s+-m\s+)?(pip3?|uv\s+pip|uv\s+add|conda|mamba|micromamba|apt-get|apt|"
                      r"apk|yum|brew|pipx|poetry\s+add|npm)\s+(install|add|i)\b")
_ECHO = re.compile(r"^\s*(echo|printf|Write-Host)\b")
_TESTS = re.compile(r"(^|[\s;&|(])(pytest|py\.test|tox|nox)(\s|$)|python3?\s+-m\s+(pytest|unittest)\b|"
                    r"\bmake\s+(test|tests|check|unit-test|unittest)\b|\b(hatch|poetry|uv|pdm|pipenv)\s+run\s+"
                    r"(pytest|tox|nox|test)\b")
_TRAIN = re.compile(r"\bpython3?\s+(-m\s+)?[\w./-]*train[\w./-]*|\b(make|just|invoke)\s+train\b|"
                    r"\bdvc\s+(repro|exp\s+run)\b|"
                    r"\baz\s+ml\s+job\s+create\b|\bgcloud\s+ai\s+(custom-jobs|hp-tuning-jobs)\s+create\b|"
                    r"\baws\s+sagemaker\s+(create-training-job|start-pipeline-execution)\b|\brun[-_]pipeline\b|"
                    r"\bmlflow\s+run\b|\bkfp\s+run\b|\bpython3?\s+(-m\s+)?[\w./-]*pipeline[\w./-]*")
_DEPLOY = re.compile(r"\baz\s+ml\s+(online|batch)-(deployment|endpoint)\s+(create|update)\b|"
                     r"\baws\s+cloudformation\s+(deploy|create-stack|update-stack)\b|\b(sam|cdk|serverless)\s+deploy\b|"
                     r"\bterraform\b[^|;&]*?\sapply\b|\bkubectl\b[^|;&]*?\s(apply|rollout|set\s+image)\b|"
                     r"\bhelm\b[^|;&]*?\s(upgrade|install)\b|"
                     r"\bgcloud\s+(ai\s+endpoints\s+deploy-model|run\s+deploy)\b|"
                     r"\baws\s+sagemaker\s+(create|update)-endpoint\b|\bmlflow\s+deployments\s+create\b|"
                     r"\bpython3?\s+(-m\s+)?[\w./-]*deploy[\w./-]*|\bmake\s+deploy\b|\bbentoml\s+deploy\b")


def skip_file(file: ParsedFile) -> bool:
    """The family hook of mllens.scan.engine: the family is handed every YAML file (a Cloud
    Build config or a buildspec may have any name), and runs on CI files only."""
    return system_of(file) is None


def _first(ctx: FileContext, pattern: re.Pattern[str]) -> Command | None:
    return next((c for c in commands(ctx.file)
                 if pattern.search(c.text) and not _INSTALL.search(c.text) and not _ECHO.match(c.text)), None)


@rule()
def ci_tests(ctx: FileContext) -> None:
    found = _first(ctx, _TESTS)
    if found is not None:
        ctx.supports(line=found.line, message=f"CI runs the test suite: {found.text[:80]}")


# A dry run (`dvc repro --dry`, `dvc exp run --dry`, a script's --dry-run) prints what would
# run and runs nothing: judged per command of a `&&`/`;`/`|` chain, so a real run beside it counts.
_CHAIN = re.compile(r"&&|\|\||[;|]")
_DRY_RUN = re.compile(r"\s--dry(-run)?(?=[\s=]|$)")


def _runs_training(text: str) -> bool:
    return any(_TRAIN.search(part) and not _DRY_RUN.search(part) for part in _CHAIN.split(text))


def _training(ctx: FileContext) -> Command | None:
    return next((c for c in commands(ctx.file)
                 if _runs_training(c.text) and not _INSTALL.search(c.text) and not _ECHO.match(c.text)), None)


@rule()
def training_in_ci(ctx: FileContext) -> None:
    found = _training(ctx)
    if found is not None:
        ctx.supports(line=found.line, message=f"CI runs training: {found.text[:80]}")


@rule()
def deployment_in_ci(ctx: FileContext) -> None:
    found = _first(ctx, _DEPLOY)
    if found is not None:
        ctx.supports(line=found.line, message=f"CI deploys: {found.text[:80]}")


_LICENSES = re.compile(r"\b(pip-licenses|liccheck|licensecheck|scancode|license-checker|licensee|reuse\s+lint)\b|"
                       r"\bsyft\b.*\b(spdx|cyclonedx)|\bfossa\s+(analyze|test)\b")


@rule()
def license_scan(ctx: FileContext) -> None:
    found = _first(ctx, _LICENSES)
    if found is not None:
        ctx.supports(line=found.line, message=f"CI checks dependency licences: {found.text[:80]}")


_CRON = re.compile(r"\bcron\s*\(|\bparameterizedCron\b")


@rule()
def scheduled_training(ctx: FileContext) -> None:
    if _training(ctx) is None:
        return
    ci, doc = system_of(ctx.file), document(ctx.file)
    line = None
    if ci == "github" and doc is not None and isinstance(github_on(doc), Mapping) and "schedule" in github_on(doc):
        line = line_of(github_on(doc), "schedule")
    elif ci == "azure" and doc is not None and "schedules" in doc:
        line = line_of(doc, "schedules")
    elif ci == "gitlab" and doc is not None:
        train_jobs = {c.job for c in commands(ctx.file) if _runs_training(c.text)}
        line = next((line_of(doc, job) for job in train_jobs if "schedule" in str(_conditions(doc.get(job)))), None)
    elif ci == "jenkins":
        line = next((n for n, text in enumerate(ctx.file.text.split("\n"), 1)
                     if _CRON.search(text) and not text.strip().startswith("//")), None)
    if line is not None:
        ctx.supports(line=line, message="training runs on a schedule")


def _conditions(job: Any) -> str:
    return str(job.get("rules", "")) + str(job.get("only", "")) if isinstance(job, Mapping) else ""


_STAGING = re.compile(r"\b(stag(e|ing)|pre-?prod(uction)?|qa|uat|test(ing)?|canary|sandbox|dev(elopment)?)\b",
                      re.IGNORECASE)
_PRODUCTION = re.compile(r"(?<!pre-)(?<!pre)\b(prod(uction)?|live)\b", re.IGNORECASE)


def _environments(value: Any, line: int, out: list[tuple[str, int]]) -> None:
    """(environment name, line) for every `environment:` in a CI document."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            item_line = line_of(value, key, line)
            if key == "environment":
                name = item.get("name") if isinstance(item, Mapping) else item
                if isinstance(name, str):
                    out.append((name, item_line))
            else:
                _environments(item, item_line, out)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _environments(item, line_of(value, i, line), out)


@rule()
def staged_deployment(ctx: FileContext) -> None:
    found: list[tuple[str, int]] = []
    if system_of(ctx.file) == "jenkins":
        stage = re.compile(r"""stage\s*\(\s*['"]([^'"]+)['"]""")
        for number, text in enumerate(ctx.file.text.split("\n"), 1):
            match = stage.search(text) if not text.strip().startswith("//") else None
            if match and re.search(r"deploy|release|promot", match.group(1), re.IGNORECASE):
                found.append((match.group(1), number))
    else:
        _environments(document(ctx.file), 1, found)
    staging = [(n, line) for n, line in found if _STAGING.search(n)]
    production = [(n, line) for n, line in found if _PRODUCTION.search(n) and not _STAGING.search(n)]
    if production and staging:
        ctx.supports(line=production[0][1],
                     message=f"CI deploys to {staging[0][0]} before {production[0][0]}")
    elif production:
        ctx.contradicts(line=production[0][1], confidence=0.6,
                        message=f"CI deploys to {production[0][0]} with no staging environment in this pipeline")


_SHA = re.compile(r"@[0-9a-f]{40}$")
_FIRST_PARTY = ("actions/", "github/")


@rule()
def actions_pinned(ctx: FileContext) -> None:
    doc = document(ctx.file)
    if system_of(ctx.file) != "github" or doc is None:
        return
    used: list[tuple[str, int]] = []
    jobs = doc.get("jobs")
    for _name, job in (jobs.items() if isinstance(jobs, Mapping) else ()):
        if isinstance(job, Mapping) and isinstance(job.get("uses"), str):
            used.append((job["uses"], line_of(job, "uses")))
    used.extend((s["uses"], line_of(s, "uses")) for _job, s in steps(doc) if isinstance(s.get("uses"), str))
    for ref, line in used:
        if ref.startswith(("./", "docker://")) or ref.startswith(_FIRST_PARTY) or "@" not in ref:
            continue
        if _SHA.search(ref):
            ctx.supports(line=line, message=f"{ref.split('@')[0]} is pinned to a commit")
        else:
            ctx.contradicts(line=line, message=f"{ref} follows a movable tag or branch")


@rule()
def token_permissions(ctx: FileContext) -> None:
    doc = document(ctx.file)
    if system_of(ctx.file) != "github" or doc is None or not isinstance(doc.get("jobs"), Mapping):
        return
    if "permissions" in doc:
        _judge_permissions(ctx, doc["permissions"], line_of(doc, "permissions"), "the workflow")
        return
    jobs = doc["jobs"]
    missing = [name for name, job in jobs.items() if isinstance(job, Mapping) and "permissions" not in job]
    if missing:
        ctx.contradicts(line=line_of(doc, "jobs"),
                        message=f"no permissions set for the workflow or for jobs {', '.join(map(str, missing[:5]))}: "
                                "the token gets the repository default")
        return
    for name, job in jobs.items():
        if isinstance(job, Mapping):
            _judge_permissions(ctx, job["permissions"], line_of(job, "permissions"), f"job {name}")


def _judge_permissions(ctx: FileContext, value: Any, line: int, where: str) -> None:
    if value == "write-all":
        ctx.contradicts(line=line, message=f"{where} gives its token write access to everything")
    else:
        scope = "read-all" if value == "read-all" else "scoped"
        ctx.supports(line=line, message=f"{where} restricts its token ({scope})")


_KEY_ENV = ("AWS_SECRET_ACCESS_KEY", "AZURE_CLIENT_SECRET", "GOOGLE_APPLICATION_CREDENTIALS_JSON", "ARM_CLIENT_SECRET")


@rule()
def short_lived_credentials(ctx: FileContext) -> None:
    doc = document(ctx.file)
    ci = system_of(ctx.file)
    if doc is None:
        return
    if ci == "github":
        for _job, step in steps(doc):
            uses = str(step.get("uses", ""))
            given = step.get("with")
            line = line_of(step, "uses", getattr(step, "line", 1))
            _judge_login(ctx, uses, given if isinstance(given, Mapping) else {}, line)
    if ci == "gitlab" and "id_tokens" in ctx.file.text:
        line = next(n for n, t in enumerate(ctx.file.text.split("\n"), 1) if t.strip().startswith("id_tokens:"))
        ctx.supports(line=line, message="GitLab jobs request OIDC id_tokens for cloud access")
    for name, line in _secret_env(doc, 1):
        ctx.contradicts(line=line, message=f"{name} is passed from a stored secret: a long-lived key")


def _judge_login(ctx: FileContext, uses: str, given: Mapping[str, Any], line: int) -> None:
    if uses.startswith("aws-actions/configure-aws-credentials"):
        if "aws-secret-access-key" in given or "aws-access-key-id" in given:
            ctx.contradicts(line=line, message="AWS credentials come from stored access keys")
        elif "role-to-assume" in given:
            ctx.supports(line=line, message="AWS credentials come from OIDC (role-to-assume)")
    elif uses.startswith("google-github-actions/auth"):
        if "credentials_json" in given:
            ctx.contradicts(line=line, message="Google Cloud credentials come from a stored service account key")
        elif "workload_identity_provider" in given:
            ctx.supports(line=line, message="Google Cloud credentials come from workload identity federation")
    elif uses.startswith("azure/login"):
        if "creds" in given or "client-secret" in given:
            ctx.contradicts(line=line, message="Azure credentials come from a stored client secret")
        elif "client-id" in given:
            ctx.supports(line=line, message="Azure credentials come from OIDC federation (client-id, no secret)")


def _secret_env(value: Any, line: int) -> list[tuple[str, int]]:
    """Environment variables holding long-lived cloud keys, set from stored secrets."""
    out: list[tuple[str, int]] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            item_line = line_of(value, key, line)
            if key in _KEY_ENV and isinstance(item, str) and ("secrets." in item or item.startswith("$")):
                out.append((str(key), item_line))
            else:
                out.extend(_secret_env(item, item_line))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out.extend(_secret_env(item, line_of(value, i, line)))
    return out
