"""How a pipeline's steps run: the CPU and memory they ask for, where their credentials come
from, and a step that runs however the run ends (read from Kubeflow Pipelines code)."""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Pipeline
from mllens.scan.registry import rule


@rule()
def pipeline_step_resources(ctx: FileContext) -> None:
    for pipeline in state_of(ctx.file).of(Pipeline):
        value = pipeline.step_resources
        if value is not None:
            ctx.supports(line=value.line, message=f"{pipeline.address} sizes its steps' CPU or memory "
                                                  f"({value.name}({value.raw!r}))")


@rule()
def pipeline_secret_env(ctx: FileContext) -> None:
    for pipeline in state_of(ctx.file).of(Pipeline):
        value = pipeline.secret_env
        if value is not None:
            ctx.supports(line=value.line, message=f"{pipeline.address} hands its steps credentials from a "
                                                  f"Kubernetes secret ({value.name}), not written in the code")


@rule()
def pipeline_exit_handler(ctx: FileContext) -> None:
    for pipeline in state_of(ctx.file).of(Pipeline):
        value = pipeline.exit_handler
        if value is not None:
            ctx.supports(line=value.line, message=f"{pipeline.address} runs an exit handler however the run ends "
                                                  f"({value.raw}): a failed run is reported, not left silent")
