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

import json
import posixpath
import re
import shlex
import tomllib
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from mllens.scan.binding_files import TFVARS
from mllens.scan.context import ParsedFile
from mllens.scan.model.bindings import EMPTY, Bindings, Setting, resolve_cloudformation, resolve_terraform
from mllens.scan.model.bindings_modules import callers, declarations, declare
from mllens.scan.model.values import Value
from mllens.scan.parse import ParseError, parse

_CONTAINERS = frozenset({
    "env", "envs", "environment", "environments", "vars", "tfvars", "variables", "config", "configs",
    "configuration", "configurations", "params", "parameters", "parameter", "param", "stages", "deploy",
    "deployment", "deployments", "settings", "inputs", "infra", "terraform", "cloudformation", "cfn",
})  # fmt: skip
_GENERIC = _CONTAINERS | {"terraform", "auto", "template", "templates", "stack", "values", "overrides", "tfvars",
                          "json", "vars", "var"}
_META = frozenset({"__start_line__", "__end_line__", "__attr_lines__"})


def env_name(top: str, path: str, *, strip: str = "") -> str | None:
    """The environment a binding file at `path` describes, below the folder `top`; None for
    a file beside `top` whose name says nothing (a base); `strip` is a leading stem to drop."""
    rel = path[len(top) + 1 :] if top else path
    folders = rel.split("/")[:-1]
    for folder in reversed(folders):
        if folder.lower() not in _CONTAINERS:
            return folder
    stem = re.sub(r"(\.auto)?\.tfvars(\.json)?$|\.json$", "", posixpath.basename(path))
    if strip and stem.lower().startswith(strip.lower()):
        stem = stem[len(strip) :]
    tokens = [t for t in re.split(r"[-_.\s]+", stem) if t and t.lower() not in _GENERIC]
    if tokens:
        return "-".join(tokens)
    return None if not folders else posixpath.basename(path)


@lru_cache(maxsize=256)
def _hcl(text: str) -> Any:
    try:
        return parse("terraform", text)
    except ParseError:
        return None


@lru_cache(maxsize=256)
def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
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


_JSON_KEY = re.compile(r'^\s*[{\[]?\s*"([^"]+)"\s*:')


def _json_key_lines(text: str, depth: int) -> dict[str, int]:
    """The first line of each key written at `depth` (1: the top object's keys) in JSON text,
    from its brackets (strings holding brackets may mislead it: a line, not a value)."""
    found: dict[str, int] = {}
    level = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        opens = 1 if stripped[:1] in "{[" else 0
        match = _JSON_KEY.match(line)
        if match and level + opens == depth:
            found.setdefault(match.group(1), number)
        level += line.count("{") + line.count("[") - line.count("}") - line.count("]")
    return found


def _line_of(text: str, needle: str, start: int = 1) -> int:
    for number, line in enumerate(text.split("\n")[start - 1 :], start=start):
        if needle in line:
            return number
    return start


def _tfvars(path: str, text: str) -> dict[str, Setting]:
    if path.endswith(".json"):
        data = _json(text)
        if not isinstance(data, Mapping):
            return {}
        lines = _json_key_lines(text, 1)
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
    called = tuple(callers(top, others, environments, _CONTAINERS)) if others else ()
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


def _overrides(path: str, text: str, value: Any, number: int) -> dict[str, Setting]:
    """`K=V` pairs (a string of them, shell-quoted, or a list), all set on line `number`."""
    items = value if isinstance(value, list) else []
    if isinstance(value, str):
        try:
            items = shlex.split(value)
        except ValueError:
            items = value.split()
    out: dict[str, Setting] = {}
    for item in items:
        if isinstance(item, str) and "=" in item:
            key, _, raw = item.partition("=")
            out[key.strip()] = Setting(raw, path, number)
    return out


def samconfig(path: str, text: str) -> dict[str, dict[str, Setting]]:
    """The `parameter_overrides` of each environment table of a SAM `samconfig.toml`
    (`[prod.deploy.parameters]`), at the line that sets them."""
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    found: dict[str, dict[str, Setting]] = {}
    for env, table in data.items():
        section = table.get("deploy", {}).get("parameters", {}) if isinstance(table, dict) else {}
        overrides = section.get("parameter_overrides") if isinstance(section, dict) else None
        if overrides is None:
            continue
        start = _line_of(text, f"[{env}.deploy.parameters]")
        settings = _overrides(path, text, overrides, _line_of(text, "parameter_overrides", start))
        if settings:
            found[str(env)] = settings
    return found


