"""docs/aws.md's least-privilege policies grant exactly what the code calls: every
Well-Architected Tool operation named in mllens.aws for push, the read calls of pull."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import botocore.session

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "aws.md"
PACKAGE = ROOT / "src" / "mllens" / "aws"
PULL_READS = ("find_workload", "read_answers", "read_state")  # wa_push: what pull calls before writing the file


def _policy(title: str) -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    found = re.search(rf"## Least-privilege IAM policy: {title}\n+```json\n(.*?)```", text, re.S)
    assert found is not None, f"docs/aws.md has no policy for {title}"
    policy = json.loads(found.group(1))
    return {action for statement in policy["Statement"] for action in statement["Action"]}


def _operations(tree: ast.AST) -> set[str]:
    """The service's operation names written in the code (calls name operations as strings)."""
    known = set(botocore.session.get_session().get_service_model("wellarchitected").operation_names)
    return {f"wellarchitected:{node.value}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in known}


def _package() -> ast.Module:
    return ast.Module(body=[s for f in sorted(PACKAGE.glob("*.py")) for s in ast.parse(f.read_text()).body],
                      type_ignores=[])


def test_the_push_policy_grants_every_operation_the_code_calls_and_nothing_else() -> None:
    called = _operations(_package())
    assert {"wellarchitected:UpdateWorkload", "wellarchitected:GetWorkload", "wellarchitected:UpdateAnswer"} <= called
    assert _policy("push") == called


def test_the_pull_policy_grants_the_reads_of_pull_and_nothing_else() -> None:
    module = ast.parse((PACKAGE / "wa_push.py").read_text(encoding="utf-8"))
    functions = [n for n in module.body if isinstance(n, ast.FunctionDef) and n.name in PULL_READS]
    assert len(functions) == len(PULL_READS)
    reads = set().union(*(_operations(f) for f in functions))
    assert all(re.fullmatch(r"wellarchitected:(List|Get)[A-Za-z]+", action) for action in reads)
    assert _policy("pull") == reads
