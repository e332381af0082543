"""CI pipeline files as the commands they run, with lines.

Each CI system writes shell commands under its own keys: GitHub Actions `run`, GitLab
`script`, Azure Pipelines `script`/`bash`/`inlineScript`, Cloud Build `args`/`script`,
CodeBuild `commands`, CircleCI and Bitbucket `run`/`script`. `commands(file)` returns every
command with the job it belongs to and its own line in the file (lines inside a `|` block
are found in the text; backslash-continued lines are one command). Jenkins pipelines are
Groovy: the strings of their `sh`/`bat` steps are read in _ci_jenkins.py, comments left out. Which system a file
belongs to (by path, or by its YAML shape) is decided in _ci_system.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors import _ci_jenkins
from mllens.scan.detectors._ci_system import document, system_of

__all__ = ["Command", "Var", "action_commands", "commands", "document", "first", "github_on", "line_of", "steps",
           "system_of", "variables"]

_SHELL_KEYS = frozenset(
    {"run", "script", "before_script", "after_script", "commands", "bash", "pwsh", "powershell", "inlineScript",
     "inline", "args", "entrypoint", "command", "sh"}
)
# Keys whose values are never commands (names, conditions, environments).
_SKIP_KEYS = frozenset({"name", "if", "when", "displayName", "environment", "description", "rules", "only", "except"})


@dataclass(frozen=True)
class Var:
    """A variable a pipeline sets for its commands (GitHub `env`, GitLab/Azure `variables`,
    CodeBuild `env.variables`), at the line that sets it."""

    name: str
    value: str
    line: int


@dataclass(frozen=True)
class Command:
    text: str  # one line of shell
    line: int
    job: str  # the job (GitHub/GitLab/Azure) or "" when unknown
    env: tuple[Var, ...] = ()  # the variables in its scope, the nearest last
    cwd: str = ""  # the working directory its step names (GitHub working-directory), "" when none

    def var(self, name: str) -> Var | None:
        """The value of a variable of its scope, or None when no file sets it."""
        return next((v for v in reversed(self.env) if v.name == name), None)


def _block_lines(file: ParsedFile, text: str, start: int) -> list[tuple[str, int]]:
    """Each command of a (possibly multi-line) string value with its file line. A line
    ending in a backslash continues on the next: the joined command is one (at its first
    line), so a flag written below it (`--dry-run`) is read with it."""
    out: list[tuple[str, int]] = []
    lines = file.text.split("\n")
    cursor = start
    pending: tuple[str, int] | None = None
    for part in text.split("\n"):
        part = part.strip()
        if not part or part.startswith("#"):
            continue  # a comment of the shell script runs nothing
        window = range(cursor, min(len(lines), cursor + 400) + 1)
        found = next((n for n in window if part in lines[n - 1]), None)
        if found is None:  # a folded scalar (`>-`) joins its lines: the first of them begins the command
            found = next((n for n in window if _begins(part, lines[n - 1])), None)
        if found is not None:
            cursor = found
        at = found or start
        if pending is not None:
            part, at = f"{pending[0]} {part}", pending[1]
        if part.endswith("\\"):
            pending = (part[:-1].rstrip(), at)
            continue
        pending = None
        out.append((part, at))
    if pending is not None:
        out.append(pending)
    return out


def _begins(command: str, line: str) -> bool:
    text = line.strip().lstrip("-").strip()
    return len(text) >= 8 and command.startswith(text)


_ARGV_KEYS = frozenset({"args", "command", "entrypoint"})


@dataclass(frozen=True)
class _Scope:
    job: str
    env: tuple[Var, ...] = ()
    cwd: str = ""


def _walk(file: ParsedFile, value: Any, line: int, scope: _Scope, key: Any, in_shell: bool,
          out: list[Command]) -> None:
    if isinstance(value, str):
        if in_shell:
            out.extend(Command(text, at, scope.job, scope.env, scope.cwd)
                       for text, at in _block_lines(file, value, line))
        return
    if isinstance(value, list):
        if in_shell and key in _ARGV_KEYS and value and all(isinstance(v, str) for v in value):
            # exec form (Cloud Build args, container command): one command written as a list
            out.append(Command(" ".join(value), value.line_of(0) if hasattr(value, "line_of") else line, scope.job,
                               scope.env, scope.cwd))
            return
        for i, item in enumerate(value):
            item_line = value.line_of(i) if hasattr(value, "line_of") else line
            _walk(file, item, item_line, scope, key, in_shell, out)
        return
    if isinstance(value, Mapping):
        scope = _scoped(value, scope)
        builder = _cloud_build_step(value, scope)
        if builder is not None:
            out.append(builder)
        for sub, item in value.items():
            if sub in _SKIP_KEYS or (builder is not None and sub in ("args", "entrypoint")):
                continue
            sub_line = value.line_of(sub) if hasattr(value, "line_of") else line
            _walk(file, item, sub_line, scope, sub, in_shell or sub in _SHELL_KEYS, out)


def variables(value: Any) -> list[Var]:
    """The variables a mapping sets: `env:`/`variables:` as a mapping of values, Azure's
    list of `{name, value}`, CodeBuild's `env: {variables: ...}`; values only when written
    as text or numbers."""
    out: list[Var] = []
    if not isinstance(value, Mapping):
        return out
    for key in ("env", "variables"):
        block = value.get(key)
        if isinstance(block, Mapping) and isinstance(block.get("variables"), Mapping):
            block = block["variables"]  # CodeBuild
        if isinstance(block, Mapping):
            out.extend(Var(str(k), str(v), line_of(block, k)) for k, v in block.items()
                       if isinstance(v, str | int | float) and not isinstance(v, bool))
        elif isinstance(block, list):
            for i, item in enumerate(block):
                if isinstance(item, Mapping) and isinstance(item.get("name"), str) and \
                        isinstance(item.get("value"), str | int | float):
                    out.append(Var(item["name"], str(item["value"]), line_of(item, "value", line_of(block, i))))
    return out


def _scoped(value: Mapping[Any, Any], scope: _Scope) -> _Scope:
    """The scope of a job or step: its variables after the enclosing ones, its working directory."""
    found = variables(value)
    cwd = value.get("working-directory") or value.get("workingDirectory")
    defaults = value.get("defaults")
    if cwd is None and isinstance(defaults, Mapping) and isinstance(defaults.get("run"), Mapping):
        cwd = defaults["run"].get("working-directory")
    if not found and not isinstance(cwd, str):
        return scope
    return _Scope(scope.job, scope.env + tuple(found), cwd if isinstance(cwd, str) else scope.cwd)


def _cloud_build_step(step: Mapping[Any, Any], scope: _Scope) -> Command | None:
    """A Cloud Build step runs its builder image with `args`: gcloud, kubectl, docker ..."""
    args = step.get("args")
    if "name" not in step or not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        return None
    program = step.get("entrypoint") or str(step["name"]).rsplit("/", 1)[-1].split(":")[0]
    line = args.line_of(0) if hasattr(args, "line_of") else 1
    return Command(" ".join([str(program), *args]), line, scope.job, scope.env, scope.cwd)


def _jobs(doc: Mapping[Any, Any], ci: str) -> list[tuple[str, Any, int]]:
    """(job name, job body, line) for the systems that name jobs; the whole file otherwise."""
    line_of = getattr(doc, "line_of", lambda key: 1)
    if ci == "github" and isinstance(doc.get("jobs"), Mapping):
        jobs = doc["jobs"]
        return [(str(k), v, jobs.line_of(k) if hasattr(jobs, "line_of") else 1) for k, v in jobs.items()]
    if ci == "gitlab":
        reserved = {"stages", "variables", "default", "include", "workflow", "image", "services", "cache"}
        return [(str(k), v, line_of(k)) for k, v in doc.items() if k not in reserved and isinstance(v, Mapping)]
    return [("", doc, 1)]


def _build(file: ParsedFile) -> list[Command]:
    ci = system_of(file)
    if ci is None:
        return []
    if ci == "jenkins":
        return [Command(s.text, s.line, s.stage) for s in _ci_jenkins.read(file.text).shells]
    doc = document(file)
    if doc is None:
        return []
    out: list[Command] = []
    top = tuple(variables(doc))  # the workflow's own variables, under every job
    for name, body, line in _jobs(doc, ci):
        _walk(file, body, line, _Scope(name, top), None, False, out)
    return out


def action_commands(file: ParsedFile) -> list[Command]:
    """The shell a composite GitHub action runs (`runs.steps[].run` of an action.yml): read
    only through the workflows that use it, never as a pipeline of its own."""
    doc = document(file)
    runs = doc.get("runs") if doc is not None else None
    if not isinstance(runs, Mapping) or runs.get("using") != "composite":
        return []
    out: list[Command] = []
    _walk(file, runs.get("steps"), line_of(runs, "steps"), _Scope(""), None, False, out)
    return out


def line_of(mapping: Any, key: Any, default: int = 1) -> int:
    """The line of `key` in a mapping from the YAML parser (`default` for plain dicts)."""
    finder = getattr(mapping, "line_of", None)
    return int(finder(key)) if finder is not None else default


def commands(file: ParsedFile) -> list[Command]:
    return file.memo("ci.commands", _build)


def first(file: ParsedFile, pattern: re.Pattern[str]) -> Command | None:
    """The first command matching `pattern`."""
    return next((c for c in commands(file) if pattern.search(c.text)), None)


def github_on(doc: Mapping[Any, Any]) -> Any:
    """The `on:` of a workflow (YAML 1.1 reads a bare `on` key as the boolean true)."""
    return doc.get("on", doc.get(True))


def steps(doc: Mapping[Any, Any]) -> list[tuple[str, Mapping[Any, Any]]]:
    """(job name, step) for every step of a GitHub workflow."""
    out: list[tuple[str, Mapping[Any, Any]]] = []
    jobs = doc.get("jobs")
    for name, job in (jobs.items() if isinstance(jobs, Mapping) else ()):
        for step in (job.get("steps") or []) if isinstance(job, Mapping) else []:
            if isinstance(step, Mapping):
                out.append((str(name), step))
    return out
