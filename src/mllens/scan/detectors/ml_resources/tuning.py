"""Hyperparameter tuning within a written budget, run so the search can learn."""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.model import state_of
from mllens.scan.model.kinds import TuningJob
from mllens.scan.registry import rule

_STOPS = ("auto", "true")  # SageMaker's early_stopping_type "Auto", AI Platform's enableTrialEarlyStopping true


@rule()
def tuning_budget(ctx: FileContext) -> None:
    for job in state_of(ctx.file).of(TuningJob):
        most, parallel, stop = job.max_trials.as_int(), job.parallel.as_int(), job.early_stopping
        if most is not None:
            ctx.supports(line=job.max_trials.line, check="hyperparameter_search",
                         message=f"{job.address} bounds its {job.service} search to {most} trials "
                                 f"({job.max_trials.name})")
        if stop.written and str(stop.raw).strip().lower() in _STOPS:
            ctx.supports(line=stop.line, check="efficient_search_strategy",
                         message=f"{job.address} stops trials that stop improving ({stop.name} = {stop.raw})")
        elif most is not None and parallel is not None and 1 < most <= parallel:
            ctx.contradicts(line=job.parallel.line, check="efficient_search_strategy",
                            message=f"{job.address} runs all {most} trials at once ({job.parallel.name} = "
                                    f"{parallel}): no trial can learn from another's result")
        elif most is not None and parallel is not None and parallel * 2 <= most:
            ctx.supports(line=job.parallel.line, check="efficient_search_strategy",
                         message=f"{job.address} runs {parallel} of {most} trials at a time ({job.parallel.name}), "
                                 "so later trials learn from earlier results")
