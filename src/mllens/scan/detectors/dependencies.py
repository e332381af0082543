"""Dependency manifests and lock files: is the Python environment pinned?

Reads requirements/constraints files, pyproject.toml (PEP 621 and Poetry), Pipfile,
setup.cfg, setup.py (its syntax, never run), conda environment files and lock files (poetry.lock, uv.lock, pdm.lock,
Pipfile.lock, conda-lock.yml). Requirement strings are read with the scanner's own
requirements parser, whatever file they come from.
"""

from __future__ import annotations

import re
from typing import Any

from mllens.scan.context import FileContext
from mllens.scan.detectors._manifests import (
    Loose,
    conda,
    dev_tool,
    loose_requirements,
    pipfile,
    pyproject,
    python_env,
    setup_cfg,
    setup_py,
)
from mllens.scan.parse.requirements import Requirement
from mllens.scan.registry import rule

# Requirement files whose loose pins do not change what the workload runs with.
_DEV_WORDS = frozenset(
    {"dev", "devel", "develop", "development", "test", "tests", "testing", "lint", "linting", "docs", "doc", "ci",
     "style", "typing", "types", "format", "check", "checks", "qa", "mypy", "pre-commit"}
)
# Environments MLflow writes beside each logged model: generated, not the project's manifest.
_GENERATED_ROOTS = ("mlruns/", "mlartifacts/")
_LOCKS = ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock", "conda-lock.yml", "conda-lock.yaml")
_MAX_NAMED = 5


def _base(path: str) -> str:
    return path.rpartition("/")[2]


def _dir(path: str) -> str:
    return path.rpartition("/")[0]


def _is_dev_file(path: str) -> bool:
    stem = _base(path).lower().rsplit(".", 1)[0]
    parts = re.split(r"[-_.]", stem) + ([_base(_dir(path)).lower()] if _dir(path) else [])
    return any(part in _DEV_WORDS for part in parts)


def _generated(path: str) -> bool:
    return any(path.startswith(root) or f"/{root}" in path for root in _GENERATED_ROOTS)


def _summary(loose: list[Loose], total: int) -> str:
    named = ", ".join(item.show() for item in loose[:_MAX_NAMED])
    more = f" and {len(loose) - _MAX_NAMED} more" if len(loose) > _MAX_NAMED else ""
    return f"{len(loose)} of {total} dependencies not pinned to an exact version: {named}{more}"


def _lock_near(ctx: FileContext, path: str) -> str | None:
    """A lock file beside the manifest or at the project root."""
    for folder in {_dir(path), ""}:
        for name in _LOCKS:
            candidate = f"{folder}/{name}" if folder else name
            if ctx.index.exists(candidate):
                return candidate
    return None


def _requirements_near(ctx: FileContext, path: str) -> bool:
    """A requirements or constraints file beside the manifest or at the root, or in a
    requirements/ folder there (not one deeper, such as examples/x/requirements.txt)."""
    for folder in {_dir(path), ""}:
        prefix = f"{folder}/" if folder else ""
        for candidate in ctx.index.paths(prefix + "*.txt"):
            rest = candidate[len(prefix):]
            in_folder = rest.startswith("requirements/") and "/" not in rest[len("requirements/"):]
            beside = "/" not in rest and rest.startswith(("requirements", "constraints"))
            if in_folder or beside:
                return True
    return False


@rule()
def requirements_pinned(ctx: FileContext) -> None:
    """requirements*.txt / constraints*.txt: every named requirement pinned, or not."""
    path = ctx.file.path
    if ctx.file.kind != "requirements" or _generated(path):
        return
    if path.endswith(".in"):
        compiled = path[:-3] + ".txt"
        if ctx.index.exists(compiled):
            return  # pip-tools input: its compiled .txt is what gets installed
    entries: list[Requirement] = ctx.file.data or []
    loose, total = loose_requirements(entries)
    if total == 0:
        return
    if loose and any(e.option in ("-c", "--constraint") for e in entries):
        return  # the versions may come from the constraints file, which is judged on its own
    if not loose:
        first = next(e.line for e in entries if e.option is None)
        how = "with hashes" if all(e.hashes for e in entries if e.option is None) else "to exact versions"
        ctx.supports(line=first, message=f"all {total} requirements are pinned {how}")
        return
    message = _summary(loose, total)
    if _is_dev_file(path):
        ctx.info(line=loose[0].line, message=message + " (development requirements: not counted against the check)")
        return
    named = [e.name for e in entries if e.option is None and e.name]
    if named and all(dev_tool(name) for name in named):
        # a file of test runners, linters and type stubs (a dev container's, a CI job's) sets up
        # checking the code, not the environment the workload trains or serves with
        ctx.info(line=loose[0].line, message=message + " (only developer tools: not counted against the check)")
        return
    ctx.contradicts(line=loose[0].line, message=message)


def _lock_packages(path: str, data: Any) -> int:
    name = _base(path)
    if name == "Pipfile.lock" and isinstance(data, dict):
        return sum(len(data.get(k) or {}) for k in ("default", "develop") if isinstance(data.get(k), dict))
    if isinstance(data, list):  # YAML documents
        data = data[0] if data else None
    if isinstance(data, dict) and isinstance(data.get("package"), list):
        return len(data["package"])
    return 0


@rule()
def lock_file(ctx: FileContext) -> None:
    """A lock file that records resolved versions of the environment."""
    if _base(ctx.file.path) not in _LOCKS:
        return
    count = _lock_packages(ctx.file.path, ctx.file.data)
    if count:
        ctx.supports(line=1, message=f"{_base(ctx.file.path)} locks {count} packages to exact versions")


@rule()
def manifest_unlocked(ctx: FileContext) -> None:
    """Version ranges in a manifest with nothing in the project that pins them."""
    name = _base(ctx.file.path)
    lower = name.lower()
    if _generated(ctx.file.path):
        return
    if name == "pyproject.toml":
        loose, total = pyproject(ctx)
        library_style = True
    elif name == "Pipfile":
        loose, total = pipfile(ctx)
        library_style = False
    elif name == "setup.cfg":
        loose, total = setup_cfg(ctx)
        library_style = True
    elif name == "setup.py":
        loose, total = setup_py(ctx)
        library_style = True
    elif lower == "python_env.yaml":  # MLflow's pip-based environment file
        loose, total = python_env(ctx)
        library_style = False
    elif lower.endswith((".yml", ".yaml")) and "lock" not in lower:
        loose, total = conda(ctx)
        library_style = False
    else:
        return
    if not loose:
        if total and not library_style:
            ctx.supports(line=1, message=f"all {total} dependencies of {name} are pinned to exact versions")
        return
    lock = _lock_near(ctx, ctx.file.path)
    if lock is not None:
        return  # the lock file pins what the ranges allow; it has its own evidence
    if library_style and _requirements_near(ctx, ctx.file.path):
        return  # ranges are the package's metadata; the requirements files say what is installed
    # at the first dependency with no version at all when there is one: the one most likely
    # to change under the project (a `==1.27.*` above it still moves only within a release)
    bare = next((item for item in loose if not item.spec and item.line), loose[0])
    line = bare.line or 1
    ctx.contradicts(line=line, message=_summary(loose, total) + ", and no lock file pins them",
                    confidence=None if not library_style else 0.6)
