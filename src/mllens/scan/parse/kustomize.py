"""Kustomize overlays read statically: the objects an overlay changes, as it deploys them.

An overlay (a folder with kustomization.yaml) lists `resources` (files, or folders with their
own kustomization) and changes them with strategic-merge patches (`patchesStrategicMerge`,
`patches` with a path or an inline patch), JSON 6902 patches (`patches` with a target,
`patchesJson6902`), the `replicas` field and `images:` overrides (mllens.scan.parse.kustomize_ops).
Only the objects the overlay changes are returned (the others are judged in their own files).
Every value keeps a line of the kustomization: the one that set it (a patch entry, a
`replicas` count, an image's newTag), or for a value inherited from a resource, the
`resources` entry that brought it in. Remote resources, generators, label selectors in
patch targets and other transformers are not read.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from typing import Any

from mllens.scan.parse.errors import ParseError
from mllens.scan.parse.kustomize_ops import apply_images, apply_json6902, is_json6902
from mllens.scan.parse.yaml import YamlMap, YamlSeq, parse_yaml_documents

Reader = Callable[[str], str | None]  # a project-relative path -> its text, or None
NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_MAX_DEPTH = 8


def is_kustomization(path: str) -> bool:
    return path.rsplit("/", 1)[-1] in NAMES


def _docs(text: str | None) -> list[Any]:
    if text is None:
        return []
    try:
        return [d for d in parse_yaml_documents(text) if isinstance(d, YamlMap)]
    except ParseError:
        return []


def _relined(value: Any, line: int) -> Any:
    """`value` with every line set to `line` (a value from another file, placed where it came in)."""
    if isinstance(value, YamlMap):
        value.line = line
        value.key_lines = dict.fromkeys(value.key_lines, line)
        for item in value.values():
            _relined(item, line)
    elif isinstance(value, YamlSeq):
        value.line = line
        value.item_lines = [line] * len(value.item_lines)
        for item in value:
            _relined(item, line)
    return value


def _kustomization(folder: str, read: Reader) -> tuple[str, str | None]:
    for name in NAMES:
        path = posixpath.join(folder, name) if folder else name
        text = read(path)
        if text is not None:
            return path, text
    return "", None


def _resources(k: YamlMap, folder: str, read: Reader, depth: int) -> list[YamlMap]:
    out: list[YamlMap] = []
    for key in ("resources", "bases"):
        entries = k.get(key)
        if not isinstance(entries, YamlSeq):
            continue
        for index, entry in enumerate(entries):
            if not isinstance(entry, str) or "://" in entry or entry.startswith(("github.com/", "git@")):
                continue
            path = posixpath.normpath(posixpath.join(folder, entry))
            if path.startswith("../"):
                continue  # outside the project
            _, nested = _kustomization(path, read)
            if nested is not None:
                docs = _built(nested, path, read, depth + 1, changed_only=False)
            else:
                docs = _docs(read(path))
            out.extend(_relined(doc, entries.line_of(index)) for doc in docs)
    return out


Patch = tuple[YamlMap | list[Any], Mapping[str, Any], int]  # a merge patch or JSON 6902 ops, target, line


def _patch_docs(text: str | None, line: int, target: Mapping[str, Any]) -> list[Patch]:
    """A patch text's strategic-merge documents, or its list of JSON 6902 operations."""
    if text is None:
        return []
    try:
        found = parse_yaml_documents(text)
    except ParseError:
        return []
    if len(found) == 1 and is_json6902(found[0]):
        return [(found[0], target, line)] if target else []  # operations need a target
    return [(_relined(doc, line), target, line) for doc in found if isinstance(doc, YamlMap)]


