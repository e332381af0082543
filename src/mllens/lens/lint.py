"""Lens linter: the checks of wa-lens-format.md section 5, run on one representation.

Everything is checked on the dict form of an AWS custom-lens document. An AWS JSON file is
checked as read; our YAML lens is first turned into the document `export` would write
(`wa_export.to_document`, rules left as written) and the findings are mapped back to our
ids. So each check exists once, and linting our lens also tells whether it can be exported.

Codes: E01-E05 structure, E10-E14 identifiers, E20-E23 text, E30-W34 rule syntax, W40-W46
rule semantics. The letter is the severity. Where the format says "warn" for a variant of
an error check the code keeps its number with a W (W01 unknown key, W04 empty pillar, W10
long id on import, W20 above the safe length target).
"""

from __future__ import annotations

import re
from dataclasses import replace

from mllens.lens.lint_walk import Finding, dump_document, has_errors, lint_document
from mllens.lens.model import Lens
from mllens.lens.wa_export import to_document
from mllens.lens.wa_spec import TO_WA_RISK

__all__ = [
    "Finding",
    "declared_maximum",
    "dump_document",
    "has_errors",
    "in_our_terms",
    "lint_document",
    "lint_lens",
]


def declared_maximum(lens: Lens) -> dict[str, str]:
    """Per question, HIGH_RISK when a practice is high risk if missing, else MEDIUM_RISK;
    questions whose practices declare nothing (imported lenses) are left out."""
    out: dict[str, str] = {}
    for q in lens.questions:
        levels = {p.risk_if_missing for p in q.choices if p.risk_if_missing}
        if levels:
            out[q.id] = TO_WA_RISK["HIGH" if "high" in levels else "MEDIUM"]
    return out


# Where a document field comes from in our lens, for messages about our YAML.
_OUR_CHOICE_FIELDS = {
    "helpfulResource.displayText": "description and why",
    "helpfulResource.url": "resources[0].url",
    "improvementPlan.displayText": "improvement",
    "improvementPlan.url": "resources[0].url",
    "additionalResources": "resources and improvement stack notes",
}
_OBJECT_PREFIX = re.compile(r"^(pillars\[\d+\]\.?)?(questions\[\d+\]\.?)?(choices\[\d+\]\.?)?")


def _our_field(path: str) -> str:
    """`pillars[1].questions[0].choices[2].improvementPlan.displayText` -> `improvement
    (improvementPlan.displayText)`: the field relative to its practice or question."""
    in_choice = "choices[" in path
    field = _OBJECT_PREFIX.sub("", path)
    if field.startswith("riskRules"):
        return "risk_rules" + field[len("riskRules") :]
    if in_choice:
        ours = next((v for k, v in _OUR_CHOICE_FIELDS.items() if field.startswith(k)), None)
        return f"{ours} ({field})" if ours else field
    if field.startswith("helpfulResource"):
        return f"helpful_resource ({field})"
    return field


def in_our_terms(findings: list[Finding], lens: Lens) -> list[Finding]:
    """Findings on `to_document(lens)` renamed to our pillar and practice ids and fields."""
    pillars = {p.wa_id or p.id: p.id for p in lens.pillars}
    practices = {(q.id, p.choice_id): p.id for q in lens.questions for p in q.choices}
    return [
        replace(
            f,
            path=_our_field(f.path),
            pillar=pillars.get(f.pillar or "", f.pillar),
            choice=practices.get((f.question or "", f.choice or ""), f.choice),
        )
        for f in findings
    ]


def lint_lens(lens: Lens) -> list[Finding]:
    """Lint our lens: the document `export` would write, with rules as written, findings
    named by our pillar, question and practice ids and by our field names."""
    doc = to_document(lens, canonical_rules=False)
    return in_our_terms(lint_document(doc, for_export=True, declared_max=declared_maximum(lens)), lens)
