"""How pipelines pin what they run and authenticate: actions, images, token permissions,
cloud credentials."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mllens.scan.context import FileContext
from mllens.scan.detectors._ci import commands, document, line_of, steps, system_of
from mllens.scan.detectors._ci_pipeline import pipeline
from mllens.scan.registry import rule

_SHA = re.compile(r"@[0-9a-f]{40}$")
_FIRST_PARTY = ("actions/", "github/")


@rule()
def actions_pinned(ctx: FileContext) -> None:
    doc = document(ctx.file) if system_of(ctx.file) == "github" else None
    if doc is None:
        return
    used: list[tuple[str, int]] = []
    jobs = doc.get("jobs")
    for _name, job in (jobs.items() if isinstance(jobs, Mapping) else ()):
        if isinstance(job, Mapping) and isinstance(job.get("uses"), str):
            used.append((job["uses"], line_of(job, "uses")))
    used.extend((s["uses"], line_of(s, "uses")) for _job, s in steps(doc) if isinstance(s.get("uses"), str))
    for ref, line in used:
        if ref.startswith(("./", "docker://")) or "@" not in ref:
            continue
        if _SHA.search(ref):
            ctx.supports(line=line, message=f"{ref.split('@')[0]} is pinned to a commit")
        elif ref.startswith(_FIRST_PARTY):
            # GitHub's own actions: a moved tag needs GitHub itself compromised, still a moving reference
            ctx.contradicts(line=line, confidence=0.6, message=f"{ref} follows a movable tag or branch "
                                                               "(an action of GitHub's own)")
        else:
            ctx.contradicts(line=line, message=f"{ref} follows a movable tag or branch")


# An image pinned by digest, or by a tag that names an exact version (`python:3.11.9-slim`).
_DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
_EXACT = re.compile(r":v?\d+\.\d+\.\d+")


# Cloud Build's own builder images, supplied by the platform like a runner image (runs-on, vmImage)
_PLATFORM_BUILDERS = ("gcr.io/cloud-builders/", "gcr.io/google.com/cloudsdktool/", "gcr.io/kaniko-project/")


@rule()
def images_pinned(ctx: FileContext) -> None:
    view = pipeline(ctx.file)
    if view is None:
        return
    for image in view.images:
        ref = image.value
        if "$" in ref or "{{" in ref or ref.startswith(_PLATFORM_BUILDERS):
            continue  # from a variable or substitution, or the platform's own builder: not judged
        last = ref.split("@", 1)[0].rsplit("/", 1)[-1]  # name[:tag] after the registry and path
        tag = last.partition(":")[2]
        if _DIGEST.search(ref):
            ctx.supports(line=image.line, message=f"CI image {ref.split('@')[0]} is pinned by digest")
        elif not tag or tag == "latest":
            ctx.contradicts(line=image.line, message=f"CI image {ref} follows latest: the job can run a "
                                                     "different image on every build")
        elif _EXACT.search(ref):
            ctx.supports(line=image.line, confidence=0.6, message=f"CI image {ref} names an exact version "
                                                                  "(a tag, not a digest)")
        else:
            ctx.contradicts(line=image.line, confidence=0.6, message=f"CI image {ref} follows a moving tag "
                                                                     "with no digest")


@rule()
def token_permissions(ctx: FileContext) -> None:
    doc = document(ctx.file) if system_of(ctx.file) == "github" else None
    if doc is None or not isinstance(doc.get("jobs"), Mapping):
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


# docker run options that give the job's container root on the runner: root user, privileged, host PID/network
_ROOT = re.compile(r"(--user|-u)[=\s]+['\"]?(root|0)(:0)?['\"]?(?=\s|$)|--privileged\b|--pid[=\s]+host\b|"
                   r"--cap-add[=\s]+(ALL|SYS_ADMIN)\b")


@rule()
def job_container_root(ctx: FileContext) -> None:
    view = pipeline(ctx.file)
    for options in view.container_options if view is not None else ():
        match = _ROOT.search(options.value)
        if match is not None:
            ctx.contradicts(line=options.line, message=f"a CI job container runs with {match.group(0).strip()}: "
                                                       "root on the runner, with the job's credentials in reach")


_SP_LOGIN = re.compile(r"\baz\s+login\b.*--service-principal\b")
_SP_FEDERATED = re.compile(r"--federated-token\b")


@rule()
def short_lived_credentials(ctx: FileContext) -> None:
    for command in commands(ctx.file) if system_of(ctx.file) is not None else ():
        if _SP_LOGIN.search(command.text):
            if _SP_FEDERATED.search(command.text):
                ctx.supports(line=command.line, message="az login uses a federated token (OIDC)")
            else:
                ctx.contradicts(line=command.line, message="az login uses a service principal secret or "
                                                           "certificate: a long-lived credential")
            break
    ci = system_of(ctx.file)
    doc = document(ctx.file) if ci is not None else None  # a repository config (devcontainer.json) is no pipeline
    if doc is None or ci is None:
        return
    if ci == "github":
        for _job, step in steps(doc):
            uses = str(step.get("uses", ""))
            given = step.get("with")
            line = line_of(step, "uses", getattr(step, "line", 1))
            _judge_login(ctx, uses, given if isinstance(given, Mapping) else {}, line)
            if isinstance(given, Mapping) and not uses.startswith(_LOGIN_ACTIONS):
                _judge_secret_inputs(ctx, uses, given)
    if ci == "gitlab" and "id_tokens" in ctx.file.text:
        line = next(n for n, t in enumerate(ctx.file.text.split("\n"), 1) if t.strip().startswith("id_tokens:"))
        ctx.supports(line=line, message="GitLab jobs request OIDC id_tokens for cloud access")
    for name, line in _secret_env(doc, 1):
        ctx.contradicts(line=line, message=f"{name} is passed from a stored secret: a long-lived key")


_LOGIN_ACTIONS = ("aws-actions/configure-aws-credentials", "google-github-actions/auth", "azure/login")
# An action input that takes a password, client secret, access key or key file.
_SECRET_INPUT = re.compile(r"password|client[-_]?secret|secret[-_]access[-_]key|credentials[-_]?json|"
                           r"service[-_]account[-_]key|sp[-_]secret", re.IGNORECASE)


def _judge_secret_inputs(ctx: FileContext, uses: str, given: Mapping[str, Any]) -> None:
    """A stored password or key handed to any other action (a registry, a deployment tool)."""
    for key, value in given.items():
        if _SECRET_INPUT.search(str(key)) and "secrets." in str(value):
            ctx.contradicts(line=line_of(given, key), message=f"{uses.split('@')[0]} is given {key} from a stored "
                                                                "secret: a long-lived credential")
            return


def _judge_login(ctx: FileContext, uses: str, given: Mapping[str, Any], line: int) -> None:
    """A stored key contradicts at its own input's line; a federated login supports at the step."""

    def at(*keys: str) -> int:
        return next((line_of(given, k, line) for k in keys if k in given), line)

    if uses.startswith("aws-actions/configure-aws-credentials"):
        if "aws-secret-access-key" in given or "aws-access-key-id" in given:
            ctx.contradicts(line=at("aws-secret-access-key", "aws-access-key-id"),
                            message="AWS credentials come from stored access keys")
        elif "role-to-assume" in given:
            ctx.supports(line=line, message="AWS credentials come from OIDC (role-to-assume)")
    elif uses.startswith("google-github-actions/auth"):
        if "credentials_json" in given:
            ctx.contradicts(line=at("credentials_json"),
                            message="Google Cloud credentials come from a stored service account key")
        elif "workload_identity_provider" in given:
            ctx.supports(line=line, message="Google Cloud credentials come from workload identity federation")
    elif uses.startswith("azure/login"):
        if "creds" in given or "client-secret" in given:
            ctx.contradicts(line=at("creds", "client-secret"),
                            message="Azure credentials come from a stored client secret")
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
