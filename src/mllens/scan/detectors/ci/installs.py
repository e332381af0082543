"""What pipelines install into the environment that builds, tests, trains or deploys: from
lock files and exact versions, or whatever is newest on the day (pip and conda)."""

from __future__ import annotations

import re

from mllens.scan.context import FileContext
from mllens.scan.detectors._ci import commands
from mllens.scan.detectors._ci_system import system_of
from mllens.scan.detectors._docker_run import _judge, _program, _words
from mllens.scan.registry import rule

_SPLIT = re.compile(r"\s*(?:&&|\|\||;|\|)\s*")
# Only the installers whose verdict needs no file copied in (a checkout holds the lock files)
_JUDGED = re.compile(r"^(pip[\d.]*|pipx|uv|pip-sync|conda|mamba|micromamba|conda-lock)$")
# The job's own tools (test runners, linters, packaging): they check or package the code and
# are not shipped with it, so an unpinned one is not the environment drifting
_TOOLS = frozenset({"pytest", "pytest-cov", "pytest-xdist", "coverage", "flake8", "pylint", "black", "isort", "ruff",
                    "mypy", "pre-commit", "tox", "nox", "pipenv", "poetry", "uv", "twine", "build", "wheel",
                    "setuptools", "pip", "virtualenv", "bandit", "safety", "pip-audit", "pip-tools"})


@rule()
def step_installs(ctx: FileContext) -> None:
    if system_of(ctx.file) is None:
        return  # a Makefile or script is read only when a pipeline calls it
    for command in commands(ctx.file):
        for part in _SPLIT.split(command.text):
            program, args = _program(_words(part))
            if not _JUDGED.match(program):
                continue
            verdict = _judge(program, args, [])
            if verdict is None:
                continue
            outcome, what = verdict
            if outcome == "unpinned":
                words = what.split()
                start = words.index("install") + 1 if "install" in words else len(words)
                loose = [w for w in words[start:] if re.split(r"[\[<>=!~;]", w.lower(), maxsplit=1)[0] not in _TOOLS]
                if not loose:
                    continue
                what = " ".join([*words[:start], *loose])
            if outcome == "locked":
                ctx.supports(line=command.line, message=f"CI installs from a lock file or hashes ({what})")
            elif outcome == "unpinned":
                ctx.contradicts(line=command.line, message=f"CI installs packages with no exact version ({what}): "
                                                           "each run may get different versions")
