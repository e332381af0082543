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

# a lifecycle configuration attached to a domain's apps (it may stop them when idle)
_LIFECYCLE = re.compile(r"LifecycleConfigArns|lifecycle_config_arns|DefaultResourceSpec.*LifecycleConfigArn",
                        re.IGNORECASE)


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
        defaults = workspace.user_defaults
        if defaults is not None and not workspace.idle_settings and not _LIFECYCLE.search(str(defaults.raw)):
            ctx.contradicts(line=defaults.line, confidence=0.6,
                            message=f"{workspace.address}: {defaults.name} set no idle shutdown and no lifecycle "
                                    "configuration for its users' apps")
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
    idle = compute.idle_scale_down
    releases = False  # said once, whatever the environments
    for floor in compute.min_nodes.each() if compute.min_nodes is not None else (None,):  # per environment
        low = floor.as_int() if floor is not None else None
        if floor is not None and low is not None and low > 0:
            ctx.given(floor).contradicts(line=floor.line, message=f"{compute.address} keeps {low} nodes running "
                                                                  f"when idle ({floor.name})")
        elif idle is not None and idle.written and (low == 0 or floor is None or not floor.written):
            if not releases:
                ctx.supports(line=idle.line, message=f"{compute.address} releases idle nodes ({idle.name})")
            releases = True
        elif floor is not None and low == 0:
            ctx.given(floor).supports(line=floor.line, message=f"{compute.address} scales down to zero nodes when idle")


# Only the runtime endpoint carries InvokeEndpoint traffic; sagemaker.api is the control plane.


@rule()
def spot_compute(ctx: FileContext) -> None:
    for compute in state_of(ctx.file).of(TrainingJob):
        # LowPriority (ARM, Terraform) or low_priority (Azure ML CLI)
        for priority in compute.priority.each() if compute.priority is not None else ():
            if str(priority.raw).replace("_", "").lower() == "lowpriority":
                ctx.given(priority).supports(line=priority.line, check="spot_training", message=f"{compute.address} "
                                             f"runs on low-priority (spot) capacity ({priority.name})")
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
        checkpoint = compute.checkpoint
        if checkpoint is not None and not checkpoint.unset:
            ctx.supports(line=checkpoint.line, check="checkpointing",
                         message=f"{compute.address} saves checkpoints to resume from ({checkpoint.name})")
