"""A Helm chart's values per environment: `values.yaml`, overlaid (as `helm -f` would) by
`values-<env>.yaml`, `values.<env>.yaml` or `values/<env>.yaml` beside it, with the file and
line that set each key (for evidence that names each environment's setting)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from typing import Any

from mllens.scan.parse.errors import ParseError
from mllens.scan.parse.yaml import YamlMap, parse_yaml_documents

_ENV_FILE = re.compile(r"^values[-.]([\w.-]+?)\.ya?ml$")
Sources = dict[int, dict[str, tuple[str, int]]]  # id(mapping) -> {key: (file, line)}


def environment_of(root: str, path: str) -> str | None:
    """The environment a chart's values file is for ("prod" for values-prod.yaml,
    values.prod.yaml or values/prod.yaml), or None for any other file."""
    rel = posixpath.relpath(path, root) if root else path
    folder, name = posixpath.split(rel)
    if folder == "values" and name.endswith((".yaml", ".yml")):
        return name.rsplit(".", 1)[0]
    found = _ENV_FILE.match(name) if folder == "" else None
    return found.group(1) if found else None


def first_mapping(text: str | None) -> YamlMap | None:
    """The first document of a values or Chart.yaml text when it is a mapping (a malformed one counts as empty)."""
    if not text:
        return None
    try:
        docs = parse_yaml_documents(text)
    except ParseError:
        return None
    return docs[0] if docs and isinstance(docs[0], YamlMap) else None


def merged(layers: list[tuple[str, YamlMap | None]]) -> tuple[dict[str, Any], Sources]:
    """The values of the layers (file, mapping) merged in order, maps key by key, anything
    else replaced; and where each key of each merged mapping was last set."""
    sources: Sources = {}
    out: dict[str, Any] = {}
    for file, layer in layers:
        if layer is not None:
            _merge(out, layer, file, sources)
    return out, sources


def _merge(into: dict[str, Any], layer: Mapping[Any, Any], file: str, sources: Sources) -> None:
    where = sources.setdefault(id(into), {})
    for key, value in layer.items():
        name = str(key)
        if isinstance(value, Mapping):
            target = into.get(name)
            if not isinstance(target, dict):
                target = into[name] = {}
            _merge(target, value, file, sources)
        else:
            into[name] = _plain(value)
        where[name] = (file, layer.line_of(key) if isinstance(layer, YamlMap) else 1)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
