"""mllens.readers: every file a user gives mllens is read within bounds, and what is refused
is refused in one line naming the file (and, for YAML, the line)."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest
import yaml

from mllens import readers
from mllens.errors import AnswersError, InputError
from mllens.readers import (
    MAX_JSON_DEPTH,
    MAX_YAML_VALUES,
    check_yaml,
    compose_checked,
    json_depth,
    parse_json,
    read_json,
    read_text,
)
from mllens.yamlio import parse_yaml

SRC = Path(__file__).parents[1] / "src" / "mllens"


def laughs(levels: int = 10, width: int = 9) -> str:
    """A "billion laughs": each level is `width` aliases of the one before."""
    lines = ["workload: {name: x}", "l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def refusal(text: str) -> str:
    with pytest.raises(InputError) as caught:
        check_yaml(text, file="mllens.yaml")
    return str(caught.value)


# --- YAML: alias expansion -----------------------------------------------------------------


def test_a_billion_laughs_is_refused_at_the_line_where_it_crosses_the_limit() -> None:
    tracemalloc.start()
    try:
        message = refusal(laughs())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # l0 is 10 values, each next level 1 + 9 times the last: l5 (line 7) is the first over 200,000.
    assert message == (
        "mllens.yaml: YAML expands to more than 200,000 values (aliases counted each time they are used) at line 7"
    )
    assert peak < 5 * 1024 * 1024  # the graph has ~100 nodes; nothing was expanded


def test_aliases_are_counted_once_per_node_so_sharing_within_the_limit_passes() -> None:
    text = laughs(levels=5)  # 9**5 = 59,049 values: under the limit
    data = parse_yaml(text, file="x.yaml")
    assert len(data["l4"]) == 9 and data["l4"][0] is data["l4"][1]  # shared, not copied


def test_a_long_string_used_through_many_aliases_is_refused_by_its_characters() -> None:
    text = "s: &s " + "x" * 100_000 + "\nmany: [" + ", ".join(["*s"] * 300) + "]\n"
    assert refusal(text) == (
        "mllens.yaml: YAML expands to more than 20,000,000 characters (aliases counted each time they are used)"
        " at line 2"
    )


def test_values_of_several_documents_add_up() -> None:
    one = "[" + ", ".join(["1"] * 60_000) + "]\n"
    assert "more than 200,000 values" in refusal("---\n".join([one] * 4))


def test_a_node_that_contains_itself_is_refused() -> None:
    assert refusal("a: &a [1, *a]\n") == "mllens.yaml: recursive YAML alias (a node that contains itself) at line 1"


def test_the_shipped_lens_and_detector_metadata_pass_with_a_wide_margin() -> None:
    files = sorted([*(SRC / "lens" / "data").rglob("*.yaml"), *(SRC / "scan" / "detectors").glob("*.yaml")])
    assert len(files) > 10
    largest = 0
    for path in files:
        for root in compose_checked(path.read_text(encoding="utf-8"), file=path.name):
            budget = readers._Budget(file=path.name, error=InputError)
            if root is not None:
                budget.add_document(root)
            largest = max(largest, budget.values)
    # measured: the largest (cost_optimization.yaml) holds about 3,000 values
    assert 1_000 < largest < MAX_YAML_VALUES // 20


# --- YAML: tags ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tag", "line"),
    [
        ("workload: !!python/object/apply:os.system ['id']\n", "!!python/object/apply:os.system", 1),
        ("a: 1\nb: !!python/name:os.system ''\n", "!!python/name:os.system", 2),
        ("a:\n  - !!python/object:collections.OrderedDict {}\n", "!!python/object:collections.OrderedDict", 2),
        ("a: !custom x\n", "!custom", 1),
        ("a: !!binary aGk=\n", "!!binary", 1),
        ("a: !!set {x}\n", "!!set", 1),
        ("%TAG !e! tag:example.com,2000:\n---\na: !e!thing 1\n", "tag:example.com,2000:thing", 3),
    ],
)
def test_a_tag_that_is_not_core_yaml_is_refused_with_its_line(text: str, tag: str, line: int) -> None:
    assert refusal(text) == f"mllens.yaml: unsupported YAML tag {tag} at line {line}"


def test_core_tags_merge_keys_and_a_bare_equals_sign_are_read() -> None:
    text = (
        "base: &base {owner: ml}\n"
        "team:\n  <<: *base\n  name: !!str 12\n  size: !!int '3'\n  since: 2024-01-02\n  sign: =\n  none: ~\n"
    )
    data = parse_yaml(text, file="x.yaml")
    assert data["team"] == {
        "owner": "ml", "name": "12", "size": 3, "since": data["team"]["since"], "sign": "=", "none": None
    }


def test_a_python_tag_in_mllens_yaml_is_refused_before_the_round_trip_parser_sees_it(tmp_path: Path) -> None:
    from mllens.answers.io import read_answers

    path = tmp_path / "mllens.yaml"
    path.write_text("workload: {name: w}\nanswers:\n  MLSEC03-BP02: !!python/object:os.system {}\n", encoding="utf-8")
    with pytest.raises(AnswersError) as caught:
        read_answers(path, display="mllens.yaml")
    assert str(caught.value) == "mllens.yaml: unsupported YAML tag !!python/object:os.system at line 3"


# --- YAML: nesting and malformed text ------------------------------------------------------


def test_yaml_nested_deeper_than_the_limit_is_refused() -> None:
    deep = "a: " + "[" * 150 + "]" * 150 + "\n"
    assert refusal(deep) == "mllens.yaml: YAML nested deeper than 100 levels at line 1"
    block = "a:\n" + "".join("  " * i + "- \n" for i in range(1, 1200))  # beyond libyaml's own cap
    assert refusal(block).startswith("mllens.yaml: malformed YAML at line ")


def test_control_characters_name_the_line() -> None:
    assert refusal("a: 1\nb: x\x00y\n") == (
        "mllens.yaml: malformed YAML at line 2: the character U+0000 is not allowed in YAML"
    )


def test_parse_yaml_wants_one_document() -> None:
    with pytest.raises(InputError, match=r"^x.yaml: malformed YAML at line 3: expected one document, found 2$"):
        parse_yaml("a: 1\n---\nb: 2\n", file="x.yaml")
    assert parse_yaml("", file="x.yaml") is None


# --- JSON ----------------------------------------------------------------------------------


def test_json_nested_100000_deep_is_refused_without_recursion() -> None:
    text = "[" * 100_000 + "]" * 100_000
    with pytest.raises(InputError) as caught:
        parse_json(text, file="deep.json")
    assert str(caught.value) == f"deep.json: JSON nested deeper than {MAX_JSON_DEPTH} levels"


def test_json_depth_ignores_brackets_inside_strings() -> None:
    assert json_depth('{"a": "[[[[{{{{\\"]]", "b": [[1]]}') == 3
    assert json_depth("[" * 300, limit=10) == 11  # counting stops past the limit
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert parse_json(nested, file="ok.json") is not None  # at the limit is fine


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "x.json: is empty (expected a report)"),
        (b"  \n", "x.json: is empty (expected a report)"),
        (b'{"a": "caf\xe9"}', "x.json: not UTF-8 text (byte 10)"),
        (b'{"a": [1,', "x.json: malformed JSON at line 1, column 10: Expecting value (expected a report)"),
        (b"1" * 5000, "x.json: malformed JSON: a number too long to read (expected a report)"),
    ],
)
def test_json_files_that_are_not_json_say_what_they_are(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_json(path, file="x.json", expected="a report")
    assert str(caught.value) == message


def test_a_byte_order_mark_is_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b'\xef\xbb\xbf{"a": 1}')
    assert read_json(path) == {"a": 1}


# --- files ---------------------------------------------------------------------------------


def test_what_is_not_a_readable_regular_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match=r"^d: is a directory \(expected a JSON file\)$"):
        read_text(tmp_path, file="d", expected="a JSON file")
    with pytest.raises(InputError, match=r"^m: cannot read: No such file or directory$"):
        read_text(tmp_path / "missing", file="m")
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(InputError, match=r"^p: is not a regular file$"):
        read_text(tmp_path / "pipe", file="p")  # a pipe is refused, not read (it would block)
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2048)
    monkeypatch.setattr(readers, "MAX_INPUT_BYTES", 1024)
    with pytest.raises(InputError, match=r"^big.json: is 2,048 bytes, more than the 1,024 bytes mllens reads$"):
        read_text(big, file="big.json")


def test_the_error_class_is_the_callers(tmp_path: Path) -> None:
    path = tmp_path / "mllens.yaml"
    path.write_bytes(b"a: \xff\n")
    with pytest.raises(AnswersError, match=r"^mllens.yaml: not UTF-8 text \(byte 3\)$"):
        read_text(path, file="mllens.yaml", error=AnswersError)


def test_pyyaml_is_never_asked_to_construct_what_was_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    constructed: list[object] = []
    real = yaml.constructor.SafeConstructor.construct_document

    def spy(self: object, node: object) -> object:
        constructed.append(node)
        return real(self, node)  # type: ignore[arg-type]

    monkeypatch.setattr(yaml.constructor.SafeConstructor, "construct_document", spy)
    with pytest.raises(InputError):
        parse_yaml(laughs(), file="x.yaml")
    assert constructed == []


def test_a_yaml_integer_python_would_not_convert_is_refused_with_its_line() -> None:
    assert refusal("a: 1\nb: " + "9" * 5000 + "\n") == "mllens.yaml: a number longer than 4,000 characters at line 2"


def test_mllens_yaml_has_its_own_smaller_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mllens.answers.io as answers_io

    monkeypatch.setattr(answers_io, "MAX_ROUND_TRIP_BYTES", 100)
    path = tmp_path / "mllens.yaml"
    path.write_text("workload: {name: w}\nnotes: " + "x" * 200 + "\n", encoding="utf-8")
    with pytest.raises(AnswersError, match=r"^mllens.yaml: is 228 bytes, more than the 100 bytes mllens reads$"):
        answers_io.read_answers(path, display="mllens.yaml")


def test_a_folder_named_mllens_yaml_is_an_error_not_a_missing_file(tmp_path: Path) -> None:
    from mllens.workflow import open_answers

    (tmp_path / "mllens.yaml").mkdir()
    with pytest.raises(AnswersError, match=r"mllens.yaml: is a directory$"):
        open_answers(tmp_path)


def test_core_tags_in_mllens_yaml_are_read_as_their_values_not_as_objects(tmp_path: Path) -> None:
    from mllens.answers.io import dump_answers, read_answers

    path = tmp_path / "mllens.yaml"
    text = "workload: {name: !!str 12}\nanswers:\n  MLSEC03-BP02: {status: implemented, notes: =}\n"
    path.write_text(text, encoding="utf-8")
    doc = read_answers(path, display="mllens.yaml")
    assert doc.answers.workload.name == "12"
    assert doc.answers.answers["MLSEC03-BP02"].notes == "="
    assert dump_answers(doc) == text  # the round trip keeps the tag as written


def test_a_mapping_key_that_is_a_list_or_a_mapping_is_refused_with_its_line() -> None:
    assert refusal("workload: {name: w}\n? [a, b]\n: 1\n") == (
        "mllens.yaml: a mapping key must be text or a number, not a list, at line 2"
    )
    assert refusal("a: {? {b: 1} : 2}\n").endswith("not a mapping, at line 1")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("workload: [1]\n", "mllens.yaml: workload: expected a mapping (got a list)"),
        ("workload: {name: w, owner: 2020-01-01}\n", "mllens.yaml: workload.owner: expected text (got 2020-01-01)"),
        ("7\n", "mllens.yaml: expected a mapping at the top level, got a number"),
        ("workload: {name: w}\n1: x\n", "mllens.yaml: [1]: expected a key that is text (got 1)"),
        (
            "workload: {name: w}\naccepted_risks: [{practice: MLSEC03-BP02, owner: o, expires: soon, reason: r}]\n",
            "mllens.yaml: accepted_risks[0].expires: expected a date (YYYY-MM-DD) (got 'soon')",
        ),
    ],
)
def test_mllens_yaml_messages_say_what_was_expected_in_the_files_words(tmp_path: Path, text: str, message: str) -> None:
    from mllens.answers.io import read_answers

    path = tmp_path / "mllens.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AnswersError) as caught:
        read_answers(path, display="mllens.yaml")
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!int a\n", "'a' is not a valid !!int at line 1"),
        ("a: 1\nb: !!bool maybe\n", "'maybe' is not a valid !!bool at line 2"),
        ("a: !!timestamp soon\n", "'soon' is not a valid !!timestamp at line 1"),
        ("a: !!map [x]\n", "the tag !!map does not fit a list at line 1"),
        ("a: !!str {x: 1}\n", "the tag !!str does not fit a mapping at line 1"),
    ],
)
def test_a_core_tag_on_a_value_it_cannot_hold_is_refused_with_its_line(text: str, message: str) -> None:
    assert refusal(text) == f"mllens.yaml: {message}"


def test_a_tag_the_round_trip_parser_cannot_convert_is_one_line(tmp_path: Path) -> None:
    from mllens.answers.io import read_answers

    path = tmp_path / "mllens.yaml"
    path.write_text("workload: {name: w}\nx: !!int 1:30\n", encoding="utf-8")  # YAML 1.1 only: 90
    with pytest.raises(AnswersError) as caught:
        read_answers(path, display="mllens.yaml")
    assert str(caught.value) == "mllens.yaml: malformed YAML: a value does not match the tag it is given"
