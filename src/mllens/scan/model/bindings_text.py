"""Reading the text of binding files: environment names from paths, JSON and its key lines.

Shared by the Terraform (`bindings_read`) and CloudFormation (`bindings_cfn`) readers.
"""

from __future__ import annotations

import json
import posixpath
import re
from functools import lru_cache
from typing import Any

CONTAINERS = frozenset({
    "env", "envs", "environment", "environments", "vars", "tfvars", "variables", "config", "configs",
    "configuration", "configurations", "params", "parameters", "parameter", "param", "stages", "deploy",
    "deployment", "deployments", "settings", "inputs", "infra", "terraform", "cloudformation", "cfn",
})  # fmt: skip
GENERIC = CONTAINERS | {"terraform", "auto", "template", "templates", "stack", "values", "overrides", "tfvars",
                        "json", "vars", "var"}


def env_name(top: str, path: str, *, strip: str = "") -> str | None:
    """The environment a binding file at `path` describes, below the folder `top`; None for
    a file beside `top` whose name says nothing (a base); `strip` is a leading stem to drop."""
    rel = path[len(top) + 1 :] if top else path
    folders = rel.split("/")[:-1]
    for folder in reversed(folders):
        if folder.lower() not in CONTAINERS:
            return folder
    stem = re.sub(r"(\.auto)?\.tfvars(\.json)?$|\.json$|\.ya?ml$", "", posixpath.basename(path))
    if strip and stem.lower().startswith(strip.lower()):
        stem = stem[len(strip) :]
    tokens = [t for t in re.split(r"[-_.\s]+", stem) if t and t.lower() not in GENERIC]
    if tokens:
        return "-".join(tokens)
    return None if not folders else posixpath.basename(path)


@lru_cache(maxsize=256)
def json_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


_JSON_KEY = re.compile(r'^\s*[{\[]?\s*"([^"]+)"\s*:')


def json_key_lines(text: str, depth: int) -> dict[str, int]:
    """The first line of each key written at `depth` (1: the top object's keys) in JSON text,
    from its brackets (strings holding brackets may mislead it: a line, not a value)."""
    found: dict[str, int] = {}
    level = 0
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        opens = 1 if stripped[:1] in "{[" else 0
        match = _JSON_KEY.match(line)
        if match and level + opens == depth:
            found.setdefault(match.group(1), number)
        level += line.count("{") + line.count("[") - line.count("}") - line.count("]")
    return found


def line_of(text: str, needle: str, start: int = 1) -> int:
    for number, line in enumerate(text.split("\n")[start - 1 :], start=start):
        if needle in line:
            return number
    return start
