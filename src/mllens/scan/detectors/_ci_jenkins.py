"""Jenkins pipelines (Jenkinsfile, *.groovy, shared-library steps) read as text, never run.

Declarative and simple scripted pipelines: the shell each `sh`/`bat`/`powershell` step runs
(`sh 'pytest'`, `sh '''...'''`, `sh(script: "...", returnStdout: true)`), one command per
line of the string with its own line in the file; the stage each belongs to (the nearest
`stage('...')` above it); `input` steps (a person approves before the stage goes on); agent
images (`docker { image '...' }`, `docker.image('...')`, `containerTemplate(image: ...)`); and
calls of shared-library steps (`executeJob(...)`, defined by `vars/executeJob.groovy`).
Comments are blanked first so a commented-out step runs nothing. Groovy expressions and
string interpolation are not evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_LINE_COMMENT = re.compile(r"(?<![:\w'\"])//.*$", re.MULTILINE)
_SHELL_STEP = re.compile(r"\b(?:sh|bat|powershell|pwsh)\b\s*\(?\s*(?:script\s*:\s*)?('''|\"\"\"|'|\")")
_STAGE = re.compile(r"""\bstage\s*\(\s*(?:name\s*:\s*)?['"]([^'"]+)['"]""")
_INPUT = re.compile(r"^\s*input\b\s*(\(|\{|message\s*:|['\"])", re.MULTILINE)
_IMAGE = re.compile(r"""(?:\bimage\s*[:(]?\s*|\bdocker\.image\s*\(\s*)['"]([^'"\s]+)['"]""")
_ARGS = re.compile(r"""\bargs\s*[:(]?\s*['"]([^'"]*)['"]""")
_CALL = re.compile(r"(?:^|[{;])\s*(?:(?:def\s+)?[\w.]+\s*=\s*)?([a-z][A-Za-z0-9_]*)\s*\(", re.MULTILINE)
# Pipeline syntax and Groovy built-ins: never a shared-library step of the project.
_DSL = frozenset({
    "stage", "sh", "bat", "powershell", "pwsh", "echo", "node", "parallel", "script", "steps", "input", "timeout",
    "retry", "withCredentials", "withEnv", "dir", "string", "booleanParam", "choice", "usernamePassword", "file",
    "junit", "archiveArtifacts", "checkout", "git", "error", "cron", "pollSCM", "library", "properties", "when",
    "expression", "environment", "agent", "docker", "image", "build", "readFile", "writeFile", "fileExists",
    "stash", "unstash", "sleep", "println", "print", "catchError", "warnError", "unstable", "cleanWs",
    "deleteDir", "containerTemplate", "podTemplate", "container", "sshagent", "withAWS", "withDockerRegistry",
    "timestamps", "ansiColor", "buildDiscarder", "logRotator", "disableConcurrentBuilds", "options",
    "parameters", "triggers", "post", "always", "success", "failure", "if", "for", "while", "switch", "catch",
    "return", "call", "def", "emailext", "mail", "slackSend", "publishHTML", "cobertura", "recordIssues",
    "milestone", "lock", "waitUntil", "matrix", "axes", "axis", "upstream", "githubPush", "text",
    "password", "credentials", "tool", "tools", "format", "trim", "toBoolean", "startsWith",
})  # fmt: skip


@dataclass(frozen=True)
class Shell:
    text: str
    line: int
    stage: str


@dataclass(frozen=True)
class Marker:
    """Something found at a line of a stage: an input step, an image, a step called."""

    value: str
    line: int
    stage: str


def _blank_comments(text: str) -> str:
    """The text with comments replaced by spaces, every newline kept (lines stay put)."""
    text = _BLOCK_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return _LINE_COMMENT.sub(lambda m: " " * len(m.group(0)), text)


@dataclass(frozen=True)
class JenkinsFile:
    shells: tuple[Shell, ...]
    stages: tuple[Marker, ...]  # value: the stage's name
    inputs: tuple[Marker, ...]
    images: tuple[Marker, ...]
    calls: tuple[Marker, ...]  # value: the step called
    container_args: tuple[Marker, ...] = ()  # value: `args` of a docker agent (docker run options)


def read(text: str) -> JenkinsFile:
    clean = _blank_comments(text)
    starts = [0] + [i + 1 for i, c in enumerate(clean) if c == "\n"]

    def line_at(offset: int) -> int:
        lo, hi = 0, len(starts)
        while lo + 1 < hi:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if starts[mid] <= offset else (lo, mid)
        return lo + 1

    stages = [Marker(m.group(1), line_at(m.start()), m.group(1)) for m in _STAGE.finditer(clean)]

    def stage_at(line: int) -> str:
        return next((s.value for s in reversed(stages) if s.line <= line), "")

    shells: list[Shell] = []
    spans: list[tuple[int, int]] = []
    for match in _SHELL_STEP.finditer(clean):
        quote = match.group(1)
        start = match.end()
        end = clean.find(quote, start) if len(quote) == 3 else _close(clean, start, quote)
        if end < 0:
            continue
        spans.append((match.start(), end))
        first = line_at(start)
        pending: tuple[str, int] | None = None
        for offset, part in enumerate(clean[start:end].split("\n")):
            command, at = part.strip(), first + offset
            if not command or command.startswith("#"):
                continue  # a blank line, a shebang or a comment of the shell script
            if pending is not None:
                command, at = f"{pending[0]} {command}", pending[1]
            if command.endswith("\\"):
                pending = (command[:-1].rstrip(), at)
                continue
            pending = None
            shells.append(Shell(command, at, stage_at(at)))
        if pending is not None:
            shells.append(Shell(pending[0], pending[1], stage_at(pending[1])))

    def outside(offset: int) -> bool:
        return not any(a <= offset < b for a, b in spans)

    inputs = [Marker("input", line_at(m.start()), stage_at(line_at(m.start())))
              for m in _INPUT.finditer(clean) if outside(m.start())]
    images = [Marker(m.group(1), line_at(m.start()), stage_at(line_at(m.start())))
              for m in _IMAGE.finditer(clean) if outside(m.start())]
    calls = [Marker(m.group(1), line_at(m.start(1)), stage_at(line_at(m.start(1))))
             for m in _CALL.finditer(clean) if m.group(1) not in _DSL and outside(m.start(1))]
    args = [Marker(m.group(1), line_at(m.start()), stage_at(line_at(m.start())))
            for m in _ARGS.finditer(clean) if outside(m.start())]
    return JenkinsFile(tuple(shells), tuple(stages), tuple(inputs), tuple(images), tuple(calls), tuple(args))


def _close(text: str, start: int, quote: str) -> int:
    """Where a one-line string opened at `start` closes (a backslash escapes), or -1."""
    i = start
    while i < len(text) and text[i] != "\n":
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == quote:
            return i
        i += 1
    return -1
