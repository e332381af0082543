"""Secrets a pipeline writes into files of its workspace that then leave the runner: printed
to the build log, or built into an image or a pipeline package.

A token handed to a step through its `env` from the secret store is fine while it stays in
the environment. Substituted into a source file (`envsubst < configs.py > ...`, `sed -i`,
`echo "$TOKEN" > file`), it is in that file: `cat` prints it to the log (masking sees only
exact values), and an image built from the folder keeps it in a layer for anyone who pulls."""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors import _ci_runs as runs
from mllens.scan.detectors._ci import Command, commands, system_of
from mllens.scan.detectors._docker_run import _words
from mllens.scan.registry import rule

_SECRET_VALUE = re.compile(r"\$\{\{\s*secrets\.")
_REF = re.compile(r"\$\{?(\w+)\}?")
_REDIRECT = re.compile(r">>?\s*['\"]?([\w./-]+)")
_SPLIT = re.compile(r"\s*(?:&&|;)\s*")
# An image or pipeline package built from the workspace: docker build, tfx --build-image, Cloud Build ...
_BAKES = re.compile(r"--build-image\b|\bdocker\s+(buildx\s+)?build\b|\bgcloud\s+builds\s+submit\b|\baz\s+acr\s+build\b|"
                    r"\bkaniko\b|\bpack\s+build\b")


def _secret_names(command: Command) -> set[str]:
    return {v.name for v in command.env if _SECRET_VALUE.search(v.value)}


_WRITERS = frozenset({"envsubst", "sed", "echo", "printf", "cat"})


def _written(part: str, secrets: set[str]) -> str | None:
    """The file a command part writes a secret into, or None."""
    words = _words(part)
    if not words or words[0] not in _WRITERS:
        return None
    named = bool({m.group(1) for m in _REF.finditer(part)} & secrets) or _SECRET_VALUE.search(part) is not None
    if words[0] == "envsubst":
        listed = [w for w in words[1:] if "$" in w and not w.startswith("-")]
        # with no list, every variable of the environment is substituted, the secrets included
        if not (named if listed else secrets):
            return None
    elif not named:
        return None
    target = _REDIRECT.search(part)
    if target is not None:
        return target.group(1)
    if words[0] == "sed" and any(w.startswith("-i") for w in words[1:]):
        return words[-1]
    return None


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


@rule()
def secrets_into_files(ctx: FileContext) -> None:
    if system_of(ctx.file) is None:
        return
    cmds = commands(ctx.file)
    for i, command in enumerate(cmds):
        secrets = _secret_names(command)
        if not secrets and not _SECRET_VALUE.search(command.text):
            continue
        for part in _SPLIT.split(command.text):
            path = _written(part, secrets)
            if path is None:
                continue
            renamed = {_name(path)}
            leak = None
            for later in cmds[i + 1:]:
                if later.job != command.job:
                    continue
                words = _words(later.text)
                if words[:1] == ["mv"] and len(words) >= 3 and _name(words[1]) in renamed:
                    renamed.add(_name(words[-1]))  # written to a temporary file, then moved over the source
                elif words[:1] in (["cat"], ["more"], ["head"], ["tail"]) and \
                        any(_name(w) in renamed for w in words[1:]):
                    leak = "prints it to the build log"
                elif _BAKES.search(later.text) or runs.builds(later.text):
                    leak = "then builds an image from the workspace that holds it"
                if leak is not None:
                    break
            if leak is not None:
                ctx.contradicts(line=command.line, message=f"the pipeline writes a secret into {path} and {leak}: "
                                                           "the token outlives the job")
                return
