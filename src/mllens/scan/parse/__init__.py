"""Safe parsers, one per file kind. Nothing here executes, imports or unpickles anything.

`parse(kind, text, path=...)` returns the `data` of a ParsedFile, or raises ParseError
(message and line) which the scan turns into a `parse_error` diagnostic. The parsed form:

| kind         | data                                                                         |
|--------------|------------------------------------------------------------------------------|
| python       | `ast.Module`                                                                 |
| notebook     | `Notebook`: code/markdown cells with source and file line of each source line|
| yaml         | `list` of documents built of `YamlMap` (dict) / `YamlSeq` (list) / scalars;  |
|              | `.line` and `.key_lines` / `.item_lines` give 1-based lines; CloudFormation  |
|              | short tags become their long form (`!Ref x` -> `{"Ref": "x"}`)               |
| json         | the decoded value (plain dict/list); `ParsedFile.line_of` finds a line        |
| toml         | `dict` (tomllib)                                                             |
| requirements | `list[Requirement]` (line, name, spec, raw, ...)                             |
| dockerfile   | `Dockerfile` with `instructions: list[Instruction]` (line, keyword, value)   |
| terraform    | `dict` (tree-sitter-hcl, python-hcl2's form) with `__start_line__`,          |
|              | `__end_line__`, `__attr_lines__` on each block, quotes stripped from strings,|
|              | expressions as `${...}` strings                                              |
| others       | `None` (rules read `ParsedFile.text`)                                        |
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mllens.scan.parse.errors import ParseError

Parser = Callable[[str], Any]


def _python(text: str) -> Any:
    from mllens.scan.parse.python import parse_python

    return parse_python(text)


def _notebook(text: str) -> Any:
    from mllens.scan.parse.notebook import parse_notebook

    return parse_notebook(text)


def _yaml(text: str) -> Any:
    from mllens.scan.parse.yaml import parse_yaml_documents

    return parse_yaml_documents(text)


def _json(text: str) -> Any:
    from mllens.scan.parse.jsonfile import parse_json

    return parse_json(text)


def _toml(text: str) -> Any:
    from mllens.scan.parse.simple import parse_toml

    return parse_toml(text)


def _requirements(text: str) -> Any:
    from mllens.scan.parse.requirements import parse_requirements

    return parse_requirements(text)


def _dockerfile(text: str) -> Any:
    from mllens.scan.parse.dockerfile import parse_dockerfile

    return parse_dockerfile(text)


def _terraform(text: str) -> Any:
    from mllens.scan.parse.hcl import parse_hcl

    return parse_hcl(text)


PARSERS: dict[str, Parser] = {
    "python": _python,
    "notebook": _notebook,
    "yaml": _yaml,
    "json": _json,
    "toml": _toml,
    "requirements": _requirements,
    "dockerfile": _dockerfile,
    "terraform": _terraform,
}


def parse(kind: str, text: str) -> Any:
    """The parsed form of `text` for `kind` (None for text-only kinds)."""
    parser = PARSERS.get(kind)
    if parser is None:
        return None
    try:
        return parser(text)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError("nested too deeply to parse") from None
    except MemoryError:
        raise ParseError("too large to parse in memory") from None


__all__ = ["PARSERS", "ParseError", "parse"]
