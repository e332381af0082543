"""Dependency manifests and lock files: is the Python environment pinned?

Reads requirements/constraints files, pyproject.toml (PEP 621 and Poetry), Pipfile,
setup.cfg, conda environment files and lock files (poetry.lock, uv.lock, pdm.lock,
Pipfile.lock, conda-lock.yml). Requirement strings are read with the scanner's own
requirements parser, whatever file they come from.
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mllens.scan.context import FileContext
from mllens.scan.parse.requirements import Requirement, parse_requirements
from mllens.scan.registry import rule

# Requirement files whose loose pins do not change what the workload runs with.
_DEV_WORDS = frozenset(
    "dev devel develop development test tests testing lint linting docs doc ci style typing types format "
    "check checks qa mypy pre-commit".split()
)
# Environments MLflow writes beside each logged model: generated, not the project's manifest.
_GENERATED_ROOTS = ("mlruns/", "mlartifacts/")
_LOCKS = ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock", "conda-lock.yml", "conda-lock.yaml")
_HEX_REF = re.compile(r"@[0-9a-f]{40}\b|#(?:sha256|sha384|sha512|md5)=")
_CONDA_SPEC = re.compile(r"^\s*([A-Za-z0-9_.\-]+(?:::[A-Za-z0-9_.\-]+)?)\s*(.*)$")
_EXACT_VERSION = re.compile(r"^\d+(\.\d+)*([a-z]+\d*)?(\.post\d+)?(\.dev\d+)?$")
_MAX_NAMED = 5


@dataclass(frozen=True)
class Loose:
    name: str
    spec: str
    line: int | None

    def show(self) -> str:
        return f"{self.name} ({self.spec or 'any version'})"


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


def _loose_requirements(entries: Iterable[Requirement]) -> tuple[list[Loose], int]:
    """Named requirements (and direct URL references) that do not fix one version."""
    loose: list[Loose] = []
    total = 0
    for req in entries:
        if req.option is not None:
            continue
        direct = "://" in req.raw
        if req.name is None and not direct:
            continue  # a local path such as "." or "./libs/x": built from the tree itself
        total += 1
        if req.hashes or req.pinned:
            continue
        if direct:
            if not _HEX_REF.search(req.raw):
                loose.append(Loose(req.name or req.raw.rsplit("/", 1)[-1][:40], "URL without a commit or hash", req.line))
            continue
        loose.append(Loose(req.name or req.raw, req.spec, req.line))
    return loose, total


def _lock_near(ctx: FileContext, path: str) -> str | None:
    """A lock file beside the manifest or at the project root."""
    for folder in {_dir(path), ""}:
        for name in _LOCKS:
            candidate = f"{folder}/{name}" if folder else name
            if ctx.index.exists(candidate):
                return candidate
    return None


def _requirements_near(ctx: FileContext, path: str) -> bool:
    """A requirements or constraints file beside the manifest or at the root (not in examples/)."""
    for folder in {_dir(path), ""}:
        prefix = f"{folder}/" if folder else ""
        for pattern in ("requirements*.txt", "constraints*.txt", "requirements/*.txt"):
            if any("/" not in p[len(prefix):].replace("requirements/", "", 1) for p in ctx.index.paths(prefix + pattern)):
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
    loose, total = _loose_requirements(entries)
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


def _pep508_loose(ctx: FileContext, specs: list[str]) -> tuple[list[Loose], int]:
    specs = [s for s in specs if isinstance(s, str)]
    parsed = parse_requirements("\n".join(specs))
    loose, total = _loose_requirements(parsed)
    located = [Loose(item.name, item.spec, _line_of_value(ctx, specs, item.line)) for item in loose]
    return located, total


def _line_of_value(ctx: FileContext, specs: list[str], index: int | None) -> int | None:
    if index is None or not 1 <= index <= len(specs):
        return None
    return ctx.file.line_of(f'"{specs[index - 1]}"') or ctx.file.line_of(f"'{specs[index - 1]}'")


def _poetry_loose(ctx: FileContext, deps: dict[str, Any]) -> tuple[list[Loose], int]:
    loose: list[Loose] = []
    total = 0
    for name, value in deps.items():
        if name.lower() == "python":
            continue
        total += 1
        if isinstance(value, dict):
            if "path" in value or "rev" in value or "tag" in value:
                continue
            value = value.get("version", "*")
        spec = str(value).strip() if isinstance(value, str) else "*"
        bare = spec.lstrip("=").strip()
        if _EXACT_VERSION.match(bare) and not spec.startswith(("^", "~", ">", "<", "!")):
            continue
        loose.append(Loose(name, spec, ctx.file.line_of(f"{name} =") or ctx.file.line_of(name)))
    return loose, total


def _pyproject(ctx: FileContext) -> tuple[list[Loose], int]:
    data = ctx.file.data if isinstance(ctx.file.data, dict) else {}
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    loose, total = _pep508_loose(ctx, list(project.get("dependencies") or []))
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    if isinstance(poetry, dict) and isinstance(poetry.get("dependencies"), dict):
        more, count = _poetry_loose(ctx, poetry["dependencies"])
        loose, total = loose + more, total + count
    return loose, total


def _pipfile(ctx: FileContext) -> tuple[list[Loose], int]:
    data = ctx.file.data if isinstance(ctx.file.data, dict) else {}
    packages = data.get("packages") if isinstance(data.get("packages"), dict) else {}
    loose: list[Loose] = []
    for name, value in packages.items():
        spec = value.get("version", "*") if isinstance(value, dict) else value
        if isinstance(value, dict) and ("path" in value or "ref" in value):
            continue
        spec = str(spec).replace(" ", "")
        if not (spec.startswith("==") and "*" not in spec and "," not in spec):
            loose.append(Loose(name, spec, ctx.file.line_of(f"{name} =") or ctx.file.line_of(name)))
    return loose, len(packages)


def _setup_cfg(ctx: FileContext) -> tuple[list[Loose], int]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(ctx.file.text)
    except configparser.Error:
        return [], 0
    raw = parser.get("options", "install_requires", fallback="")
    specs = [line.strip() for line in raw.splitlines() if line.strip() and not line.strip().startswith("#")]
    return _pep508_loose(ctx, specs)


def _conda(ctx: FileContext) -> tuple[list[Loose], int]:
    docs = ctx.file.data if isinstance(ctx.file.data, list) else []
    env = docs[0] if docs and isinstance(docs[0], dict) else {}
    deps = env.get("dependencies")
    if not isinstance(deps, list) or not ("channels" in env or "name" in env):
        return [], 0  # not a conda environment (Helm charts and others also say "dependencies")
    loose: list[Loose] = []
    total = 0
    for index, dep in enumerate(deps):
        if isinstance(dep, dict) and isinstance(dep.get("pip"), list):
            more, count = _pep508_loose(ctx, dep["pip"])
            loose, total = loose + more, total + count
            continue
        found = _CONDA_SPEC.match(dep) if isinstance(dep, str) else None
        if found is None or found.group(1).split("::")[-1].lower() in ("python", "pip"):
            continue
        total += 1
        spec = found.group(2).replace(" ", "")
        version = spec.lstrip("=").split("=")[0]
        if spec.startswith("=") and version and "*" not in version and _EXACT_VERSION.match(version):
            continue
        line = deps.line_of(index) if hasattr(deps, "line_of") else None
        loose.append(Loose(found.group(1), spec, line))
    return loose, total


@rule()
def manifest_unlocked(ctx: FileContext) -> None:
    """Version ranges in a manifest with nothing in the project that pins them."""
    name = _base(ctx.file.path)
    lower = name.lower()
    if _generated(ctx.file.path):
        return
    if name == "pyproject.toml":
        loose, total = _pyproject(ctx)
        library_style = True
    elif name == "Pipfile":
        loose, total = _pipfile(ctx)
        library_style = False
    elif name == "setup.cfg":
        loose, total = _setup_cfg(ctx)
        library_style = True
    elif lower.endswith((".yml", ".yaml")) and "lock" not in lower:
        loose, total = _conda(ctx)
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
    line = loose[0].line or 1
    ctx.contradicts(line=line, message=_summary(loose, total) + ", and no lock file pins them",
                    confidence=None if not library_style else 0.6)
