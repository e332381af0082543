"""JSON files, including JSON with comments (devcontainer.json, VS Code settings)."""

from __future__ import annotations

import pytest

from mllens.scan.parse.errors import ParseError
from mllens.scan.parse.jsonfile import parse_json


def test_comments_and_trailing_commas_are_read() -> None:
    text = ('// the dev box\n{\n  "image": "acme/dev:1.2.0", /* pinned */\n'
            '  "url": "https://x.io//a",\n  "ports": [80,],\n}\n')
    assert parse_json(text) == {"image": "acme/dev:1.2.0", "url": "https://x.io//a", "ports": [80]}


def test_a_comment_marker_inside_a_string_is_text() -> None:
    assert parse_json('{"note": "/* not a comment */", "n": 1,}') == {"note": "/* not a comment */", "n": 1}


def test_malformed_json_still_names_the_line() -> None:
    with pytest.raises(ParseError) as raised:
        parse_json('{\n  "a": 1,\n  "b": \n}')
    assert "malformed JSON" in raised.value.message
    assert raised.value.line == 4
