"""The file rules of the resource-model families over a live account's resources (and the
project rules that pair resources the account lists apart, LIVE_PROJECT_RULES).

Each resource id (ARN) becomes a parsed file with no text whose `state_of` is what the
reader found there, run through the same judgements the files' resources go through: one
judgement per concept. Evidence has the ARN as its file and no line (the model's values
carry line 0, dropped here). Nothing of this enters the per-file result cache."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mllens.live.base import LiveRead
from mllens.scan.context import FileContext, ParsedFile, ProjectContext
from mllens.scan.evidence import Evidence, Outcome
from mllens.scan.model.state import State
from mllens.scan.registry import Family, families
from mllens.scan.result import Diagnostic

# The families whose file rules judge the resource model (state_of), not a syntax
MODEL_FAMILIES = ("ml_resources", "platform_resources")
# Judgements of how resources are written (as code, by which syntax): none for a running one
NOT_LIVE = frozenset({"ml_resources.ml_infrastructure_as_code"})
# Project rules that pair live resources through the facts the file rules record (a scalable
# target and the policies naming it); the others pair things only files have (a bucket's settings)
LIVE_PROJECT_RULES = frozenset({"ml_resources.endpoint_scaling_policy"})


class _LiveContext(FileContext):
    """A file context whose evidence has no line: a live resource has none."""

    def _emit(self, outcome: Outcome, *, file: str, line: int | None, message: str, check: str | None,
              confidence: float | None) -> None:
        super()._emit(outcome, file=file, line=None, message=message, check=check, confidence=confidence)


def judge(found: LiveRead, *, selected: Sequence[Family] | None = None) -> tuple[list[Evidence], list[Diagnostic]]:
    """Evidence of every model family's file rules over each resource id's resources."""
    chosen = [f for f in (families() if selected is None else selected) if f.name in MODEL_FAMILIES]
    evidence: list[Evidence] = []
    diagnostics: list[Diagnostic] = []
    facts: dict[str, list[Any]] = {}
    for arn, resources in sorted(found.resources.items()):
        parsed = ParsedFile(arn, "live", "", {})
        parsed.derived["model.state"] = State(tuple(resources))
        for family in chosen:
            for rule in family.file_rules():
                if rule.id in NOT_LIVE:
                    continue
                ctx = _LiveContext(rule, file=parsed)
                try:
                    rule.func(ctx)
                except Exception as exc:  # a rule that fails on a live resource: said, the rest go on
                    diagnostics.append(Diagnostic(file=arn, kind="rule_error", rule=rule.id,
                                                  message=f"rule failed: {type(exc).__name__}: {exc}"))
                    continue
                evidence.extend(ctx.evidence)
                for key, values in ctx.facts.items():
                    facts.setdefault(key, []).extend(values)
    for family in chosen:
        for rule in family.project_rules():
            if rule.id in LIVE_PROJECT_RULES:
                project = ProjectContext(rule, facts=facts)
                rule.func(project)  # over facts the file rules recorded: a failure is a bug, not the account's
                evidence.extend(project.evidence)
    return evidence, diagnostics
