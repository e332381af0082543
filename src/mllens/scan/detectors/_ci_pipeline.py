"""One neutral view of a CI pipeline file, whatever system wrote it.

`pipeline(file)` gives the commands each job runs (from _ci.py, Jenkins from
_ci_jenkins.py), the environments jobs deploy to, manual approvals, the container images
jobs run in, and the calls a step makes into other files of the project (a Makefile target,
a shell script, an Azure Pipelines template, a reusable GitHub workflow, a Jenkins
shared-library step), each at its line. Judgements in ci.py read only this view.

Systems: GitHub Actions, GitLab CI, Azure Pipelines (pipelines and templates), Cloud Build,
CodeBuild buildspecs (every phase), Jenkins (declarative and simple scripted), Bitbucket and
CircleCI (commands only).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors import _ci_jenkins
from mllens.scan.detectors._ci import Command, commands, document, line_of, system_of


@dataclass(frozen=True)
class At:
    """A value found in a pipeline: an environment name, an image, an approval's kind, a call's target."""

    value: str
    line: int
    job: str = ""


@dataclass(frozen=True)
class Pipeline:
    system: str
    commands: tuple[Command, ...]
    environments: tuple[At, ...] = ()
    approvals: tuple[At, ...] = ()  # value: how (input, when: manual, environment ...)
    images: tuple[At, ...] = ()
    calls: tuple[At, ...] = ()  # value: "make:TARGET", "file:PATH" or "step:NAME"
    comments: tuple[At, ...] = ()  # comment lines (YAML), for commented-out steps
    actions: tuple[At, ...] = ()  # GitHub actions used (uses: owner/name@ref)
    container_options: tuple[At, ...] = ()  # docker run options of job containers (--user root, --privileged)
    upstream: tuple[At, ...] = ()  # pipelines whose completion starts this one (value: their name)


def pipeline(file: ParsedFile) -> Pipeline | None:
    return file.memo("ci.pipeline", _build)


def _build(file: ParsedFile) -> Pipeline | None:
    ci = system_of(file)
    if ci is None:
        return None
    if ci == "jenkins":
        read = _ci_jenkins.read(file.text)
        return Pipeline(
            system=ci,
            commands=tuple(Command(s.text, s.line, s.stage) for s in read.shells),
            approvals=tuple(At("input", m.line, m.stage) for m in read.inputs),
            images=tuple(At(m.value, m.line, m.stage) for m in read.images),
            calls=tuple(At(f"step:{m.value}", m.line, m.stage) for m in read.calls)
            + tuple(_command_calls(file, commands(file))),
            # a deploy/release/promote stage names where it deploys
            environments=tuple(At(s.value, s.line, s.value) for s in read.stages if _RELEASE.search(s.value)),
            container_options=tuple(At(m.value, m.line, m.stage) for m in read.container_args),
        )
    doc = document(file)
    cmds = tuple(commands(file))
    found = _Found(calls=list(_command_calls(file, cmds)))
    if doc is not None:
        found.aliases = _container_aliases(doc) if ci == "azure" else set()
        _scan(file, doc, 1, "", found, ci)
    comments = tuple(At(text.strip(), n) for n, text in enumerate(file.text.split("\n"), 1)
                     if text.lstrip().startswith("#"))
    upstream = tuple(_upstream(doc, ci)) if doc is not None else ()
    return Pipeline(ci, cmds, tuple(found.environments), tuple(found.approvals), tuple(found.images),
                    tuple(found.calls), comments, tuple(found.actions), tuple(found.options), upstream)


def _upstream(doc: Mapping[Any, Any], ci: str) -> list[At]:
    """Azure `resources.pipelines` with a trigger, GitHub `on.workflow_run`."""
    out: list[At] = []
    if ci == "azure" and isinstance(doc.get("resources"), Mapping):
        items = doc["resources"].get("pipelines")
        for item in items if isinstance(items, list) else []:
            if isinstance(item, Mapping) and item.get("trigger") not in (None, "none", False):
                name = item.get("source") or item.get("pipeline")
                out.append(At(str(name), line_of(item, "trigger")))
    if ci == "github":
        on = doc.get("on", doc.get(True))
        if isinstance(on, Mapping) and isinstance(on.get("workflow_run"), Mapping):
            names = on["workflow_run"].get("workflows")
            out.append(At(", ".join(map(str, names)) if isinstance(names, list) else str(names),
                          line_of(on, "workflow_run")))
    return out


@dataclass
class _Found:
    environments: list[At] = field(default_factory=list)
    approvals: list[At] = field(default_factory=list)
    images: list[At] = field(default_factory=list)
    calls: list[At] = field(default_factory=list)
    actions: list[At] = field(default_factory=list)
    options: list[At] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)  # Azure resources.containers names


_RELEASE = re.compile(r"deploy|release|promot", re.IGNORECASE)
# Values handed to a step or task (an action's `with: image:` names what it builds, not where it runs)
_INPUTS = frozenset({"with", "inputs", "env", "variables", "parameters", "args", "secrets"})
_IMAGE_KEYS = frozenset({"image", "container"})


def _container_aliases(doc: Mapping[Any, Any]) -> set[str]:
    res = doc.get("resources")
    items = res.get("containers") if isinstance(res, Mapping) else None
    return {str(c["container"]) for c in items or [] if isinstance(c, Mapping) and "container" in c} \
        if isinstance(items, list) else set()


def _scan(file: ParsedFile, value: Any, line: int, job: str, found: _Found, ci: str) -> None:
    """Walk a YAML pipeline once for environments, approvals, images, actions and template calls."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            _scan(file, item, line_of(value, i, line), job, found, ci)
        return
    if not isinstance(value, Mapping):
        return
    name = (value.get("job") or value.get("deployment") or value.get("stage")) if ci == "azure" else None
    if isinstance(name, str):
        job = name
    for key, item in value.items():
        at = line_of(value, key, line)
        if ci == "github" and key == "jobs" and isinstance(item, Mapping):
            for job_name, body in item.items():
                _scan(file, body, line_of(item, job_name, at), str(job_name), found, ci)
            continue
        if ci == "gitlab" and not job and isinstance(item, Mapping) and key not in ("variables", "default"):
            _scan(file, item, at, str(key), found, ci)
            continue
        if key == "environment":
            env = item.get("name") if isinstance(item, Mapping) else item
            if isinstance(env, str):
                found.environments.append(At(env, at, job))
                if "deployment" in value:  # Azure: approvals and checks live on the environment
                    found.approvals.append(At("environment", at, job))
        elif key == "when" and item == "manual":
            found.approvals.append(At("when: manual", at, job))
        elif key == "options" and isinstance(item, str) and "image" in value:
            found.options.append(At(item, at, job))
        elif (key in _IMAGE_KEYS and not (key == "container" and "image" in value)) or (
                ci == "cloudbuild" and key == "name" and "args" in value):
            ref = item.get("image", item.get("name")) if isinstance(item, Mapping) else item
            if isinstance(ref, str) and ref and not ref.startswith("${{") and ref not in found.aliases:
                found.images.append(At(ref, at, job))
            if isinstance(item, Mapping) and isinstance(item.get("options"), str):
                found.options.append(At(item["options"], line_of(item, "options", at), job))
        elif key == "template" and isinstance(item, str) and "@" not in item and ci == "azure":
            found.calls.append(At(f"file:{_relative(file.path, item)}", at, job))
        elif key == "uses" and isinstance(item, str):
            if item.startswith("./") and item.endswith((".yml", ".yaml")):  # a reusable workflow
                found.calls.append(At(f"file:{posixpath.normpath(item)}", at, job))
            elif item.startswith("./"):  # a composite action of the repository
                found.calls.append(At(f"file:{posixpath.normpath(item)}/action.yml", at, job))
            else:
                found.actions.append(At(item, at, job))
        elif key == "services" and isinstance(item, Mapping | list):
            keys = list(item) if isinstance(item, Mapping) else list(range(len(item)))
            for k in keys:
                svc, svc_line = item[k], line_of(item, k, at)
                ref = svc.get("image", svc.get("name")) if isinstance(svc, Mapping) else svc
                if isinstance(svc, Mapping):
                    svc_line = line_of(svc, "image" if "image" in svc else "name", svc_line)
                if isinstance(ref, str) and ref:
                    found.images.append(At(ref, svc_line, job))
        elif key == "inputs" and isinstance(item, Mapping):
            # Azure tasks that run a script file: AzureCLI scriptPath, Bash/PowerShell filePath
            for path_key in ("scriptPath", "filePath"):
                target = item.get(path_key)
                if isinstance(target, str) and "$(" not in target and "${{" not in target:
                    found.calls.append(At(f"file:{posixpath.normpath(target)}", line_of(item, path_key, at), job))
        elif isinstance(item, Mapping | list) and key not in _INPUTS:
            _scan(file, item, at, job, found, ci)


