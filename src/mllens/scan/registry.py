"""Detector families and their rules: metadata as validated data beside the code.

A family is `detectors/<family>.py`, or a package `detectors/<family>/` split by concern
(rule functions decorated with `@rule`), plus `detectors/<family>.yaml` (one metadata entry
per rule). Families are listed explicitly in FAMILY_MODULES; third parties add theirs
through the `mllens.detectors` entry point, loaded the same way. Nothing registers itself as a side effect of an import.

Facts (small JSON values file rules record for project rules) are declared in the family
YAML: `facts: {produces: {key: what a value holds}, consumes: [key, ...]}`. A fact one
family records and another reads is so visible in both files; every fact read must have a
family that records it (checked when the families load), and a rule that records or reads a
fact its family does not declare fails (a rule_error diagnostic).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata, resources
from types import ModuleType
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mllens.errors import InputError
from mllens.scan import cache_metadata
from mllens.scan.cache import cache_dir
from mllens.validation import validate_model

Scope = Literal["file", "project"]
F = TypeVar("F", bound=Callable[..., None])

# Our own families, in the order they run. Keep this list explicit.
FAMILY_MODULES: tuple[str, ...] = (
    "mllens.scan.detectors.python_code",
    "mllens.scan.detectors.notebooks",
    "mllens.scan.detectors.ml_resources",
    "mllens.scan.detectors.platform_resources",
    "mllens.scan.detectors.kubernetes",
    "mllens.scan.detectors.azureml",
    "mllens.scan.detectors.ci",
    "mllens.scan.detectors.docker",
    "mllens.scan.detectors.dependencies",
    "mllens.scan.detectors.dvc",
    "mllens.scan.detectors.mlflow",
    "mllens.scan.detectors.data",
    "mllens.scan.detectors.docs",
    "mllens.scan.detectors.secrets",
    "mllens.scan.detectors.monitoring",
)
ENTRY_POINT_GROUP = "mllens.detectors"
# Facts the scan itself reads, beside the project rules: `lifecycle` notes for the report's
# diagram (mllens.scan.lifecycle). A family may record them without a family reading them.
SCAN_READS = frozenset({"lifecycle"})
FACT_KEY = r"^[a-z0-9_]+(\.[a-z0-9_]+)*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Mapping(_Strict):
    """Which lens check a rule's evidence speaks to."""

    practice: str
    check: str


