"""Helm chart templates rendered statically: a small, tolerant subset of Go templates.

Nothing runs: `.Values` paths, `.Release`/`.Chart` fields, `default`, `quote`, `toYaml`,
`indent`/`nindent`, `if`/`with`/`else` on values are evaluated; `range` bodies are skipped;
`include`, `template`, variables and any other function become a placeholder `${helm:...}`,
which the rules read as a reference (never a literal to judge). Every rendered line remembers
the template line it came from, so evidence points into the template.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from mllens.scan.parse.errors import ParseError
from mllens.scan.parse.yaml import YamlMap, YamlSeq, parse_yaml_documents

_ACTION = re.compile(r"\{\{(-(?=\s))?(.*?)((?<=\s)-)?\}\}", re.DOTALL)
_TERM = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`|\(|\)|[^\s()]+')
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
class _Node:
    kind: str  # text, action, if, with, range, define
    text: str
    line: int
    body: list[_Node] = field(default_factory=list)
    orelse: list[_Node] = field(default_factory=list)
    trim_before: bool = False


def _tokens(text: str) -> list[_Node]:
    out: list[_Node] = []
    pos = 0
    for match in _ACTION.finditer(text):
        out.append(_Node("text", text[pos : match.start()], text.count("\n", 0, pos) + 1))
        node = _Node("action", match.group(2).strip(), text.count("\n", 0, match.start()) + 1)
        node.trim_before = bool(match.group(1))
        if node.trim_before:
            out[-1].text = out[-1].text.rstrip()
        out.append(node)
        pos = match.end()
        if match.group(3):
            rest = text[pos:]
            pos += len(rest) - len(rest.lstrip())
    out.append(_Node("text", text[pos:], text.count("\n", 0, pos) + 1))
    return out


def _tree(tokens: list[_Node]) -> list[_Node]:
    root: list[_Node] = []
    stack: list[tuple[_Node | None, list[_Node]]] = [(None, root)]
    for tok in tokens:
        word = tok.text.split(None, 1)[0] if tok.kind == "action" and tok.text else ""
        if word in ("if", "with", "range", "define", "block"):
            tok.kind, tok.text = word, tok.text[len(word) :].strip()
            stack[-1][1].append(tok)
            stack.append((tok, tok.body))
        elif word == "else" and stack[-1][0] is not None:
            block = stack[-1][0]
            rest = tok.text[4:].strip()
            if rest.startswith(("if ", "with ")):  # `else if`: a nested block closed by the same end
                inner = _Node(rest.split()[0], rest.split(None, 1)[1], tok.line)
                block.orelse.append(inner)
                stack[-1] = (inner, inner.body)
            else:
                stack[-1] = (block, block.orelse)
        elif word == "end" and len(stack) > 1:
            stack.pop()  # an `else if` chain shares its frame: one end closes it all
        else:
            stack[-1][1].append(tok)
    return root


@dataclass
class Scope:
    values: Any
    release: str = "release-name"
    chart: dict[str, Any] = field(default_factory=dict)


class _Renderer:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.chunks: list[tuple[str, int, bool]] = []  # (text, line, literal)

    def render(self, nodes: list[_Node], dot: Any) -> None:
        for node in nodes:
            if node.kind == "text":
                self.chunks.append((node.text, node.line, True))
            elif node.kind == "action":
                self.action(node, dot)
            elif node.kind in ("if", "with"):
                value = self.pipeline(node.text, dot)
                if isinstance(value, Unknown) and not isinstance(value, Missing):
                    continue  # cannot tell which branch: neither is read
                if _truthy(value):
                    self.render(node.body, value if node.kind == "with" else dot)
                else:
                    self.render(node.orelse, dot)
            elif node.kind == "block":
                self.render(node.body, dot)
            # range and define bodies are not rendered

    def action(self, node: _Node, dot: Any) -> None:
        text = node.text
        if text.startswith("/*") or re.match(r"\$\w*\s*:?=", text):
            return  # a comment or a variable assignment prints nothing
        value = self.pipeline(text, dot)
        if isinstance(value, _Indented):
            body = value.value
            if isinstance(body, Unknown):  # a block of unknown lines: one placeholder entry
                entry = " " * value.width + json.dumps(body.placeholder()) + ": null"
                self.chunks.append(("\n" * value.newline + entry, node.line, False))
                return
            self.chunks.append((_indent(body, value.width, value.newline), node.line, False))
            return
        self.chunks.append((_show(value), node.line, False))

    def pipeline(self, text: str, dot: Any) -> Any:
        try:
            stages = _split_pipes(text)
            value: Any = _NOTHING
            for stage in stages:
                terms = _TERM.findall(stage)
                value = self.command(terms, dot, value, text)
            return value
        except (ValueError, IndexError, TypeError):
            return Unknown(text)

    def command(self, terms: list[str], dot: Any, piped: Any, text: str) -> Any:
        args = self.arguments(terms, dot, text)
        if piped is not _NOTHING:
            args.append(piped)
        if not args:
            raise ValueError("empty command")
        head = args[0]
        if not isinstance(head, _Func):
            return head
        return _call(head.name, args[1:], text)

    def arguments(self, terms: list[str], dot: Any, text: str) -> list[Any]:
        out: list[Any] = []
        i = 0
        while i < len(terms):
            term = terms[i]
            if term == "(":
                depth, j = 1, i + 1
                while depth:
                    depth += {"(": 1, ")": -1}.get(terms[j], 0)
                    j += 1
                inner = self.arguments(terms[i + 1 : j - 1], dot, text)
                head = inner[0] if inner else None
                out.append(_call(head.name, inner[1:], text) if isinstance(head, _Func) else head)
                i = j
                continue
            out.append(self.term(term, dot, text, first=not out))
            i += 1
        return out

    def term(self, term: str, dot: Any, text: str, *, first: bool) -> Any:
        if term[0] in "\"`":
            return json.loads(term) if term[0] == '"' else term[1:-1]
        if re.fullmatch(r"-?\d+", term):
            return int(term)
        if term in ("true", "false"):
            return term == "true"
        if term == "nil":
            return None
        if term.startswith("$."):
            return self.field(self.root(), term[2:], text)
        if term.startswith("."):
            return dot if term == "." else self.field(dot, term[1:], text)
        if term == "$":
            return self.root()
        if term.startswith("$"):
            return Unknown(text)  # a variable
        if first or term in _FUNCS:
            return _Func(term)
        raise ValueError(term)

    def root(self) -> dict[str, Any]:
        chart = {"Name": "", "Version": "", "AppVersion": ""} | self.scope.chart
        return {"Values": self.scope.values, "Release": {"Name": self.scope.release, "Namespace": "default"},
                "Chart": chart, "Capabilities": Unknown("Capabilities")}

    def field(self, base: Any, path: str, text: str) -> Any:
        for part in path.split("."):
            if isinstance(base, Unknown):
                return base
            if isinstance(base, dict) and part in base:
                base = base[part]
            elif isinstance(base, dict):
                return Missing(text)
            else:
                return Unknown(text)
        return base


@dataclass
class _Func:
    name: str


@dataclass
class _Indented:
    value: Any
    width: int
    newline: bool


_NOTHING: Any = object()
_FUNCS = frozenset({"default", "quote", "squote", "toYaml", "nindent", "indent", "not", "eq", "ne", "and", "or",
                    "int", "toString", "lower", "upper", "trim", "required", "include", "template", "tpl", "empty"})


def _call(name: str, args: list[Any], text: str) -> Any:
    if name == "default":
        fallback, value = (args[0], args[1]) if len(args) >= 2 else (args[0], None)
        if isinstance(value, Unknown) and not isinstance(value, Missing):
            return value  # set somewhere we cannot see
        return value if _truthy(value) else fallback
    if any(isinstance(a, Unknown) for a in args) and name not in ("nindent", "indent", "required"):
        return Unknown(text)
    if name in ("quote", "squote"):
        return _Quoted(" ".join(_show(a) for a in args))
    if name == "toYaml" and len(args) == 1:
        return _Block(args[0])
    if name in ("nindent", "indent") and len(args) == 2 and isinstance(args[0], int):
        return _Indented(args[1], args[0], name == "nindent")
    if name == "required" and len(args) == 2:
        return args[1]
    if name == "not" and len(args) == 1:
        return not _truthy(args[0])
    if name in ("eq", "ne") and len(args) >= 2:
        return (args[0] in args[1:]) == (name == "eq")
    if name == "and" and args:
        return all(_truthy(a) for a in args)
    if name == "or" and args:
        return any(_truthy(a) for a in args)
    if name == "empty" and len(args) == 1:
        return not _truthy(args[0])
    if name in ("int", "toString", "lower", "upper", "trim") and len(args) == 1:
        shown = _show(args[0])
        if name == "int":
            return int(shown) if re.fullmatch(r"-?\d+", shown) else Unknown(text)
        return {"toString": shown, "lower": shown.lower(), "upper": shown.upper(), "trim": shown.strip()}[name]
    return Unknown(text)


class _Quoted(str):
    """A string `quote` made: printed with its quotes."""


@dataclass
class _Block:
    value: Any


def _truthy(value: Any) -> bool:
    if isinstance(value, Missing):
        return False
    if isinstance(value, Unknown | _Block):
        return True
    return bool(value) and value is not _NOTHING


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _yaml_text(value: Any) -> str:
    if isinstance(value, _Block):
        value = value.value
    if isinstance(value, Unknown):
        return value.placeholder()
    if not isinstance(value, dict | list):
        return _show(value)
    return str(yaml.safe_dump(_plain(value), default_flow_style=False, sort_keys=False)).rstrip("\n")


def _indent(value: Any, width: int, newline: bool) -> str:
    text = _yaml_text(value) if isinstance(value, _Block | dict | list) else _show(value)
    body = "\n".join(" " * width + line if line else line for line in text.split("\n"))
    return ("\n" if newline else "") + body


def _show(value: Any) -> str:
    if isinstance(value, _Quoted):
        return json.dumps(str(value))
    if isinstance(value, Unknown):
        return value.placeholder()
    if isinstance(value, _Block):
        return _yaml_text(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or value is _NOTHING:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return Unknown("map").placeholder()
    return str(value)


def _split_pipes(text: str) -> list[str]:
    out, depth, quote, start = [], 0, "", 0
    for i, char in enumerate(text):
        if quote:
            quote = "" if char == quote and text[i - 1] != "\\" else quote
        elif char in "\"`":
            quote = char
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            out.append(text[start:i])
            start = i + 1
    out.append(text[start:])
    return [part.strip() for part in out]


def render(text: str, scope: Scope) -> tuple[str, list[int]]:
    """The rendered text and, for each of its lines, the template line it came from."""
    renderer = _Renderer(scope)
    renderer.render(_tree(_tokens(text)), renderer.root())
    out: list[str] = []
    origins: list[int] = [1]
    started = False  # a line's origin is where its first character came from
    for chunk, line, literal in renderer.chunks:
        for i, piece in enumerate(chunk.split("\n")):
            if i:
                origins.append(line + i if literal else line)
                started = False
            if piece and not started:
                origins[-1] = line + i if literal else line
                started = True
        out.append(chunk)
    return "".join(out), origins


def render_documents(text: str, scope: Scope) -> list[Any]:
    """The YAML documents of a rendered template, their lines those of the template. A
    document that still does not parse is left out (the others are kept)."""
    rendered, origins = render(text, scope)
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

    return [_remap(doc, at, set()) for doc in docs]


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


def _first_mapping(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        docs = parse_yaml_documents(text)
    except ParseError:
        return {}
    return docs[0] if docs and isinstance(docs[0], dict) else {}


def chart_documents(text: str, *, values: str | None, chart: str | None) -> list[Any]:
    """A chart template's documents, rendered with the chart's values.yaml and Chart.yaml
    (their text; a malformed one counts as empty)."""
    meta = _first_mapping(chart)
    names = {"Name": "name", "Version": "version", "AppVersion": "appVersion"}
    fields = {key: str(meta[src]) for key, src in names.items() if isinstance(meta.get(src), str | int | float)}
    return render_documents(text, Scope(_first_mapping(values), chart=fields))
