"""IAM policy statements, normalised from each encoding into `kinds_platform.Statement`.

Two shapes reach here: the JSON form (CloudFormation `PolicyDocument`, Terraform
`jsonencode`, heredoc and string policies: Effect, Action, NotAction, Resource, Condition
{operator: {key: values}}) and Terraform's `aws_iam_policy_document` statement blocks
(effect, actions, not_actions, resources, condition {test, variable, values}). Keys are
matched case-insensitively. `locate(action, start)` gives the line an action is written on
when the syntax knows better than the statement's own line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Literal

from mllens.scan.detectors._iac import Node, is_reference, listify
from mllens.scan.model.kinds_platform import Condition, Statement
from mllens.scan.model.values import Value

Locate = Callable[[str, int], int]


def _same_line(action: str, start: int) -> int:
    return start


def _key(node: Node, *names: str) -> str | None:
    """The first of `names` the statement writes, in the case it was written."""
    wanted = {n.lower() for n in names}
    return next((k for k in node.names() if k.lower() in wanted), None)


def _strings(value: Any) -> tuple[list[str], bool]:
    """Literal strings of a value or list, and whether any part is a reference."""
    items = listify(value)
    literal = [v for v in items if isinstance(v, str) and not is_reference(v)]
    return literal, len(literal) != len(items) or is_reference(value)


def _conditions(node: Node, key: str | None) -> tuple[Condition, ...]:
    if key is None:
        return ()
    out: list[Condition] = []
    for block in listify(node.get(key)):
        if not isinstance(block, Mapping):
            continue
        if "variable" in block or "test" in block:  # Terraform: condition { test, variable, values }
            values, _ = _strings(block.get("values"))
            out.append(Condition(operator=str(block.get("test", "")), key=str(block.get("variable", "")),
                                 values=tuple(values)))
            continue
        for operator, keys in block.items():  # JSON: {"Bool": {"aws:SecureTransport": "false"}}
            if isinstance(keys, Mapping):
                for name, raw in keys.items():
                    values, _ = _strings(raw)
                    out.append(Condition(operator=str(operator), key=str(name), values=tuple(str(v) for v in values)))
    return tuple(out)


def _actions(node: Node, key: str | None, file: str, locate: Locate) -> tuple[tuple[Value, ...], bool]:
    if key is None:
        return (), False
    raw = node.get(key)
    names, refs = _strings(raw)
    start = node.line_of(key)
    # a list that kept each item's line (CDK calls that spread their actions): the action's own line
    lines = getattr(raw, "item_lines", None)
    own = {a: at for a, at in zip(raw, lines, strict=True) if isinstance(a, str)} \
        if isinstance(raw, list) and lines and len(lines) == len(raw) else {}
    return tuple(Value(a, file, own.get(a) or locate(a, start), key) for a in names), refs


def statement(node: Node, file: str, *, locate: Locate = _same_line) -> Statement:
    """One statement in either shape."""
    effect_key = _key(node, "effect")
    deny = effect_key is not None and str(node.get(effect_key)).strip().lower() == "deny"
    effect: Literal["Allow", "Deny"] = "Deny" if deny else "Allow"
    actions, refs_a = _actions(node, _key(node, "action", "actions"), file, locate)
    not_actions, refs_n = _actions(node, _key(node, "notaction", "not_actions"), file, locate)
    res_key, not_res_key = _key(node, "resource", "resources"), _key(node, "notresource", "not_resources")
    resources, _ = _strings(node.get(res_key)) if res_key else ([], False)
    not_resources, _ = _strings(node.get(not_res_key)) if not_res_key else ([], False)
    cond_key = _key(node, "condition")
    raw_resources = node.get(res_key) if res_key else None
    item_lines = getattr(raw_resources, "item_lines", None)
    return Statement(
        file=file, line=node.line, effect=effect, actions=actions, not_actions=not_actions,
        resources=tuple(resources), not_resources=tuple(not_resources), conditions=_conditions(node, cond_key),
        condition_line=node.line_of(cond_key) if cond_key else node.line,
        principals=_key(node, "principal", "principals", "notprincipal", "not_principals") is not None,
        action_references=refs_a or refs_n, resource_line=item_lines[0] if item_lines else 0)


def document_statements(doc: Any, line: int, file: str, *, finder: Any = None,
                        locate: Locate = _same_line) -> Iterator[Statement]:
    """Statements of a JSON-shaped policy document (a mapping with Statement) at `line`."""
    if not isinstance(doc, Mapping):
        return
    holder = Node.of(doc, line, finder)
    key = _key(holder, "statement")
    if key is None:
        return
    for item in holder.children(key):
        yield statement(item, file, locate=locate)


def decoded_statements(doc: Mapping[str, Any], line: int, file: str, *, locate: Locate) -> Iterator[Statement]:
    """Statements of a policy decoded from one string: every key at that string's `line`
    (the decoded text keeps no lines of its own), actions found by `locate`."""
    key = next((k for k in doc if str(k).lower() == "statement"), None)
    for item in listify(doc.get(key)) if key else []:
        if isinstance(item, Mapping):
            yield statement(Node(item, line), file, locate=locate)


def trusted_services(doc: Any, line: int, file: str, *, finder: Any = None,
                     locate: Locate = _same_line) -> tuple[Value, ...]:
    """The services a trust policy lets assume its role: the Service principals of its Allow
    statements, each at its own line where the file shows it (`locate` otherwise)."""
    if not isinstance(doc, Mapping):
        return ()
    holder = Node.of(doc, line, finder)
    key = _key(holder, "statement")
    out: list[Value] = []
    for item in holder.children(key) if key else []:
        effect = _key(item, "effect")
        principal_key = _key(item, "principal")
        if (effect is not None and str(item.get(effect)).lower() == "deny") or principal_key is None:
            continue
        principal = item.child(principal_key)
        service_key = _key(principal, "service") if principal is not None else None
        if principal is None or service_key is None:
            continue
        raw = principal.get(service_key)
        names, _ = _strings(raw)
        lines = getattr(raw, "item_lines", None)
        own = {a: at for a, at in zip(raw, lines, strict=True) if isinstance(a, str)} \
            if isinstance(raw, list) and lines and len(lines) == len(raw) else {}
        start = principal.line_of(service_key)
        out.extend(Value(n, file, own.get(n) or locate(n, start), "Service") for n in names)
    return tuple(out)
