"""HCL (Terraform) through python-hcl2, with line metadata on every block.

python-hcl2 is the only maintained pure-Python parser; it reads about 100 KB/s, which is
why the walker caps .tf files lower than other kinds. The output is python-hcl2's dict form
(strings without their quotes, expressions as `${...}`, blocks as lists under their type)
plus, on every block, `__start_line__`, `__end_line__` and `__attr_lines__` (attribute name
-> line). python-hcl2 8 accepts but ignores its own `with_meta`, so the body is walked here.
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
    import hcl2
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        try:
            from hcl2.api import parses
            from hcl2.rules.base import AttributeRule, BlockRule
            from hcl2.utils import SerializationOptions
        except ImportError:  # python-hcl2 < 8 had a working with_meta
            data: Any = hcl2.loads(text, with_meta=True)  # type: ignore[call-arg]
        else:
            options = SerializationOptions(with_comments=False, strip_string_quotes=True, explicit_blocks=False)
            data = _serialize_body(parses(text).body, options, BlockRule, AttributeRule)
            data.pop("__attr_lines__", None)
    except UnexpectedInput as exc:
        raise ParseError(f"malformed HCL: unexpected input at column {exc.column}", line=exc.line) from None
    except LarkError as exc:
        raise ParseError(f"malformed HCL: {str(exc).splitlines()[0]}") from None
    except (ValueError, TypeError, KeyError, AttributeError, IndexError, RuntimeError) as exc:
        raise ParseError(f"HCL the parser could not handle: {type(exc).__name__}: {exc}") from None
    if not isinstance(data, dict):
        raise ParseError(f"HCL parsed to a {type(data).__name__}, expected blocks")
    return data
