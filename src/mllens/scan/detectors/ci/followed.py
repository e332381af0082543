"""Steps followed one level into the project, and pipelines with no test stage.

A CI step often runs `make test`, `./scripts/test.sh`, an Azure Pipelines template or a
Jenkins shared-library step; what runs is in that other file. File rules cannot read another
file, so `record` (called by ci_tests on every CI file, Makefile and composite action) keeps a
small fact per file: what it runs (per Makefile target) and what its steps call. The project
rules here join them: a call into a file that runs tests, training or a deployment counts at
the call's line; and when no pipeline of the project runs tests, directly or one call away,
the pipelines that build, train, only lint or only echo say so.

Shell scripts are many in some projects and called by few pipelines: the family does not
look at them file by file; `called_scripts` reads the scripts a pipeline's call may reach
(the only ones `_resolve` can pick) when the project rules run, and sums them up as `record`
would have.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from collections.abc import Iterable
from typing import Any

from mllens.scan.context import FileContext, ProjectContext, ProjectIndex
from mllens.scan.detectors import _ci_runs as runs
from mllens.scan.detectors._ci import Command, action_commands
from mllens.scan.detectors._ci_pipeline import At, Pipeline, pipeline
from mllens.scan.detectors._ci_system import helper, system
from mllens.scan.registry import rule
from mllens.scan.walk import size_limit

_WHAT = {"tests": runs.runs_tests, "train": runs.runs_training, "deploy": runs.deploys, "register": runs.registers}


def _summary(cmds: Iterable[Command]) -> dict[str, list[Any]]:
    """The first command that runs tests, training, a deployment, a registration: {what: [line, text]}."""
    out: dict[str, list[Any]] = {}
    for c in cmds:
        for what, test in _WHAT.items():
            if what not in out and test(c.text):
                out[what] = [c.line, c.text[:100]]
    return out


_TARGET = re.compile(r"^([A-Za-z0-9_.\-/%]+(?:[ \t]+[A-Za-z0-9_.\-/%]+)*)[ \t]*::?(?![=])(.*)$")


def _make_targets(text: str) -> dict[str, list[Command]]:
    """Each target of a Makefile with its recipe lines (leading @ - + stripped)."""
    targets: dict[str, list[Command]] = {}
    current: list[str] = []
    for number, line in enumerate(text.split("\n"), 1):
        if line.startswith("\t") or (current and line[:1] == " " and line.strip()):
            body = line.strip().lstrip("@-+").strip()
            if body and not body.startswith("#"):
                for name in current:
                    targets[name].append(Command(body, number, name))
            continue
        match = _TARGET.match(line)
        if match and not re.match(r"\s*=", match.group(2)):
            current = [t for t in match.group(1).split() if not t.startswith(".")]
            for name in current:
                targets.setdefault(name, [])
        elif line.strip() and not line.startswith("#"):
            current = []
    return targets


def _script_commands(text: str) -> list[Command]:
    return [Command(line.strip(), n, "") for n, line in enumerate(text.split("\n"), 1)
            if line.strip() and not line.lstrip().startswith("#")]


def record(ctx: FileContext) -> None:
    file = ctx.file
    role = helper(file.path)
    view = pipeline(file)
    if view is not None:
        ctx.fact("ci.file", {"file": file.path, "role": "pipeline", "runs": {"": _summary(view.commands)},
                             "calls": [[c.value, c.line, c.job] for c in view.calls], "gaps": _gaps(view)})
    elif role == "make":
        targets = {name: _summary(recipe) for name, recipe in _make_targets(file.text).items()}
        ctx.fact("ci.file", {"file": file.path, "role": "make", "targets": sorted(targets),
                             "runs": {k: v for k, v in targets.items() if v}})
    elif role == "action":
        cmds = action_commands(file)
        if cmds:
            ctx.fact("ci.file", {"file": file.path, "role": "action", "runs": {"": _summary(cmds)}})
    elif role == "script":  # a script with a CI system by its path (others: called_scripts)
        fact = _script_fact(file.path, file.text)
        if fact is not None:
            ctx.fact("ci.file", fact)


_TEST_JOB = re.compile(r"test", re.IGNORECASE)
# actions that run a linter or formatter (TrueBrain/actions-flake8, psf/black, pre-commit/action ...)
_LINT_ACTION = re.compile(r"lint|flake8|black|ruff|pylint|pre-commit|isort|super-linter", re.IGNORECASE)


def _gaps(view: Pipeline) -> dict[str, Any]:
    """Why a pipeline may hold no test stage: a commented-out test step, a test job that only
    echoes, a lint step (command or action), only placeholders; and the first command that
    trains or builds."""
    gaps: dict[str, Any] = {}
    commented = next((c for c in view.comments if _commented_test(c.value)), None)
    if commented is not None:
        gaps["commented"] = _block_start(view, commented.line)
    jobs: dict[str, list[Command]] = {}
    for c in view.commands:
        jobs.setdefault(c.job, []).append(c)
    for job, cmds in jobs.items():
        if job and _TEST_JOB.search(job) and all(runs.does_nothing(c.text) for c in cmds):
            gaps["placeholder"] = [cmds[0].line, job]
            break
    real = [c for c in view.commands if not runs.does_nothing(c.text) and not runs.INSTALL.search(c.text)]
    lint = next((At(c.text, c.line) for c in real if runs.lints(c.text)), None)
    lint = lint or next((a for a in view.actions if _LINT_ACTION.search(a.value.split("@")[0])), None)
    if lint is not None:
        gaps["lint"] = [lint.line, lint.value[:80]]
    if view.commands and not real and not view.calls:
        gaps["nothing"] = view.commands[0].line
    work = next((c for c in view.commands if runs.runs_training(c.text) or runs.builds(c.text)), None)
    if work is not None:
        gaps["work"] = [work.line, work.text[:80]]
    return gaps


_COMMENT_LEAD = re.compile(r"^#+\s*(-\s*)?((run|script|commands?|bash|sh)\s*:\s*\|?\s*)?")


def _commented_test(comment: str) -> bool:
    """A comment line that is a test command taken out (`#   pytest -q`, `# - run: tox`)."""
    body = _COMMENT_LEAD.sub("", comment.strip())
    match = runs.TESTS.search(body)
    return match is not None and match.start() == 0


def _block_start(view: Pipeline, line: int) -> int:
    """The first line of the run of comment lines holding `line`."""
    lines = {c.line for c in view.comments}
    while line - 1 in lines:
        line -= 1
    return line


def _files(ctx: ProjectContext) -> list[dict[str, Any]]:
    files = [f for f in ctx.facts_of("ci.file") if isinstance(f, dict)]
    return files + called_scripts(ctx.index, files)


def _script_fact(path: str, text: str) -> dict[str, Any] | None:
    """What `record` keeps of a shell script: what it runs; none unless it runs something
    or is named for tests."""
    # most scripts of a project run nothing a step is judged by
    summary = _summary(_script_commands(text)) if runs.may_run_something(text) else {}
    if summary or _TEST_JOB.search(path.rsplit("/", 1)[-1]):
        return {"file": path, "role": "script", "runs": {"": summary}}
    return None


def _reaches(target: str, path: str) -> bool:
    """Whether a call `file:TARGET` may resolve to `path` (the test of `_resolve`)."""
    return path == target or path.endswith(f"/{target.lstrip('./')}")


def called_scripts(index: ProjectIndex, files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The facts of the shell scripts that some pipeline's `file:` call may reach, read now:
    the family skips scripts file by file (see skip_file). A script with a CI system by its
    path was read as a CI file and is among `files` already."""
    targets = {call[0][5:] for f in files if f.get("role") == "pipeline" for call in f.get("calls", [])
               if isinstance(call, list) and call and str(call[0]).startswith("file:")}
    if not targets:
        return []
    known = {f.get("file") for f in files}
    found = []
    for indexed in index.files:
        path = indexed.path
        if path in known or helper(path) != "script" or system(path) is not None or indexed.too_large:
            continue
        if any(_reaches(target, path) for target in targets):
            text = _read_script(indexed.os_path)
            fact = _script_fact(path, text) if text is not None else None
            if fact is not None:
                found.append(fact)
    return found


