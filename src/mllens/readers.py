"""The one place where a file a user gives mllens is read and its YAML or JSON parsed, bounded.

Every reader of user input (mllens.yaml, lens files, detector metadata, `--baseline`, lens
import and lint) goes through here, so the limits hold everywhere:

- a file is read only if it is a regular file of at most MAX_INPUT_BYTES, as UTF-8;
- YAML is composed into its node graph first (libyaml, which caps nesting itself; aliases
  are shared nodes, nothing is constructed). Before any constructor runs, the graph is
  walked once, without recursion: every tag must be a core YAML tag, nesting stays within
  MAX_YAML_DEPTH, and the documents fully expanded (each alias counted every time it is
  used, computed once per node) stay within MAX_YAML_VALUES values and MAX_YAML_CHARS
  characters. A "billion laughs" file is refused in milliseconds;
- JSON nesting is measured by scanning its brackets outside strings before json parses
  it (RecursionError is caught too, as a second guard).

Each refusal is an InputError (or the subclass the caller names) with one line naming the
file, and for YAML the line.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from mllens.errors import InputError

MAX_INPUT_BYTES = 64 * 1024 * 1024
MAX_ROUND_TRIP_BYTES = 4 * 1024 * 1024  # mllens.yaml: the round-trip parser is pure Python, ~3 MB/s
MAX_YAML_VALUES = 200_000  # the largest shipped lens file holds about 3,000
MAX_YAML_CHARS = 20_000_000  # text of all scalars once aliases are expanded
MAX_YAML_DEPTH = 100  # the shipped files nest 9 deep; the round-trip parser recurses
MAX_JSON_DEPTH = 256

try:  # libyaml's C parser: fast, and it refuses nesting deeper than 1,000 levels
    _Composer: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Composer = yaml.SafeLoader

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    _CORE + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "merge")
)
_INT_TAG = _CORE + "int"
MAX_NUMBER_CHARS = 4_000  # below Python's limit on converting text to an integer (4,300 digits)
_VALUE_TAG = _CORE + "value"  # what YAML 1.1 resolves a plain `=` to: a string for us


def read_text(
    path: Path,
    *,
    file: str | None = None,
    error: type[InputError] = InputError,
    expected: str = "",
    limit: int | None = None,
) -> str:
    """The text of a regular file of at most `limit` bytes (default MAX_INPUT_BYTES);
    anything else is `error` naming the file.

    `expected` (e.g. "a JSON report from `mllens scan --format json`") is added to the
    message, so it says what was expected as well as what was found."""
    name = file or str(path)
    hint = f" (expected {expected})" if expected else ""
    limit = MAX_INPUT_BYTES if limit is None else limit
    try:
        # Non-blocking open: a FIFO must be refused below, not wait for a writer.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                raise error(f"is a directory{hint}", file=name)
            if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
                raise error(f"is not a regular file{hint}", file=name)
            if info.st_size > limit:
                raise error(f"is {_size(info.st_size)}, more than the {_size(limit)} mllens reads", file=name)
            data = handle.read(limit + 1)
    except IsADirectoryError:
        raise error(f"is a directory{hint}", file=name) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror or type(exc).__name__}{hint}", file=name) from None
    if len(data) > limit:  # grew while we read it
        raise error(f"is more than the {_size(limit)} mllens reads", file=name)
    return decode(data, file=name, error=error)


def decode(data: bytes, *, file: str, error: type[InputError] = InputError) -> str:
    """UTF-8 text (a byte-order mark is dropped); anything else names the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text (byte {exc.start})", file=file) from None


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


# --- YAML -------------------------------------------------------------------------------


_KIND: dict[type[Node], str] = {ScalarNode: "scalar", SequenceNode: "list", MappingNode: "mapping"}
_TAG_KIND = {_CORE + "map": "mapping", _CORE + "seq": "list"}  # every other allowed tag is a scalar's
_TYPED = {_CORE + name: getattr(SafeConstructor, f"construct_yaml_{name}") for name in ("int", "float", "bool")}
_TYPED[_CORE + "timestamp"] = SafeConstructor.construct_yaml_timestamp
_SCALARS = SafeConstructor()


