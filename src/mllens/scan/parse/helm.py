"""Helm chart templates rendered statically: a small, tolerant subset of Go templates.

Nothing runs: `.Values` paths, `.Release`/`.Chart` fields, `default`, `quote`, `toYaml`,
`indent`/`nindent`, `if`/`with`/`else` on values, `range` over lists, maps and counts,
variables (`$x := ...`, range variables), and the chart's named templates (`define` in the
template or its `_helpers.tpl`, called with `include` or `template`) are evaluated; any other
function becomes a placeholder `${helm:...}`, which the rules read as a reference (never a
literal to judge). Every rendered line remembers the template line it came from (an included
template's lines are the `include`'s), so evidence points into the template; the values file
and line each action read are kept too (for per-environment evidence).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from mllens.scan.parse.helm_funcs import (
    FUNCS,
    NOTHING,
    Func,
    Indented,
    Missing,
    Unknown,
    call,
    indent_block,
    show,
    truthy,
)
from mllens.scan.parse.helm_tree import Node, defines, tokens, tree

_TERM = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`|\(|\)|[^\s()]+')


_ASSIGN = re.compile(r"^\$(\w+)\s*(:?=)\s*(.*)$", re.S)
_RANGE_VARS = re.compile(r"^\$(\w+)\s*(?:,\s*\$(\w+)\s*)?:=\s*(.*)$", re.S)
_MAX_ITEMS = 256  # a range renders at most this many items
_MAX_DEPTH = 16  # includes nested deeper than this are unknown


@dataclass
class Scope:
    values: Any
    release: str = "release-name"
    chart: dict[str, Any] = field(default_factory=dict)
    helpers: tuple[str, ...] = ()  # the chart's helper templates (`_helpers.tpl` ...), as text
    # where each values key is set: mapping id -> {key: (file, line)} (see helm_values.merged)
    sources: dict[int, dict[str, tuple[str, int]]] = field(default_factory=dict)


class _Renderer:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.chunks: list[tuple[str, int, bool]] = []  # (text, line, literal)
        self.frames: list[dict[str, Any]] = [{}]
        self.defines: dict[str, list[Node]] = {}
        for helper in scope.helpers:
            self.defines.update(defines(tree(tokens(helper))))
        self.depth = 0
        self.read: tuple[str, int, str] | None = None  # the values file, line and key the action read last
        self.reads: dict[int, tuple[str, int, str]] = {}  # template line -> (values file, line, key)

    def render(self, nodes: list[Node], dot: Any) -> None:
        self.frames.append({})
        try:
            for node in nodes:
                self.node(node, dot)
        finally:
            self.frames.pop()

    def node(self, node: Node, dot: Any) -> None:
        if node.kind == "text":
            self.chunks.append((node.text, node.line, True))
        elif node.kind == "action":
            self.action(node, dot)
        elif node.kind in ("if", "with"):
            value = self.pipeline(node.text, dot)
            if isinstance(value, Unknown) and not isinstance(value, Missing):
                return  # cannot tell which branch: neither is read
            if truthy(value):
                self.render(node.body, value if node.kind == "with" else dot)
            else:
                self.render(node.orelse, dot)
        elif node.kind == "range":
            self.range(node, dot)
        elif node.kind == "block":
            self.render(node.body, dot)
        # define bodies render only when included

    def range(self, node: Node, dot: Any) -> None:
        found = _RANGE_VARS.match(node.text)
        names = [n for n in (found.group(1), found.group(2)) if n] if found else []
        value = self.pipeline(found.group(3) if found else node.text, dot)
        if isinstance(value, Unknown) and not isinstance(value, Missing):
            return  # what it ranges over is not known: nothing is rendered
        if isinstance(value, dict):
            items: list[tuple[Any, Any]] = [(k, value[k]) for k in sorted(value, key=str)]
        elif isinstance(value, list):
            items = list(enumerate(value))
        elif isinstance(value, int) and not isinstance(value, bool):
            items = [(i, i) for i in range(max(value, 0))]
        else:
            items = []
        if not items:
            self.render(node.orelse, dot)
            return
        for key, item in items[:_MAX_ITEMS]:
            frame = dict(zip(names, (key, item), strict=False)) if len(names) == 2 else dict.fromkeys(names, item)
            self.frames.append(frame)
            try:
                self.render(node.body, item)
            finally:
                self.frames.pop()

    def include(self, name: Any, dot: Any, text: str) -> Any:
        """A named template rendered with `dot`, as text (unknown when it is not defined here)."""
        body = self.defines.get(name) if isinstance(name, str) else None
        if body is None or self.depth >= _MAX_DEPTH:
            return Unknown(text)
        saved, self.chunks, frames = self.chunks, [], self.frames
        self.frames, self.depth = [{}], self.depth + 1
        try:
            self.render(body, dot)
            return "".join(chunk for chunk, _, _ in self.chunks)
        finally:
            self.chunks, self.frames, self.depth = saved, frames, self.depth - 1

    def action(self, node: Node, dot: Any) -> None:
        text = node.text
        if text.startswith("/*"):
            return  # a comment prints nothing
        assign = _ASSIGN.match(text)
        if assign:  # a variable: declared (:=) in this block, or set (=) where it was declared
            value = self.pipeline(assign.group(3), dot)
            frame = next((f for f in reversed(self.frames) if assign.group(1) in f), None)
            (frame if assign.group(2) == "=" and frame is not None else self.frames[-1])[assign.group(1)] = value
            return
        self.read = None
        value = self.pipeline(text, dot)
        if self.read is not None:
            self.reads[node.line] = self.read
        if isinstance(value, Indented):
            body = value.value
            if isinstance(body, Unknown):  # a block of unknown lines: one placeholder entry
                entry = " " * value.width + json.dumps(body.placeholder()) + ": null"
                self.chunks.append(("\n" * value.newline + entry, node.line, False))
                return
            self.chunks.append((indent_block(body, value.width, value.newline), node.line, False))
            return
        self.chunks.append((show(value), node.line, False))

    def pipeline(self, text: str, dot: Any) -> Any:
        try:
            stages = _split_pipes(text)
            value: Any = NOTHING
            for stage in stages:
                terms = _TERM.findall(stage)
                value = self.command(terms, dot, value, text)
            return value
        except (ValueError, IndexError, TypeError):
            return Unknown(text)

    def command(self, terms: list[str], dot: Any, piped: Any, text: str) -> Any:
        args = self.arguments(terms, dot, text)
        if piped is not NOTHING:
            args.append(piped)
        if not args:
            raise ValueError("empty command")
        head = args[0]
        if not isinstance(head, Func):
            return head
        return self.call(head.name, args[1:], text)

    def call(self, name: str, args: list[Any], text: str) -> Any:
        if name in ("include", "template") and args:
            return self.include(args[0], args[1] if len(args) > 1 else None, text)
        return call(name, args, text)

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
                out.append(self.call(head.name, inner[1:], text) if isinstance(head, Func) else head)
                i = j
                continue
            out.append(self.term(term, dot, text, first=not out))
            i += 1
        return out

    def term(self, term: str, dot: Any, text: str, *, first: bool) -> Any:
        if term[0] in '"`':
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
        if term.startswith("$"):  # a variable, or a field of one
            name, _, path = term[1:].partition(".")
            frame = next((f for f in reversed(self.frames) if name in f), None)
            if frame is None:
                return Unknown(text)
            return self.field(frame[name], path, text) if path else frame[name]
        if first or term in FUNCS:
            return Func(term)
        raise ValueError(term)

    def root(self) -> dict[str, Any]:
        chart = {"Name": "", "Version": "", "AppVersion": ""} | self.scope.chart
        return {
            "Values": self.scope.values,
            "Release": {"Name": self.scope.release, "Namespace": "default"},
            "Chart": chart,
            "Capabilities": Unknown("Capabilities"),
        }

    def field(self, base: Any, path: str, text: str) -> Any:
        for part in path.split("."):
            if isinstance(base, Unknown):
                return base
            if isinstance(base, dict) and part in base:
                where = self.scope.sources.get(id(base))
                if where is not None and part in where:
                    self.read = (*where[part], part)
                base = base[part]
            elif isinstance(base, dict):
                return Missing(text)
            else:
                return Unknown(text)
        return base


def _split_pipes(text: str) -> list[str]:
    out, depth, quote, start = [], 0, "", 0
    for i, char in enumerate(text):
        if quote:
            quote = "" if char == quote and text[i - 1] != "\\" else quote
        elif char in '"`':
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
    rendered, origins, _ = render_reads(text, scope)
    return rendered, origins


def render_reads(text: str, scope: Scope) -> tuple[str, list[int], dict[int, tuple[str, int, str]]]:
    """`render`, and for each template line whose action read a value, the values file, line
    and key that set it (the last value read on that line)."""
    renderer = _Renderer(scope)
    nodes = tree(tokens(text))
    renderer.defines.update(defines(nodes))
    renderer.render(nodes, renderer.root())
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
    return "".join(out), origins, renderer.reads
