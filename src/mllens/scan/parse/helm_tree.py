"""Helm templates parsed into a tree of text, actions and blocks (if, with, range, define,
block), each node with the template line it starts on; whitespace trimmed where `{{-`/`-}}` ask."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SPACE = re.compile(r"\s*")


@dataclass
class Node:
    kind: str  # text, action, if, with, range, define
    text: str
    line: int
    body: list[Node] = field(default_factory=list)
    orelse: list[Node] = field(default_factory=list)
    trim_before: bool = False


def tokens(text: str) -> list[Node]:
    """Text and actions in order, whitespace trimmed where `{{-`/`-}}` ask (linear in the text:
    an unclosed `{{` ends the actions, the rest is text)."""
    out: list[Node] = []
    pos, line = 0, 1  # the line at pos
    while True:
        start = text.find("{{", pos)
        end = text.find("}}", start + 2) if start >= 0 else -1
        if end < 0:
            break
        literal, inner = text[pos:start], text[start + 2 : end]
        out.append(Node("text", literal, line))
        line += literal.count("\n")
        left = inner.startswith("-") and inner[1:2].isspace()
        right = inner.endswith("-") and inner[-2:-1].isspace()
        node = Node("action", inner[int(left) : len(inner) - int(right)].strip(), line, trim_before=left)
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
    out.append(Node("text", text[pos:], line))
    return out


def tree(tokens: list[Node]) -> list[Node]:
    root: list[Node] = []
    stack: list[tuple[Node | None, list[Node]]] = [(None, root)]
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
                inner = Node(rest.split()[0], rest.split(None, 1)[1], tok.line)
                block.orelse.append(inner)
                stack[-1] = (inner, inner.body)
            else:
                stack[-1] = (block, block.orelse)
        elif word == "end" and len(stack) > 1:
            stack.pop()  # an `else if` chain shares its frame: one end closes it all
        else:
            stack[-1][1].append(tok)
    return root


def defines(nodes: list[Node]) -> dict[str, list[Node]]:
    """The named templates (`define "name"`) of a parsed template, by name."""
    found: dict[str, list[Node]] = {}
    for node in nodes:
        if node.kind == "define":
            name = node.text.strip()
            if len(name) >= 2 and name[0] in "\"`" and name[-1] == name[0]:
                found[name[1:-1]] = node.body
    return found
