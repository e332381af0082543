"""The walk behind `mllens.lens.lint`: every check of section 5 on the dict form of an AWS
custom-lens document, collecting findings instead of stopping at the first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from mllens.lens.lint_semantics import check_semantics
from mllens.lens.rules_syntax import check_rules
from mllens.lens.wa_spec import (
    API_ID_MAX,
    CHOICE_KEYS,
    CHOICE_TEXT,
    CHOICE_URL_MAX,
    FRAMEWORK_PILLARS,
    GROUP_KEYS,
    ID_RE,
    LENS_TEXT,
    MAX_CHOICES,
    MAX_DOCUMENT,
    MAX_EXTRA_ITEMS,
    MAX_PILLARS,
    MAX_QUESTIONS,
    MAX_RULES,
    NONE_SUFFIX,
    PILLAR_KEYS,
    PILLAR_TEXT,
    QUESTION_KEYS,
    QUESTION_TEXT,
    QUESTION_URL_MAX,
    RESOURCE_KEYS,
    RESOURCE_TYPES,
    RULE_KEYS,
    RULE_RISKS,
    SCHEMA_VERSION,
    TOP_KEYS,
    TextLimit,
    disallowed_characters,
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: its code, where it is (ids and the field path) and what is wrong."""

    code: str
    detail: str
    path: str = ""
    pillar: str | None = None
    question: str | None = None
    choice: str | None = None

    @property
    def severity(self) -> str:
        return "error" if self.code.startswith("E") else "warning"

    @property
    def message(self) -> str:
        return f"{self.path}: {self.detail}" if self.path else self.detail

    @property
    def where(self) -> str:
        return "/".join(part for part in (self.pillar, self.question, self.choice) if part)

    def to_dict(self) -> dict[str, str | None]:
        return {
            "code": self.code,
            "pillar": self.pillar,
            "question": self.question,
            "choice": self.choice,
            "message": self.message,
        }


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def dump_document(doc: Any) -> str:
    """The one serialisation of a document: what export writes and what E05 measures."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _kind(value: Any) -> str:
    names = {bool: "boolean", int: "number", float: "number", str: "string", list: "array", dict: "object"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _blocks_semantics(f: Finding) -> bool:
    if f.code in ("E30", "E31", "E32", "E33"):
        return True
    return f.code in ("E03", "E10", "E11") and (f.path.endswith(".id") or ".riskRules" in f.path)


@dataclass(frozen=True, slots=True)
class _Where:
    pillar: str | None = None
    question: str | None = None
    choice: str | None = None


class _Walker:
    def __init__(self, *, for_export: bool, declared_max: Mapping[str, str]) -> None:
        self.for_export = for_export
        self.declared_max = declared_max
        self.findings: list[Finding] = []
        self.question_ids: set[str] = set()

    def add(self, code: str, path: str, detail: str, where: _Where = _Where()) -> None:
        self.findings.append(Finding(code, detail, path, where.pillar, where.question, where.choice))

    def get(self, obj: dict[str, Any], key: str, kind: type, path: str, where: _Where, *, required: bool) -> Any:
        """obj[key] if present and of the right JSON type, else None (after a finding)."""
        here = f"{path}.{key}" if path else key
        if key not in obj:
            if required:
                self.add("E03", here, f"missing required key {key!r}", where)
            return None
        value = obj[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            self.add("E03", here, f"expected {_kind(kind())}, got {_kind(value)}", where)
            return None
        if isinstance(value, str) and not value.strip():
            self.add("E03", here, "must not be empty (leave an optional key out instead)", where)
            return None
        return value

    def unknown(self, obj: dict[str, Any], known: tuple[str, ...], path: str, where: _Where) -> None:
        for key in obj:
            if key not in known:
                here = f"{path}.{key}" if path else key
                self.add("W01", here, f"unknown key {key!r}: kept aside on import, never exported", where)

    def text(self, value: str | None, limit: TextLimit, path: str, where: _Where) -> None:
        if value is None:
            return
        if len(value) > limit.enforce:
            self.add("E20", path, f"{len(value):,} characters, the limit is {limit.enforce:,}", where)
        elif len(value) > limit.safe:
            self.add(
                limit.safe_code, path, f"{len(value):,} characters, above the safe target of {limit.safe:,}", where
            )
        if limit.restricted and (bad := disallowed_characters(value)):
            shown = " ".join(repr(c) for c in bad)
            self.add("E21", path, f"characters the AWS tool refuses in this field: {shown}", where)

    def ident(self, value: str | None, path: str, where: _Where, *, api_limit: bool) -> None:
        if value is None:
            return
        if not ID_RE.match(value):
            self.add("E10", path, f"{value!r} is not 3-128 letters, digits or underscores", where)
        elif api_limit and len(value) > API_ID_MAX:
            code = "E10" if self.for_export else "W10"
            self.add(code, path, f"{len(value)} characters, above the API limit of {API_ID_MAX}", where)

    def link(self, obj: Any, path: str, where: _Where, *, text: TextLimit | None, url_max: int) -> None:
        """A helpfulResource / improvementPlan / additional-resource item."""
        if not isinstance(obj, dict):
            self.add("E03", path, f"expected object, got {_kind(obj)}", where)
            return
        self.unknown(obj, RESOURCE_KEYS, path, where)
        display = self.get(obj, "displayText", str, path, where, required=False)
        url = self.get(obj, "url", str, path, where, required=False)
        if text is not None:
            self.text(display, text, f"{path}.displayText", where)
        if url is not None:
            if not url.startswith(("http://", "https://")):
                self.add("E22", f"{path}.url", f"{url!r} does not start with http:// or https://", where)
            if len(url) > url_max:
                self.add("E20", f"{path}.url", f"{len(url):,} characters, the limit is {url_max:,}", where)
        if display is None and "displayText" not in obj:
            code = "E22" if url is not None else "E03"
            self.add(code, f"{path}.displayText", "missing: every resource needs a displayText", where)

    def lens(self, doc: Any) -> None:
        if not isinstance(doc, dict):
            self.add("E01", "", f"expected a JSON object at the top level, got {_kind(doc)}")
            return
        for key in TOP_KEYS:
            if key not in doc:
                self.add("E01", key, f"missing required key {key!r}")
        self.unknown(doc, TOP_KEYS, "", _Where())
        if "schemaVersion" in doc and doc["schemaVersion"] != SCHEMA_VERSION:
            self.add("E02", "schemaVersion", f"expected {SCHEMA_VERSION!r}, got {doc['schemaVersion']!r}")
        for key, limit in LENS_TEXT.items():
            if key in doc:
                self.text(self.get(doc, key, str, "", _Where(), required=True), limit, key, _Where())
        pillars = self.get(doc, "pillars", list, "", _Where(), required=False)
        if pillars is not None:
            if not 1 <= len(pillars) <= MAX_PILLARS:
                self.add("E04", "pillars", f"{len(pillars)} pillars, expected 1 to {MAX_PILLARS}")
            seen: set[str] = set()
            for i, pillar in enumerate(pillars):
                self.pillar(pillar, f"pillars[{i}]", seen)
        if len(dump_document(doc)) > MAX_DOCUMENT:
            size = len(dump_document(doc))
            self.add("E05", "", f"the document has {size:,} characters, the limit is {MAX_DOCUMENT:,}")

    def pillar(self, pillar: Any, path: str, seen: set[str]) -> None:
        if not isinstance(pillar, dict):
            self.add("E03", path, f"expected object, got {_kind(pillar)}")
            return
        pid = self.get(pillar, "id", str, path, _Where(), required=True)
        where = _Where(pillar=pid)
        self.unknown(pillar, PILLAR_KEYS, path, where)
        self.ident(pid, f"{path}.id", where, api_limit=True)
        if pid is not None:
            if pid in seen:
                self.add("E11", f"{path}.id", f"duplicate pillar id {pid!r}", where)
            seen.add(pid)
            twin = next((fw for fw in FRAMEWORK_PILLARS if fw.lower() == pid.lower() and fw != pid), None)
            if twin:
                self.add("W12", f"{path}.id", f"{pid!r} differs from the Framework pillar {twin!r} only by case", where)
        self.text(self.get(pillar, "name", str, path, where, required=True), PILLAR_TEXT["name"], f"{path}.name", where)
        questions = self.get(pillar, "questions", list, path, where, required=True)
        if questions is None:
            return
        if not questions:
            self.add("W04", f"{path}.questions", "a pillar without questions", where)
        elif len(questions) > MAX_QUESTIONS:
            self.add("E04", f"{path}.questions", f"{len(questions)} questions, at most {MAX_QUESTIONS}", where)
        for i, question in enumerate(questions):
            self.question(question, f"{path}.questions[{i}]", where)

    def question(self, q: Any, path: str, up: _Where) -> None:
        if not isinstance(q, dict):
            self.add("E03", path, f"expected object, got {_kind(q)}", up)
            return
        qid = self.get(q, "id", str, path, up, required=True)
        where = replace(up, question=qid)
        self.unknown(q, QUESTION_KEYS, path, where)
        self.ident(qid, f"{path}.id", where, api_limit=False)
        if qid is not None:
            if qid in self.question_ids:
                self.add("E11", f"{path}.id", f"duplicate question id {qid!r} (ids are lens-wide)", where)
            self.question_ids.add(qid)
        for key in ("title", "description"):
            value = self.get(q, key, str, path, where, required=key == "title")
            self.text(value, QUESTION_TEXT[key], f"{path}.{key}", where)
        if "helpfulResource" in q:
            text = QUESTION_TEXT["helpfulResource.displayText"]
            self.link(q["helpfulResource"], f"{path}.helpfulResource", where, text=text, url_max=QUESTION_URL_MAX)
        mark = len(self.findings)
        choices = self.get(q, "choices", list, path, where, required=True)
        ids: list[str] = []
        if choices is not None:
            if not 1 <= len(choices) <= MAX_CHOICES:
                self.add("E04", f"{path}.choices", f"{len(choices)} choices, expected 1 to {MAX_CHOICES}", where)
            for i, choice in enumerate(choices):
                cid = self.choice(choice, f"{path}.choices[{i}]", where, ids)
                if cid is not None:
                    ids.append(cid)
        none_ids = [c for c in ids if c.endswith(NONE_SUFFIX)]
        if len(none_ids) > 1:
            self.add("W13", f"{path}.choices", f"more than one 'None of these' choice: {', '.join(none_ids)}", where)
        rules = self.rules(q, path, where, ids, none_ids)
        # Enumerating selections needs sound ids and rules, and at most 15 choices.
        blocked = any(_blocks_semantics(f) for f in self.findings[mark:])
        if rules and not blocked and qid is not None and 0 < len(ids) <= MAX_CHOICES:
            for issue in check_semantics(rules, ids, none_ids, declared_max=self.declared_max.get(qid)):
                at = f"{path}.riskRules[{issue.rule}]" if issue.rule is not None else path
                self.add(issue.code, at, issue.detail, replace(where, choice=issue.choice))

    def choice(self, c: Any, path: str, up: _Where, earlier: list[str]) -> str | None:
        if not isinstance(c, dict):
            self.add("E03", path, f"expected object, got {_kind(c)}", up)
            return None
        cid = self.get(c, "id", str, path, up, required=True)
        where = replace(up, choice=cid)
        self.unknown(c, CHOICE_KEYS, path, where)
        self.ident(cid, f"{path}.id", where, api_limit=True)
        if cid is not None and cid in earlier:
            self.add("E11", f"{path}.id", f"duplicate choice id {cid!r} in this question", where)
        self.text(self.get(c, "title", str, path, where, required=True), CHOICE_TEXT["title"], f"{path}.title", where)
        for key in ("helpfulResource", "improvementPlan"):
            if key in c:
                text = CHOICE_TEXT[f"{key}.displayText"]
                self.link(c[key], f"{path}.{key}", where, text=text, url_max=CHOICE_URL_MAX)
        if "improvementPlan" not in c and not (cid or "").endswith(NONE_SUFFIX):
            self.add("E14", f"{path}.improvementPlan", "missing: only a '_no' choice may omit it", where)
        groups = self.get(c, "additionalResources", list, path, where, required=False)
        counts: dict[str, int] = {}
        for i, group in enumerate(groups or []):
            self.group(group, f"{path}.additionalResources[{i}]", where, counts)
        return cid if cid is not None and cid not in earlier else None

    def group(self, group: Any, path: str, where: _Where, counts: dict[str, int]) -> None:
        if not isinstance(group, dict):
            self.add("E03", path, f"expected object, got {_kind(group)}", where)
            return
        self.unknown(group, GROUP_KEYS, path, where)
        kind = self.get(group, "type", str, path, where, required=True)
        if kind is not None and kind not in RESOURCE_TYPES:
            self.add("E04", f"{path}.type", f"{kind!r} is not one of {', '.join(RESOURCE_TYPES)}", where)
        content = self.get(group, "content", list, path, where, required=True) or []
        for i, item in enumerate(content):
            text = CHOICE_TEXT["content.displayText"]
            self.link(item, f"{path}.content[{i}]", where, text=text, url_max=CHOICE_URL_MAX)
        if kind in RESOURCE_TYPES:
            counts[kind] = counts.get(kind, 0) + len(content)
            if counts[kind] > MAX_EXTRA_ITEMS >= counts[kind] - len(content):
                self.add("E04", f"{path}.content", f"more than {MAX_EXTRA_ITEMS} {kind} items on one choice", where)

    def rules(
        self, q: dict[str, Any], path: str, where: _Where, ids: list[str], none_ids: list[str]
    ) -> list[tuple[str, str]] | None:
        raw = self.get(q, "riskRules", list, path, where, required=True)
        if raw is None:
            return None
        if not 1 <= len(raw) <= MAX_RULES:
            self.add("E04", f"{path}.riskRules", f"{len(raw)} rules, expected 1 to {MAX_RULES}", where)
        rules: list[tuple[str, str]] = []
        for i, rule in enumerate(raw):
            here = f"{path}.riskRules[{i}]"
            if not isinstance(rule, dict):
                self.add("E03", here, f"expected object, got {_kind(rule)}", where)
                continue
            self.unknown(rule, RULE_KEYS, here, where)
            condition = self.get(rule, "condition", str, here, where, required=True)
            risk = self.get(rule, "risk", str, here, where, required=True)
            if risk is not None and risk not in RULE_RISKS:
                self.add("E03", f"{here}.risk", f"{risk!r} is not one of {', '.join(RULE_RISKS)}", where)
                risk = None
            if condition is not None and risk is not None:
                rules.append((condition, risk))
        if len(rules) != len(raw):
            return None
        for problem in check_rules(rules, ids, question=where.question or "?", none_ids=none_ids):
            self.add(problem.code, f"{path}.riskRules[{problem.index}].{problem.field}", problem.message, where)
        return rules


def lint_document(
    doc: Any, *, for_export: bool = False, declared_max: Mapping[str, str] | None = None
) -> list[Finding]:
    """Every finding for an AWS custom-lens document (the parsed JSON).

    `for_export` makes pillar and choice ids over 64 characters errors (E10) instead of
    import warnings (W10); `declared_max` maps question ids to the risk (HIGH_RISK ...)
    the question is meant to reach at worst, for W45.
    """
    walker = _Walker(for_export=for_export, declared_max=declared_max or {})
    walker.lens(doc)
    return walker.findings
