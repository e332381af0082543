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

_SPACE = re.compile(r"\s*")
_TERM = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`|\(|\)|[^\s()]+')


@dataclass
class _Node:
    kind: str  # text, action, if, with, range, define
    text: str
    line: int
    body: list[_Node] = field(default_factory=list)
    orelse: list[_Node] = field(default_factory=list)
    trim_before: bool = False


def _tokens(text: str) -> list[_Node]:
    """Text and actions in order, whitespace trimmed where `{{-`/`-}}` ask (linear in the text:
    an unclosed `{{` ends the actions, the rest is text)."""
    out: list[_Node] = []
    pos, line = 0, 1  # the line at pos
    while True:
        start = text.find("{{", pos)
        end = text.find("}}", start + 2) if start >= 0 else -1
        if end < 0:
            break
        literal, inner = text[pos:start], text[start + 2 : end]
        out.append(_Node("text", literal, line))
        line += literal.count("\n")
        left = inner.startswith("-") and inner[1:2].isspace()
        right = inner.endswith("-") and inner[-2:-1].isspace()
        node = _Node("action", inner[int(left) : len(inner) - int(right)].strip(), line, trim_before=left)
        if left:
            out[-1].text = out[-1].text.rstrip()
        out.append(node)
        line += inner.count("\n")
        pos = end + 2
        if right:
            skip = _SPACE.match(text, pos)
            after = skip.end() if skip else pos
            line += text.count("\n", pos, after)
            pos = after
    out.append(_Node("text", text[pos:], line))
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
                if truthy(value):
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
        return call(head.name, args[1:], text)

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
                out.append(call(head.name, inner[1:], text) if isinstance(head, Func) else head)
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
        if term.startswith("$"):
            return Unknown(text)  # a variable
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
