"""JSON read with the line of every key and item, for ARM templates.

The stock decoder keeps no positions, and searching the text for a key finds the wrong one
as soon as resources nest (`"type"` of a child before the next sibling's). This reader
walks the text once and builds the same values as `json.loads`, with objects and arrays as
the scanner's line-aware YAML containers (`YamlMap.key_lines`, `YamlSeq.item_lines`), so
`Node` reads them as it reads YAML. It runs only on files already decoded as JSON and found
to be deployment templates: the text is valid JSON.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from typing import Any

from mllens.scan.parse.yaml import YamlMap, YamlSeq

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_SPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_WORDS = {"true": True, "false": False, "null": None}


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def line(self, pos: int) -> int:
        return bisect_left(self.newlines, pos) + 1

    def skip(self, pos: int) -> int:
        match = _SPACE.match(self.text, pos)
        return match.end() if match else pos

    def string(self, pos: int) -> tuple[str, int]:
        match = _STRING.match(self.text, pos)
        if match is None:
            raise ValueError(f"unterminated string at line {self.line(pos)}")
        return str(json.loads(match.group())), match.end()

    def value(self, pos: int) -> tuple[Any, int]:
        pos = self.skip(pos)
        char = self.text[pos]
        if char == "{":
            return self.mapping(pos)
        if char == "[":
            return self.sequence(pos)
        if char == '"':
            return self.string(pos)
        for word, value in _WORDS.items():
            if self.text.startswith(word, pos):
                return value, pos + len(word)
        match = _NUMBER.match(self.text, pos)
        if match is None:
            raise ValueError(f"unexpected {char!r} at line {self.line(pos)}")
        number = match.group()
        return (float(number) if match.group(1) or match.group(2) else int(number)), match.end()

    def mapping(self, pos: int) -> tuple[YamlMap, int]:
        out = YamlMap(self.line(pos))
        pos = self.skip(pos + 1)
        while self.text[pos] != "}":
            key_line = self.line(pos)
            key, pos = self.string(pos)
            pos = self.skip(pos)  # at the colon
            out[key], pos = self.value(pos + 1)
            out.key_lines[key] = key_line
            pos = self.skip(pos)
            if self.text[pos] == ",":
                pos = self.skip(pos + 1)
        return out, pos + 1

    def sequence(self, pos: int) -> tuple[YamlSeq, int]:
        out = YamlSeq(self.line(pos))
        pos = self.skip(pos + 1)
        while self.text[pos] != "]":
            out.item_lines.append(self.line(pos))
            item, pos = self.value(pos)
            out.append(item)
            pos = self.skip(pos)
            if self.text[pos] == ",":
                pos = self.skip(pos + 1)
        return out, pos + 1


def read_json(text: str) -> Any:
    """The decoded JSON, its objects and arrays knowing their lines (None when it does not read)."""
    try:
        return _Reader(text.lstrip("\ufeff")).value(0)[0]
    except (ValueError, IndexError, RecursionError):
        return None