def _relative(path: str, target: str) -> str:
    """An Azure template path: relative to the file that includes it, or to the repository root with a leading /."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(path), target))


_MAKE = re.compile(r"(?:^|[\s;&|(])(?:make|gmake|\$\(MAKE\))\s+((?:-[\w-]+(?:\s+\S+)?\s+)*)([A-Za-z][\w.-]*)")
# a script by its path (./run.sh, ci/test.sh), or by a bare name given to a shell (`. run.sh`, `bash run.sh`)
_SCRIPT = re.compile(r"(?:^|[\s;&|(])(?:(?:(?:ba|z)?sh|source|\.)\s+([\w-][\w./-]*\.(?:sh|bash))|"
                     r"((?:\./|[\w.-]+/)[\w./-]*\.(?:sh|bash)))\b")


def _command_calls(file: ParsedFile, cmds: Any) -> list[At]:
    """Make targets and shell scripts a command runs (`make test`, `./tasks/test.sh`, `bash ci/run.sh`)."""
    out: list[At] = []
    for c in cmds:
        for m in _MAKE.finditer(c.text):
            if "-C" not in m.group(1) and "-f" not in m.group(1):
                out.append(At(f"make:{m.group(2)}", c.line, c.job))
        for m in _SCRIPT.finditer(c.text):
            out.append(At(f"file:{_in(c.cwd, m.group(1) or m.group(2))}", c.line, c.job))
    return out


def _in(cwd: str, path: str) -> str:
    """A script's path from the repository root: under the step's working directory when it
    names one written out (a `${{ }}` or `$(...)` directory is not known)."""
    if cwd and not path.startswith("/") and "$" not in cwd:
        return posixpath.normpath(posixpath.join(cwd.lstrip("/"), path))
    return posixpath.normpath(path)