def _converts(node: ScalarNode) -> bool:
    """Whether a scalar tagged int, float, bool or timestamp holds such a value (an explicit
    tag can say `!!int a`, which every constructor would fail on)."""
    try:
        _TYPED[node.tag](_SCALARS, node)
    except Exception:  # each constructor fails its own way (ValueError, KeyError, TypeError ...)
        return False
    return True


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _children(node: Node) -> Iterator[Node]:
    if isinstance(node, SequenceNode):
        yield from node.value
    elif isinstance(node, MappingNode):
        for key, value in node.value:
            yield key
            yield value


class _Budget:
    """Walks node graphs (no recursion) and adds up their expanded size, once per node."""

    def __init__(self, *, file: str, error: type[InputError]) -> None:
        self.file = file
        self.error = error
        self.values = 0
        self.chars = 0

    def fail(self, message: str, node: Node) -> InputError:
        return self.error(f"{message} at line {_line(node)}", file=self.file)

    def check_node(self, node: Node, depth: int) -> None:
        tag = node.tag or ""
        if tag not in _ALLOWED_TAGS and not (tag == _VALUE_TAG and node.value == "="):
            raise self.fail(f"unsupported YAML tag {_show_tag(tag)}", node)
        node_kind = _KIND[type(node)]
        if _TAG_KIND.get(tag, "scalar") != node_kind:  # `!!map [a]`, `!!str {a: 1}`
            raise self.fail(f"the tag {_show_tag(tag)} does not fit a {node_kind}", node)
        if depth > MAX_YAML_DEPTH:
            raise self.fail(f"YAML nested deeper than {MAX_YAML_DEPTH} levels", node)
        if tag == _INT_TAG and len(node.value) > MAX_NUMBER_CHARS:  # Python will not convert it
            raise self.fail(f"a number longer than {MAX_NUMBER_CHARS:,} characters", node)
        if tag in _TYPED and isinstance(node, ScalarNode) and not _converts(node):  # `!!int a`
            raise self.fail(f"{node.value[:40]!r} is not a valid {_show_tag(tag)}", node)
        if isinstance(node, MappingNode):
            for key, _ in node.value:
                if not isinstance(key, ScalarNode):  # `? [a, b]`: no file of ours has such keys
                    kind = "list" if isinstance(key, SequenceNode) else "mapping"
                    raise self.fail(f"a mapping key must be text or a number, not a {kind},", key)

    def expanded(self, node: Node, sizes: dict[int, tuple[int, int]]) -> tuple[int, int]:
        """(values, characters) of `node` fully expanded, from its children's (in `sizes`)."""
        values, chars = 1, len(node.value) if isinstance(node, ScalarNode) else 0
        for child in _children(node):
            v, c = sizes[id(child)]
            values, chars = values + v, chars + c
        counted = "(aliases counted each time they are used)"
        if self.values + values > MAX_YAML_VALUES:
            raise self.fail(f"YAML expands to more than {MAX_YAML_VALUES:,} values {counted}", node)
        if self.chars + chars > MAX_YAML_CHARS:
            raise self.fail(f"YAML expands to more than {MAX_YAML_CHARS:,} characters {counted}", node)
        return values, chars

    def add_document(self, root: Node) -> None:
        sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (values, chars), expanded
        open_nodes: set[int] = set()  # nodes whose children are being walked: a cycle if met again
        stack: list[tuple[Node, int, bool]] = [(root, 1, False)]
        while stack:
            node, depth, done = stack.pop()
            key = id(node)
            if done:
                open_nodes.discard(key)
                sizes[key] = self.expanded(node, sizes)
                continue
            if key in sizes:
                continue
            if key in open_nodes:
                raise self.fail("recursive YAML alias (a node that contains itself)", node)
            self.check_node(node, depth)
            open_nodes.add(key)
            stack.append((node, depth, True))
            for child in _children(node):
                if id(child) in sizes:
                    continue
                if type(child) is ScalarNode:  # most nodes: settled here, not pushed
                    self.check_node(child, depth + 1)
                    sizes[id(child)] = (1, len(child.value))
                else:
                    stack.append((child, depth + 1, False))
        values, chars = sizes[id(root)]
        self.values += values
        self.chars += chars


