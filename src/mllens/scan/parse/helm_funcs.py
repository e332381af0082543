"""Values and functions of the static Helm renderer (see mllens.scan.parse.helm): what a
pipeline may yield, the template functions it evaluates, and how each value prints."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

_UNSAFE = re.compile(r"[\"'`:#{}\[\],|\n]+")


class Unknown:
    """A value the static renderer cannot know (prints as a placeholder)."""

    def __init__(self, expr: str) -> None:
        self.expr = expr

    def placeholder(self) -> str:
        return "${helm:" + (" ".join(_UNSAFE.sub(" ", self.expr).split()) or "value") + "}"


class Missing(Unknown):
    """A `.Values` path absent from the values file: falsy, still printed as a reference."""


@dataclass
class Func:
    name: str


@dataclass
class Indented:
    value: Any
    width: int
    newline: bool


NOTHING: Any = object()
# the names a pipeline may call (anything else in first place is a function too, unknown)
FUNCS = frozenset(
    {"default", "quote", "squote", "toYaml", "nindent", "indent", "not", "eq", "ne", "and", "or", "int",
     "toString", "lower", "upper", "trim", "required", "include", "template", "tpl", "empty"}
)  # fmt: skip


def call(name: str, args: list[Any], text: str) -> Any:
    if name == "default":
        fallback, value = (args[0], args[1]) if len(args) >= 2 else (args[0], None)
        if isinstance(value, Unknown) and not isinstance(value, Missing):
            return value  # set somewhere we cannot see
        return value if truthy(value) else fallback
    if any(isinstance(a, Unknown) for a in args) and name not in ("nindent", "indent", "required"):
        return Unknown(text)
    if name in ("quote", "squote"):
        return Quoted(" ".join(show(a) for a in args))
    if name == "toYaml" and len(args) == 1:
        return Block(args[0])
    if name in ("nindent", "indent") and len(args) == 2 and isinstance(args[0], int):
        return Indented(args[1], args[0], name == "nindent")
    if name == "required" and len(args) == 2:
        return args[1]
    if name == "not" and len(args) == 1:
        return not truthy(args[0])
    if name in ("eq", "ne") and len(args) >= 2:
        return (args[0] in args[1:]) == (name == "eq")
    if name == "and" and args:
        return all(truthy(a) for a in args)
    if name == "or" and args:
        return any(truthy(a) for a in args)
    if name == "empty" and len(args) == 1:
        return not truthy(args[0])
    if name in ("int", "toString", "lower", "upper", "trim") and len(args) == 1:
        shown = show(args[0])
        if name == "int":
            return int(shown) if re.fullmatch(r"-?\d+", shown) else Unknown(text)
        return {"toString": shown, "lower": shown.lower(), "upper": shown.upper(), "trim": shown.strip()}[name]
    return Unknown(text)


class Quoted(str):
    """A string `quote` made: printed with its quotes."""


@dataclass
class Block:
    value: Any


def truthy(value: Any) -> bool:
    if isinstance(value, Missing):
        return False
    if isinstance(value, Unknown | Block):
        return True
    return bool(value) and value is not NOTHING


def plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def yaml_text(value: Any) -> str:
    if isinstance(value, Block):
        value = value.value
    if isinstance(value, Unknown):
        return value.placeholder()
    if not isinstance(value, dict | list):
        return show(value)
    return str(yaml.safe_dump(plain(value), default_flow_style=False, sort_keys=False)).rstrip("\n")


def indent_block(value: Any, width: int, newline: bool) -> str:
    text = yaml_text(value) if isinstance(value, Block | dict | list) else show(value)
    body = "\n".join(" " * width + line if line else line for line in text.split("\n"))
    return ("\n" if newline else "") + body


def show(value: Any) -> str:
    if isinstance(value, Quoted):
        return json.dumps(str(value))
    if isinstance(value, Unknown):
        return value.placeholder()
    if isinstance(value, Block):
        return yaml_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or value is NOTHING:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return Unknown("map").placeholder()
    return str(value)
