"""The SARIF 2.1.0 report, for code scanning (GitHub's upload-sarif and others).

- one rule descriptor per detector rule, built from the rule's own metadata
  (mllens.scan.registry): title, why, how and fix, first reference as help URI, the lens
  practices it speaks to;
- one result per piece of evidence that *contradicts* a practice, at its file and line:
  `error` when the practice's question is at HIGH risk, else `warning`;
- results the team has decided on carry a suppression: an unexpired accepted risk, or an
  answer in mllens.yaml that says the check is met after all;
- partialFingerprints hash what a finding is (rule, practice, check, file, message), not
  where its line is, so they stay stable across runs and edits above it; the CI gate
  (mllens.review.gate) tells new findings from known ones by the same fingerprint
  (mllens.scan.fingerprint);
- with a baseline review, each result says whether the baseline had it (baselineState
  "new" or "unchanged");
- paths are relative to %SRCROOT%, the working directory when the project lies inside it
  (code scanning maps results by repository-relative paths, and CI runs from the checkout),
  else the project folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from mllens import __version__
from mllens.lens.model import Risk
from mllens.report.base import ReportOptions
from mllens.review.advice import as_found, syntax_of
from mllens.review.model import CheckState, PlanStep, PracticeResult, Review
from mllens.scan.evidence import Evidence
from mllens.scan.fingerprint import FINGERPRINT_KEY as FINGERPRINT_KEY
from mllens.scan.fingerprint import findings, known_fingerprints
from mllens.scan.registry import Rule, all_rules
from mllens.scan.result import ScanResult

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
ROOT_BASE = "%SRCROOT%"
_PRECISION = ((0.9, "very-high"), (0.75, "high"), (0.5, "medium"), (0.0, "low"))


def _precision(confidence: float) -> str:
    return next(name for floor, name in _PRECISION if confidence >= floor)


def _pascal(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _help(rule: Rule) -> dict[str, str]:
    text = [rule.meta.how]
    markdown = [f"**Why it matters.** {rule.meta.why}", "", f"**How mllens decides.** {rule.meta.how}"]
    for kind, snippet in rule.meta.fix.items():
        text.append(f"Fix ({kind}):\n{snippet}")
        markdown += ["", f"**Fix ({kind})**", "", f"```{kind}", snippet, "```"]
    if rule.meta.references:
        markdown += ["", "References: " + ", ".join(f"<{url}>" for url in rule.meta.references)]
    return {"text": "\n\n".join(text), "markdown": "\n".join(markdown)}


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    """The SARIF reportingDescriptor of one detector rule."""
    practices = list(dict.fromkeys(m.practice for m in rule.meta.maps))
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": _pascal(rule.name),
        "shortDescription": {"text": rule.meta.title},
        "fullDescription": {"text": rule.meta.why},
        "help": _help(rule),
        "defaultConfiguration": {"level": "warning"},
        "properties": {
            "practices": practices,
            "checks": list(dict.fromkeys(m.check for m in rule.meta.maps)),
            "family": rule.family,
            "status": rule.meta.status,
            "precision": _precision(rule.meta.confidence),
            "tags": ["mllens", "ml", rule.family, *practices],
        },
    }
    if rule.meta.references:
        descriptor["helpUri"] = rule.meta.references[0]
    return descriptor


def _unknown_rule(rule_id: str) -> dict[str, Any]:
    """A descriptor for evidence from a rule no longer (or not yet) in the registry."""
    return {
        "id": rule_id,
        "shortDescription": {"text": f"Finding of detector rule {rule_id}"},
        "defaultConfiguration": {"level": "warning"},
        "properties": {"tags": ["mllens", "ml"]},
    }


def _suppressions(practice: PracticeResult | None, item: Evidence) -> list[dict[str, str]]:
    if not item.decides:  # code scanning would otherwise open alerts on code that is not the project's
        why = (f"{item.file_class} file: visible, decides no practice (mllens.yaml scan.project "
               "reclassifies it)")
        return [{"kind": "external", "status": "accepted", "justification": why}]
    if practice is None:
        return []
    if practice.accepted is not None and not practice.accepted_expired:
        a = practice.accepted
        why = f"risk accepted in mllens.yaml by {a.owner} until {a.expires}: {a.reason}"
        return [{"kind": "external", "status": "accepted", "justification": why}]
    check = next((c for c in practice.checks if c.id == item.check), None)
    if check is not None and check.answer_state is CheckState.MET:
        return [{"kind": "external", "status": "accepted", "justification": "mllens.yaml answers this check as met"}]
    return []


def source_root(scan: ScanResult) -> tuple[Path, str]:
    """%SRCROOT% and the project folder's path inside it ("" when they are the same)."""
    root, cwd = Path(scan.root).resolve(), Path.cwd().resolve()
    if root.is_relative_to(cwd):
        inside = root.relative_to(cwd).as_posix()
        return cwd, "" if inside == "." else inside + "/"
    return root, ""


def _location(file: str, prefix: str | None) -> dict[str, Any]:
    """An artifactLocation: relative to %SRCROOT% when there was a scan, else as the evidence has it."""
    if prefix is None:
        return {"uri": quote(file, safe="/")}
    return {"uri": quote(prefix + file, safe="/"), "uriBaseId": ROOT_BASE}


