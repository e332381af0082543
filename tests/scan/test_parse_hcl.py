"""The tree-sitter HCL reader: the dict form the Terraform detectors read, lines, and refusals."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest

from mllens.scan.detectors._tf import decode_policy
from mllens.scan.parse import ParseError, parse
from mllens.scan.parse.hcl import parse_hcl

ROOT = Path(__file__).resolve().parents[2]

VALUES = """\
a = "plain"
b = "esc \\"q\\" \\n \\u00e9 $${keep}"
c = 42
d = 1.5
e = -3
f = 1.5e3
g = true
h = null
i = [1, "two", false]
j = { k = 1, "q.r" = "s", 3 = var.x }
k = string
l = var.region
m = "arn:${var.partition}:s3:::${local.bucket}"
n = var.n > 0 ? var.n : 0
o = merge(var.tags, {
  Name = "x" # a comment inside an expression
})
p = [for s in var.subnets : s.id if s.public]
q = { for k, v in var.m : k => upper(v) }
r = aws_instance.web[*].id
s = (var.a + 2) * 3
t = !var.flag
u = var.list[0].name
v = f(var.args...)
"""

EXPECTED: dict[str, Any] = {
    "a": "plain",
    "b": 'esc "q" \n \u00e9 $${keep}',
    "c": 42,
    "d": 1.5,
    "e": -3,
    "f": "${1.5e3}",
    "g": True,
    "h": None,
    "i": [1, "two", False],
    "j": {"k": 1, "q.r": "s", "3": "${var.x}"},
    "k": "string",
    "l": "${var.region}",
    "m": "arn:${var.partition}:s3:::${local.bucket}",
    "n": "${var.n > 0 ? var.n : 0}",
    "o": '${merge(var.tags, {Name = "x"})}',
    "p": "${[for s in var.subnets : s.id if s.public]}",
    "q": "${{for k, v in var.m : k => upper(v)}}",
    "r": "${aws_instance.web[*].id}",
    "s": "${(var.a + 2) * 3}",
    "t": "${!var.flag}",
    "u": "${var.list[0].name}",
    "v": "${f(var.args ...)}",
}


def test_values_keep_the_form_the_detectors_read() -> None:
    assert parse_hcl(VALUES) == EXPECTED


def test_blocks_nest_by_label_with_their_lines() -> None:
    text = (
        'resource "aws_sagemaker_endpoint_configuration" "ec" {\n'
        "  kms_key_id = aws_kms_key.ml.arn\n"
        "  production_variants {\n"
        "    initial_instance_count = 2\n"
        "  }\n"
        "  production_variants {\n"
        "    initial_instance_count = 1\n"
        "  }\n"
        "}\n"
        "module m {\n}\n"
    )
    data = parse("terraform", text)
    config = data["resource"][0]["aws_sagemaker_endpoint_configuration"]["ec"]
    assert (config["__start_line__"], config["__end_line__"]) == (1, 9)
    assert config["__attr_lines__"] == {"kms_key_id": 2}
    variants = config["production_variants"]
    assert [(v["initial_instance_count"], v["__start_line__"], v["__attr_lines__"]) for v in variants] == [
        (2, 3, {"initial_instance_count": 4}),
        (1, 6, {"initial_instance_count": 7}),
    ]
    assert data["module"] == [{"m": {"__attr_lines__": {}, "__start_line__": 10, "__end_line__": 11}}]


def test_heredocs_stay_as_written_and_policies_decode() -> None:
    text = (
        "resource \"aws_iam_policy\" \"p\" {\n"
        "  policy = jsonencode({\n"
        "    Statement = [{ Effect = \"Allow\", Action = [\"s3:*\"] }]\n"
        "  })\n"
        "  doc = <<EOF\n"
        "{\"a\": 1}\n"
        "EOF\n"
        "}\n"
    )
    body = parse_hcl(text)["resource"][0]["aws_iam_policy"]["p"]
    assert body["doc"] == '<<EOF\n{"a": 1}\nEOF'
    assert decode_policy(body["policy"]) == {"Statement": [{"Effect": "Allow", "Action": ["s3:*"]}]}
    assert decode_policy(body["doc"]) == {"a": 1}


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('resource "a" "b" {\n  x = 1\n', 3),  # never closed
        ("a = 1 2\n", 1),
        ('a = "x" "y"\n', 1),
        ("a = 1\n}\n", 2),
        ("a = 1\na { }\n", 2),  # a block named like an attribute above it
    ],
)
def test_malformed_hcl_is_one_parse_error_with_its_line(text: str, line: int) -> None:
    with pytest.raises(ParseError) as raised:
        parse("terraform", text)
    assert raised.value.line == line
    assert raised.value.message.startswith("malformed HCL: ")


def test_comments_and_empty_input() -> None:
    assert parse_hcl("") == {}
    assert parse_hcl("# only a comment\n// and another\n/* and a block */\n") == {}


def _reference() -> Any:
    pytest.importorskip("hcl2")
    spec = importlib.util.spec_from_file_location("hcl2_reference", ROOT / "bench" / "hcl2_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.parse_hcl


def test_every_terraform_file_of_the_fixtures_reads_as_python_hcl2_read_it() -> None:
    """The reader replaced python-hcl2 with the same output: checked on every .tf file we ship
    (python-hcl2 is a dev dependency for this and for bench/parsers.py)."""
    reference = _reference()
    files = sorted([*ROOT.joinpath("tests").rglob("*.tf"), *ROOT.joinpath("examples").rglob("*.tf")])
    assert len(files) > 100
    for path in files:
        text = path.read_text("utf-8")
        outcomes = []
        for reader in (reference, parse_hcl):
            try:
                outcomes.append(reader(text))
            except ParseError as exc:
                outcomes.append(("parse error", exc.line))
        assert outcomes[0] == outcomes[1], path
