"""The dict form of an AWS custom-lens document -> our Lens (the reverse of `wa_export`).

Call it on documents the linter passed without errors (`wa_format.import_lens` does).
Any valid lens is accepted: custom pillars, no phases, choice ids of any shape that may
repeat across questions (practice ids are made unique, the AWS id is kept as
`wa_choice_id`). What the document holds that our model has no place for is kept in
`Lens.extensions` under its JSON path, and every such case, like every place where the
next export will differ from the input, is described in a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from mllens.errors import LensError
from mllens.lens.model import (
    HelpfulText,
    Lens,
    NoneChoice,
    Pillar,
    Practice,
    Question,
    Resource,
)
from mllens.lens.wa_export import export_rule
from mllens.lens.wa_spec import (
    CHOICE_KEYS,
    FROM_WA_RISK,
    GROUP_KEYS,
    NONE_SUFFIX,
    PILLAR_KEYS,
    QUESTION_KEYS,
    RESOURCE_KEYS,
    RULE_KEYS,
    TOP_KEYS,
)
from mllens.lens.wa_text import read_plan, read_stack_text, split_help
from mllens.validation import field_path

# Framework pillar ids -> the pillar ids of our own lens, so an imported ML lens lines up.
OUR_PILLAR_IDS = {
    "operationalExcellence": "operational_excellence",
    "security": "security",
    "reliability": "reliability",
    "performance": "performance_efficiency",
    "costOptimization": "cost_optimization",
    "sustainability": "sustainability",
}
_RESOURCE_TITLE_MAX = 300


@dataclass
class Imported:
    lens: Lens
    notes: list[str] = field(default_factory=list)


def lens_id_for(name: str) -> str:
    """A lens id from a lens name: lower-case slug; never the shipped lens's id `ml`."""
    slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:64].rstrip("_") or "imported"
    return f"{slug}_imported" if slug == "ml" else slug


def _extensions(doc: dict[str, Any]) -> dict[str, Any]:
    """Every key our model does not know, by JSON path."""
    out: dict[str, Any] = {}

    def keep(obj: Any, known: tuple[str, ...], path: str) -> None:
        if isinstance(obj, dict):
            for key, value in obj.items():
                if key not in known:
                    out[f"{path}.{key}" if path else key] = value

    keep(doc, TOP_KEYS, "")
    for pi, pillar in enumerate(doc["pillars"]):
        keep(pillar, PILLAR_KEYS, f"pillars[{pi}]")
        for qi, q in enumerate(pillar["questions"]):
            qpath = f"pillars[{pi}].questions[{qi}]"
            keep(q, QUESTION_KEYS, qpath)
            keep(q.get("helpfulResource"), RESOURCE_KEYS, f"{qpath}.helpfulResource")
            for ri, rule in enumerate(q["riskRules"]):
                keep(rule, RULE_KEYS, f"{qpath}.riskRules[{ri}]")
            for ci, c in enumerate(q["choices"]):
                cpath = f"{qpath}.choices[{ci}]"
                keep(c, CHOICE_KEYS, cpath)
                for key in ("helpfulResource", "improvementPlan"):
                    keep(c.get(key), RESOURCE_KEYS, f"{cpath}.{key}")
                for gi, group in enumerate(c.get("additionalResources", [])):
                    keep(group, GROUP_KEYS, f"{cpath}.additionalResources[{gi}]")
                    for ii, item in enumerate(group["content"]):
                        keep(item, RESOURCE_KEYS, f"{cpath}.additionalResources[{gi}].content[{ii}]")
    return out


