"""How pipelines release: staging before production, manual approvals, traffic shifting."""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors import _ci_runs as runs
from mllens.scan.detectors._ci_pipeline import Pipeline, pipeline
from mllens.scan.registry import rule

_STAGING = re.compile(r"\b(stag(e|ing)|pre-?prod(uction)?|qa|uat|test(ing)?|canary|sandbox|dev(elopment)?)\b",
                      re.IGNORECASE)
_PRODUCTION = re.compile(r"(?<!pre-)(?<!pre)\b(prod(uction)?|live)\b", re.IGNORECASE)


def _words(name: str) -> str:
    """`DeployToProd` and `deploy_to_prod` read as words."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|_", " ", name)


def _staging(name: str) -> bool:
    return _STAGING.search(_words(name)) is not None


def _production(name: str) -> bool:
    return _PRODUCTION.search(_words(name)) is not None and not _staging(name)


@rule()
def staged_deployment(ctx: FileContext) -> None:
    view = pipeline(ctx.file)
    if view is None:
        return
    staging = [e for e in view.environments if _staging(e.value)]
    production = [e for e in view.environments if _production(e.value)]
    if production and staging:
        ctx.supports(line=production[0].line,
                     message=f"CI deploys to {staging[0].value} before {production[0].value}")
    elif production:
        ctx.contradicts(line=production[0].line, confidence=0.6,
                        message=f"CI deploys to {production[0].value} with no staging environment in this pipeline")
    elif view.system != "codebuild" and not view.environments and not view.approvals and \
            not _gradual(view, ctx.file.text):
        # (a buildspec is one action of a CodePipeline, whose stages and approvals live in IaC)
        deploy = runs.first_deployment(view.commands)
        # the model deployed by two or more jobs (ACI then AKS, each smoke-tested) is a staged
        # rollout whose environments the file does not name: no contradiction
        jobs = {c.job or f"line {c.line}" for c in view.commands if runs.deploys(c.text)}
        # a job named for a dev, test or staging deployment is itself the stage before production
        if deploy is not None and len(jobs) < 2 and not all(_staging(job) for job in jobs if job):
            ctx.contradicts(line=deploy.line, confidence=0.5,
                            message=f"CI deploys ({deploy.text[:60]}) with no staging environment, approval or "
                                    "traffic shifting in this pipeline")


@rule()
def deployment_approval(ctx: FileContext) -> None:
    view = pipeline(ctx.file)
    if view is None:
        return
    deploying = {c.job for c in view.commands if runs.deploys(c.text)}
    for approval in view.approvals:
        if approval.value == "input" and (deploying or view.environments):
            ctx.supports(line=approval.line, message=f"a person approves (input step) before "
                                                     f"{approval.job or 'the pipeline'} goes on")
            return
        if approval.value == "when: manual" and approval.job in deploying:
            ctx.supports(line=approval.line, message=f"job {approval.job} deploys only when started by hand "
                                                     "(when: manual)")
            return
        if approval.value == "environment":
            ctx.supports(line=approval.line, confidence=0.5,
                         message=f"deployment job {approval.job} targets an environment: its approvals and checks "
                                 "are set in Azure DevOps and cannot be seen from the files")
            return
    if view.system == "jenkins":
        # Jenkins approvals are input steps in the file: a production stage without one has none
        prod = next((e for e in view.environments if _production(e.value)), None)
        if prod is not None:
            ctx.contradicts(line=prod.line, confidence=0.6,
                            message=f"stage {prod.value} deploys to production with no input step: nobody "
                                    "approves the release")
    if view.system == "github":
        env = next((e for e in view.environments if _production(e.value)), None)
        if env is not None:
            ctx.supports(line=env.line, confidence=0.5,
                         message=f"job {env.job} deploys through environment {env.value}: required reviewers are "
                                 "set in the repository settings and cannot be seen from the files")


# A split that sends part of the traffic to the new version: `--traffic "blue=90 green=10"`,
# `--traffic-split=0=10,...`, `update-traffic --to-revisions=new=10`, Argo Rollouts, a
# SageMaker deployment config (blue/green with canary or linear traffic routing).
_SPLIT = re.compile(r"--traffic(-split)?[=\s]+['\"]?([\w.-]+=\d+(?:[\s,]+[\w.-]+=\d+)*)|"
                    r"--to-revisions[=\s]+['\"]?([\w.-]+=\d+(?:,[\w.-]+=\d+)*)")
_PROGRESSIVE = re.compile(r"\bkubectl[\s-]argo[\s-]rollouts\b|\bdeployment-config\b.*\b(Canary|Linear|BlueGreen)|"
                          r"\bBlueGreenUpdatePolicy\b|\bflagger\b|\baws\s+deploy\s+create-deployment\b")
_ALL_AT_ONCE = re.compile(r"--all-traffic\b")


def _shares(text: str) -> list[int] | None:
    match = _SPLIT.search(text)
    if match is None:
        return None
    pairs = match.group(2) or match.group(3) or ""
    return [int(v) for v in re.findall(r"=(\d+)", pairs)]


# Traffic weights handed to a chart or template (`weight.blue=50,weight.green=50`,
# `--set canary.trafficPercent=10`): a key naming a weight or traffic share, set to a whole number.
_WEIGHT = re.compile(r"(?<![\w.-])([\w.-]*(?:weight|traffic)[\w.-]*)\s*[=:]\s*['\"]?(\d+)(?![\d.])", re.IGNORECASE)


def _weighted(text: str) -> tuple[int, str] | None:
    """The first line (not a comment) that gives a new version part of the traffic by weight."""
    for number, line in enumerate(text.split("\n"), 1):
        if line.lstrip().startswith("#"):
            continue
        shares = [int(v) for k, v in _WEIGHT.findall(line) if "class" not in k.lower()]
        if any(0 < v < 100 for v in shares):
            return number, line.strip()
    return None


def _gradual(view: Pipeline, text: str = "") -> bool:
    return any(_PROGRESSIVE.search(c.text) or any(0 < v < 100 for v in _shares(c.text) or []) for c in view.commands) \
        or (bool(text) and _weighted(text) is not None)


@rule()
def traffic_shifting(ctx: FileContext) -> None:
    view = pipeline(ctx.file)
    if view is None:
        return
    for command in view.commands:
        text = command.text
        if not runs.counts(text):
            continue
        shares = _shares(text)
        if _PROGRESSIVE.search(text) or (shares and any(0 < s < 100 for s in shares)):
            ctx.supports(line=command.line, message=f"CI shifts traffic gradually: {text[:80]}")
            return
        if _ALL_AT_ONCE.search(text) or (shares and shares == [100]):
            ctx.contradicts(line=command.line, message=f"CI sends all traffic to the new deployment at once, with "
                                                       f"no canary or blue/green step: {text[:80]}")
            return
    weighted = _weighted(ctx.file.text) if view.system != "jenkins" else None
    if weighted is not None:
        ctx.supports(line=weighted[0], message=f"CI shifts traffic by weight: {weighted[1][:80]}")
