"""Safe YAML reading shared by every loader: duplicate keys and YAML errors name the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from mllens.errors import InputError

try:  # libyaml's C loader when present: same safety, much faster
    _Base: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]  # a C class, same API
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Base = yaml.SafeLoader


class _StrictLoader(_Base):  # type: ignore[misc,valid-type]
    """Safe loader that refuses a mapping with the same key twice."""


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {seen[key] + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def parse_yaml(text: str, *, file: str) -> Any:
    """Parse YAML text safely; errors become InputError naming the file and line."""
    try:
        return yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        raise InputError(f"malformed YAML at {where}: {exc.problem or exc}", file=file) from None
    except yaml.YAMLError as exc:
        raise InputError(f"malformed YAML: {exc}", file=file) from None


def read_yaml(path: Path, *, display: str | None = None) -> Any:
    """Read and parse a YAML file; unreadable or non-UTF-8 files get a clear InputError."""
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=name) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=name) from None
    return parse_yaml(text, file=name)