class RuleMeta(_Strict):
    title: str = Field(min_length=5, max_length=80)
    status: Literal["preview", "stable"] = "preview"
    confidence: float = Field(ge=0.0, le=1.0)
    maps: list[Mapping] = Field(min_length=1)
    outcomes: list[Literal["supports", "contradicts", "info"]] = Field(min_length=1)
    why: str = Field(min_length=10)
    how: str = Field(min_length=10)
    fix: dict[
        Literal["terraform", "cloudformation", "cdk", "kubernetes", "bicep", "arm", "azureml", "cli", "python", "yaml",
                "docker", "text", "serverless"],
        str,
    ] = {}
    references: list[str] = []
    redirect_from: list[str] = []  # ids this rule had before a rename (ids are forever)
    # Attributes of the resource model this judgement reads that no typed field carries:
    # `Kind.attribute: {resource type: path}`, read as `resource.attr("attribute")`; the kind
    # and agreement between rules are checked where the model reads them (attributes_read)
    reads: dict[str, dict[str, str]] = {}

    @field_validator("title")
    @classmethod
    def _title_style(cls, title: str) -> str:
        if title.lower().startswith("ensure"):
            raise ValueError("a title states what is found, it does not start with 'Ensure'")
        return title

    @field_validator("reads")
    @classmethod
    def _reads(cls, reads: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        for key, by_type in reads.items():
            if not re.fullmatch(r"[A-Z][A-Za-z]*\.[a-z][a-z0-9_]*", key):
                raise ValueError(f"expected Kind.attribute (Model.network_isolation), got {key!r}")
            for rtype, path in by_type.items():
                if not re.fullmatch(r"[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*", path):
                    raise ValueError(f"{key}: expected a dotted path for {rtype}, got {path!r}")
        return reads

    @field_validator("references")
    @classmethod
    def _urls(cls, refs: list[str]) -> list[str]:
        for url in refs:
            if not url.startswith(("https://", "http://")):
                raise ValueError(f"reference {url!r} is not an http(s) URL")
        return refs


class Facts(_Strict):
    """The facts a family's file rules record (key -> what one value holds) and those its
    project rules read, its own or another family's."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    produces: dict[str, str] = {}
    consumes: list[str] = []

    @field_validator("produces")
    @classmethod
    def _described(cls, produces: dict[str, str]) -> dict[str, str]:
        for key, what in produces.items():
            if not re.fullmatch(FACT_KEY, key):
                raise ValueError(f"fact key {key!r} is not lower_snake_case words joined by dots")
            if len(what) < 10:
                raise ValueError(f"fact {key!r}: say what one value holds (at least 10 characters)")
        return produces

    @field_validator("consumes")
    @classmethod
    def _once(cls, consumes: list[str]) -> list[str]:
        seen: set[str] = set()
        for key in consumes:
            if key in seen:
                raise ValueError(f"fact {key!r} is listed twice")
            seen.add(key)
        return consumes


class FamilyMeta(_Strict):
    family: str = Field(pattern=r"^[a-z0-9_]+$")
    description: str = Field(min_length=10)
    kinds: list[str] = Field(min_length=1)  # file kinds (see walk.py) whose parsed form the rules read
    # Optional cheap pre-filters, applied before a file is parsed for this family:
    # `paths`: fnmatch globs on the relative POSIX path (any must match), and
    # `contains`: substrings of which at least one must occur in the raw text. A file that
    # fails them is never parsed for this family, so they must be complete: a rule may only
    # fire on text that contains one of the words.
    paths: list[str] = []
    contains: list[str] = []
    facts: Facts = Facts()
    rules: dict[str, RuleMeta]

    @field_validator("kinds")
    @classmethod
    def _known_kinds(cls, kinds: list[str]) -> list[str]:
        from mllens.scan.kinds import KINDS

        unknown = sorted(set(kinds) - KINDS)
        if unknown:
            raise ValueError(f"unknown file kinds {unknown}; known kinds: {sorted(KINDS)}")
        return kinds


def rule(*, scope: Scope = "file") -> Callable[[F], F]:
    """Mark a function as a detector rule. Its name is the rule name; its id is
    `<family>.<name>`. File rules take a FileContext and run once per file of the family's
    kinds; project rules take a ProjectContext and run once per scan."""

    def mark(func: F) -> F:
        func._mllens_rule_scope = scope  # type: ignore[attr-defined]
        return func

    return mark


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    name: str
    scope: Scope
    meta: RuleMeta
    func: Callable[[Any], None]
    facts: Facts = field(default_factory=Facts)  # its family's, which it may record and read


@dataclass(frozen=True)
class Family:
    name: str
    meta: FamilyMeta
    rules: tuple[Rule, ...]
    # Optional `skip_file(file) -> bool` of the family module: True when none of its file
    # rules can find anything in that parsed file, so the engine runs none of them.
    skip: Callable[[Any], bool] | None = None

    def file_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.scope == "file")

    def project_rules(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.scope == "project")


def _family_modules(module: ModuleType) -> list[ModuleType]:
    """A family module, or a family package and its modules (a large family split by concern)."""
    if not hasattr(module, "__path__"):
        return [module]
    subs = sorted(info.name for info in pkgutil.iter_modules(module.__path__) if not info.name.startswith("_"))
    return [module, *(importlib.import_module(f"{module.__name__}.{name}") for name in subs)]


def load_family(module: ModuleType) -> Family:
    """Pair a family module with its YAML metadata; any mismatch is an error naming both."""
    stem = module.__name__.rsplit(".", 1)[-1]
    yaml_name = f"{stem}.yaml"
    package = module.__name__.rsplit(".", 1)[0]
    text = (resources.files(package) / yaml_name).read_text(encoding="utf-8")
    meta = validate_model(FamilyMeta, cache_metadata.parsed(text, file=yaml_name, folder=cache_dir()), file=yaml_name)
    if meta.family != stem:
        raise InputError(f"family {meta.family!r} does not match its module {stem!r}", file=yaml_name, field="family")
    funcs = {
        name: obj
        for part in _family_modules(module)
        for name, obj in vars(part).items()
        if callable(obj) and hasattr(obj, "_mllens_rule_scope") and getattr(obj, "__module__", "") == part.__name__
    }
    missing_code = sorted(set(meta.rules) - set(funcs))
    missing_meta = sorted(set(funcs) - set(meta.rules))
    if missing_code:
        raise InputError(f"rules with metadata but no @rule function: {missing_code}", file=yaml_name, field="rules")
    if missing_meta:
        raise InputError(f"@rule functions without metadata: {missing_meta}", file=yaml_name, field="rules")
    rules = tuple(
        Rule(
            id=f"{stem}.{name}",
            family=stem,
            name=name,
            scope=funcs[name]._mllens_rule_scope,
            meta=meta.rules[name],
            func=funcs[name],
            facts=meta.facts,
        )
        for name in meta.rules
    )
    skip = getattr(module, "skip_file", None)
    return Family(name=stem, meta=meta, rules=rules, skip=skip if callable(skip) else None)


def check_facts(loaded: Sequence[Family]) -> None:
    """Every fact a family reads is recorded by some family; InputError naming the reader's
    YAML and the fact otherwise."""
    recorded = {key for family in loaded for key in family.meta.facts.produces}
    for family in loaded:
        for i, key in enumerate(family.meta.facts.consumes):
            if key not in recorded:
                known = ", ".join(sorted(recorded)) or "none"
                raise InputError(
                    f"reads fact {key!r}, which no family records (recorded: {known})",
                    file=f"{family.name}.yaml",
                    field=f"facts.consumes[{i}]",
                )


@cache
def families() -> tuple[Family, ...]:
    """Our families in FAMILY_MODULES order, then any installed through entry points."""
    modules = [importlib.import_module(name) for name in FAMILY_MODULES]
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        modules.append(entry.load())
    loaded = tuple(load_family(m) for m in modules)
    check_facts(loaded)
    return loaded


def all_rules() -> dict[str, Rule]:
    """Every rule by id, plus redirects from retired ids to their current rule."""
    out: dict[str, Rule] = {}
    for family in families():
        for r in family.rules:
            out[r.id] = r
            for old in r.meta.redirect_from:
                out.setdefault(old, r)
    return out


def shared_rule_names(loaded: Sequence[Family] | None = None) -> dict[str, list[str]]:
    """Rule names that exist in more than one family, with those families: the same
    judgement written twice (a Terraform and a CloudFormation twin ...), until it is written
    once over the resource model or the code facts."""
    by_name: dict[str, list[str]] = {}
    for family in loaded if loaded is not None else families():
        for r in family.rules:
            by_name.setdefault(r.name, []).append(family.name)
    return {name: fams for name, fams in sorted(by_name.items()) if len(fams) > 1}