def _config(path: str, text: str) -> dict[str, Setting] | None:
    """The parameters a parameter file sets: `{"Parameters": {K: V}}` (a CodePipeline template
    configuration), `[{"ParameterKey": K, "ParameterValue": V}]` (create-stack), or
    `["K=V"]` (deploy --parameter-overrides); None for any other JSON."""
    if '"Parameter' not in text and "=" not in text:
        return None
    data = _json(text)
    start = 1
    if isinstance(data, Mapping):
        if "Resources" in data or "Parameters" not in data:
            return None
        start = _line_of(text, '"Parameters"')
        data = data["Parameters"]
        if isinstance(data, Mapping):
            if any(isinstance(v, Mapping) for v in data.values()):
                return None  # a template's own Parameters section
            lines = _json_key_lines(text, 2)
            return {str(k): Setting(v, path, lines.get(str(k)) or _line_of(text, f'"{k}"', start))
                    for k, v in data.items()}
    if not isinstance(data, list) or not data:
        return None
    out: dict[str, Setting] = {}
    for item in data:
        if isinstance(item, Mapping) and isinstance(item.get("ParameterKey"), str) and "ParameterValue" in item:
            key = item["ParameterKey"]
            line = _line_of(text, f'"{key}"', start)
            value_line = _line_of(text, '"ParameterValue"', line)
            out[key] = Setting(item["ParameterValue"], path, value_line if value_line - line <= 3 else line)
        elif isinstance(item, str) and "=" in item:
            key, _, value = item.partition("=")
            out[key.strip()] = Setting(value, path, _line_of(text, f'"{key}=', start))
        else:
            return None
    return out


def _stem(path: str) -> str:
    return re.sub(r"\.(ya?ml|json|template)$", "", posixpath.basename(path))


def _names(config: str, text: str, template: str) -> bool:
    """The parameter file is named after the template (`endpoint-prod.json` for
    `endpoint.yaml`), or names its file."""
    stem, own = _stem(template), _stem(config)
    if len(stem) >= 3 and own.lower().startswith(stem.lower()) and (len(own) == len(stem) or own[len(stem)] in "-_."):
        return True
    return posixpath.basename(template) in text


def _template_params(file: ParsedFile) -> Mapping[str, Any] | None:
    data = file.data
    if isinstance(data, list):
        data = data[0] if data else None
    if not isinstance(data, Mapping) or not isinstance(data.get("Resources"), Mapping):
        return None
    params = data.get("Parameters")
    return params if isinstance(params, Mapping) and params else None


def _default_line(file: ParsedFile, params: Mapping[str, Any], name: str, body: Mapping[str, Any]) -> int:
    if hasattr(body, "key_lines"):  # YAML keeps lines
        return int(body.key_lines.get("Default", getattr(body, "line", 1)))
    start = file.line_of('"Parameters"') or 1
    at = file.line_of(f'"{name}"', start=start) or start
    return file.line_of('"Default"', start=at) or at


def cloudformation(file: ParsedFile) -> Bindings:
    """A template's parameter Defaults, and the values of the parameter files bound to it."""
    params = _template_params(file)
    if params is None:
        return EMPTY
    defaults = {str(name): Setting(body["Default"], file.path, _default_line(file, params, str(name), body))
                for name, body in params.items() if isinstance(body, Mapping) and "Default" in body}
    configs = {path: found for path, text in file.bound.sources
               if path.endswith(".json") and (found := _config(path, text)) is not None}
    texts = dict(file.bound.sources)
    others = [t for t in file.bound.siblings if t != file.path and t not in configs]
    envs: dict[str, dict[str, Setting]] = {}
    top = posixpath.dirname(file.path)
    for path, settings in configs.items():
        text = texts[path]
        if _names(path, text, file.path):
            strip = _stem(file.path)
        elif any(_names(path, text, other) for other in others) or not settings or not set(settings) <= set(params):
            continue  # another template's, or sets a parameter this template does not declare
        else:
            strip = ""
        env = env_name(top, path, strip=strip) or posixpath.basename(path)
        envs.setdefault(env, {}).update(settings)
    for path, text in file.bound.sources:  # SAM: one file, a table per environment
        if path.endswith("samconfig.toml") and not any(_names(path, text, other) for other in others):
            for env, settings in samconfig(path, text).items():
                if set(settings) <= set(params):
                    envs.setdefault(env, {}).update(settings)
    return Bindings("parameter {}", defaults, {}, envs)


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
