"""Delivery pipelines declared as infrastructure (CodePipeline): what they deploy, test and
approve, and in which order (the stage order is the pipeline's order)."""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.model import state_of
from mllens.scan.model.kinds_delivery import ReleaseAction, ReleasePipeline, ReleaseStage
from mllens.scan.registry import rule

_PROD = re.compile(r"prod|live", re.IGNORECASE)
_TEST = re.compile(r"test|qa|validat|smoke|integration", re.IGNORECASE)
# An Invoke (Lambda) or Build action in a stage named for deployment deploys too (a Lambda or
# a CodeBuild job calling the service is a common way to update an endpoint).
_DEPLOY_STAGE = re.compile(r"deploy|release|prod|staging|live", re.IGNORECASE)
# names of actions that deploy to, or wait on, an environment called test: no test run
_NOT_TEST = re.compile(r"deploy|release|status|wait", re.IGNORECASE)


def _deploys(stage: ReleaseStage) -> bool:
    if stage.has("Deploy"):
        return True
    return bool(_DEPLOY_STAGE.search(stage.name)) and stage.has("Invoke", "Build")


def _approval(stage: ReleaseStage) -> int | None:
    """The line of a manual approval action in this stage (None: none)."""
    return next((a.line for a in stage.actions if a.category == "Approval"), None)


@rule()
def release_pipeline_deploys(ctx: FileContext) -> None:
    for pipe in state_of(ctx.file).of(ReleasePipeline):
        if not pipe.stages:
            continue
        names = ", ".join(s.name or "(unnamed)" for s in pipe.stages)
        ctx.supports(line=pipe.line, check="infrastructure_as_code",
                     message=f"{pipe.address}: the delivery pipeline is declared as code (stages {names})")
        deploying = [s.name or "(unnamed)" for s in pipe.stages if _deploys(s)]
        if deploying:  # a pipeline that only builds: what it builds is not known to be deployed
            ctx.supports(line=pipe.line, check="automated_deployment",
                         message=f"{pipe.address} deploys from a pipeline declared as code "
                                 f"(stages {', '.join(deploying)})")


def _runs_tests(stage: ReleaseStage, action: ReleaseAction) -> bool:
    if action.category == "Test":
        return True
    if action.category not in ("Build", "Invoke") or _NOT_TEST.search(action.name):
        return False
    # the action says test, or it builds in a stage for tests (not one that deploys to a test environment)
    return bool(_TEST.search(action.name)) or (
        action.category == "Build" and bool(_TEST.search(stage.name)) and not _NOT_TEST.search(stage.name))


@rule()
def release_pipeline_tests(ctx: FileContext) -> None:
    for pipe in state_of(ctx.file).of(ReleasePipeline):
        for stage in pipe.stages:
            for action in stage.actions:
                if _runs_tests(stage, action):
                    ctx.supports(line=action.line, message=f"{pipe.address} runs tests in stage {stage.name} "
                                                           f"(action {action.name or action.category})")


@rule()
def release_pipeline_approval(ctx: FileContext) -> None:
    for pipe in state_of(ctx.file).of(ReleasePipeline):
        earlier: ReleaseStage | None = None  # the last stage that deployed
        approval: int | None = None  # a manual approval since that stage's deployment
        for stage in pipe.stages:
            here = _approval(stage)
            first = min((a.line for a in stage.actions if a.category != "Approval"), default=stage.line)
            if _deploys(stage) and _PROD.search(stage.name):
                _judge_production(ctx, pipe, stage, here if here is not None and here < first else approval, earlier)
            if _deploys(stage):
                # an approval after this stage's deployment (run after its tests) gates the next one
                earlier, approval = stage, (here if here is not None and here > first else None)
            elif here is not None:
                approval = here


def _judge_production(ctx: FileContext, pipe: ReleasePipeline, stage: ReleaseStage, gate: int | None,
                      earlier: ReleaseStage | None) -> None:
    if gate is not None:
        ctx.supports(line=gate, message=f"{pipe.address}: a manual approval gates the production stage {stage.name}")
    elif earlier is not None:
        ctx.contradicts(line=stage.line, message=f"{pipe.address}: production stage {stage.name} follows "
                                                 f"{earlier.name} with no manual approval action")
    else:
        ctx.contradicts(line=stage.line, confidence=0.5, message=f"{pipe.address}: production stage {stage.name} "
                        f"deploys with no earlier stage or manual approval before it")
    if earlier is not None:
        ctx.supports(line=earlier.line, message=f"{pipe.address} deploys to {earlier.name} before production "
                                                f"({stage.name})")


_MOVING = {"latest"}


@rule()
def release_pipeline_image_tag(ctx: FileContext) -> None:
    for pipe in state_of(ctx.file).of(ReleasePipeline):
        for stage in pipe.stages:
            for action in stage.actions:
                if action.image_tag in _MOVING:
                    ctx.contradicts(line=action.line, message=f"{pipe.address}: source action "
                                    f"{action.name or action.provider} in stage {stage.name} follows the moving "
                                    f"image tag {action.image_tag}")


_TRAINS = re.compile(r"train|fit|retrain", re.IGNORECASE)
_CODE = re.compile(r"\.(zip|tar\.gz|tgz|jar)$", re.IGNORECASE)  # a source archive, not data


@rule()
def release_pipeline_data_trigger(ctx: FileContext) -> None:
    for pipe in state_of(ctx.file).of(ReleasePipeline):
        trains = [f"{s.name}/{a.name}" for s in pipe.stages for a in s.actions
                  if a.category != "Source" and (_TRAINS.search(a.name) or _TRAINS.search(s.name))]
        if not trains:
            continue
        for stage in pipe.stages:
            for action in stage.actions:
                if action.category == "Source" and action.object_key and not _CODE.search(action.object_key):
                    ctx.supports(line=action.line, message=f"{pipe.address}: a change to s3 object "
                                 f"{action.object_key} starts the pipeline that trains ({', '.join(trains)})")
