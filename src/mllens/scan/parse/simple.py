"""Small safe parsers: TOML."""

from __future__ import annotations

import tomllib
from typing import Any

from mllens.scan.parse.errors import ParseError


def parse_toml(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        raise ParseError(f"malformed TOML: {exc}", line=line) from None
