"""Training clusters a pipeline creates from the command line (`az ml compute create`): do
they scale to zero between jobs and use low-priority capacity?

Such a step usually lives in a reusable piece, an Azure Pipelines template or a Jenkins
shared-library step, whose settings are parameters with defaults: `--min-instances ${{
parameters.min_instances }}` or `--min-instances ${minInstances}`. The value is read
through the template's `parameters` defaults, the defaults of the Groovy `def call(...)`,
or the variables the pipeline sets; the evidence goes where the value is set."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from mllens.scan.context import FileContext
from mllens.scan.detectors._ci import Command, commands, document, line_of, system_of
from mllens.scan.detectors._docker_run import _words
from mllens.scan.registry import rule

_CREATE = re.compile(r"\baz\s+ml\s+compute\s+create\b")
_TIGHT = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_REF = re.compile(r"^\$\{\{\s*parameters\.(\w+)\s*\}\}$|^\$\{(\w+)\}$|^\$\((\w+)\)$|^\$(\w+)$")


@dataclass(frozen=True)
class _Setting:
    value: str
    line: int
    via: str  # "" when written in the command, else where the value comes from


def _template_defaults(ctx: FileContext) -> dict[str, _Setting]:
    """`parameters:` of an Azure Pipelines template: a list of {name, default} or a map."""
    doc = document(ctx.file)
    params = doc.get("parameters") if doc is not None else None
    out: dict[str, _Setting] = {}
    if isinstance(params, list):
        for item in params:
            if isinstance(item, Mapping) and isinstance(item.get("name"), str) and "default" in item:
                out[item["name"]] = _Setting(str(item["default"]), line_of(item, "default"),
                                             f"default of parameter {item['name']}")
    elif isinstance(params, Mapping):
        for name, value in params.items():
            if isinstance(value, str | int | float):
                out[str(name)] = _Setting(str(value), line_of(params, name), f"default of parameter {name}")
    return out


_CALL = re.compile(r"\bdef\s+call\s*\(")
_PARAM = re.compile(r"(?:[\w.<>\[\]]+\s+)?(\w+)\s*=\s*(?:'([^']*)'|\"([^\"]*)\"|([\w.-]+))")


def _groovy_defaults(text: str) -> dict[str, _Setting]:
    """The defaults of a shared-library step's `def call(String a, Integer n = 0, ...)`."""
    found = _CALL.search(text)
    if found is None:
        return {}
    depth, end = 1, found.end()
    while end < len(text) and depth:
        depth += {"(": 1, ")": -1}.get(text[end], 0)
        end += 1
    out: dict[str, _Setting] = {}
    offset = found.end()
    for part in text[found.end():end - 1].split(","):
        match = _PARAM.fullmatch(part.strip())
        if match is not None:
            value = next(g for g in match.groups()[1:] if g is not None)
            line = text.count("\n", 0, offset + part.index(match.group(1))) + 1
            out[match.group(1)] = _Setting(value, line, f"default of {match.group(1)}")
        offset += len(part) + 1
    return out


def _option(words: list[str], name: str) -> str | None:
    for i, word in enumerate(words):
        if word == name and i + 1 < len(words):
            return words[i + 1]
        if word.startswith(f"{name}="):
            return word.split("=", 1)[1]
    return None


def _resolve(raw: str, command: Command, defaults: dict[str, _Setting]) -> _Setting | None:
    match = _REF.match(raw)
    if match is None:
        return None if "$" in raw else _Setting(raw, command.line, "")
    name = next(g for g in match.groups() if g)
    if name in defaults:
        return defaults[name]
    var = command.var(name)
    return _Setting(var.value, var.line, f"variable {name}") if var is not None and "$" not in var.value else None


@rule()
def cli_compute_scaling(ctx: FileContext) -> None:
    if system_of(ctx.file) is None:
        return
    defaults: dict[str, _Setting] | None = None
    for command in commands(ctx.file):
        if not _CREATE.search(command.text):
            continue
        words = _words(_TIGHT.sub(r"${{\1}}", command.text))  # `${{ parameters.x }}` as one word
        kind = _option(words, "--type")
        if kind is not None and kind.lower() != "amlcompute":
            continue  # a compute instance or an attached cluster: not a training cluster created here
        if defaults is None:
            defaults = _template_defaults(ctx) if ctx.file.kind == "yaml" else _groovy_defaults(ctx.file.text)
        _judge(ctx, command, words, defaults)


def _judge(ctx: FileContext, command: Command, words: list[str], defaults: dict[str, _Setting]) -> None:
    raw_min, raw_tier = _option(words, "--min-instances"), _option(words, "--tier")
    least = _resolve(raw_min, command, defaults) if raw_min is not None else None
    if least is not None and least.value.isdigit():
        via = f" ({least.via})" if least.via else ""
        if int(least.value) == 0:
            ctx.supports(line=least.line, check="managed_training_jobs",
                         message=f"the training cluster the pipeline creates scales to zero between jobs "
                                 f"(--min-instances 0{via})")
        else:
            ctx.contradicts(line=least.line, check="managed_training_jobs",
                            message=f"the training cluster the pipeline creates keeps {least.value} node(s) running "
                                    f"when idle (--min-instances {least.value}{via})")
    tier = _resolve(raw_tier, command, defaults) if raw_tier is not None else None
    if tier is not None:
        via = f" ({tier.via})" if tier.via else ""
        if tier.value.lower().replace("-", "_") == "low_priority":
            ctx.supports(line=tier.line, check="spot_training",
                         message=f"the training cluster runs on low-priority capacity (--tier low_priority{via})")
        elif tier.value.lower() == "dedicated":
            ctx.contradicts(line=tier.line, check="spot_training",
                            message=f"the training cluster runs on dedicated capacity only, no low-priority nodes "
                                    f"(--tier dedicated{via})")
