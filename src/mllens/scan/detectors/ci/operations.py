"""How pipelines handle the jobs and endpoints they start from the command line: waiting on
a job's status rather than a fixed sleep, and endpoints created with more than one instance."""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors import _ci_runs as runs
from mllens.scan.detectors._ci import commands, system_of
from mllens.scan.detectors.ci.release import _staging
from mllens.scan.registry import rule

# `sleep 240`, `sleep 5m`, `Start-Sleep -Seconds 300`, `timeout /t 300`
_SLEEP = re.compile(r"(?:^|[\s;&|(])(?:sleep\s+(\d+)([smh]?)|Start-Sleep\s+(?:-Seconds\s+)?(\d+)|"
                    r"timeout\s+/t\s+(\d+))(?=\s|$|[;&|)])", re.IGNORECASE)
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600}
# Something that waits on what was started: a CLI waiter, a streamed or waited job, a polling loop.
_WAITS = re.compile(r"\baws\s+sagemaker\s+wait\b|\baz\s+ml\s+job\s+(stream|show)\b|--wait\b|--stream\b|"
                    r"\bkubectl\s+wait\b|\bkubectl\b.*\brollout\s+status\b|^\s*(while|until)\b|\bgcloud\b.*\bwait\b|"
                    r"describe-training-job|describe-endpoint\b|get-function\b")
# Jobs whose completion a pipeline waits on: training, processing, transform and endpoint creation.
_STARTS = re.compile(r"\baws\s+sagemaker\s+create-(training|processing|transform|hyper-parameter-tuning)-job\b|"
                     r"\baws\s+sagemaker\s+(create|update)-endpoint\b|\baz\s+ml\s+job\s+create\b|"
                     r"\bgcloud\s+ai\s+(custom-jobs|hp-tuning-jobs)\s+create\b|\baws\s+lambda\s+invoke\b")
_LONG = 60  # seconds: shorter sleeps are pauses between polls or for a service to come up


def _seconds(match: re.Match[str]) -> int:
    if match.group(1) is not None:
        return int(match.group(1)) * _UNIT[match.group(2).lower()]
    return int(match.group(3) or match.group(4))


@rule()
def fixed_sleep(ctx: FileContext) -> None:
    if system_of(ctx.file) is None:
        return
    cmds = commands(ctx.file)
    if not any(_STARTS.search(c.text) for c in cmds) or any(_WAITS.search(c.text) for c in cmds):
        return
    for command in cmds:
        match = _SLEEP.search(command.text)
        if match is not None and _seconds(match) >= _LONG:
            ctx.contradicts(line=command.line, message=f"the pipeline waits a fixed time ({match.group(0).strip()}) "
                                                       "for the job it started instead of its status: a slow job is "
                                                       "read before it ends and a failed one is not noticed")
            return


# `InitialInstanceCount=1` of a --production-variants shorthand or JSON; `--instance-count 1`
_COUNT = re.compile(r"InitialInstanceCount[\"']?\s*[=:]\s*[\"']?(\d+)")
_CONFIG = re.compile(r"\baws\s+sagemaker\s+create-endpoint-config\b")
_NAME = re.compile(r"--endpoint-config-name[=\s]+(\S+)")
_SCALES = re.compile(r"\baws\s+application-autoscaling\s+(register-scalable-target|put-scaling-policy)\b")


@rule()
def cli_endpoint_instances(ctx: FileContext) -> None:
    if system_of(ctx.file) is None:
        return
    cmds = commands(ctx.file)
    if any(_SCALES.search(c.text) for c in cmds):
        return  # scaled by a policy the pipeline registers: its minimum decides, not the first count
    for command in cmds:
        if not _CONFIG.search(command.text) or not runs.counts(command.text):
            continue
        name = _NAME.search(command.text)
        if _staging(command.job) or (name is not None and _staging(name.group(1))):
            continue  # a test or staging endpoint needs no second instance
        counts = [int(n) for n in _COUNT.findall(command.text)]
        if not counts:
            continue
        if min(counts) > 1:
            ctx.supports(line=command.line, message=f"the endpoint the pipeline creates serves from {min(counts)} "
                                                     "instances or more")
        else:
            ctx.contradicts(line=command.line, message="the endpoint the pipeline creates serves from one instance "
                                                       "(InitialInstanceCount=1) and no scaling policy is registered")
