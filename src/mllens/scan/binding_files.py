"""Which small files may bind the references of another file, from paths alone.

A Terraform file's `var.x` takes its value from the `variable` blocks of its module
directory and from the `*.tfvars` of each environment; a CloudFormation template's
`!Ref Param` from its Parameters' Defaults and from the parameter files beside it. The
engine reads those few files with the file that references them (their bytes go into its
cache digest), and a re-scan re-judges a file when one of them changed: both ask here.

- Terraform, for `D/x.tf`: the other `.tf` files of D (any may declare a `variable` or
  `locals`; the engine keeps the text of those that say so), and every `*.tfvars` /
  `*.tfvars.json` in D or below it (up to three folders down) in folders holding no `.tf` of
  their own (another module). And the files of the folders that may call D as a module
  (`module "x" { source = "../D" }`): every folder holding `.tf` files up to two levels below
  D's parent or grandparent (outside D), with their `.tf` files and their own tfvars, by the
  same rule (the caller's inputs may be its variables, set per environment).
- CloudFormation, for a YAML/JSON file in D: the `.json` and `.yaml` files of D and of its
  subfolders (up to two down) named like parameter or environment folders (`params/`,
  `envs/prod/`), except the files tools keep (package.json, compose, chart values ...), and
  SAM's `samconfig.toml` beside it.
  Which of them are parameter files, and for which template, is decided from their text
  (`scan.model.bindings_read`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

TFVARS = re.compile(r"\.tfvars(?:\.json)?$")
CFN_CONSUMER = re.compile(r"\.(?:ya?ml|json|template)$")
_TOOL_JSON = re.compile(
    r"(?:^|/)(?:package(?:-lock)?|tsconfig[^/]*|cdk(?:\.context)?|composer|\.?eslintrc|launch|settings|"
    r"devcontainer|renovate|manifest|tree|cdk\.out/[^/]*)\.json$|\.schema\.json$|\.tfvars\.json$"
)
# YAML files that are some tool's own, never a parameter file.
_TOOL_YAML = re.compile(r"(?:^|/)(?:\.github|\.gitlab|\.circleci|templates|charts?|k8s|kubernetes|manifests)/|"
                        r"(?:^|/)(?:\.?pre-commit[^/]*|docker-compose[^/]*|compose|mkdocs|\.gitlab-ci|pnpm-lock|"
                        r"Chart|values[^/]*|kustomization|buildspec|serverless|environment|conda[^/]*)\.ya?ml$")
_PARAM_ENDS = (".json", ".yaml", ".yml")
# Folders below a template that hold its parameter files (or one environment's).
PARAM_FOLDERS = frozenset({
    "params", "parameters", "parameter", "param", "config", "configs", "configuration", "configurations",
    "env", "envs", "environment", "environments", "stage", "stages", "deploy", "deployment", "deployments",
    "settings", "vars", "variables", "prod", "production", "staging", "stg", "dev", "development", "test",
    "qa", "uat", "preprod", "sandbox",
})  # fmt: skip
_TF_DEPTH, _CFN_DEPTH = 3, 2
_CALLER_UP, _CALLER_DOWN = 2, 2  # a module's callers: below its parent or grandparent, two levels down
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
    decls: Mapping[str, list[str]]  # folder -> its Terraform files
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
                decls.setdefault(folder, []).append(path)
            elif path.endswith(_TFVARS_ENDS):
                tfvars.setdefault(folder, []).append(path)
            elif posixpath.basename(path) == _SAMCONFIG:
                jsons.setdefault(folder, []).append(path)
            elif path.endswith(_CFN_ENDS):
                templates.setdefault(folder, []).append(path)
                if _param_like_path(path):
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
        found.extend(self._tfvars_of(folder))
        for caller in self.callers(folder):
            found.extend(self.decls.get(caller, ()))
            found.extend(self._tfvars_of(caller))
        return sorted(set(found))

    def _tfvars_of(self, folder: str) -> Iterable[str]:
        for sub, names in self._below(folder, _TF_DEPTH):
            if names and any(self._holds_tf(folder, sub)):
                continue
            yield from self.tfvars.get(sub, ())

    def callers(self, folder: str) -> list[str]:
        """The folders holding .tf files that may call `folder` as a module (see above)."""
        found: set[str] = set()
        up: str | None = folder
        for _ in range(_CALLER_UP):
            up = _parent(up) if up is not None else None
            if up is None:
                break
            for sub, _names in self._below(up, _CALLER_DOWN):
                if sub in self.tf_dirs and sub != folder and not sub.startswith(folder + "/" if folder else "\0"):
                    found.add(sub)
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
            found.extend(p for p in self.jsons.get(sub, ()) if p != path and (not names or p.endswith(_PARAM_ENDS)))
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


def _param_like_path(path: str) -> bool:
    """A JSON or YAML file that may be a parameter file (not one of the files tools keep)."""
    if path.endswith(".json"):
        return not _TOOL_JSON.search(path)
    return path.endswith(_PARAM_ENDS) and not _TOOL_YAML.search(path)


def is_source(path: str) -> bool:
    """A file some other file's references may read (see the module's description)."""
    if TFVARS.search(path) or path.endswith(".tf") or posixpath.basename(path) == _SAMCONFIG:
        return True
    return _param_like_path(path)


def _ancestors(folder: str, levels: int) -> Iterable[str]:
    """`folder` and its parents, up to `levels` above it."""
    here: str | None = folder
    for _ in range(levels + 1):
        if here is None:
            return
        yield here
        here = _parent(here)


def stale_consumers(changed: Iterable[str], consumers: Iterable[str], *, names: bool = False) -> set[str]:
    """Of `consumers`, those some changed (new, edited or deleted) source may bind (`names`:
    and those beside a changed template-like file, whose name a parameter file may use)."""
    scopes: set[tuple[str, str]] = set()  # (folder, "tf" | "cfn" | "tfmod": modules one or two below)
    consumers = list(consumers)
    tf_dirs = {posixpath.dirname(p) for p in (*consumers, *changed) if p.endswith(".tf")}
    for path in changed:
        if not is_source(path):
            if names and CFN_CONSUMER.search(path):
                scopes.add((posixpath.dirname(path), "cfn"))
            continue
        if path.endswith(".tf") or TFVARS.search(path):
            # the module folder it belongs to, which may also call modules near it
            depth = 0 if path.endswith(".tf") else _TF_DEPTH
            found = [here for here in _ancestors(posixpath.dirname(path), depth) if here in tf_dirs]
            for owner in found[:1] or list(_ancestors(posixpath.dirname(path), depth)):
                scopes.add((owner, "tf"))
                scopes.update((up, "tfmod") for up in _ancestors(owner, _CALLER_DOWN))
            continue
        scopes.update((here, "cfn") for here in _ancestors(posixpath.dirname(path), _CFN_DEPTH))
    if not scopes:
        return set()
    out = set()
    for path in consumers:
        syntax = "tf" if path.endswith(".tf") else "cfn" if CFN_CONSUMER.search(path) else ""
        if not syntax:
            continue
        folder = posixpath.dirname(path)
        called = syntax == "tf" and any((up, "tfmod") in scopes for up in list(_ancestors(folder, _CALLER_UP))[1:])
        if called or (folder, syntax) in scopes:
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
