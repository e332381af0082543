"""Our Lens -> the dict form of an AWS custom-lens JSON document (schema 2021-11-01).

This builds the document and nothing else: `mllens.lens.lint` checks it, `wa_format`
refuses or folds what breaks the limits. Key order follows the format specification, and
optional objects are left out rather than emitted empty (section 8).
"""

from __future__ import annotations

from typing import Any

from mllens.lens.model import HelpfulText, Lens, Practice, Question, RiskRule
from mllens.lens.rules_syntax import RuleSyntaxError, parse, to_condition, with_guard
from mllens.lens.wa_spec import RISK_RANK, SCHEMA_VERSION, TO_WA_RISK
from mllens.lens.wa_text import STACK_LABELS, help_text, plan_text, stack_text


def to_document(lens: Lens, *, canonical_rules: bool = True) -> dict[str, Any]:
    """The lens as an AWS custom-lens document.

    With `canonical_rules` (what `export` uses) every rule below the question's highest
    risk gets the `&& !<none choice>` guard and is printed fully parenthesised; without it
    conditions stay as written, which is what the linter must judge for our own lens.
    """
    return {
        "schemaVersion": SCHEMA_VERSION,
        "name": lens.name,
        "description": lens.description,
        "pillars": [
            {
                "id": pillar.wa_id or pillar.id,
                "name": pillar.name,
                "questions": [_question(q, canonical_rules) for q in lens.questions if q.pillar == pillar.id],
            }
            for pillar in lens.pillars
        ],
    }


def _link(text: str, url: str | None) -> dict[str, str]:
    return {"displayText": text, "url": url} if url else {"displayText": text}


def _question(q: Question, canonical: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"id": q.id, "title": q.title}
    if q.description:
        out["description"] = q.description
    resource = q.helpful_resource
    if isinstance(resource, HelpfulText):
        out["helpfulResource"] = _link(resource.text, resource.url)
    elif resource is not None:
        out["helpfulResource"] = _link(resource.title, resource.url)
    choices = [_choice(p) for p in q.choices]
    if q.none_choice is not None:
        none: dict[str, Any] = {"id": q.none_choice.id, "title": q.none_choice.title}
        if q.none_choice.description:
            none["helpfulResource"] = {"displayText": q.none_choice.description}
        choices.append(none)
    out["choices"] = choices
    out["riskRules"] = [export_rule(rule, q, canonical=canonical) for rule in q.risk_rules]
    return out


def _choice(p: Practice) -> dict[str, Any]:
    # The first resource is the practice's own page: it links both the helpful text and
    # the improvement plan (as in AWS's ML lens file); the others follow as extra items.
    url = p.resources[0].url if p.resources else None
    out: dict[str, Any] = {"id": p.choice_id, "title": p.title}
    helpful = help_text(p.description, p.why)
    if helpful or url:
        out["helpfulResource"] = _link(helpful or p.title, url)
    out["improvementPlan"] = _link(plan_text([step.text for step in p.improvement], p.title), url)
    groups: list[dict[str, Any]] = []
    if len(p.resources) > 1:
        content = [{"displayText": r.title, "url": r.url} for r in p.resources[1:]]
        groups.append({"type": "HELPFUL_RESOURCE", "content": content})
    notes = []
    for stack in STACK_LABELS:
        numbered = [(n, note) for n, step in enumerate(p.improvement, start=1) if (note := getattr(step.stacks, stack))]
        if numbered:
            notes.append({"displayText": stack_text(stack, numbered)})
    if notes:
        groups.append({"type": "IMPROVEMENT_PLAN", "content": notes})
    if groups:
        out["additionalResources"] = groups
    return out


def export_rule(rule: RiskRule, q: Question, *, canonical: bool = True) -> dict[str, str]:
    """One rule as the document holds it (see `to_document` for `canonical`)."""
    condition = rule.condition
    if canonical:
        try:
            expr = parse(condition)
        except RuleSyntaxError:
            pass  # left as written: the linter reports it (E30) and export refuses
        else:
            top = max(RISK_RANK[TO_WA_RISK[r.risk]] for r in q.risk_rules)
            # Guard only rules below the question's maximum: ticking "None of these" must
            # fall through to the maximum, never away from it.
            if q.none_choice is not None and RISK_RANK[TO_WA_RISK[rule.risk]] < top:
                expr = with_guard(expr, q.none_choice.id)
            condition = to_condition(expr)
    return {"condition": condition, "risk": TO_WA_RISK[rule.risk]}
