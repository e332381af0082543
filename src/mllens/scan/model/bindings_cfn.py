"""The bindings of a CloudFormation template: its parameters' Defaults, and the parameter
files the engine read with it (JSON in three shapes, YAML `Parameters:` maps, SAM's
`samconfig.toml`), each bound to the template it names or, naming none, to the templates
beside it that declare every parameter it sets."""

from __future__ import annotations

import posixpath
import re
import shlex
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.model.bindings import EMPTY, Bindings, Setting
from mllens.scan.model.bindings_text import env_name, json_key_lines, json_value, line_of
from mllens.scan.parse import ParseError, parse


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
        start = line_of(text, f"[{env}.deploy.parameters]")
        settings = _overrides(path, text, overrides, line_of(text, "parameter_overrides", start))
        if settings:
            found[str(env)] = settings
    return found


def _config(path: str, text: str) -> dict[str, Setting] | None:
    """The parameters a parameter file sets: `{"Parameters": {K: V}}` (a CodePipeline template
    configuration), `[{"ParameterKey": K, "ParameterValue": V}]` (create-stack), or
    `["K=V"]` (deploy --parameter-overrides); None for any other JSON."""
    if '"Parameter' not in text and "=" not in text:
        return None
    data = json_value(text)
    start = 1
    if isinstance(data, Mapping):
        if "Resources" in data or "Parameters" not in data:
            return None
        start = line_of(text, '"Parameters"')
        data = data["Parameters"]
        if isinstance(data, Mapping):
            if any(isinstance(v, Mapping) for v in data.values()):
                return None  # a template's own Parameters section
            lines = json_key_lines(text, 2)
            return {str(k): Setting(v, path, lines.get(str(k)) or line_of(text, f'"{k}"', start))
                    for k, v in data.items()}
    if not isinstance(data, list) or not data:
        return None
    out: dict[str, Setting] = {}
    for item in data:
        if isinstance(item, Mapping) and isinstance(item.get("ParameterKey"), str) and "ParameterValue" in item:
            key = item["ParameterKey"]
            line = line_of(text, f'"{key}"', start)
            value_line = line_of(text, '"ParameterValue"', line)
            out[key] = Setting(item["ParameterValue"], path, value_line if value_line - line <= 3 else line)
        elif isinstance(item, str) and "=" in item:
            key, _, value = item.partition("=")
            out[key.strip()] = Setting(value, path, line_of(text, f'"{key}=', start))
        else:
            return None
    return out


@lru_cache(maxsize=256)
def _yaml(text: str) -> Any:
    try:
        docs = parse("yaml", text)
    except ParseError:
        return None
    return docs[0] if isinstance(docs, list) and len(docs) == 1 else None


def _yaml_config(path: str, text: str) -> dict[str, Setting] | None:
    """The parameters a YAML parameter file sets (`Parameters:` a map of values, as a
    CodePipeline template configuration in YAML); None for any other YAML."""
    data = _yaml(text)
    if not isinstance(data, Mapping) or "Resources" in data or not isinstance(data.get("Parameters"), Mapping):
        return None
    params = data["Parameters"]
    if any(isinstance(v, Mapping) for v in params.values()):
        return None  # a template's own Parameters section
    lines = getattr(params, "key_lines", {})
    return {str(k): Setting(v, path, int(lines.get(k, 1))) for k, v in params.items()}


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
               if (found := _config(path, text) if path.endswith(".json") else
                   _yaml_config(path, text) if path.endswith((".yaml", ".yml")) else None) is not None}
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
