"""Pydantic models of a lens: pillars, phases, principles, questions, practices, checks, rules.

One lens file per pillar holds that pillar's questions; a question's choices *are* its
practices (the AWS custom-lens shape), so a practice's pillar, question and phase come from
where it stands and are filled in by `Lens` after validation, never typed twice.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

ID_PATTERN = r"^[A-Za-z0-9_.-]{1,128}$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9_]{1,63}$"


class Strict(BaseModel):
    """Base of every lens model: unknown keys are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Risk(StrEnum):
    """A question's risk, with the AWS Well-Architected API values."""

    UNANSWERED = "UNANSWERED"
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    NONE = "NONE"
    NOT_APPLICABLE = "NOT_APPLICABLE"

    @property
    def rank(self) -> int:
        """Severity order for sorting: HIGH first, NOT_APPLICABLE last."""
        return _RISK_RANK[self]


_RISK_RANK = {
    Risk.HIGH: 4,
    Risk.MEDIUM: 3,
    Risk.UNANSWERED: 2,
    Risk.NONE: 1,
    Risk.NOT_APPLICABLE: 0,
}

RuleRisk = Literal["HIGH", "MEDIUM", "NONE"]


class Resource(Strict):
    title: str = Field(min_length=1, max_length=300)
    url: str = Field(pattern=r"^https?://")


class StackNotes(Strict):
    """How a step is done on each stack; a stack left out has nothing specific to add."""

    aws: str | None = None
    gcp: str | None = None
    azure: str | None = None
    open_source: str | None = None


STACKS = ("aws", "gcp", "azure", "open_source")


class ImprovementStep(Strict):
    text: str = Field(min_length=1)
    stacks: StackNotes = StackNotes()


# The stages of the ML lifecycle the report draws (where data comes from, how it is
# processed, training, the registry, deployment, monitoring), in the order drawn.
LIFECYCLE_STAGES = ("data_sources", "processing", "training", "registry", "deployment", "monitoring")
LifecycleStage = Literal["data_sources", "processing", "training", "registry", "deployment", "monitoring"]


class Check(Strict):
    """A concrete signal that a practice is in place.

    `automated` checks can be shown by a project's files (detector rules map to them by
    id); `manual` ones need a person's answer. `evidence` names the kind of file that can
    show an automated check (iac, code, notebook, ci, container, dependencies, data, docs,
    metadata). `stage` puts the files that show an automated check on the report's
    lifecycle diagram; our own field, not part of an AWS custom lens.
    """

    id: str = Field(pattern=SLUG_PATTERN)
    kind: Literal["automated", "manual"]
    text: str = Field(min_length=1, max_length=300)
    evidence: str | None = None
    stage: LifecycleStage | None = None
    # The next step when this check is not met (general text, notes per stack); without
    # one, advice falls back to the practice's step that speaks of this check.
    step: ImprovementStep | None = None

    @model_validator(mode="after")
    def _evidence_only_when_automated(self) -> Check:
        if self.kind == "automated" and not self.evidence:
            raise ValueError("an automated check names its kind of evidence ('evidence:')")
        if self.kind == "manual" and self.stage is not None:
            raise ValueError("a manual check has no files to draw on the lifecycle ('stage:' is for automated checks)")
        return self


class Practice(Strict):
    """A best practice; in AWS terms, one choice of its question."""

    id: str = Field(pattern=ID_PATTERN)
    id_2023: str | None = None
    wa_choice_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_]{3,128}$")
    risk_if_missing: Literal["high", "medium"] | None = None
    title: str = Field(min_length=1, max_length=128)
    description: str = ""
    why: str = ""
    checks: list[Check] = []
    improvement: list[ImprovementStep] = []
    resources: list[Resource] = []

    _question: str = PrivateAttr(default="")
    _pillar: str = PrivateAttr(default="")
    _phase: str | None = PrivateAttr(default=None)

    @property
    def question(self) -> str:
        return self._question

    @property
    def pillar(self) -> str:
        return self._pillar

    @property
    def phase(self) -> str | None:
        return self._phase

    @property
    def choice_id(self) -> str:
        """The id of this practice as a choice in AWS custom-lens JSON (no hyphens)."""
        return self.wa_choice_id or self.id.replace("-", "_").replace(".", "_")

    def check(self, check_id: str) -> Check | None:
        return next((c for c in self.checks if c.id == check_id), None)

    @field_validator("checks")
    @classmethod
    def _unique_check_ids(cls, checks: list[Check]) -> list[Check]:
        seen: set[str] = set()
        for i, check in enumerate(checks):
            if check.id in seen:
                raise ValueError(f"checks[{i}].id: duplicate check id {check.id!r}")
            seen.add(check.id)
        return checks


class RiskRule(Strict):
    condition: str = Field(min_length=1)
    risk: RuleRisk


class NoneChoice(Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_]{3,128}$")
    title: str = "None of these"
    description: str = ""


class HelpfulText(Strict):
    """A question's helpful text as AWS lenses carry it: up to 2,048 characters, link optional."""

    text: str = Field(min_length=1, max_length=2048)
    url: str | None = Field(default=None, pattern=r"^https?://")


