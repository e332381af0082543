"""JSON with limits: the walker caps the size; depth is capped by json's own recursion guard."""

from __future__ import annotations

import json
from typing import Any

from mllens.scan.parse.errors import ParseError


def parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"malformed JSON: {exc.msg} (column {exc.colno})", line=exc.lineno) from None
    except RecursionError:
        raise ParseError("JSON nested too deeply to parse") from None