def _build(model: type[BaseModel], data: dict[str, Any], path: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(filter(None, (path, field_path(list(err["loc"])))))
        raise LensError(f"cannot be imported: {err['msg']}", field=where) from None


class _Importer:
    def __init__(self, doc: dict[str, Any]) -> None:
        self.doc = doc
        self.notes: list[str] = []
        self.extensions = _extensions(doc)
        # Choice ids used in more than one question get the question id as a prefix.
        seen: dict[str, int] = {}
        for pillar in doc["pillars"]:
            for q in pillar["questions"]:
                for c in q["choices"]:
                    seen[c["id"].upper()] = seen.get(c["id"].upper(), 0) + 1
        self.repeated = {cid for cid, count in seen.items() if count > 1}
        self.practice_ids: set[str] = set()

    def note(self, path: str, text: str) -> None:
        self.notes.append(f"{path}: {text}")

    def lens(self, *, lens_id: str | None, version: str) -> Lens:
        pillars: list[Pillar] = []
        questions: list[Question] = []
        question_ids: dict[str, str] = {}
        for pi, raw in enumerate(self.doc["pillars"]):
            pid = raw["id"]
            ours = OUR_PILLAR_IDS.get(pid, pid)
            if any(p.id == ours for p in pillars):
                ours = pid
            pillars.append(Pillar(id=ours, wa_id=pid if ours != pid else None, name=raw["name"]))
            for qi, rq in enumerate(raw["questions"]):
                path = f"pillars[{pi}].questions[{qi}]"
                if rq["id"].upper() in question_ids:
                    raise LensError(
                        f"question ids {rq['id']!r} and {question_ids[rq['id'].upper()]!r} differ only by case; "
                        "mllens looks ids up case-insensitively",
                        field=f"{path}.id",
                    )
                question_ids[rq["id"].upper()] = rq["id"]
                questions.append(self.question(rq, path, ours))
        return Lens(
            id=lens_id or lens_id_for(self.doc["name"]),
            name=self.doc["name"],
            version=version,
            description=self.doc["description"],
            pillars=pillars,
            questions=questions,
            extensions=self.extensions,
        )

    def question(self, raw: dict[str, Any], path: str, pillar: str) -> Question:
        qid = raw["id"]
        none_at = next((i for i, c in enumerate(raw["choices"]) if c["id"].endswith(NONE_SUFFIX)), None)
        practices = []
        for ci, c in enumerate(raw["choices"]):
            if ci != none_at:
                practices.append(self.practice(c, qid, f"{path}.choices[{ci}]"))
        if not practices:
            raise LensError("the question has no choice besides 'None of these'", field=f"{path}.choices")
        data: dict[str, Any] = {
            "id": qid,
            "title": raw["title"],
            "description": raw.get("description", ""),
            "choices": practices,
            "risk_rules": [{"condition": r["condition"], "risk": FROM_WA_RISK[r["risk"]]} for r in raw["riskRules"]],
        }
        if "helpfulResource" in raw:
            helpful = raw["helpfulResource"]
            data["helpful_resource"] = HelpfulText(text=helpful["displayText"], url=helpful.get("url"))
        if none_at is not None:
            data["none_choice"] = self.none_choice(raw["choices"][none_at], f"{path}.choices[{none_at}]")
            if none_at != len(raw["choices"]) - 1:
                self.note(f"{path}.choices[{none_at}]", "the 'None of these' choice is exported last")
        question: Question = _build(Question, data, path)
        question._pillar = pillar
        for ri, (rule, model_rule) in enumerate(zip(raw["riskRules"], question.risk_rules, strict=True)):
            exported = export_rule(model_rule, question)["condition"]
            if exported != rule["condition"]:
                self.note(f"{path}.riskRules[{ri}].condition", f"exported as {exported!r}")
        return question

    def none_choice(self, raw: dict[str, Any], path: str) -> NoneChoice:
        helpful = raw.get("helpfulResource", {})
        for key in ("improvementPlan", "additionalResources"):
            if key in raw:
                self.keep(f"{path}.{key}", raw[key], "the 'None of these' choice keeps only its title and text")
        if "url" in helpful:
            self.keep(f"{path}.helpfulResource.url", helpful["url"], "a 'None of these' choice has no link")
        return NoneChoice(id=raw["id"], title=raw["title"], description=helpful.get("displayText", ""))

    def keep(self, path: str, value: Any, why: str) -> None:
        self.extensions[path] = value
        self.note(path, f"{why}; kept aside in extensions, not exported")

    def practice_id(self, cid: str, qid: str) -> str:
        numbered = re.fullmatch(rf"{re.escape(qid)}_BP(\d\d)", cid)
        candidate = f"{qid}-BP{numbered.group(1)}" if numbered else cid
        if cid.upper() in self.repeated:
            candidate = f"{qid}.{cid}"
        base, n = candidate[:120], 1
        while candidate.upper() in self.practice_ids or len(candidate) > 128:
            n += 1
            candidate = f"{base}-{n}"
        self.practice_ids.add(candidate.upper())
        return candidate

    def practice(self, raw: dict[str, Any], qid: str, path: str) -> Practice:
        cid, title = raw["id"], raw["title"]
        pid = self.practice_id(cid, qid)
        helpful = raw.get("helpfulResource", {})
        plan = raw.get("improvementPlan")
        description, why = split_help(helpful.get("displayText", ""))
        steps = [{"text": text} for text in read_plan(plan["displayText"], title)] if plan else []
        if plan is None:
            self.note(path, "no improvementPlan: the practice title is exported as one")
        resources = self.resources(raw, title, path, steps)
        data = {
            "id": pid,
            "wa_choice_id": cid if pid.replace("-", "_").replace(".", "_") != cid else None,
            "title": title,
            "description": description,
            "why": why,
            "improvement": steps,
            "resources": resources,
        }
        practice: Practice = _build(Practice, data, path)
        return practice

    def resources(self, raw: dict[str, Any], title: str, path: str, steps: list[dict[str, Any]]) -> list[Resource]:
        helpful_url: str | None = raw.get("helpfulResource", {}).get("url")
        plan_url: str | None = (raw.get("improvementPlan") or {}).get("url")
        out: list[Resource] = []
        main = helpful_url or plan_url
        if main:
            out.append(Resource(title=title, url=main))
        if helpful_url != plan_url:
            if helpful_url and plan_url:
                out.append(Resource(title=_short(f"Improvement plan: {title}"), url=plan_url))
                self.note(path, "improvementPlan.url differs from helpfulResource.url: kept as a resource")
            elif "helpfulResource" in raw or "improvementPlan" in raw:
                self.note(path, "helpfulResource and improvementPlan are exported with the same url")
        for gi, group in enumerate(raw.get("additionalResources", [])):
            for ii, item in enumerate(group["content"]):
                here = f"{path}.additionalResources[{gi}].content[{ii}]"
                text, url = item.get("displayText"), item.get("url")
                if group["type"] == "IMPROVEMENT_PLAN" and text and not url:
                    if not self.stack_notes(text, steps):
                        steps.append({"text": text})
                        self.note(here, "kept as an improvement step")
                elif url:
                    if not out:
                        self.note(here, "its url becomes the practice's main link on export")
                    if group["type"] == "IMPROVEMENT_PLAN":
                        self.note(here, "kept as a resource (exported as a helpful resource)")
                    out.append(Resource(title=_short(text or url), url=url))
                else:
                    self.keep(here, item, "a helpful resource without url has no place in our model")
        return out

    def stack_notes(self, text: str, steps: list[dict[str, Any]]) -> bool:
        parsed = read_stack_text(text, len(steps))
        if parsed is None:
            return False
        stack, notes = parsed
        for number, note in notes.items():
            stacks = steps[number - 1].setdefault("stacks", {})
            stacks[stack] = note
        return True


def _short(text: str) -> str:
    return text if len(text) <= _RESOURCE_TITLE_MAX else text[: _RESOURCE_TITLE_MAX - 3] + "..."


def from_document(doc: dict[str, Any], *, lens_id: str | None = None, version: str = "imported") -> Imported:
    """Our Lens for a lint-clean AWS document, and notes on what import changed or set aside."""
    importer = _Importer(doc)
    lens = importer.lens(lens_id=lens_id, version=version)
    return Imported(lens=lens, notes=importer.notes)
