"""Readers of dependency manifests for the dependencies family: which declared dependencies
leave their version open. Requirement strings go through the scanner's requirements parser
whatever file they come from; TOML and YAML arrive parsed; setup.cfg is read as INI.
"""

from __future__ import annotations

import ast
import configparser
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mllens.scan.context import FileContext
from mllens.scan.parse.requirements import Requirement, parse_requirements

_HEX_REF = re.compile(r"@[0-9a-f]{40}\b|#(?:sha256|sha384|sha512|md5)=")
_CONDA_SPEC = re.compile(r"^\s*([A-Za-z0-9_.\-]+(?:::[A-Za-z0-9_.\-]+)?)\s*(.*)$")
_EXACT_VERSION = re.compile(r"^\d+(\.\d+)*([a-z]+\d*)?(\.post\d+)?(\.dev\d+)?$")
# Developer tools (test runners, linters, type checkers and their stubs, packaging): they check
# or package the code and are not what the workload runs with
_DEV_TOOLS = frozenset({"pytest", "coverage", "flake8", "pylint", "black", "isort", "ruff", "mypy", "pyright",
                        "pre-commit", "tox", "nox", "twine", "build", "wheel", "setuptools", "pip", "virtualenv",
                        "bandit", "safety", "pip-audit", "pip-tools", "ipdb", "pdbpp"})  # fmt: skip


def dev_tool(name: str) -> bool:
    """Whether a distribution name is a developer tool: one of the above, a pytest or flake8
    plugin, or type stubs (`boto3-stubs`, `types-requests`)."""
    lower = re.sub(r"[-_.]+", "-", name.lower())
    return (lower in _DEV_TOOLS or lower.startswith(("pytest-", "flake8-", "types-", "mypy-"))
            or lower.endswith("-stubs"))


@dataclass(frozen=True)
class Loose:
    name: str
    spec: str
    line: int | None

    def show(self) -> str:
        return f"{self.name} ({self.spec or 'any version'})"


def loose_requirements(entries: Iterable[Requirement]) -> tuple[list[Loose], int]:
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
                loose.append(Loose(req.name or url_label(req.raw), "URL without a commit or hash", req.line))
            continue
        loose.append(Loose(req.name or req.raw, req.spec, req.line))
    return loose, total


def url_label(raw: str) -> str:
    """A short name for a direct URL requirement that tells two of them apart: its #egg=
    name, else the repository or file it points at plus the subdirectory it builds."""
    url, _, fragment = raw.partition("#")
    params = dict(part.split("=", 1) for part in fragment.split("&") if "=" in part)
    if params.get("egg"):
        return params["egg"]
    base = url.rstrip("/").rsplit("/", 1)[-1].split("@", 1)[0].removesuffix(".git")
    return f"{base}/{params['subdirectory']}" if params.get("subdirectory") else base


def _pep508_loose(ctx: FileContext, specs: list[str]) -> tuple[list[Loose], int]:
    specs = [s for s in specs if isinstance(s, str)]
    parsed = parse_requirements("\n".join(specs))
    loose, total = loose_requirements(parsed)
    located = [Loose(item.name, item.spec, _line_of_value(ctx, specs, item.line)) for item in loose]
    return located, total


def _line_of_value(ctx: FileContext, specs: list[str], index: int | None) -> int | None:
    if index is None or not 1 <= index <= len(specs):
        return None
    spec = specs[index - 1]
    # quoted as in TOML first (so "numpy" is not found inside "numpy-financial"), then as YAML writes it
    return ctx.file.line_of(f'"{spec}"') or ctx.file.line_of(f"'{spec}'") or ctx.file.line_of(f"- {spec}")


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


def _table(data: Any, *keys: str) -> dict[str, Any]:
    """The nested TOML table at `keys`, or an empty one."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def pyproject(ctx: FileContext) -> tuple[list[Loose], int]:
    project = _table(ctx.file.data, "project")
    deps = project.get("dependencies")
    loose, total = _pep508_loose(ctx, list(deps) if isinstance(deps, list) else [])
    poetry = _table(ctx.file.data, "tool", "poetry")
    if isinstance(poetry.get("dependencies"), dict):
        more, count = _poetry_loose(ctx, poetry["dependencies"])
        loose, total = loose + more, total + count
    return loose, total


def pipfile(ctx: FileContext) -> tuple[list[Loose], int]:
    packages = _table(ctx.file.data, "packages")
    loose: list[Loose] = []
    for name, value in packages.items():
        spec = value.get("version", "*") if isinstance(value, dict) else value
        if isinstance(value, dict) and ("path" in value or "ref" in value):
            continue
        spec = str(spec).replace(" ", "")
        if not (spec.startswith("==") and "*" not in spec and "," not in spec):
            loose.append(Loose(name, spec, ctx.file.line_of(f"{name} =") or ctx.file.line_of(name)))
    return loose, len(packages)


def setup_cfg(ctx: FileContext) -> tuple[list[Loose], int]:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(ctx.file.text)
    except configparser.Error:
        return [], 0
    raw = parser.get("options", "install_requires", fallback="")
    specs = [line.strip() for line in raw.splitlines() if line.strip() and not line.strip().startswith("#")]
    return _pep508_loose(ctx, specs)


def conda(ctx: FileContext) -> tuple[list[Loose], int]:
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


def setup_py(ctx: FileContext) -> tuple[list[Loose], int]:
    """setup.py: the strings of `setup(install_requires=[...])`, written in the call or in a
    list the module binds at its top level (`required = [...]`); read from the syntax,
    never run. A list built any other way (read from a file) is not judged."""
    tree = ctx.file.data
    if not isinstance(tree, ast.Module):
        return [], 0
    lists = {t.id: node.value for node in tree.body if isinstance(node, ast.Assign) and len(node.targets) == 1
             for t in node.targets if isinstance(t, ast.Name) and isinstance(node.value, ast.List | ast.Tuple)}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name != "setup":
            continue
        given = next((k.value for k in node.keywords if k.arg == "install_requires"), None)
        if isinstance(given, ast.Name):
            given = lists.get(given.id)
        if not isinstance(given, ast.List | ast.Tuple):
            return [], 0
        items = [e for e in given.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        parsed = parse_requirements("\n".join(str(e.value) for e in items))
        loose, total = loose_requirements(parsed)
        return [Loose(i.name, i.spec, _element_line(items, i.line)) for i in loose], total
    return [], 0


def _element_line(items: list[ast.Constant], index: int | None) -> int | None:
    """The line of the `index`-th string (1-based, one requirement per string)."""
    return items[index - 1].lineno if index is not None and 0 < index <= len(items) else None


def python_env(ctx: FileContext) -> tuple[list[Loose], int]:
    """MLflow's python_env.yaml: `python` plus pip requirement strings under `dependencies`."""
    docs = ctx.file.data if isinstance(ctx.file.data, list) else []
    env = docs[0] if docs and isinstance(docs[0], dict) else {}
    deps = env.get("dependencies")
    if "python" not in env or not isinstance(deps, list):
        return [], 0
    return _pep508_loose(ctx, [d for d in deps if isinstance(d, str) and not d.startswith("-")])
