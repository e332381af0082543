"""Helm charts read statically: which files are a chart's templates and which files they are
rendered with, and a template's YAML documents rendered with the chart's values.yaml,
Chart.yaml and helper templates, every line the template's; once more per environment when
the chart has per-environment values files (see helm_values)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from typing import Any

from mllens.scan.parse.errors import ParseError
from mllens.scan.parse.helm import Scope, render_reads
from mllens.scan.parse.helm_values import environment_of, first_mapping, merged
from mllens.scan.parse.yaml import YamlMap, YamlSeq, parse_yaml_documents


class Rendered(list[Any]):
    """A template's documents rendered with the chart's values.yaml, and with each
    environment's values (`environments`), with the values file, line and key each template
    line read in that environment (`reads`)."""

    def __init__(self, docs: list[Any]) -> None:
        super().__init__(docs)
        self.environments: dict[str, list[Any]] = {}
        self.reads: dict[str, dict[int, tuple[str, int, str]]] = {}


def render_documents(text: str, scope: Scope) -> list[Any]:
    """The YAML documents of a rendered template, their lines those of the template. A
    document that still does not parse is left out (the others are kept)."""
    return _documents(text, scope)[0]


def _documents(text: str, scope: Scope) -> tuple[list[Any], dict[int, tuple[str, int, str]]]:
    rendered, origins, reads = render_reads(text, scope)
    try:
        docs = parse_yaml_documents(rendered)
    except ParseError:
        docs = []
        offset = 0
        for part in re.split(r"(?m)^---[^\n]*\n", rendered):
            try:
                found = parse_yaml_documents(part)
            except ParseError:
                found = []
            docs.extend(_shift(d, offset) for d in found)
            offset += part.count("\n") + 1

    def at(line: int) -> int:
        return origins[line - 1] if 0 < line <= len(origins) else line

    return [_remap(doc, at, set()) for doc in docs], reads


def _shift(value: Any, offset: int) -> Any:
    return _remap(value, lambda line: line + offset, set()) if offset else value


def _remap(value: Any, at: Callable[[int], int], seen: set[int]) -> Any:
    if id(value) in seen:  # an alias: its lines are already moved
        return value
    if isinstance(value, YamlMap):
        seen.add(id(value))
        value.line = at(value.line)
        value.key_lines = {k: at(v) for k, v in value.key_lines.items()}
        for item in value.values():
            _remap(item, at, seen)
    elif isinstance(value, YamlSeq):
        seen.add(id(value))
        value.line = at(value.line)
        value.item_lines = [at(v) for v in value.item_lines]
        for item in value:
            _remap(item, at, seen)
    return value


def chart_root(path: str, exists: Callable[[str], bool]) -> str | None:
    """The chart folder of a template (`<root>/templates/...yaml` beside `<root>/Chart.yaml`),
    or None for any other file."""
    if not path.endswith((".yaml", ".yml")):
        return None
    parts = path.split("/")
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == "templates":
            root = "/".join(parts[:i])
            if exists(f"{root}/Chart.yaml" if root else "Chart.yaml"):
                return root
    return None


def chart_inputs(root: str, paths: list[str]) -> list[str]:
    """Of a project's `paths`, the ones a template of the chart at `root` is rendered with:
    values.yaml and Chart.yaml, its helper templates (templates/*.tpl), and per-environment
    values files."""
    prefix = f"{root}/" if root else ""
    out = [f"{prefix}values.yaml", f"{prefix}Chart.yaml"]
    for path in sorted(paths):
        rel = path[len(prefix) :] if path.startswith(prefix) else None
        if rel is None:
            continue
        if (rel.startswith("templates/") and rel.endswith(".tpl")) or environment_of(root, path) is not None:
            out.append(path)
    return out


def chart_documents(
    text: str,
    *,
    values: str | None,
    chart: str | None,
    helpers: tuple[str, ...] = (),
    environments: dict[str, tuple[str, str]] | None = None,
    values_file: str = "values.yaml",
) -> list[Any]:
    """A chart template's documents, rendered with the chart's values.yaml, Chart.yaml and
    helper templates (their text; a malformed one counts as empty), and once per environment
    (env -> (values file, text)) when the chart has several."""
    meta: Mapping[Any, Any] = first_mapping(chart) or {}
    names = {"Name": "name", "Version": "version", "AppVersion": "appVersion"}
    fields = {key: str(meta[src]) for key, src in names.items() if isinstance(meta.get(src), str | int | float)}
    base = first_mapping(values)
    try:
        own, sources = merged([(values_file, base)])
        docs, _ = _documents(text, Scope(own, chart=fields, helpers=helpers, sources=sources))
        if not environments:
            return docs
        out = Rendered(docs)
        for env, (file, env_text) in sorted(environments.items()):
            env_values, env_sources = merged([(values_file, base), (file, first_mapping(env_text))])
            scope = Scope(env_values, chart=fields, helpers=helpers, sources=env_sources)
            out.environments[env], out.reads[env] = _documents(text, scope)
        return out
    except RecursionError:
        raise ParseError("Helm template nested too deeply to render") from None


def chart_files_documents(text: str, files: dict[str, str]) -> list[Any]:
    """`chart_documents` from the files `chart_inputs` named (path -> text, values.yaml first)."""
    paths = list(files)
    values_file = paths[0] if paths else "values.yaml"
    root = posixpath.dirname(values_file)
    helpers = tuple(files[p] for p in paths if p.endswith(".tpl"))
    environments: dict[str, tuple[str, str]] = {}
    for path in paths[2:]:
        env = environment_of(root, path)
        if env is not None and files[path]:
            environments[env] = (path, files[path])
    return chart_documents(text, values=files.get(values_file), chart=files.get(paths[1]) if len(paths) > 1 else None,
                           helpers=helpers, environments=environments, values_file=values_file)
