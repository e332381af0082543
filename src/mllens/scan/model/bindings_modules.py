"""Terraform values set outside the file that reads them: the declarations of every `.tf` of
its folder, and the `module` blocks of other folders that call the folder as a module.

A module's `var.instance_count` is what each caller passes (`module "endpoint" { source =
"./modules/endpoint"; instance_count = 2 }`): the argument's line for a literal, and, when
the caller passes its own variable, that variable's value per environment (its default, its
tfvars). A caller that does not pass the input gets the module's default. Each caller is an
environment, named by its folder (`envs/prod/main.tf` -> prod) or else by its block
(`module.serving`), so that values judged together (a minimum and a maximum) pair by caller. Callers are found
among the files the engine read with the module's file (`binding_files.BindingFiles.callers`);
only local sources (`./`, `../`) are followed, one level (a module's caller that is itself
called as a module is not followed further).

Only the `variable`, `locals` and `module` blocks of a file are parsed (other lines are
blanked, so lines keep their numbers): a `main.tf` full of resources costs a line scan.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from mllens.scan.detectors._iac import listify
from mllens.scan.model.bindings import Bindings, Caller, Setting, resolve_terraform
from mllens.scan.model.values import Origin, Value
from mllens.scan.parse import ParseError, parse

_BLOCK = re.compile(r'^\s*(?:variable\s+"|locals\s*\{|module\s+")')
_META = frozenset({"__start_line__", "__end_line__", "__attr_lines__"})
# Module arguments that are Terraform's own, not the module's inputs.
_NOT_INPUTS = frozenset({"source", "version", "providers", "count", "for_each", "depends_on"})


@lru_cache(maxsize=1024)
def declarations(text: str) -> Any:
    """The parsed `variable`, `locals` and `module` blocks of a Terraform text (the whole text
    when the cut-down text does not parse: a brace in a heredoc may mislead the cut)."""
    kept: list[str] = []
    depth, inside = 0, False
    for line in text.split("\n"):
        if depth == 0:
            inside = bool(_BLOCK.match(line))
        kept.append(line if inside else "")
        depth = max(0, depth + line.count("{") - line.count("}"))
    for candidate in ("\n".join(kept), text):
        try:
            return parse("terraform", candidate)
        except ParseError:
            continue
    return None


def declare(data: Any, path: str, defaults: dict[str, Setting], locals_: dict[str, Setting]) -> None:
    """The variables' defaults and the locals of one parsed Terraform file, first one kept."""
    if not isinstance(data, Mapping):
        return
    for entry in listify(data.get("variable")):
        for name, body in entry.items() if isinstance(entry, Mapping) else ():
            if isinstance(body, Mapping) and "default" in body:
                line = body.get("__attr_lines__", {}).get("default") or body.get("__start_line__") or 1
                defaults.setdefault(str(name), Setting(body["default"], path, int(line)))
    for body in listify(data.get("locals")):
        if isinstance(body, Mapping):
            lines = body.get("__attr_lines__", {})
            for name, raw in body.items():
                if name not in _META:
                    line = lines.get(name) or body.get("__start_line__") or 1
                    locals_.setdefault(str(name), Setting(raw, path, int(line)))


def calls(folder: str, source: Any, module: str) -> bool:
    """A module block in `folder` whose `source` is the local folder `module`."""
    if not isinstance(source, str) or not source.startswith(("./", "../")):
        return False
    return posixpath.normpath(posixpath.join(folder, source)) == posixpath.normpath(module or ".")


def _folder_env(folder: str, module: str, containers: frozenset[str]) -> str:
    """The environment a caller's folder names, below what it shares with the module's
    (`envs/prod` calling `modules/endpoint` -> prod); "" for none."""
    shared = posixpath.commonpath([folder or ".", module or "."]) if folder and module else ""
    rel = folder[len(shared):].strip("/") if shared not in ("", ".") else folder
    for name in reversed([n for n in rel.split("/") if n]):
        if name.lower() not in containers:
            return name
    return ""


def _cases(value: Value, env: str) -> tuple[tuple[Any, Origin], ...]:
    if value.resolutions:
        return tuple((r.raw, Origin(o.env or env, o.file, o.line, o.default)) for r in value.resolutions
                     for o in r.origins)
    if value.kind == "reference":
        return ()  # the caller's own files do not say what it passes
    return ((value.raw, Origin(env, value.file, value.line)),)


def callers(module: str, files: Mapping[str, list[tuple[str, Any]]],
            environments: Mapping[str, tuple[dict[str, Setting], dict[str, dict[str, Setting]]]],
            containers: frozenset[str]) -> Iterable[Caller]:
    """Each module block of `files` (folder -> (path, parsed declarations)) that calls the
    folder `module`, with its inputs resolved through its own folder's variables and tfvars
    (`environments`: folder -> base and per-environment tfvars values)."""
    for folder, parsed in sorted(files.items()):
        blocks = [(path, str(name), body) for path, data in parsed if isinstance(data, Mapping)
                  for entry in listify(data.get("module")) if isinstance(entry, Mapping)
                  for name, body in entry.items()
                  if isinstance(body, Mapping) and calls(folder, body.get("source"), module)]
        if not blocks:
            continue
        defaults: dict[str, Setting] = {}
        locals_: dict[str, Setting] = {}
        for path, data in parsed:
            declare(data, path, defaults, locals_)
        base, envs = environments.get(folder, ({}, {}))
        bindings = Bindings("var.{}", defaults, base, envs)
        folder_env = _folder_env(folder, module, containers)
        for path, name, body in blocks:
            env = folder_env or f"module.{name}"  # a caller's block names it where its folder does not
            lines = body.get("__attr_lines__", {})
            start = int(body.get("__start_line__") or 1)
            inputs = {str(key): _cases(resolve_terraform(Value(raw, path, int(lines.get(key) or start), str(key)),
                                                         bindings, locals_), env)
                      for key, raw in body.items() if key not in _META and key not in _NOT_INPUTS}
            yield Caller(env, inputs)
