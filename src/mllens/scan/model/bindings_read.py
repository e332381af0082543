"""Reading the bindings of one file: its own declarations, and the variables, tfvars and
parameter files the engine read with it (`ParsedFile.bound`).

Environments are named from where a file sits below the module or template folder: the
deepest folder that is not a plain container (`envs/staging/terraform.tfvars` -> staging),
else the file's name without the words every such file carries (`prod.tfvars`,
`prod-config.json`, `params/prod.json`, `endpoint-prod.json` for `endpoint.yaml` -> prod).
A `terraform.tfvars` (or `*.auto.tfvars` with no other name) beside the module is loaded on
every run: it is a base under every environment. Each file is parsed once per text.
`resolver_of(file)` is what the adapters call on each value they read.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from mllens.scan.binding_files import TFVARS
from mllens.scan.context import ParsedFile
from mllens.scan.model.bindings import EMPTY, Bindings, Setting, resolve_cloudformation, resolve_terraform
from mllens.scan.model.bindings_cfn import cloudformation
from mllens.scan.model.bindings_modules import callers, declarations, declare
from mllens.scan.model.bindings_text import CONTAINERS, env_name, json_key_lines, json_value
from mllens.scan.model.values import Value
from mllens.scan.parse import ParseError, parse

_META = frozenset({"__start_line__", "__end_line__", "__attr_lines__"})


@lru_cache(maxsize=256)
def _hcl(text: str) -> Any:
    try:
        return parse("terraform", text)
    except ParseError:
        return None


_TOP_KEY = re.compile(r'^\s*"?([A-Za-z_][\w-]*)"?\s*[=:]')


def _key_lines(text: str) -> dict[str, int]:
    """The line of each top-level key of a tfvars (HCL) file, from its text: the first
    line naming it where no brace or bracket is open."""
    found: dict[str, int] = {}
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if depth == 0:
            match = _TOP_KEY.match(line)
            if match:
                found.setdefault(match.group(1), number)
        depth = max(0, depth + line.count("{") + line.count("[") - line.count("}") - line.count("]"))
    return found


def _tfvars(path: str, text: str) -> dict[str, Setting]:
    if path.endswith(".json"):
        data = json_value(text)
        if not isinstance(data, Mapping):
            return {}
        lines = json_key_lines(text, 1)
        return {str(k): Setting(v, path, lines.get(str(k), 1)) for k, v in data.items()}
    data = _hcl(text)
    if not isinstance(data, Mapping):
        return {}
    lines = _key_lines(text)
    return {str(k): Setting(v, path, lines.get(str(k), 1)) for k, v in data.items() if k not in _META}


def _nearest(folders: set[str], path: str) -> str | None:
    """The deepest of `folders` holding `path` (below it)."""
    here = posixpath.dirname(path)
    while True:
        if here in folders:
            return here
        if not here:
            return None
        here = posixpath.dirname(here)


def terraform(file: ParsedFile) -> tuple[Bindings, dict[str, Setting]]:
    """The variables' defaults (from every .tf of the folder), the tfvars' values per
    environment, the module blocks elsewhere that call this folder, and the locals a Terraform
    file's references may use."""
    defaults: dict[str, Setting] = {}
    locals_: dict[str, Setting] = {}
    declare(file.data, file.path, defaults, locals_)
    top = posixpath.dirname(file.path)
    folders = {top} | {posixpath.dirname(p) for p, _ in file.bound.sources if p.endswith(".tf")}
    others: dict[str, list[tuple[str, Any]]] = {}
    tfvars: dict[str, list[tuple[str, str]]] = {}
    for path, text in file.bound.sources:
        if TFVARS.search(path):
            owner = _nearest(folders, path)
            if owner is not None:
                tfvars.setdefault(owner, []).append((path, text))
        elif path.endswith(".tf") and text:
            if posixpath.dirname(path) == top:
                declare(declarations(text), path, defaults, locals_)
            else:
                others.setdefault(posixpath.dirname(path), []).append((path, declarations(text)))
    environments = {folder: _environments(folder, files) for folder, files in tfvars.items()}
    base, envs = environments.get(top, ({}, {}))
    called = tuple(callers(top, others, environments, CONTAINERS)) if others else ()
    return Bindings("var.{}", defaults, base, envs, called), locals_


def _environments(top: str, files: list[tuple[str, str]]) -> tuple[dict[str, Setting], dict[str, dict[str, Setting]]]:
    """The values of the tfvars of the module folder `top`: loaded on every run (a base), or
    per environment."""
    base: dict[str, Setting] = {}
    envs: dict[str, dict[str, Setting]] = {}
    for path, text in files:
        env = env_name(top, path)
        (base if env is None else envs.setdefault(env, {})).update(_tfvars(path, text))
    return base, envs


Resolver = Callable[[Value], Value]


def _none(value: Value) -> Value:
    return value


def resolver_of(file: ParsedFile) -> Resolver:
    """How the adapters of this file resolve its values (built once per file)."""
    return file.memo("model.resolver", _build)


def _build(file: ParsedFile) -> Resolver:
    if file.kind == "terraform":
        bindings, locals_ = terraform(file)
        if not bindings.defaults and not bindings.base and not bindings.envs and not bindings.callers and not locals_:
            return _none
        return lambda value: resolve_terraform(value, bindings, locals_)
    if file.kind in ("yaml", "json"):
        bindings = cloudformation(file)
        if bindings is EMPTY:
            return _none
        return lambda value: resolve_cloudformation(value, bindings)
    return _none