def _patches(k: YamlMap, folder: str, read: Reader) -> list[Patch]:
    """(patch, target, line) triples, each patch's lines set to its entry in the kustomization."""
    out: list[Patch] = []
    legacy = k.get("patchesStrategicMerge")
    legacy = legacy if isinstance(legacy, YamlSeq) else YamlSeq(k.line)
    for index, entry in enumerate(legacy):
        if isinstance(entry, str):
            text = entry if "\n" in entry else read(posixpath.normpath(posixpath.join(folder, entry)))
            out.extend((doc, {}, legacy.line_of(index)) for doc in _docs(text))
    for key in ("patches", "patchesJson6902"):
        patches = k.get(key)
        for entry in patches if isinstance(patches, YamlSeq) else []:
            if not isinstance(entry, YamlMap):
                continue
            text = entry.get("patch")
            if not isinstance(text, str) and isinstance(entry.get("path"), str):
                text = read(posixpath.normpath(posixpath.join(folder, entry["path"])))
            line = entry.line_of("patch") if "patch" in entry else entry.line_of("path")
            found = entry.get("target")
            target: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
            out.extend(_patch_docs(text if isinstance(text, str) else None, line, target))
    return out


def _name(doc: Mapping[str, Any]) -> str | None:
    meta = doc.get("metadata")
    name = meta.get("name") if isinstance(meta, Mapping) else None
    return name if isinstance(name, str) else None


def _matches(doc: Mapping[str, Any], patch: Mapping[str, Any], target: Mapping[str, Any]) -> bool:
    kind = target.get("kind") or patch.get("kind")
    name = target.get("name") or _name(patch)
    return (kind is None or doc.get("kind") == kind) and (name is None or _name(doc) == name)


def merge(base: YamlMap, patch: YamlMap) -> None:
    """A strategic merge: maps merge key by key, lists of named items item by item (containers),
    other values and lists are replaced; a null deletes the key."""
    for key, value in patch.items():
        old = base.get(key)
        if value is None:
            base.pop(key, None)
        elif key in base and value == old and not isinstance(value, YamlMap | YamlSeq):
            continue  # the same value (a patch's kind and name): it was not set here
        elif isinstance(value, YamlMap) and isinstance(old, YamlMap):
            merge(old, value)
            continue
        elif isinstance(value, YamlSeq) and isinstance(old, YamlSeq) and _named(value) and _named(old):
            by_name = {item["name"]: item for item in old}
            for index, item in enumerate(value):
                if item["name"] in by_name:
                    merge(by_name[item["name"]], item)
                else:
                    old.append(item)
                    old.item_lines.append(value.line_of(index))
            continue
        else:
            base[key] = value
        if key in base:
            base.key_lines[key] = patch.line_of(key)


def _named(items: YamlSeq) -> bool:
    return bool(items) and all(isinstance(i, YamlMap) and isinstance(i.get("name"), str) for i in items)


def _replicas(k: YamlMap, docs: list[YamlMap], changed: set[int]) -> None:
    entries = k.get("replicas")
    for entry in entries if isinstance(entries, YamlSeq) else []:
        if not isinstance(entry, YamlMap) or not isinstance(entry.get("count"), int):
            continue
        for doc in docs:
            spec = doc.get("spec")
            if _name(doc) == entry.get("name") and isinstance(spec, YamlMap):
                spec["replicas"] = entry["count"]
                spec.key_lines["replicas"] = entry.line_of("count")
                changed.add(id(doc))


def _built(text: str | None, folder: str, read: Reader, depth: int, *, changed_only: bool) -> list[YamlMap]:
    found = _docs(text)
    if depth > _MAX_DEPTH or not found:
        return []
    k = found[0]
    docs = _resources(k, folder, read, depth)
    changed: set[int] = set()
    for patch, target, line in _patches(k, folder, read):
        for doc in docs:
            if isinstance(patch, YamlMap) and _matches(doc, patch, target):
                merge(doc, patch)
                changed.add(id(doc))
            elif not isinstance(patch, YamlMap) and _matches(doc, {}, target) and apply_json6902(
                doc, patch, line, _relined
            ):
                changed.add(id(doc))
    _replicas(k, docs, changed)
    apply_images(docs, k.get("images"), changed)
    return [d for d in docs if id(d) in changed] if changed_only else docs


def overlay_documents(text: str, *, path: str, read: Reader) -> list[YamlMap]:
    """The objects the kustomization at `path` changes, as it deploys them."""
    return _built(text, posixpath.dirname(path), read, 0, changed_only=True)
