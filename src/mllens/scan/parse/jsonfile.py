"""JSON with limits: the walker caps the size; depth is capped by json's own recursion guard.

Some JSON files are written with comments and trailing commas (devcontainer.json, VS Code
settings, tsconfig.json: "JSON with comments"). A file plain JSON refuses is read once more
with those taken out, so such a file is read rather than reported as malformed."""

from __future__ import annotations

import json
import re
from typing import Any

from mllens.scan.parse.errors import ParseError

# A string (kept whole, so `//` inside a URL stays), a // or /* */ comment, or a comma before } or ].
_JSONC = re.compile(r'("(?:[^"\\\n]|\\.)*")|//[^\n]*|/\*.*?\*/|,(?=\s*[}\]])', re.DOTALL)


def _without_comments(text: str) -> str:
    return _JSONC.sub(lambda m: m.group(1) or re.sub(r"[^\n]", " ", m.group(0)), text)


def parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if "//" in text or "/*" in text or "," in text:
            try:
                return json.loads(_without_comments(text))
            except (json.JSONDecodeError, RecursionError):
                pass
        raise ParseError(f"malformed JSON: {exc.msg} (column {exc.colno})", line=exc.lineno) from None
    except RecursionError:
        raise ParseError("JSON nested too deeply to parse") from None
