"""What pipelines run: tests, training, deployment, licence scans; and when (schedules).

Commands are read from the keys each system runs as shell (see _ci.py); names, conditions
and comments never count, and package installs (`pip install pytest`) are not test runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from mllens.scan.context import FileContext
from mllens.scan.detectors import _ci_runs as runs
from mllens.scan.detectors._ci import Command, commands, document, github_on, line_of, system_of
from mllens.scan.detectors._ci_pipeline import pipeline
from mllens.scan.detectors.ci.followed import record
from mllens.scan.registry import rule


def _first(ctx: FileContext, test: Callable[[str], bool]) -> Command | None:
    if system_of(ctx.file) is None:
        return None
    return next((c for c in commands(ctx.file) if test(c.text)), None)


@rule()
def ci_tests(ctx: FileContext) -> None:
    record(ctx)  # what this file runs and calls, for the project rules of followed.py
    found = _first(ctx, runs.runs_tests)
    if found is not None:
        ctx.supports(line=found.line, message=f"CI runs the test suite: {found.text[:80]}")


@rule()
def training_in_ci(ctx: FileContext) -> None:
    found = _first(ctx, runs.runs_training)
    if found is not None:
        ctx.supports(line=found.line, message=f"CI runs training: {found.text[:80]}")
    started = _pipeline_task(document(ctx.file)) if system_of(ctx.file) == "azure" else None
    if started is not None and (found is None or found.line != started[0]):
        # running the published pipeline is training on every change; building it is the code
        ctx.supports(line=started[0], check="training_pipeline_in_ci",
                     message=f"CI starts the published ML training pipeline (task {started[1]})")


# Azure DevOps tasks that submit a run of a published Azure ML pipeline
_PIPELINE_TASK = re.compile(r"PublishedPipeline|AzureMLPipeline|MLPipelineRun", re.IGNORECASE)


def _pipeline_task(value: Any, line: int = 1) -> tuple[int, str] | None:
    if isinstance(value, Mapping):
        task = value.get("task")
        if isinstance(task, str) and _PIPELINE_TASK.search(task):
            return line_of(value, "task", line), task.rsplit(".", 1)[-1]
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _pipeline_task(item, line_of(value, key, line))
        if found is not None:
            return found
    return None


@rule()
def deployment_in_ci(ctx: FileContext) -> None:
    if system_of(ctx.file) is None:
        return
    found = runs.first_deployment(commands(ctx.file))
    if found is None:  # no model deployed here; the training pipeline itself may be
        published = next((c for c in commands(ctx.file) if runs.publishes_pipeline(c.text)), None)
        # published and run by the same file: that is training in CI (training_in_ci), not a release
        if published is not None and _first(ctx, runs.runs_training) is None:
            ctx.supports(line=published.line, message=f"CI publishes the ML pipeline to its orchestrator: "
                                                      f"{published.text[:80]}")
        return
    if found is not None:
        ctx.supports(line=found.line, message=f"CI deploys: {found.text[:80]}")
        view = pipeline(ctx.file)
        for upstream in view.upstream if view is not None else ():
            ctx.supports(line=upstream.line, message=f"the deployment starts when {upstream.value} completes, "
                                                     "not when someone starts it")


@rule()
def model_registration(ctx: FileContext) -> None:
    found = _first(ctx, runs.registers)
    if found is not None:
        ctx.supports(line=found.line, message=f"CI registers a model version: {found.text[:80]}")


@rule()
def infrastructure_in_ci(ctx: FileContext) -> None:
    found = _first(ctx, runs.infrastructure)
    if found is not None:
        ctx.supports(line=found.line, message=f"CI plans or applies infrastructure from code: {found.text[:80]}")


_LICENSES = re.compile(r"\b(pip-licenses|liccheck|licensecheck|scancode|license-checker|licensee|reuse\s+lint)\b|"
                       r"\bsyft\b.*\b(spdx|cyclonedx)|\bfossa\s+(analyze|test)\b")


@rule()
def license_scan(ctx: FileContext) -> None:
    found = _first(ctx, lambda text: runs.counts(text) and _LICENSES.search(text) is not None)
    if found is not None:
        ctx.supports(line=found.line, message=f"CI checks dependency licences: {found.text[:80]}")


_CRON = re.compile(r"\bcron\s*\(|\bparameterizedCron\b")


@rule()
def scheduled_training(ctx: FileContext) -> None:
    if _first(ctx, runs.runs_training) is None:
        return
    ci, doc = system_of(ctx.file), document(ctx.file)
    line = None
    if ci == "github" and doc is not None and isinstance(github_on(doc), Mapping) and "schedule" in github_on(doc):
        line = line_of(github_on(doc), "schedule")
    elif ci == "azure" and doc is not None and "schedules" in doc:
        line = line_of(doc, "schedules")
    elif ci == "gitlab" and doc is not None:
        train_jobs = {c.job for c in commands(ctx.file) if runs.runs_training(c.text)}
        line = next((line_of(doc, job) for job in train_jobs if "schedule" in str(_conditions(doc.get(job)))), None)
    elif ci == "jenkins":
        line = next((n for n, text in enumerate(ctx.file.text.split("\n"), 1)
                     if _CRON.search(text) and not text.strip().startswith("//")), None)
    if line is not None:
        ctx.supports(line=line, message="training runs on a schedule")


def _conditions(job: Any) -> str:
    return str(job.get("rules", "")) + str(job.get("only", "")) if isinstance(job, Mapping) else ""
