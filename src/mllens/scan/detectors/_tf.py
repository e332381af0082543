"""Terraform blocks from the scanner's HCL form (dicts with line metadata, read by tree-sitter-hcl).

`blocks(file)` lists every resource, data source, provider and module block once per file
(memoised on the ParsedFile) as `Block`s whose `node` answers "which value, on which line".
IAM policies written as `jsonencode({...})`, heredoc JSON or a JSON string are decoded by
`decode_policy` (the resource model normalises their statements: mllens.scan.model.identity).
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mllens.scan.context import ParsedFile
from mllens.scan.detectors._iac import Node, all_serverless, listify
from mllens.scan.parse import ParseError
from mllens.scan.parse.hcl import parse_hcl

# Resource types that hold ML workloads (used for "ML infrastructure as code" and tags).
ML_PREFIXES = ("aws_sagemaker_", "google_vertex_ai_", "google_workbench_", "google_notebooks_",
               "azurerm_machine_learning_")


@dataclass(frozen=True)
class Block:
    kind: str  # resource, data, provider, module
    type: str  # resource/data type, provider or module name
    name: str  # resource/data name ("" for providers and modules)
    node: Node
    end: int

    @property
    def line(self) -> int:
        return self.node.line

    @property
    def address(self) -> str:
        prefix = "data." if self.kind == "data" else ""
        return f"{prefix}{self.type}.{self.name}" if self.name else f"{self.kind}.{self.type}"

    def at(self, path: str) -> tuple[Any, int]:
        return self.node.at(path)


def _build(file: ParsedFile) -> list[Block]:
    data = file.data if isinstance(file.data, Mapping) else {}
    out: list[Block] = []
    for kind in ("resource", "data"):
        for entry in listify(data.get(kind)):
            for rtype, named in (entry.items() if isinstance(entry, Mapping) else ()):
                for name, body in (named.items() if isinstance(named, Mapping) else ()):
                    if isinstance(body, Mapping):
                        out.append(_block(kind, str(rtype), str(name), body))
    for kind in ("provider", "module"):
        for entry in listify(data.get(kind)):
            for label, body in (entry.items() if isinstance(entry, Mapping) else ()):
                if isinstance(body, Mapping):
                    out.append(_block(kind, str(label), "", body))
    return out


def _block(kind: str, rtype: str, name: str, body: Mapping[str, Any]) -> Block:
    node = Node.of(body, int(body.get("__start_line__") or 1))
    return Block(kind, rtype, name, node, int(body.get("__end_line__") or node.line))


def blocks(file: ParsedFile) -> list[Block]:
    return file.memo("terraform.blocks", _build)


def resources(file: ParsedFile, *types: str, kind: str = "resource") -> Iterator[Block]:
    """Blocks of `kind` whose type matches one of `types` (fnmatch globs: "aws_sagemaker_*")."""
    for block in blocks(file):
        if block.kind != kind:
            continue
        if not types or any(fnmatch.fnmatchcase(block.type, t) for t in types):
            yield block


def is_ml(block: Block) -> bool:
    return block.kind == "resource" and block.type.startswith(ML_PREFIXES)


# --- SageMaker endpoint configurations ---

# Exactly `model_name = aws_sagemaker_model.X.name`; other spellings (count indexes, variables,
# literal names) are not resolved.
_MODEL_REF = re.compile(r"^\$\{\s*aws_sagemaker_model\.([A-Za-z0-9_-]+)\.name\s*\}$")


def endpoint_variants(block: Block) -> list[Node]:
    """Production and shadow variants of an aws_sagemaker_endpoint_configuration."""
    return [*block.node.children("production_variants"), *block.node.children("shadow_production_variants")]


def is_serverless_config(block: Block) -> bool:
    return all_serverless(endpoint_variants(block), "serverless_config")


def serverless_only_models(file: ParsedFile) -> set[str]:
    """Names of aws_sagemaker_model blocks that the endpoint configurations of this file
    reference, all of them from all-serverless configurations."""
    serverless: set[str] = set()
    instance: set[str] = set()
    for block in resources(file, "aws_sagemaker_endpoint_configuration"):
        into = serverless if is_serverless_config(block) else instance
        for variant in endpoint_variants(block):
            ref = _MODEL_REF.match(str(variant.get("model_name")))
            if ref:
                into.add(ref.group(1))
    return serverless - instance


# --- policies ---

_JSONENCODE = re.compile(r"^\$\{\s*jsonencode\((.*)\)\s*\}$", re.DOTALL)
_HEREDOC = re.compile(r"^<<-?\s*([A-Za-z_]+)\n(.*)\n\s*\1\s*$", re.DOTALL)
_ACTION_KEY = re.compile(r'^\s*"?(?:Not)?Actions?"?\s*[=:]', re.IGNORECASE)
_RESOURCE_KEY = re.compile(r'^\s*"?(?:Not)?(?:Resources?|Principals?|Condition|Effect|Sid)"?\s*[=:]', re.IGNORECASE)


def decode_policy(value: Any) -> Mapping[str, Any] | None:
    """A policy document written inline as jsonencode({...}), heredoc JSON or a JSON string.
    None for references (data.aws_iam_policy_document.x.json, file(...)) and bad input."""
    if not isinstance(value, str):
        return value if isinstance(value, Mapping) else None
    text = value.strip()
    encoded = _JSONENCODE.match(text)
    if encoded:
        try:
            doc = parse_hcl(f"policy = {encoded.group(1)}\n").get("policy")
        except ParseError:
            return None
        return doc if isinstance(doc, Mapping) else None
    heredoc = _HEREDOC.match(text)
    if heredoc:
        text = heredoc.group(2)
    if not text.startswith("{"):
        return None
    try:
        doc = json.loads(text)
    except ValueError:
        return None
    return doc if isinstance(doc, Mapping) else None


def action_line(file: ParsedFile, block: Block, start: int, action: str) -> int:
    """The line in `block` (from `start`) where `action` is listed under an Action key,
    for statements that the parser only places at their attribute's line."""
    lines = file.memo("text.lines", lambda f: f.text.split("\n"))
    in_actions = False
    quoted = f'"{action}"'
    for number in range(start, min(block.end, len(lines)) + 1):
        text = lines[number - 1]
        if text.lstrip().startswith(("#", "//")):
            continue
        if _ACTION_KEY.match(text):
            in_actions = True
        elif _RESOURCE_KEY.match(text):
            in_actions = False
        if in_actions and quoted in text:
            return number
    return start
