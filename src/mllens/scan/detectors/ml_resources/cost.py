"""Compute that stops when idle or runs on spare capacity."""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors._iac import judge_choice
from mllens.scan.model import state_of
from mllens.scan.model.kinds import (
    Notebook,
    NotebookLifecycle,
    TrainingJob,
    Workspace,
)
from mllens.scan.registry import rule

_IDLE_WORDS = re.compile(r"idle|autostop|auto-stop|auto_stop", re.IGNORECASE)


@rule()
def idle_shutdown(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    for script in state.of(NotebookLifecycle):
        if _IDLE_WORDS.search(script.content):
            ctx.supports(line=script.line, message=f"{script.address} installs an idle auto-stop script")
    for notebook in state.of(Notebook):
        if notebook.lifecycle_config is not None and notebook.lifecycle_config.unset:
            ctx.contradicts(line=notebook.line, confidence=0.6,
                            message=f"{notebook.address} has no lifecycle configuration to stop it when idle "
                                    f"({notebook.lifecycle_config.name})")
        timeout = notebook.idle_timeout
        if timeout is not None and timeout.written:
            ctx.supports(line=timeout.line, message=f"{notebook.address} shuts down after {timeout.name}")
        elif timeout is not None:
            ctx.contradicts(line=timeout.line, confidence=0.6, message=f"{notebook.address} sets no {timeout.name}")
    for workspace in state.of(Workspace):
        for value in workspace.idle_settings:
            if value.kind == "literal":
                judge_choice(ctx, value.raw, value.line, what=workspace.address, attr=f"idle {value.name}",
                             good=("ENABLED",), default_bad=False)


@rule()
def training_scale_to_zero(ctx: FileContext) -> None:
    for compute in state_of(ctx.file).of(TrainingJob):
        _scale_down(ctx, compute)


def _scale_down(ctx: FileContext, compute: TrainingJob) -> None:
    """A cluster keeping nodes when idle contradicts; one that releases them supports, at the
    idle scale-down setting when written (the minimum then defaults to zero), else at the minimum."""
    low = compute.min_nodes.as_int() if compute.min_nodes is not None else None
    idle = compute.idle_scale_down
    if compute.min_nodes is not None and low is not None and low > 0:
        ctx.contradicts(line=compute.min_nodes.line,
                        message=f"{compute.address} keeps {low} nodes running when idle ({compute.min_nodes.name})")
    elif idle is not None and idle.written and (low == 0 or compute.min_nodes is None or not compute.min_nodes.written):
        ctx.supports(line=idle.line, message=f"{compute.address} releases idle nodes ({idle.name})")
    elif compute.min_nodes is not None and low == 0:
        ctx.supports(line=compute.min_nodes.line, message=f"{compute.address} scales down to zero nodes when idle")


# Only the runtime endpoint carries InvokeEndpoint traffic; sagemaker.api is the control plane.


@rule()
def spot_compute(ctx: FileContext) -> None:
    for compute in state_of(ctx.file).of(TrainingJob):
        # LowPriority (ARM, Terraform) or low_priority (Azure ML CLI)
        if compute.priority is not None and str(compute.priority.raw).replace("_", "").lower() == "lowpriority":
            ctx.supports(line=compute.priority.line, check="spot_training",
                         message=f"{compute.address} runs on low-priority (spot) capacity ({compute.priority.name})")
        if compute.spot is not None and compute.spot.as_bool() is True:
            ctx.supports(line=compute.spot.line, check="spot_training",
                         message=f"{compute.address} trains on spot capacity ({compute.spot.name})")
            if compute.checkpoint is not None and not compute.checkpoint.written:
                ctx.contradicts(line=compute.spot.line, check="checkpointing", confidence=0.6,
                                message=f"{compute.address} trains on spot capacity with no {compute.checkpoint.name}: "
                                        "an interrupted job starts over")
        elif compute.spot is not None and compute.spot.kind != "reference" and not compute.processing:
            spot = compute.spot
            ctx.contradicts(line=spot.line, check="spot_training", confidence=0.8 if spot.written else 0.5,
                            message=f"{compute.address} trains on on-demand capacity ({spot.name} "
                                    + ("= false)" if spot.written else "not set)"))
