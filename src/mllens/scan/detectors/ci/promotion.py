"""How pipelines pick the model they promote: from a registry after an evaluation, or by
copying whatever is newest in a bucket with no metric checked on the way.

A pipeline promotes a model when it deploys one, registers one, copies model artefacts from
one storage location to another, or calls a step (a Jenkins shared-library step) named for a
registration or deployment. Evaluation may live elsewhere: a pipeline started by another
one's completion, a registered version deployed by name and version, or any command or step
that speaks of evaluation, metrics, thresholds or validation is not judged."""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors import _ci_runs as runs
from mllens.scan.detectors._ci import Command, commands, document, system_of
from mllens.scan.detectors._ci_pipeline import pipeline
from mllens.scan.registry import rule

_URL = r"(?:s3://|gs://|https://[\w.-]+\.blob\.core\.windows\.net/|az://)\S+"
# A copy between two storage locations: aws s3 cp/sync, gsutil cp/rsync, azcopy copy/sync
_COPY = re.compile(rf"\b(?:aws\s+s3\s+(?:cp|sync)|gsutil\s+(?:-m\s+)?(?:cp|rsync)|azcopy\s+(?:copy|sync))\b"
                   rf"(?:\s+-\S+)*\s+['\"]?{_URL}['\"]?\s+['\"]?{_URL}")
# The newest object of a listing: sort_by(..LastModified)[-1], ls -t | head -1, ... | tail -1
_NEWEST = re.compile(r"sort_by\([^)]*LastModified\)\s*\[-1\]|\bls\s+-\w*t\w*\b.*\|\s*head\s+-(n\s*)?1\b|"
                     r"\b(?:aws\s+s3\s+ls|gsutil\s+ls|az\s+storage\s+blob\s+list)\b.*\|\s*(?:sort.*\|\s*)?tail\s+-(n\s*)?1\b")
_MODEL = re.compile(r"model|artifact|artefact|run[-_]?id", re.IGNORECASE)
_EVALUATES = re.compile(r"evaluat|metric|threshold|validat|accuracy|\bauc\b|rmse|\bf1\b|compare", re.IGNORECASE)
# A version taken from a registry by name and version or alias
_REGISTERED = re.compile(r"models:/|model[-_]?package|--model[=\s]+['\"]?[\w$().-]+:[\w$().-]+|azureml:[\w-]+:|"
                         r"model[-_]?version|\bgcloud\s+ai\s+endpoints\s+deploy-model\b", re.IGNORECASE)
# Training run as an orchestrated pipeline job, whose definition (elsewhere) may hold the gate
_PIPELINE_RUN = re.compile(r"pipeline|\baz\s+ml\s+job\s+create\b|\bkfp\s+run\b|\btfx\s+run\b", re.IGNORECASE)
_PROMOTING_STEP = re.compile(r"regist|deploy|promot", re.IGNORECASE)


def _piece(ctx: FileContext) -> bool:
    """A Jenkins shared-library step (vars/NAME.groovy) or an Azure Pipelines template (parameters
    and steps, no trigger of its own): judged through the pipelines that call it."""
    if "vars" in ctx.file.path.split("/")[:-1]:
        return True
    doc = document(ctx.file) if system_of(ctx.file) == "azure" else None
    return doc is not None and "parameters" in doc and not set(doc) & {"trigger", "pr", "schedules", "resources"}


def _copies_model(command: Command) -> bool:
    return runs.counts(command.text) and (_COPY.search(command.text) is not None or
                                          _NEWEST.search(command.text) is not None) \
        and _MODEL.search(command.text) is not None


@rule()
def model_promoted_by_copy(ctx: FileContext) -> None:
    if system_of(ctx.file) is None:
        return
    cmds = commands(ctx.file)
    if any(runs.registers(c.text) for c in cmds):
        return
    found = next((c for c in cmds if _copies_model(c)), None)
    if found is not None and any(runs.deploys_or_applies(c.text) for c in cmds):
        ctx.contradicts(line=found.line, message=f"the model the pipeline deploys is picked from storage "
                                                 f"({found.text[:60]}), not a registered and approved version")


@rule()
def promotion_without_evaluation(ctx: FileContext) -> None:
    view = pipeline(ctx.file)
    if view is None or view.upstream or view.system == "codebuild" or _piece(ctx):
        # started when another pipeline completes, one action of a CodePipeline, a library step
        # or template others call: the evaluation may be in what starts or calls it
        return
    cmds = view.commands
    steps = [c for c in view.calls if c.value.startswith("step:") and _PROMOTING_STEP.search(c.value)]
    if any(_EVALUATES.search(c.text) for c in cmds) or any(_EVALUATES.search(c.value) for c in view.calls) or \
            any(_EVALUATES.search(c.job) for c in cmds) or any(_REGISTERED.search(c.text) for c in cmds) or \
            any(runs.runs_training(c.text) and _PIPELINE_RUN.search(c.text) for c in cmds):
        return
    promoting = [(c.line, c.text) for c in cmds if _copies_model(c) or runs.registers(c.text) or
                 (runs.deploys(c.text) and not runs.infrastructure(c.text))]
    promoting += [(s.line, s.value[5:]) for s in steps]
    if promoting:
        line, what = min(promoting)
        ctx.contradicts(line=line, message=f"the pipeline promotes a model ({what[:60]}) with no evaluation "
                                           "against a threshold anywhere before it")
