"""Terraform's own settings into the resource model: where the state is kept (a `backend`
block) and which provider versions a module accepts (`required_providers`, or the version
argument older configurations write in a provider block).

These are not resources of a cloud, but they decide what a plan does: a state file holds every
value the configuration reads (secrets included), and a provider with no version constraint
and no lock file may be a different release on every run.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import listify
from mllens.scan.detectors._tf import blocks
from mllens.scan.model.kinds import Resource
from mllens.scan.model.kinds_platform import ProviderRequirement, StateBackend, TagDefaults
from mllens.scan.model.values import Value

# backends whose state is an object in a bucket the configuration names, and their encryption flag
_ENCRYPT = {"s3": "encrypt"}


def _base(file: ParsedFile, *, type_: str, name: str, address: str, line: int) -> dict[str, Any]:
    return {"syntax": "terraform", "provider": "terraform", "service": "Terraform", "type": type_, "name": name,
            "address": address, "file": file.path, "line": line}


def _lines(body: Mapping[str, Any]) -> Mapping[str, int]:
    found = body.get("__attr_lines__")
    return found if isinstance(found, Mapping) else {}


def _backends(file: ParsedFile, settings: Mapping[str, Any], line: int) -> Iterator[Resource]:
    for entry in listify(settings.get("backend")):
        for kind, body in (entry.items() if isinstance(entry, Mapping) else ()):
            flag = _ENCRYPT.get(str(kind))
            if flag is None or not isinstance(body, Mapping):
                continue
            start = int(body.get("__start_line__") or line)
            value = (Value(body[flag], file.path, int(_lines(body).get(flag, start)), flag) if flag in body
                     else Value.absent(file.path, start, flag))
            yield StateBackend(**_base(file, type_=f"backend {kind}", name=str(kind), address=f'backend "{kind}"',
                                       line=start), encrypted=value)


def _version_line(file: ParsedFile, at: int, spec: Any) -> int:
    """The line of `version` inside an object literal (the parser keeps only the entry's line)."""
    if not isinstance(spec, Mapping):
        return at
    lines = file.text.splitlines()
    for number in range(at, min(at + len(spec) + 3, len(lines)) + 1):
        if re.match(r"\s*version\s*=", lines[number - 1]):
            return number
    return at


def _required(file: ParsedFile, settings: Mapping[str, Any], line: int, folder: str) -> Iterator[Resource]:
    for entry in listify(settings.get("required_providers")):
        if not isinstance(entry, Mapping):
            continue
        lines = _lines(entry)
        for name, spec in entry.items():
            if str(name).startswith("__"):
                continue
            at = int(lines.get(name, entry.get("__start_line__") or line))
            # `aws = { source = ..., version = ... }`, or the older `aws = "~> 3.0"`
            raw = spec.get("version") if isinstance(spec, Mapping) else spec
            version = Value(raw, file.path, _version_line(file, at, spec), "version") if raw not in (None, "") \
                else Value.absent(file.path, at, "version")
            yield ProviderRequirement(**_base(file, type_="required_providers", name=str(name),
                                              address=f"required_providers.{name}", line=at),
                                      version=version, module_dir=folder)


def _module_tags(file: ParsedFile, block: Any) -> Iterator[Resource]:
    """A local module call that passes tags (or labels) on to the resources it creates."""
    key = next((k for k in ("tags", "default_tags", "labels", "common_tags") if block.node.has(k)), None)
    source = str(block.node.get("source")) if block.node.has("source") else ""
    if key is None or not source.startswith(("./", "../")):
        return
    value = block.node.get(key)
    if value in (None, "", {}):
        return
    yield TagDefaults(**_base(file, type_="module", name=block.type, address=f'module "{block.type}"',
                              line=block.line), tags=Value(value, file.path, block.node.line_of(key), key),
                      applies_to=f"module {source}")


def settings(file: ParsedFile) -> Iterator[Resource]:
    """The state backends and provider requirements one Terraform file declares."""
    data = file.data if isinstance(file.data, Mapping) else {}
    folder = posixpath.dirname(file.path)
    for body in listify(data.get("terraform")):
        if isinstance(body, Mapping):
            line = int(body.get("__start_line__") or 1)
            yield from _backends(file, body, line)
            yield from _required(file, body, line, folder)
    for block in blocks(file):
        if block.kind == "module":
            yield from _module_tags(file, block)
        if block.kind == "provider":
            version, at = block.node.at("version")
            value = Value(version, file.path, at, "version") if block.node.has("version") else Value.absent(
                file.path, block.line, "version")
            yield ProviderRequirement(**_base(file, type_="provider", name=block.type,
                                              address=f'provider "{block.type}"', line=block.line),
                                      version=value, module_dir=folder)
