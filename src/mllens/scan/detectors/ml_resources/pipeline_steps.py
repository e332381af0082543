"""What an orchestrated pipeline's steps show beyond gates and retries: a schedule for
retraining, data validation before training, a registry before deployment, long-lived keys
handed to steps, and the images steps run."""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors._k8s import image_pin
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Pipeline
from mllens.scan.registry import rule


@rule()
def pipeline_schedule(ctx: FileContext) -> None:
    for pipeline in state_of(ctx.file).of(Pipeline):
        if not any(v is not None and v.written for v in (pipeline.trains, pipeline.deploys)):
            continue  # builds no model (a monitoring or data flow): no retraining to schedule
        schedule = pipeline.schedule
        if schedule is None or schedule.kind == "reference":
            continue  # not read here, or a value from a variable
        if not schedule.written:
            ctx.contradicts(line=schedule.line, confidence=0.5,
                            message=f"{pipeline.address} builds a model with no {schedule.name} or trigger: "
                                    "retraining waits for someone to start it")
        elif schedule.kind == "blank" or str(schedule.raw).strip() == "@once":
            ctx.contradicts(line=schedule.line,
                            message=f"{pipeline.address} trains only when started ({schedule.name} = {schedule.raw})")
        else:
            ctx.supports(line=schedule.line, message=f"{pipeline.address} retrains on a schedule or event "
                                                     f"({schedule.name})")


@rule()
def pipeline_data_validation(ctx: FileContext) -> None:
    for pipeline in state_of(ctx.file).of(Pipeline):
        check, trains, profile = pipeline.validates_data, pipeline.trains, pipeline.profiles_data
        if profile is not None and profile.written:
            ctx.supports(line=profile.line, message=f"{pipeline.address} profiles its data (step {profile.raw!r}): "
                                                    "statistics and a schema to check each run against")
        if check is None:
            continue
        if not check.written and check.line != pipeline.line and check.line != (trains.line if trains else 0):
            # the validation step is there but turned off (a commented-out component)
            ctx.contradicts(line=check.line, confidence=0.7,
                            message=f"{pipeline.address} has its data validation step commented out "
                                    f"({check.name}): anomalies in the data never stop a run")
        elif check.written:
            ctx.supports(line=check.line, message=f"{pipeline.address} validates its data (step {check.raw!r})"
                                                  + (" before training" if trains is not None and trains.written
                                                     else ""))
        elif trains is not None and trains.written:
            ctx.contradicts(line=trains.line, confidence=0.6,
                            message=f"{pipeline.address} trains (step {trains.raw!r}) with no data validation "
                                    "step before it")


@rule()
def pipeline_deploys_from_registry(ctx: FileContext) -> None:
    for pipeline in state_of(ctx.file).of(Pipeline):
        deploys, registers = pipeline.deploys, pipeline.registers
        if deploys is None or registers is None or not deploys.written or registers.written:
            continue
        ctx.contradicts(line=deploys.line, confidence=0.6,
                        message=f"{pipeline.address} deploys (step {deploys.raw!r}) what it trained with no "
                                "model registry step: no registered, approved version stands behind it")


@rule()
def pipeline_key_secrets(ctx: FileContext) -> None:
    for pipeline in state_of(ctx.file).of(Pipeline):
        for key in pipeline.key_secrets:
            ctx.contradicts(line=key.line, message=f"{pipeline.address} hands a step a long-lived cloud key from "
                                                   f"a secret ({key.name}({key.raw!r})) instead of a workload identity")


@rule()
def pipeline_step_images(ctx: FileContext) -> None:
    seen: set[int] = set()  # a file's images are shared by the pipelines it defines
    for pipeline in state_of(ctx.file).of(Pipeline):
        for image in pipeline.images:
            if image.kind != "literal" or not isinstance(image.raw, str) or image.line in seen:
                continue
            seen.add(image.line)
            pin = image_pin(image.raw)
            if pin == "floating":
                ctx.contradicts(line=image.line, message=f"{pipeline.address} runs a step on {image.raw}, which has "
                                                         "no tag or uses latest: each run may get a different image")
            elif pin in ("digest", "version"):
                ctx.supports(line=image.line, message=f"{pipeline.address} runs a step on {image.raw} ({pin})")


@rule()
def pipeline_managed_training(ctx: FileContext) -> None:
    for pipeline in state_of(ctx.file).of(Pipeline):
        for job in pipeline.managed_training:
            ctx.supports(line=job.line, message=f"{pipeline.address} runs step {job.name!r} as a {job.raw} job "
                                                "that holds its compute only while it runs")


@rule()
def pipeline_tuning(ctx: FileContext) -> None:
    for pipeline in state_of(ctx.file).of(Pipeline):
        tunes = pipeline.tunes
        if tunes is not None and tunes.written:
            ctx.supports(line=tunes.line, message=f"{pipeline.address} searches hyperparameters in a step "
                                                  f"({tunes.raw!r})")


@rule()
def pipeline_deploys(ctx: FileContext) -> None:
    for pipeline in state_of(ctx.file).of(Pipeline):
        deploys, scoring = pipeline.deploys, pipeline.batch_scoring
        if deploys is not None and deploys.written and (scoring is None or scoring.line != deploys.line):
            ctx.supports(line=deploys.line, message=f"{pipeline.address} releases the model from a step of the "
                                                    f"pipeline ({deploys.raw!r}), not by hand")


@rule()
def pipeline_release_test(ctx: FileContext) -> None:
    for pipeline in state_of(ctx.file).of(Pipeline):
        tested = pipeline.release_test
        if tested is not None and tested.written:
            ctx.supports(line=tested.line, message=f"{pipeline.address} serves the model in a sandbox like "
                                                   f"production and sends it requests before release "
                                                   f"({tested.raw!r})")


@rule()
def pipeline_batch_scoring(ctx: FileContext) -> None:
    for pipeline in state_of(ctx.file).of(Pipeline):
        scoring = pipeline.batch_scoring
        if scoring is not None and scoring.written:
            ctx.supports(line=scoring.line, message=f"{pipeline.address} scores data in batch runs (step "
                                                    f"{scoring.raw!r}) instead of keeping an endpoint up for it")


_LATEST = re.compile(r"(?<![A-Za-z0-9])latest(?![A-Za-z0-9])", re.IGNORECASE)


@rule()
def pipeline_model_version(ctx: FileContext) -> None:
    for pipeline in state_of(ctx.file).of(Pipeline):
        model = pipeline.model_default
        if model is not None and model.kind == "literal" and _LATEST.search(str(model.raw)):
            ctx.contradicts(line=model.line, message=f"{pipeline.address} loads {model.raw!r} by default "
                                                     f"({model.name}): whichever model is latest, not a version "
                                                     "a run can be traced and rolled back to")
