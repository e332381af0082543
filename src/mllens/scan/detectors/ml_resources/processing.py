"""Where data preparation runs: managed jobs that hold compute only for the run, or the
orchestrator's own always-on workers."""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Pipeline, TrainingJob
from mllens.scan.registry import rule


@rule()
def processing_jobs(ctx: FileContext) -> None:
    state = state_of(ctx.file)
    for job in state.of(TrainingJob):
        if job.processing:
            ctx.supports(line=job.line, message=f"{job.address} prepares data as a managed processing job that "
                                                "holds its compute only while it runs")
    for pipeline in state.of(Pipeline):
        host = pipeline.host_preparation
        if host is not None and host.written:
            ctx.contradicts(line=host.line, confidence=0.6,
                            message=f"{pipeline.address} prepares data in a {host.raw} ({host.name!r}) on the "
                                    "orchestrator's own workers while its ML work runs as managed jobs")
