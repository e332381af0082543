"""How deployment stages are chained: a model tested in one stage before the stage that
depends on it deploys again, and whether that later stage (or a production job) deploys
through an environment, where approvals and checks can stand before it.

Azure Pipelines stages (`dependsOn`, `job` vs `deployment` jobs) and GitHub jobs (their
`environment`). Commands are placed in a stage or job by line: a stage runs what is written
between its line and the next stage's."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mllens.scan.context import FileContext
from mllens.scan.detectors import _ci_runs as runs
from mllens.scan.detectors._ci import Command, commands, document, line_of, system_of
from mllens.scan.detectors.ci.release import _production, _staging
from mllens.scan.registry import rule

# A check run against what was just deployed: a test runner, or a script or module named for a
# smoke, integration or endpoint test (python -m app.smoke_test_scoring_service, ./smoke.sh).
_SMOKE = re.compile(r"smoke|integration[-_]?test|e2e|end[-_]to[-_]end|test[-_]?(endpoint|service|deployment)|"
                    r"(endpoint|service|deployment)[-_]?test", re.IGNORECASE)


@dataclass(frozen=True)
class _Stage:
    name: str
    line: int
    end: int  # last line of the stage
    depends: tuple[str, ...]
    jobs: tuple[tuple[str, int, bool], ...]  # (name, line, a deployment job with an environment)


def _stages(doc: Mapping[Any, Any], last: int) -> list[_Stage]:
    items = doc.get("stages")
    if not isinstance(items, list):
        return []
    found: list[tuple[str, int, tuple[str, ...], tuple[tuple[str, int, bool], ...]]] = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping) or not isinstance(item.get("stage"), str):
            continue
        depends = item.get("dependsOn")
        names = (depends,) if isinstance(depends, str) else tuple(str(d) for d in depends or ()) \
            if isinstance(depends, list) else ()
        jobs = []
        for j, job in enumerate(item.get("jobs") or [] if isinstance(item.get("jobs"), list) else []):
            if isinstance(job, Mapping) and ("job" in job or "deployment" in job):
                name = str(job.get("deployment") or job.get("job"))
                jobs.append((name, line_of(item["jobs"], j), "deployment" in job and "environment" in job))
        found.append((item["stage"], line_of(items, i), names, tuple(jobs)))
    out = []
    for k, (name, line, depends_on, stage_jobs) in enumerate(found):
        end = found[k + 1][1] - 1 if k + 1 < len(found) else last
        out.append(_Stage(name, line, end, depends_on, stage_jobs))
    return out


def _tested_after_deploy(cmds: list[Command]) -> Command | None:
    """The first check of the deployed model run after the stage's deployment."""
    deployed = next((c.line for c in cmds if runs.deploys(c.text)), None)
    if deployed is None:
        return None
    return next((c for c in cmds if c.line > deployed and runs.counts(c.text) and
                 (runs.runs_tests(c.text) or _SMOKE.search(c.text))), None)


@rule()
def stage_promotion(ctx: FileContext) -> None:
    doc = document(ctx.file) if system_of(ctx.file) == "azure" else None
    if doc is None:
        return
    stages = _stages(doc, ctx.file.text.count("\n") + 1)
    cmds = commands(ctx.file)
    within = {s.name: [c for c in cmds if s.line <= c.line <= s.end] for s in stages}
    for later in stages:
        if not any(runs.deploys(c.text) for c in within[later.name]):
            continue
        for earlier in (s for s in stages if s.name in later.depends):
            check = _tested_after_deploy(within[earlier.name])
            if check is None:
                continue
            ctx.supports(line=check.line, message=f"stage {earlier.name} deploys the model and tests it "
                                                  f"({check.text[:60]}) before stage {later.name}, which depends on "
                                                  "it, deploys again")
            plain = next((j for j in later.jobs if not j[2]), None)
            if plain is not None and not any(j[2] for j in later.jobs):
                ctx.contradicts(line=plain[1], confidence=0.6,
                                message=f"stage {later.name} deploys from the plain job {plain[0]}, not a "
                                        "deployment job to an environment: no approval or check can stand "
                                        "before it")
            return


@rule()
def production_job_environment(ctx: FileContext) -> None:
    doc = document(ctx.file) if system_of(ctx.file) == "github" else None
    jobs = doc.get("jobs") if doc is not None else None
    if doc is None or not isinstance(jobs, Mapping):
        return
    workflow = f"{doc.get('name', '')} {ctx.file.path.rsplit('/', 1)[-1].rsplit('.', 1)[0]}"
    deploying = {c.job for c in commands(ctx.file) if runs.deploys(c.text)}
    for name, job in jobs.items():
        if str(name) not in deploying or not isinstance(job, Mapping) or "environment" in job:
            continue
        if _production(str(name)) or (_production(workflow) and not _staging(str(name))):
            ctx.contradicts(line=line_of(jobs, name), message=f"job {name} deploys to production with no "
                                                              "environment: no required reviewer or protection "
                                                              "rule can stand before it")
            return