_SCRIPT_LIMIT = size_limit("text")


def _read_script(os_path: str) -> str | None:
    """A script's text as the engine would read it (a regular file, within the size limit,
    UTF-8 with no NUL bytes; a BOM dropped), or None when it cannot be read so."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(os_path, flags)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        data = os.read(fd, _SCRIPT_LIMIT + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) > _SCRIPT_LIMIT or b"\0" in data[:8192]:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text[1:] if text.startswith("\ufeff") else text


def _resolve(target: str, caller: str, files: list[dict[str, Any]]) -> tuple[dict[str, Any], str] | None:
    """The file (and Makefile target) a call reaches, or None when it is not in the project
    or not known for sure (two Makefiles defining the target, none at the root)."""
    kind, _, name = target.partition(":")
    if kind == "make":
        makefiles = [f for f in files if f["role"] == "make" and name in f.get("targets", ())]
        here = posixpath.dirname(caller)
        near = [f for f in makefiles if posixpath.dirname(f["file"]) in ("", here)]
        pick = near if near else makefiles
        return (pick[0], name) if len(pick) == 1 else None
    if kind == "step":
        found = [f for f in files if f["file"].endswith(f"vars/{name}.groovy")]
        return (found[0], "") if len(found) == 1 else None
    names = (name, name[: -len(".yml")] + ".yaml") if name.endswith("/action.yml") else (name,)
    exact = [f for f in files if f["file"] in names]
    found = exact or [f for f in files if f["file"].endswith(f"/{name.lstrip('./')}")]
    return (found[0], "") if len(found) == 1 else None


_MESSAGES = {"tests": "runs tests", "train": "runs training", "deploy": "deploys",
             "register": "registers a model version"}
_CHECKS = {"tests": ("ci_tests",), "train": ("training_in_ci", "training_pipeline_in_ci"),
           "deploy": ("automated_deployment",), "register": ("model_registry",)}


def _followed(ctx: ProjectContext) -> list[tuple[dict[str, Any], list[Any], str, dict[str, Any], str]]:
    """(calling file, call, what, callee, target) for every call that reaches what runs."""
    files = _files(ctx)
    out = []
    for caller in files:
        for call in caller.get("calls", []):
            resolved = _resolve(call[0], caller["file"], files)
            if resolved is None or resolved[0]["file"] == caller["file"]:
                continue
            callee, target = resolved
            for what in callee["runs"].get(target, {}):  # a target that runs nothing counted: none
                out.append((caller, call, what, callee, target))
    return out


@rule(scope="project")
def followed_steps(ctx: ProjectContext) -> None:
    seen: set[tuple[str, str, int]] = set()
    for caller, call, what, callee, target in _followed(ctx):
        if (caller["file"], what, call[1]) in seen or caller["role"] != "pipeline":
            continue
        seen.add((caller["file"], what, call[1]))
        line, text = callee["runs"][target][what]
        via = f"make {target}" if target else callee["file"]
        for check in _CHECKS[what]:
            ctx.supports(file=caller["file"], line=call[1], check=check,
                         message=f"CI {_MESSAGES[what]} through {via} ({callee['file']}:{line}: {text[:60]})")
    # `make test` when no Makefile of the scanned tree defines the target (generated, or kept
    # above the scanned folder): the target's name is all there is to go on
    files = _files(ctx)
    for caller in files:
        for call in caller.get("calls", []) if caller["role"] == "pipeline" else []:
            kind, _, name = call[0].partition(":")
            key = (caller["file"], "tests", call[1])
            if kind == "make" and _TEST_TARGET.fullmatch(name) and not _has_target(files, name) and key not in seen:
                seen.add(key)
                ctx.supports(file=caller["file"], line=call[1], check="ci_tests", confidence=0.6,
                             message=f"CI runs make {name}; no Makefile of the scanned tree defines it, so "
                                     "what it runs is taken from its name")


_TEST_TARGET = re.compile(r"tests?|check|unit-?tests?|test-unit|unittests?")


def _has_target(files: list[dict[str, Any]], name: str) -> bool:
    return any(f["role"] == "make" and name in f.get("targets", ()) for f in files)


@rule(scope="project")
def no_test_stage(ctx: ProjectContext) -> None:
    files = _files(ctx)
    pipelines = [f for f in files if f["role"] == "pipeline"]
    if any("tests" in f["runs"][""] for f in pipelines) or any(w == "tests" for _c, _k, w, _f, _t in _followed(ctx)):
        return
    for f in pipelines:
        gaps = f["gaps"]
        empty = _empty_test_call(f, files)
        if empty is not None:
            ctx.contradicts(file=f["file"], line=empty[0],
                            message=f"{empty[1]} runs no test runner; no pipeline of the project runs tests")
        elif "commented" in gaps:
            ctx.contradicts(file=f["file"], line=gaps["commented"],
                            message="the test step is commented out; no pipeline of the project runs tests")
        elif "placeholder" in gaps:
            ctx.contradicts(file=f["file"], line=gaps["placeholder"][0],
                            message=f"job {gaps['placeholder'][1]} only echoes or exits: a placeholder, not a test "
                                    "stage; no pipeline of the project runs tests")
        elif "lint" in gaps:
            ctx.contradicts(file=f["file"], line=gaps["lint"][0], confidence=0.6,
                            message=f"the pipeline lints ({gaps['lint'][1]}) but runs no tests: linting is no test "
                                    "stage, and no pipeline of the project runs tests")
        elif "nothing" in gaps:
            ctx.contradicts(file=f["file"], line=gaps["nothing"],
                            message="the pipeline only echoes or lists files; no pipeline of the project runs tests")
        elif "work" in gaps:
            ctx.contradicts(file=f["file"], line=gaps["work"][0], confidence=0.7,
                            message=f"the pipeline builds or trains ({gaps['work'][1]}) with no test step; no "
                                    "pipeline of the project runs tests")


def _empty_test_call(caller: dict[str, Any], files: list[dict[str, Any]]) -> tuple[int, str] | None:
    """A call named for tests (`make test`, `./scripts/run_tests.sh`) that reaches a target or
    script running no test runner: (line, what was called)."""
    for call in caller.get("calls", []):
        resolved = _resolve(call[0], caller["file"], files)
        if resolved is None:
            continue
        callee, target = resolved
        name = target or callee["file"].rsplit("/", 1)[-1]
        if _TEST_JOB.search(name) and "tests" not in callee["runs"].get(target, {}):
            shown = f"make {target} ({callee['file']})" if target else callee["file"]
            return call[1], shown
    return None