class Question(Strict):
    id: str = Field(pattern=ID_PATTERN)
    phase: str | None = None
    title: str = Field(min_length=1, max_length=128)
    description: str = ""
    helpful_resource: Resource | HelpfulText | None = None
    choices: list[Practice] = Field(min_length=1)
    none_choice: NoneChoice | None = None
    risk_rules: list[RiskRule] = Field(min_length=1)

    _pillar: str = PrivateAttr(default="")

    @property
    def pillar(self) -> str:
        return self._pillar

    @property
    def choice_ids(self) -> list[str]:
        """AWS choice ids in order, the "none of these" choice last."""
        ids = [p.choice_id for p in self.choices]
        if self.none_choice is not None:
            ids.append(self.none_choice.id)
        return ids

class Pillar(Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_]{1,128}$")
    name: str = Field(min_length=1, max_length=128)
    wa_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_]{3,128}$")
    description: str = ""


class Phase(Strict):
    id: str = Field(pattern=r"^[a-z_]{1,64}$")
    name: str = Field(min_length=1, max_length=128)
    description: str = ""


class DesignPrinciple(Strict):
    id: str = Field(pattern=SLUG_PATTERN)
    title: str = Field(min_length=1, max_length=128)
    description: str = ""


class PillarFile(Strict):
    """One lens file: the questions of one pillar."""

    pillar: str
    questions: list[Question] = Field(min_length=1)


class LensHeader(Strict):
    """`lens.yaml`: what the lens is and which pillar files make it up."""

    id: str = Field(pattern=r"^[a-z0-9_-]{1,64}$")
    name: str = Field(min_length=1, max_length=128)
    version: str = Field(min_length=1, max_length=32)
    description: str = ""
    url: str | None = None
    pillars: list[Pillar] = Field(min_length=1, max_length=10)
    phases: list[Phase] = []
    design_principles: list[DesignPrinciple] = []
    files: list[str] = Field(min_length=1)
    # Keys an imported AWS lens carried that we do not model (see Lens.extensions).
    extensions: dict[str, Any] = {}


class Lens(Strict):
    """A whole lens. Build it with `mllens.lens.load_lens`, which validates cross-references."""

    id: str
    name: str
    version: str
    description: str = ""
    url: str | None = None
    pillars: list[Pillar]
    phases: list[Phase] = []
    design_principles: list[DesignPrinciple] = []
    questions: list[Question]
    # Keys an imported AWS lens carried that we do not model, kept to report and not lost.
    extensions: dict[str, Any] = {}

    _practices: dict[str, Practice] = PrivateAttr(default_factory=dict)
    _aliases: dict[str, str] = PrivateAttr(default_factory=dict)
    _questions: dict[str, Question] = PrivateAttr(default_factory=dict)

    def model_post_init(self, __context: Any) -> None:
        self.reindex()

    def reindex(self) -> None:
        """Fill each practice's question, pillar and phase, and the id lookups."""
        self._practices.clear()
        self._aliases.clear()
        self._questions.clear()
        for question in self.questions:
            self._questions[question.id.upper()] = question
            for practice in question.choices:
                practice._question = question.id
                practice._pillar = question.pillar
                practice._phase = question.phase
                self._practices[practice.id] = practice
                self._aliases[practice.id.upper()] = practice.id
                self._aliases[practice.choice_id.upper()] = practice.id
                if practice.id_2023:
                    self._aliases[practice.id_2023.upper()] = practice.id

    @property
    def practices(self) -> list[Practice]:
        return [p for q in self.questions for p in q.choices]

    def resolve(self, practice_id: str) -> str | None:
        """The current id of a practice given in either numbering (case-insensitive)."""
        return self._aliases.get(practice_id.strip().upper())

    def practice(self, practice_id: str) -> Practice:
        """The practice with this id, in either numbering; KeyError names what was asked."""
        resolved = self.resolve(practice_id)
        if resolved is None:
            raise KeyError(f"{practice_id!r} is not a practice of lens {self.id!r}")
        return self._practices[resolved]

    def question(self, question_id: str) -> Question:
        try:
            return self._questions[question_id.strip().upper()]
        except KeyError:
            raise KeyError(f"{question_id!r} is not a question of lens {self.id!r}") from None

    def has_question(self, question_id: str) -> bool:
        return question_id.strip().upper() in self._questions

    def pillar(self, pillar_id: str) -> Pillar:
        for pillar in self.pillars:
            if pillar.id == pillar_id:
                return pillar
        raise KeyError(f"{pillar_id!r} is not a pillar of lens {self.id!r}")

    def questions_of(self, *, pillar: str | None = None, phase: str | None = None) -> list[Question]:
        return [
            q for q in self.questions if (pillar is None or q.pillar == pillar) and (phase is None or q.phase == phase)
        ]

    def check_stages(self) -> dict[str, str]:
        """Check id -> lifecycle stage, for the checks that name one (a check id shared by
        practices has one stage: the loader refuses two)."""
        return {c.id: c.stage for p in self.practices for c in p.checks if c.stage is not None}

    def cell(self, pillar: str, phase: str) -> Question | None:
        """The question of one cell of the phase x pillar grid, if that cell has one."""
        found = self.questions_of(pillar=pillar, phase=phase)
        return found[0] if found else None