def yaml_error(exc: yaml.YAMLError, *, text: str, file: str, error: type[InputError] = InputError) -> InputError:
    """A PyYAML error as one line naming the file and where."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        problem = (exc.problem or str(exc)).strip().splitlines()[0]
        return error(f"malformed YAML at {where}: {problem}", file=file)
    if isinstance(exc, yaml.reader.ReaderError) and isinstance(exc.character, int):
        char = chr(exc.character)
        line = text.count("\n", 0, text.find(char)) + 1 if char in text else None
        where = f" at line {line}" if line else ""
        return error(f"malformed YAML{where}: the character U+{exc.character:04X} is not allowed in YAML", file=file)
    return error(f"malformed YAML: {str(exc).strip().splitlines()[0]}", file=file)


def compose_checked(text: str, *, file: str, error: type[InputError] = InputError) -> list[Node | None]:
    """The node graph of every document in `text`, checked (tags, nesting, expanded size):
    safe to construct, with any YAML loader, afterwards."""
    budget = _Budget(file=file, error=error)
    documents: list[Node | None] = []
    try:
        for root in yaml.compose_all(text, Loader=_Composer):
            if root is not None:
                budget.add_document(root)
            documents.append(root)
    except yaml.YAMLError as exc:
        raise yaml_error(exc, text=text, file=file, error=error) from None
    except RecursionError:  # only the pure-Python composer recurses
        raise error(f"YAML nested deeper than {MAX_YAML_DEPTH} levels", file=file) from None
    return documents


def check_yaml(text: str, *, file: str, error: type[InputError] = InputError) -> None:
    """Refuse YAML that is malformed, uses a non-core tag, nests too deep or expands too far."""
    compose_checked(text, file=file, error=error)


# --- JSON -------------------------------------------------------------------------------

# A JSON string (escapes included) or one bracket. Where the text is not valid JSON the
# two may disagree, but json stops at the first error, and up to there they agree.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)


def json_depth(text: str, *, limit: int = MAX_JSON_DEPTH) -> int:
    """How deep the arrays and objects of `text` nest, counted up to `limit` + 1."""
    depth = deepest = 0
    for match in _JSON_TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif token in "]}":
            depth -= 1
    return deepest


def parse_json(
    source: str | bytes, *, file: str, error: type[InputError] = InputError, expected: str = ""
) -> Any:
    """Parse JSON text (bytes must be UTF-8), with bounded nesting; errors name the file."""
    text = decode(source, file=file, error=error) if isinstance(source, bytes) else source
    hint = f" (expected {expected})" if expected else ""
    if not text.strip():
        raise error(f"is empty{hint}", file=file)
    if json_depth(text) > MAX_JSON_DEPTH:
        raise error(f"JSON nested deeper than {MAX_JSON_DEPTH} levels{hint}", file=file)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}{hint}", file=file) from None
    except RecursionError:  # a second guard; the scan above should have refused it
        raise error(f"JSON nested deeper than {MAX_JSON_DEPTH} levels{hint}", file=file) from None
    except ValueError:  # an integer with more digits than Python converts
        raise error(f"malformed JSON: a number too long to read{hint}", file=file) from None


def read_json(
    path: Path, *, file: str | None = None, error: type[InputError] = InputError, expected: str = ""
) -> Any:
    """Read and parse a JSON file, bounded (see `read_text` and `parse_json`)."""
    name = file or str(path)
    return parse_json(read_text(path, file=name, error=error, expected=expected), file=name, error=error,
                      expected=expected)  # fmt: skip
