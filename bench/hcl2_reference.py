"""The scanner's HCL reader before tree-sitter: python-hcl2 (lark), kept for bench/parsers.py
to compare against. Needs python-hcl2 (a dev dependency; the scanner no longer uses it).

python-hcl2 8 accepts but ignores its own `with_meta`, so the body is walked here to put
`__start_line__`, `__end_line__` and `__attr_lines__` on every block.
"""

from __future__ import annotations

from typing import Any

from mllens.scan.parse.errors import ParseError


def _serialize_body(body: Any, options: Any, block_rule: Any, attribute_rule: Any) -> dict[str, Any]:
    result: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for child in body.children:
        if isinstance(child, block_rule):
            labels = child.labels
            inner = _serialize_body(child._body, options, block_rule, attribute_rule)
            meta = child._meta
            inner["__start_line__"] = getattr(meta, "line", None)
            inner["__end_line__"] = getattr(meta, "end_line", None)
            for label in reversed(labels[1:]):
                inner = {label.serialize(options): inner}
            result.setdefault(labels[0].serialize(options), []).append(inner)
        elif isinstance(child, attribute_rule):
            serialized = child.serialize(options)
            result.update(serialized)
            line = getattr(child._meta, "line", None)
            if line is not None:
                for name in serialized:
                    lines[name] = line
    result["__attr_lines__"] = lines
    return result


def parse_hcl(text: str) -> dict[str, Any]:
    from hcl2.api import parses
    from hcl2.rules.base import AttributeRule, BlockRule
    from hcl2.utils import SerializationOptions
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        options = SerializationOptions(with_comments=False, strip_string_quotes=True, explicit_blocks=False)
        data = _serialize_body(parses(text).body, options, BlockRule, AttributeRule)
        data.pop("__attr_lines__", None)
    except UnexpectedInput as exc:
        raise ParseError(f"malformed HCL: unexpected input at column {exc.column}", line=exc.line) from None
    except LarkError as exc:
        raise ParseError(f"malformed HCL: {str(exc).splitlines()[0]}") from None
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RuntimeError) as exc:
        raise ParseError(f"HCL the parser could not handle: {type(exc).__name__}: {exc}") from None
    return data