def _next_step(
    item: Evidence, steps: dict[tuple[str, str], PlanStep], rules: dict[str, Rule]
) -> tuple[str, dict[str, str]]:
    """For a contradicting finding: its check's next step (the plan's advice) for the
    message, and the rule's fix for this file's syntax."""
    if item.outcome != "contradicts":
        return "", {}
    step = steps.get((item.practice.upper(), item.check))
    text = f" Next step: {step.advice.text}" if step is not None and step.advice is not None else ""
    rule = rules.get(item.rule)
    fixes: dict[str, str] = {str(k): v for k, v in rule.meta.fix.items()} if rule is not None else {}
    syntax = syntax_of(as_found(item), fixes)
    return text, {"syntax": syntax, "snippet": fixes[syntax]} if syntax is not None else {}


def _result(item: Evidence, index: int, practice: PracticeResult | None, risk: Risk | None,
            fingerprint: str, prefix: str | None, advice: tuple[str, dict[str, str]] = ("", {})) -> dict[str, Any]:
    where = f"{practice.id} {practice.title}" if practice else item.practice
    question = f"; question {practice.question} is {risk.value}" if practice and risk else ""
    next_step, fix = advice
    location: dict[str, Any] = {"artifactLocation": _location(item.file, prefix)}
    if item.line is not None:
        location["region"] = {"startLine": item.line}
    result: dict[str, Any] = {
        "ruleId": item.rule,
        "ruleIndex": index,
        "level": ("error" if risk is Risk.HIGH else "warning") if item.decides else "note",
        "message": {"text": f"{item.message} (practice {where}{question})" + (f".{next_step}" if next_step else "")},
        "locations": [{"physicalLocation": location}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
        "properties": {"practice": item.practice, "check": item.check, "confidence": item.confidence,
                       "fileClass": item.file_class},
    }
    if fix:
        result["properties"]["fix"] = fix
    suppressions = _suppressions(practice, item)
    if suppressions:
        result["suppressions"] = suppressions
    if practice is not None and practice.accepted is not None and practice.accepted_expired:
        result["properties"]["acceptedRiskExpired"] = practice.accepted.expires.isoformat()
    return result


def to_sarif(review: Review, *, scan: ScanResult | None = None, baseline: Review | None = None) -> dict[str, Any]:
    """The SARIF log as plain data; with `baseline`, each result has its baselineState."""
    every_rule = all_rules()
    rules = {rid: r for rid, r in every_rule.items() if r.id == rid}  # redirects point at the same rule
    descriptors = [rule_descriptor(r) for r in rules.values()]
    index = {rid: i for i, rid in enumerate(rules)}
    practices: dict[str, PracticeResult] = {}
    for p in review.practices:
        practices[p.id.upper()] = p
        if p.id_2023:
            practices.setdefault(p.id_2023.upper(), p)
    risks = {q.id: q.risk for q in review.questions}
    steps = {(s.practice.upper(), s.checks[0]): s for s in review.plan if s.kind == "fix"}
    all_ids = {rid: r.id for rid, r in all_rules().items()}  # retired ids resolve to today's rule
    base, prefix = source_root(scan) if scan is not None else (None, None)
    known = known_fingerprints(baseline.evidence, rule_ids=all_ids) if baseline is not None else None
    results: list[dict[str, Any]] = []
    for found in findings(review.evidence, rule_ids=all_ids):
        item = found.evidence
        if item.rule not in index:
            index[item.rule] = len(descriptors)
            descriptors.append(_unknown_rule(item.rule))
        practice = practices.get(item.practice.upper())
        risk = risks.get(practice.question) if practice else None
        advice = _next_step(item, steps, every_rule)
        results.append(_result(item, index[item.rule], practice, risk, found.fingerprint, prefix, advice))
        if known is not None:
            results[-1]["baselineState"] = "unchanged" if found.fingerprint in known else "new"
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "mllens",
                "version": __version__,
                "semanticVersion": __version__,
                "rules": descriptors,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": {
            "workload": review.workload.name,
            "lens": {"id": review.lens_id, "version": review.lens_version},
            "riskCounts": review.summary.risk_counts.model_dump(),
        },
    }
    if scan is not None and base is not None:
        run["originalUriBaseIds"] = {ROOT_BASE: {"uri": base.as_uri().rstrip("/") + "/"}}
        run["invocations"] = [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    {
                        "level": "warning",
                        "message": {"text": f"{d.kind}: {d.message}"},
                        "locations": [{"physicalLocation": {"artifactLocation": _location(d.file, prefix)}}],
                    }
                    for d in scan.diagnostics
                ],
            }
        ]
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(
    review: Review,
    *,
    scan: ScanResult | None = None,
    baseline: Review | None = None,
    options: ReportOptions = ReportOptions(),
) -> str:
    """The SARIF log as JSON text."""
    return json.dumps(to_sarif(review, scan=scan, baseline=baseline), indent=2, ensure_ascii=False) + "\n"
