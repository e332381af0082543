"""Python source -> ast.Module (never compiled, imported or run)."""

from __future__ import annotations

import ast
import warnings

from mllens.scan.parse.errors import ParseError


def parse_python(text: str) -> ast.Module:
    try:
        with warnings.catch_warnings():
            # invalid escape sequences in project code are the project's business, not ours
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except SyntaxError as exc:
        raise ParseError(f"Python syntax error: {exc.msg}", line=exc.lineno) from None
    except ValueError as exc:  # e.g. source with NUL bytes
        raise ParseError(f"Python source rejected: {exc}") from None
