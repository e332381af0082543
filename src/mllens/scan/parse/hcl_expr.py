"""HCL expressions from a tree-sitter-hcl tree, in the value form the detectors read.

That form is the one python-hcl2 gave (the scanner's parser before tree-sitter), kept so no
detector changes: a literal becomes its value (a string without its quotes and with its
escapes resolved, an int, a float, True/False/None, a list, a dict); anything else becomes
its normalised source inside `${...}`: one space around binary operators, `, ` between
items, `{k = v, ...}` objects, comments and line breaks dropped, strings inside an
expression kept quoted as written. Heredocs stay as written (`<<EOF\\n...\\nEOF`).

tree-sitter-hcl flattens an expression term into its parent: `var.a.b[0]` is the children
variable_expr, get_attr, get_attr, index of one node, and a binary operation's operands are
such runs of children on either side of the operator token.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tree_sitter import Node

_SKIP = frozenset({"comment"})
_OPERATORS = frozenset({"==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "&&", "||"})
_ESCAPE = re.compile(r'\\(?:([nrt"\\])|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8}))')
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_INT = re.compile(r"[0-9]+")


def _unescape(match: re.Match[str]) -> str:
    simple, short, long = match.groups()
    if simple:
        return _SIMPLE[simple]
    point = int(short or long, 16)
    if point > 0x10FFFF or 0xD800 <= point < 0xE000:
        return match.group(0)  # not a character: kept as written
    return chr(point)


def unescape(text: str) -> str:
    """A quoted string's literal text with HCL's escapes resolved (others kept as written)."""
    return _ESCAPE.sub(_unescape, text) if "\\" in text else text


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "surrogatepass")


def _dollar(text: str) -> str:
    return text if text.startswith("${") and text.endswith("}") else "${" + text + "}"


def _kids(node: Node) -> list[Node]:
    return [c for c in node.children if c.type not in _SKIP]


def _number(raw: str, inner: bool) -> Any:
    if _INT.fullmatch(raw):
        return str(int(raw)) if inner else int(raw)
    if "e" in raw.lower():  # scientific notation keeps its spelling, as an expression
        return raw if inner else "${" + raw + "}"
    return str(float(raw)) if inner else float(raw)


def value(node: Node) -> Any:
    """The value form of an `expression` node (outside any `${...}`)."""
    return _run(_kids(node), inner=False)


def _run(kids: list[Node], *, inner: bool) -> Any:
    """A run of children forming one expression term (base, then postfixes), a conditional
    or an operation."""
    if len(kids) == 1:
        only = kids[0]
        kind = only.type
        if kind == "literal_value":
            return _literal(_kids(only)[0], inner)
        if kind == "collection_value":
            return _collection(_kids(only)[0], inner)
        if kind == "template_expr":
            return _template(_kids(only)[0], inner)
        if kind == "operation":
            return _operation(_kids(only)[0], inner)
        if kind == "expression":
            return _run(_kids(only), inner=inner)
        if kind == "variable_expr":
            return _text(only)  # a bare name (`type = string`) is its text, even outside `${...}`
    if kids and kids[0].type == "(" and not inner:
        close = _closing(kids)
        if close == len(kids) - 1:  # only a parenthesised expression, at the top
            wrapped = _run(_kids(kids[1]), inner=False)
            if isinstance(wrapped, str) and wrapped.startswith("${") and wrapped.endswith("}"):
                return "${(" + wrapped[2:-1] + ")}"
            return "${(" + str(wrapped) + ")}"
    text = _inner(kids)
    return text if inner else _dollar(text)


def _closing(kids: list[Node]) -> int:
    return next(i for i, k in enumerate(kids) if k.type == ")")


def _inner(kids: list[Node]) -> str:
    """The normalised source of a run of children, as it reads inside `${...}`."""
    if len(kids) == 1 and kids[0].type in ("conditional", "operation"):
        return str(_run(kids, inner=True)) if kids[0].type == "operation" else _conditional(kids[0])
    out: list[str] = []
    i = 0
    if kids and kids[0].type == "(":
        close = _closing(kids)
        out.append("(" + _inner(_kids(kids[1])) + ")")
        i = close + 1
    for kid in kids[i:]:
        out.append(_piece(kid))
    return "".join(out)


def _piece(node: Node) -> str:
    kind = node.type
    if kind == "variable_expr":
        return _text(node)
    if kind == "get_attr":
        return "." + _text(_kids(node)[-1])
    if kind == "index":
        index = _kids(node)[0]
        if index.type == "legacy_index":
            return _text(index)
        return "[" + _inner(_expr(index)) + "]"
    if kind == "splat":
        splat = _kids(node)[0]
        head = "[*]" if splat.type == "full_splat" else ".*"
        return head + "".join(_piece(k) for k in _named(splat))
    if kind == "function_call":
        return _call(node)
    if kind == "for_expr":
        return _for(_kids(node)[0])
    if kind == "conditional":
        return _conditional(node)
    return str(_run([node], inner=True))


def _named(node: Node) -> list[Node]:
    return [c for c in node.named_children if c.type not in _SKIP]


def _expr(node: Node) -> list[Node]:
    """The children of the first `expression` under `node`."""
    return _kids(next(c for c in node.named_children if c.type == "expression"))


def _call(node: Node) -> str:
    kids = _kids(node)
    name = _text(kids[0])
    args = next((k for k in kids if k.type == "function_arguments"), None)
    if args is None:
        return name + "()"
    parts = [_inner(_kids(a)) for a in _named(args) if a.type == "expression"]
    ellipsis = " ..." if any(k.type == "ellipsis" for k in args.children) else ""
    return f"{name}({', '.join(parts)}{ellipsis})"


def _conditional(node: Node) -> str:
    cond, yes, no = (_inner(_kids(e)) for e in _named(node))
    return f"{cond} ? {yes} : {no}"


def _operation(node: Node, inner: bool) -> Any:
    kids = _kids(node)
    if node.type == "unary_operation":
        operator, operand = kids[0].type, kids[1:]
        if operator == "-" and not inner and len(operand) == 1 and operand[0].type == "literal_value":
            number = _literal(_kids(operand[0])[0], False)
            if isinstance(number, (int, float)) and not isinstance(number, bool):
                return -number  # a negative number is a number, not an expression
        text = operator + _inner(operand)
    else:
        at = next(i for i, k in enumerate(kids) if not k.is_named and k.type in _OPERATORS)
        text = f"{_inner(kids[:at])} {kids[at].type} {_inner(kids[at + 1:])}"
    return text if inner else _dollar(text)


def _literal(node: Node, inner: bool) -> Any:
    kind = node.type
    if kind == "numeric_lit":
        return _number(_text(node), inner)
    if kind == "bool_lit":
        return _text(node) if inner else _text(node) == "true"
    if kind == "null_lit":
        return "null" if inner else None
    return _template(node, inner)  # string_lit


def _template(node: Node, inner: bool) -> str:
    if node.type == "heredoc_template":
        return _text(node).rstrip("\r\n\t ")
    source = node.text or b""
    kids = node.children
    parts: list[str] = []
    base = node.start_byte
    at = kids[0].end_byte - base  # after the opening quote
    for kid in kids[1:-1]:
        if kid.type == "template_interpolation":
            literal = source[at : kid.start_byte - base].decode("utf-8", "surrogatepass")
            parts.append(literal if inner else unescape(literal))
            parts.append("${" + _inner(_expr(kid)) + "}")
            at = kid.end_byte - base
    literal = source[at : kids[-1].start_byte - base].decode("utf-8", "surrogatepass")
    parts.append(literal if inner else unescape(literal))
    text = "".join(parts)
    return '"' + text + '"' if inner else text


def _collection(node: Node, inner: bool) -> Any:
    if node.type == "tuple":
        items = [_run(_kids(e), inner=inner) for e in _named(node) if e.type == "expression"]
        return "[" + ", ".join(items) + "]" if inner else items
    pairs = [(_key(_named(e)[0], inner), _run(_kids(_named(e)[1]), inner=inner)) for e in _named(node)
             if e.type == "object_elem"]
    if inner:
        return "{" + ", ".join(f"{k} = {v}" for k, v in pairs) + "}"
    return dict(pairs)


def _key(node: Node, inner: bool) -> str:
    """An object key: a bare name, a string, a number, or an expression in `${...}`."""
    kids = _kids(node)
    if len(kids) == 1 and kids[0].type == "variable_expr":
        return _text(kids[0])
    if len(kids) == 1 and kids[0].type == "literal_value":
        found = _literal(_kids(kids[0])[0], inner)
        return found if isinstance(found, str) else str(found)
    return _inner(kids) if inner else _dollar(_inner(kids))


def _for(node: Node) -> str:
    named = _named(node)
    intro = next(n for n in named if n.type == "for_intro")
    names = [_text(n) for n in _named(intro) if n.type == "identifier"]
    head = f"for {', '.join(names)} in {_inner(_expr(intro))} : "
    exprs = [n for n in named if n.type == "expression"]
    cond = next((n for n in named if n.type == "for_cond"), None)
    tail = f" if {_inner(_expr(cond))}" if cond is not None else ""
    if node.type == "for_tuple_expr":
        return f"[{head}{_inner(_kids(exprs[0]))}{tail}]"
    ellipsis = "..." if any(k.type == "ellipsis" for k in node.children) else ""
    return f"{{{head}{_inner(_kids(exprs[0]))} => {_inner(_kids(exprs[1]))}{ellipsis}{tail}}}"
