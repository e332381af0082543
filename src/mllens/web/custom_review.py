"""A workload's answers to the custom lens it shows beside the ML Lens, scored as the AWS
tool scores a custom lens (shared/wa-lens-format.md, sections 2.2-2.5, through
mllens.lens.rules.evaluate_rules): nothing selected is UNANSWERED, else the first risk rule
that holds. "None of these" is a choice like any other; only the lens's own rules give it
a meaning. The forms and the API are in web.custom_lens.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from mllens.lens.model import Lens, Question, Risk
from mllens.lens.rules import evaluate_rules
from mllens.review.model import RiskCounts
from mllens.store import Store
from mllens.store.custom_answers import custom_answers_of, workload_lens
from mllens.store.lenses import list_custom_lenses
from mllens.web.lens_store import stored_lens


class ChoiceLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str  # the AWS choice id
    title: str
    selected: bool
    none: bool = False  # the question's "None of these"


class CustomQuestion(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    pillar: str  # the pillar's name
    risk: Risk
    choices: list[ChoiceLine]


class CustomReview(BaseModel):
    """The workload's answers to its custom lens, scored (module docstring)."""

    model_config = ConfigDict(frozen=True)

    lens: str
    title: str
    version: str
    risk_counts: RiskCounts
    questions: list[CustomQuestion]


def _question(lens: Lens, question: Question, selected: list[str]) -> CustomQuestion:
    chosen = set(selected)
    choices = [ChoiceLine(id=p.choice_id, title=p.title, selected=p.choice_id in chosen) for p in question.choices]
    if question.none_choice is not None:
        none = question.none_choice
        choices.append(ChoiceLine(id=none.id, title=none.title, selected=none.id in chosen, none=True))
    risk = evaluate_rules(question.risk_rules, [c.id for c in choices if c.selected])
    names = {p.id: p.name for p in lens.pillars}
    return CustomQuestion(id=question.id, title=question.title, pillar=names.get(question.pillar, question.pillar),
                          risk=risk, choices=choices)


def custom_review(store: Store, *, workload: str) -> CustomReview | None:
    """The scored answers to the workload's custom lens; None when it shows none (or the
    lens is no longer stored)."""
    name = workload_lens(store, workload=workload)
    lens = stored_lens(store, name=name) if name else None
    if name is None or lens is None:
        return None
    answers = custom_answers_of(store, workload=workload, lens=name)
    questions = [_question(lens, q, answers.get(q.id, [])) for q in lens.questions]
    counts = RiskCounts()
    for q in questions:
        counts.add(q.risk)
    return CustomReview(lens=name, title=lens.name, version=lens.version, risk_counts=counts, questions=questions)


def lens_names(store: Store) -> list[str]:
    """The custom lenses a workload may choose, by name."""
    return sorted({info.name for info in list_custom_lenses(store)})
