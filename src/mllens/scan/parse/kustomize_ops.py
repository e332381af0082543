"""Kustomize transformations beyond strategic merges, applied statically: JSON 6902 patches
(`op`/`path`/`value` lists, from `patches` with a target or the older `patchesJson6902`) and
`images:` overrides (newName, newTag, digest). Every value they set is placed at a line of the
kustomization (see mllens.scan.parse.kustomize)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mllens.scan.parse.yaml import YamlMap, YamlSeq

Relined = Callable[[Any, int], Any]  # a value with every line set to one line


def is_json6902(doc: Any) -> bool:
    """A parsed patch that is a list of JSON 6902 operations."""
    return isinstance(doc, list) and bool(doc) and all(isinstance(op, dict) and "op" in op for op in doc)


def _pointer(path: str) -> list[str]:
    if not path.startswith("/"):
        return []
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _parent(doc: Any, parts: list[str]) -> Any:
    node = doc
    for part in parts[:-1]:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _get(doc: Any, parts: list[str]) -> Any:
    parent = _parent(doc, parts)
    last = parts[-1] if parts else ""
    if isinstance(parent, dict):
        return parent.get(last)
    if isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
        return parent[int(last)]
    return None


def _set(parent: Any, key: str, value: Any, line: int, *, insert: bool) -> bool:
    if isinstance(parent, YamlMap):
        parent[key] = value
        parent.key_lines[key] = line
        return True
    if isinstance(parent, YamlSeq):
        if key == "-":
            parent.append(value)
            parent.item_lines.append(line)
            return True
        if key.isdigit() and int(key) <= len(parent):
            index = int(key)
            if insert or index == len(parent):
                parent.insert(index, value)
                parent.item_lines.insert(index, line)
            else:
                parent[index] = value
                parent.item_lines[index] = line
            return True
    return False


def _remove(parent: Any, key: str) -> Any:
    if isinstance(parent, YamlMap) and key in parent:
        parent.key_lines.pop(key, None)
        return parent.pop(key)
    if isinstance(parent, YamlSeq) and key.isdigit() and int(key) < len(parent):
        index = int(key)
        if index < len(parent.item_lines):
            del parent.item_lines[index]
        return parent.pop(index)
    return None


def apply_json6902(doc: YamlMap, ops: list[Any], line: int, relined: Relined) -> bool:
    """Apply the operations in order (add, replace, remove, copy, move; a failed `test` stops
    the patch, as kustomize would refuse it); True when something changed."""
    changed = False
    for op in ops:
        parts = _pointer(str(op.get("path", "")))
        if not parts:
            continue
        kind, parent = op.get("op"), _parent(doc, parts)
        if kind == "test":
            if _get(doc, parts) != op.get("value"):
                return changed
        elif kind in ("add", "replace") and "value" in op:
            changed |= _set(parent, parts[-1], relined(op["value"], line), line, insert=kind == "add")
        elif kind == "remove":
            changed |= _remove(parent, parts[-1]) is not None
        elif kind in ("copy", "move"):
            source = _pointer(str(op.get("from", "")))
            value = _get(doc, source) if source else None
            if value is None:
                continue
            if kind == "move":
                _remove(_parent(doc, source), source[-1])
            changed |= _set(_parent(doc, parts), parts[-1], value, line, insert=True)
    return changed


def _split_image(image: str) -> tuple[str, str]:
    """(name, the tag or digest suffix with its ':' or '@')."""
    at = image.find("@")
    if at >= 0:
        return image[:at], image[at:]
    slash = image.rfind("/")
    colon = image.rfind(":")
    return (image[:colon], image[colon:]) if colon > slash else (image, "")


def _containers(node: Any) -> list[YamlMap]:
    """Every container mapping (containers, initContainers) anywhere in an object."""
    out: list[YamlMap] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("containers", "initContainers") and isinstance(value, list):
                out.extend(c for c in value if isinstance(c, YamlMap) and isinstance(c.get("image"), str))
            else:
                out.extend(_containers(value))
    elif isinstance(node, list):
        for item in node:
            out.extend(_containers(item))
    return out


def apply_images(docs: list[YamlMap], entries: Any, changed: set[int]) -> None:
    """`images:` overrides: each entry's newName, newTag or digest replaces the image of every
    container whose image has its name, placed at the line of the entry's key that said so."""
    for entry in entries if isinstance(entries, YamlSeq) else []:
        if not isinstance(entry, YamlMap) or not isinstance(entry.get("name"), str):
            continue
        keys = [k for k in ("digest", "newTag", "newName") if isinstance(entry.get(k), str | int | float)]
        if not keys:
            continue
        for doc in docs:
            for container in _containers(doc):
                name, suffix = _split_image(container["image"])
                if name != entry["name"]:
                    continue
                new_name = str(entry.get("newName", name))
                if "digest" in keys:
                    suffix = f"@{entry['digest']}"
                elif "newTag" in keys:
                    suffix = f":{entry['newTag']}"
                container["image"] = new_name + suffix
                container.key_lines["image"] = entry.line_of(keys[0])
                changed.add(id(doc))
