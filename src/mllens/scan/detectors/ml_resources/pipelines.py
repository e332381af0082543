"""What an ML pipeline's steps do: gate registration and deployment on evaluation, retry transient failures."""

from __future__ import annotations

from mllens.scan.context import FileContext
from mllens.scan.model import state_of
from mllens.scan.model.kinds import Pipeline
from mllens.scan.model.values import Value
from mllens.scan.registry import rule


@rule()
def pipeline_evaluation_gate(ctx: FileContext) -> None:
    for pipeline in state_of(ctx.file).of(Pipeline):
        gate, registers = pipeline.gate, pipeline.registers
        if gate is None:
            continue  # steps not read for this pipeline (declared elsewhere)
        if gate.written:
            ctx.supports(
                line=gate.line,
                message=f"{pipeline.address} decides on evaluation results ({gate.name}) before the steps that follow",
            )
        else:
            # the first release with no condition on its evaluation: registering, else deploying
            release = next((v for v in (registers, pipeline.deploys) if v is not None and v.written), None)
            if release is None:
                continue
            verb = "registers" if release is registers else "deploys"
            if gate.line != pipeline.line:  # where the wiring runs the release straight after training or evaluation
                ctx.contradicts(line=gate.line, confidence=0.6,
                                message=f"{pipeline.address} {verb} a model ({_step(release)}) straight after "
                                        f"training or evaluation ({gate.name}) without depending on the result")
                continue
            ctx.contradicts(
                line=release.line,
                confidence=0.6,
                message=f"{pipeline.address} {verb} a model ({_step(release)}) with no condition on its evaluation",
            )


def _step(value: Value) -> str:
    """A step as messages name it: `RegisterModel`, or `step 'deploy_model'` for a step read by its name."""
    return f"step {value.raw!r}" if value.name.endswith(" step") else value.name


@rule()
def pipeline_retries(ctx: FileContext) -> None:
    for pipeline in state_of(ctx.file).of(Pipeline):
        retries = pipeline.retries
        if retries is None or retries.kind == "reference":
            continue
        count = retries.as_int()
        if not retries.written:
            ctx.contradicts(
                line=retries.line,
                confidence=0.6,
                message=f"{pipeline.address} sets no {retries.name}: one transient failure fails the run",
            )
        elif count is not None and count <= 0:
            ctx.contradicts(line=retries.line, message=f"{pipeline.address} retries nothing ({retries.name} = {count})")
        else:
            ctx.supports(
                line=retries.line,
                message=f"{pipeline.address} retries failed steps ({retries.name}"
                + (f" = {count})" if count is not None else ")"),
            )
