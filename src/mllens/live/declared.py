"""The resources the project's files declare, as the model's kinds, for comparing with a
live account (`drift`). The infrastructure files are read again here, with what binds their
references (variables' tfvars and defaults, template parameter files), and mapped by the
same adapters the scan uses (`state_of`): whatever the syntax, a resource arrives as a kind."""

from __future__ import annotations

import os
from pathlib import Path

from mllens.scan.binding_files import BindingFiles
from mllens.scan.context import NOTHING_BOUND, Bound, ParsedFile
from mllens.scan.model.kinds import Resource
from mllens.scan.model.state import state_of
from mllens.scan.parse import parse
from mllens.scan.parse.errors import ParseError
from mllens.scan.walk import iter_paths, walk

# The kinds that declare cloud resources (Terraform, CloudFormation and its JSON form, CDK
# apps in Python or TypeScript), and words without which a file of that kind declares none
DECLARING = frozenset({"terraform", "yaml", "json", "python", "text"})
_WORDS = {"terraform": ("resource",), "yaml": ("AWS::",), "json": ("AWS::",), "python": ("aws_cdk",),
          "text": ("aws-cdk-lib",)}


def _text(root: str, rel: str) -> str | None:
    try:
        return Path(root, rel).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def declared_resources(root: str | os.PathLike[str]) -> list[Resource]:
    """Every resource the project's infrastructure files declare (a file that does not parse
    is left out: the scan of the files reports it)."""
    top = os.fspath(root)
    walked = walk(top)
    # only the project's own files deploy: not vendored code, fixtures, generated files or docs
    files = [f for f in iter_paths(walked, kinds=DECLARING)
             if f.path not in walked.classes or walked.classes[f.path].cls == "project"]
    binding = BindingFiles.of(f.path for f in files)
    out: list[Resource] = []
    for file in files:
        if file.kind == "text" and not file.path.endswith(".ts"):
            continue
        text = _text(top, file.path)
        if text is None or not any(word in text for word in _WORDS[file.kind]):
            continue
        sources = tuple((rel, t) for rel in binding.sources(file.path) if (t := _text(top, rel)) is not None)
        siblings = tuple(binding.siblings(file.path)) if file.kind != "terraform" and sources else ()
        try:
            parsed = ParsedFile(file.path, file.kind, text, parse(file.kind, text),
                                bound=Bound(sources, siblings) if sources else NOTHING_BOUND)
            out.extend(state_of(parsed).resources)
        except (ParseError, ValueError, TypeError):
            continue  # malformed: the files' scan says so, the comparison goes on without it
    return out
