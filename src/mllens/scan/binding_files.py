"""Which small files may bind the references of another file, from paths alone.

A Terraform file's `var.x` takes its value from the `variable` blocks of its module
directory and from the `*.tfvars` of each environment; a CloudFormation template's
`!Ref Param` from its Parameters' Defaults and from the parameter files beside it. The
engine reads those few files with the file that references them (their bytes go into its
cache digest), and a re-scan re-judges a file when one of them changed: both ask here.

- Terraform, for `D/x.tf`: the declaration files of D (`variables.tf`, `*vars*.tf`,
  `locals.tf`, `inputs.tf`), and every `*.tfvars` / `*.tfvars.json` in D or below it (up to
  three folders down) in folders holding no `.tf` of their own (another module).
- CloudFormation, for a YAML/JSON file in D: the `.json` files of D and of its subfolders
  (up to two down) named like parameter or environment folders (`params/`, `envs/prod/`),
  except the JSON files tools keep (package.json ...), and SAM's `samconfig.toml` beside it.
  Which of them are parameter files, and for which template, is decided from their text
  (`scan.model.bindings_read`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

TF_DECLS = re.compile(r"(?:^|/)(?:[^/]*(?:variables|vars)[^/]*|locals|[^/]*_locals|inputs)\.tf$")
TFVARS = re.compile(r"\.tfvars(?:\.json)?$")
CFN_CONSUMER = re.compile(r"\.(?:ya?ml|json|template)$")
_TOOL_JSON = re.compile(
    r"(?:^|/)(?:package(?:-lock)?|tsconfig[^/]*|cdk(?:\.context)?|composer|\.?eslintrc|launch|settings|"
    r"devcontainer|renovate|manifest|tree|cdk\.out/[^/]*)\.json$|\.schema\.json$|\.tfvars\.json$"
)
# Folders below a template that hold its parameter files (or one environment's).
PARAM_FOLDERS = frozenset({
    "params", "parameters", "parameter", "param", "config", "configs", "configuration", "configurations",
    "env", "envs", "environment", "environments", "stage", "stages", "deploy", "deployment", "deployments",
    "settings", "vars", "variables", "prod", "production", "staging", "stg", "dev", "development", "test",
    "qa", "uat", "preprod", "sandbox",
})  # fmt: skip
_TF_DEPTH, _CFN_DEPTH = 3, 2
_TFVARS_ENDS = (".tfvars", ".tfvars.json")
_CFN_ENDS = (".yaml", ".yml", ".json", ".template")
_SAMCONFIG = "samconfig.toml"
_ANY_ENDS = (".tf", *_TFVARS_ENDS, *_CFN_ENDS, _SAMCONFIG)


def _parent(folder: str) -> str | None:
    return None if not folder else posixpath.dirname(folder)


@dataclass
class BindingFiles:
    """The candidates of a project, by folder."""

    tf_dirs: frozenset[str]  # folders holding a .tf file
    decls: Mapping[str, list[str]]  # folder -> its Terraform declaration files
    tfvars: Mapping[str, list[str]]  # folder -> its tfvars files
    jsons: Mapping[str, list[str]]  # folder -> its candidate parameter files
    children: Mapping[str, set[str]] = field(default_factory=dict)  # folder -> subfolders holding candidates
    templates: Mapping[str, list[str]] = field(default_factory=dict)  # folder -> its YAML/JSON/template files

    @classmethod
    def of(cls, paths: Iterable[str]) -> BindingFiles:
        tf_dirs: set[str] = set()
        decls: dict[str, list[str]] = {}
        tfvars: dict[str, list[str]] = {}
        jsons: dict[str, list[str]] = {}
        templates: dict[str, list[str]] = {}
        children: dict[str, set[str]] = {}
        for path in paths:
            if not path.endswith(_ANY_ENDS):
                continue  # most files of a project (a plain suffix test first: this sees every path)
            folder = posixpath.dirname(path)
            if path.endswith(".tf"):
                tf_dirs.add(folder)
                if TF_DECLS.search(path):
                    decls.setdefault(folder, []).append(path)
                continue
            if path.endswith(_TFVARS_ENDS):
                tfvars.setdefault(folder, []).append(path)
            elif posixpath.basename(path) == _SAMCONFIG:
                jsons.setdefault(folder, []).append(path)
            elif path.endswith(_CFN_ENDS):
                templates.setdefault(folder, []).append(path)
                if path.endswith(".json") and not _TOOL_JSON.search(path):
                    jsons.setdefault(folder, []).append(path)
                else:
                    continue
            else:
                continue
            child, up = folder, _parent(folder)
            while up is not None and child not in children.get(up, ()):
                children.setdefault(up, set()).add(child)
                child, up = up, _parent(up)
        return cls(frozenset(tf_dirs), decls, tfvars, jsons, children, templates)

    def _below(self, folder: str, depth: int) -> Iterable[tuple[str, tuple[str, ...]]]:
        """(subfolder, its names below `folder`) for subfolders up to `depth` down."""
        todo: list[tuple[str, tuple[str, ...]]] = [(folder, ())]
        while todo:
            here, names = todo.pop()
            yield here, names
            if len(names) < depth:
                for sub in sorted(self.children.get(here, ())):
                    todo.append((sub, (*names, posixpath.basename(sub))))

    def terraform(self, path: str) -> list[str]:
        """The files that may bind the references of the Terraform file `path`."""
        folder = posixpath.dirname(path)
        found = [p for p in self.decls.get(folder, ()) if p != path]
        for sub, names in self._below(folder, _TF_DEPTH):
            if names and any(self._holds_tf(folder, sub)):
                continue
            found.extend(self.tfvars.get(sub, ()))
        return sorted(found)

    def _holds_tf(self, top: str, sub: str) -> Iterable[bool]:
        here: str | None = sub
        while here is not None and here != top:
            yield here in self.tf_dirs
            here = _parent(here)

    def cloudformation(self, path: str) -> list[str]:
        """The files that may be parameter files of the template `path`."""
        folder = posixpath.dirname(path)
        found: list[str] = []
        for sub, names in self._below(folder, _CFN_DEPTH):
            if names and not any(name.lower() in PARAM_FOLDERS for name in names):
                continue
            found.extend(p for p in self.jsons.get(sub, ()) if p != path and (not names or p.endswith(".json")))
        return sorted(found)

    def sources(self, path: str) -> list[str]:
        if path.endswith(".tf"):
            return self.terraform(path)
        if CFN_CONSUMER.search(path) and not TFVARS.search(path):
            return self.cloudformation(path)
        return []

    def siblings(self, path: str) -> list[str]:
        """The YAML/JSON/template files beside `path` (which a parameter file may name)."""
        return self.templates.get(posixpath.dirname(path), [])


def is_source(path: str) -> bool:
    """A file some other file's references may read (see the module's description)."""
    if TFVARS.search(path) or TF_DECLS.search(path) or posixpath.basename(path) == _SAMCONFIG:
        return True
    return path.endswith(".json") and not _TOOL_JSON.search(path)


def stale_consumers(changed: Iterable[str], consumers: Iterable[str], *, names: bool = False) -> set[str]:
    """Of `consumers`, those some changed (new, edited or deleted) source may bind (`names`:
    and those beside a changed template-like file, whose name a parameter file may use)."""
    scopes: set[tuple[str, str]] = set()  # (folder, "tf" | "cfn")
    for path in changed:
        if not is_source(path):
            if names and CFN_CONSUMER.search(path):
                scopes.add((posixpath.dirname(path), "cfn"))
            continue
        syntax = "tf" if path.endswith(".tf") or TFVARS.search(path) else "cfn"
        depth = 0 if path.endswith(".tf") else _TF_DEPTH if syntax == "tf" else _CFN_DEPTH
        here: str | None = posixpath.dirname(path)
        for _ in range(depth + 1):
            if here is None:
                break
            scopes.add((here, syntax))
            here = _parent(here)
    if not scopes:
        return set()
    out = set()
    for path in consumers:
        syntax = "tf" if path.endswith(".tf") else "cfn" if CFN_CONSUMER.search(path) else ""
        if syntax and (posixpath.dirname(path), syntax) in scopes:
            out.add(path)
    return out


def forget_stale(digests: dict[str, str], paths: Iterable[str], recorded: Collection[str]) -> None:
    """Drop from `digests` (files known unchanged) every file whose references a new, changed
    or deleted binding file may bind: its own bytes are unchanged, its result may not be. A new
    or deleted template-like file may change which template a parameter file names: its folder's
    templates are read again too. (On the warm path: one pass of dictionary lookups when
    nothing changed.)"""
    changed: list[str] = []
    present, listed = 0, []
    for path in paths:
        listed.append(path)
        if path in recorded:
            present += 1
        if path not in digests and path.endswith(_ANY_ENDS) and (
            is_source(path) or (path not in recorded and CFN_CONSUMER.search(path))
        ):
            changed.append(path)
    if present < len(recorded):  # some file read before is gone
        current = set(listed)
        changed += [p for p in recorded if p not in current and p.endswith(_ANY_ENDS)]
    if changed:
        for path in stale_consumers(changed, list(digests), names=True):
            del digests[path]
