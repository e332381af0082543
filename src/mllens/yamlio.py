"""Safe YAML reading shared by every loader (lens files, detector metadata, fixtures'
expectations): bounded by `mllens.readers` (tags, nesting, alias expansion) before anything
is constructed; duplicate keys and YAML errors name the file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from mllens.errors import InputError
from mllens.readers import compose_checked, read_text, yaml_error

try:  # libyaml's C loader when present: same safety, much faster
    _Base: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]  # a C class, same API
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader


class _StrictLoader(_Base):  # type: ignore[misc,valid-type]
    """Safe loader that refuses a mapping with the same key twice."""


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue  # `<<: *base` merges keys; construct_mapping below handles it
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {seen[key] + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
# YAML 1.1 reads a plain `=` as a "value" tag, which the safe loader has no constructor for.
_StrictLoader.add_constructor("tag:yaml.org,2002:value", yaml.constructor.SafeConstructor.construct_yaml_str)


def parse_yaml(text: str, *, file: str) -> Any:
    """Parse one YAML document safely and within bounds; errors name the file and line."""
    documents = compose_checked(text, file=file)
    if len(documents) > 1:
        second = documents[1]
        where = f" at line {second.start_mark.line + 1}" if second is not None else ""
        raise InputError(f"malformed YAML{where}: expected one document, found {len(documents)}", file=file)
    if not documents or documents[0] is None:
        return None
    loader = _StrictLoader("")
    try:
        return loader.construct_document(documents[0])
    except yaml.YAMLError as exc:
        raise yaml_error(exc, text=text, file=file) from None
    except ValueError:  # a second guard: compose_checked refuses what a constructor cannot convert
        raise InputError("malformed YAML: a value that cannot be converted", file=file) from None
    finally:
        loader.dispose()


def read_yaml(path: Path, *, display: str | None = None) -> Any:
    """Read and parse a YAML file; unreadable, oversized or non-UTF-8 files get a clear InputError."""
    name = display or str(path)
    return parse_yaml(read_text(path, file=name), file=name)
