"""The safe parsers: lines kept, hostile input refused with a ParseError."""

from __future__ import annotations

import nbformat
import pytest

from mllens.scan.parse import ParseError, parse
from mllens.scan.parse.yaml import YamlMap


def test_yaml_documents_with_lines_and_cloudformation_tags() -> None:
    docs = parse(
        "yaml",
        "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Name: !Ref Name\n"
        "    Arn: !GetAtt Role.Arn\nbase: &b {x: 1}\nchild:\n  <<: *b\n  y: 2\n---\n- one\n",
    )
    first = docs[0]
    assert isinstance(first, YamlMap) and first.line_of("Resources") == 1
    bucket = first["Resources"]["Bucket"]
    assert bucket.line == 3 and bucket.line_of("Name") == 4
    assert bucket["Name"] == {"Ref": "Name"} and bucket["Arn"] == {"Fn::GetAtt": ["Role", "Arn"]}
    assert first["child"] == {"x": 1, "y": 2}
    assert docs[1] == ["one"] and docs[1].line_of(0) == 11


def test_yaml_never_builds_python_objects() -> None:
    assert parse("yaml", "a: !!python/object/apply:os.system ['echo hi']\n") == [{"a": ["echo hi"]}]


def test_yaml_alias_bomb_is_refused() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
    )
    with pytest.raises(ParseError, match="expand to over"):
        parse("yaml", bomb)


def test_notebook_lines_point_into_the_file() -> None:
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_markdown_cell("# t"), nbformat.v4.new_code_cell("import a\nb = 1\nc = 2")]
    text = nbformat.writes(book)
    cell = parse("notebook", text).code_cells()[0]
    lines = text.split("\n")
    assert [lines[n - 1].strip() for n in cell.lines] == ['"import a\\n",', '"b = 1\\n",', '"c = 2"']


def test_requirements_and_dockerfile() -> None:
    reqs = parse("requirements", "numpy==1.26.4  # pinned\ntorch>=2 ; python_version>'3.9'\n-r base.txt\n")
    assert [(r.line, r.name, r.spec, r.pinned) for r in reqs[:2]] == [
        (1, "numpy", "==1.26.4", True),
        (2, "torch", ">=2", False),
    ]
    assert reqs[2].option == "-r"
    docker = parse("dockerfile", "FROM python:3.11-slim AS base\nRUN pip install \\\n  numpy\nUSER app\n")
    assert [(i.line, i.keyword, i.value) for i in docker.instructions] == [
        (1, "FROM", "python:3.11-slim AS base"),
        (2, "RUN", "pip install numpy"),
        (4, "USER", "app"),
    ]


def test_hcl_blocks_carry_lines() -> None:
    data = parse(
        "terraform", 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  versioning {\n    enabled = true\n  }\n}\n'
    )
    bucket = data["resource"][0]["aws_s3_bucket"]["b"]
    assert (bucket["__start_line__"], bucket["__end_line__"], bucket["__attr_lines__"]) == (1, 6, {"bucket": 2})
    assert bucket["versioning"][0]["enabled"] is True


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("python", "def f(:\n"),
        ("json", "[" * 100_000),
        ("toml", "a = [\n"),
        ("terraform", "x {\n = =\n"),
        ("notebook", "[]"),
        ("yaml", "[" * 5000 + "]" * 5000),
    ],
)
def test_malformed_input_is_a_parse_error(kind: str, text: str) -> None:
    with pytest.raises(ParseError):
        parse(kind, text)
