"""The review engine: answers + evidence -> Review (statuses, risks, roll-ups, plan)."""

from mllens.review.evaluate import evaluate
from mllens.review.model import (
    CheckResult,
    CheckState,
    PlanStep,
    PracticeResult,
    PracticeStatus,
    QuestionResult,
    Review,
    RiskCounts,
    Source,
    Summary,
)
from mllens.review.plan import accepted_active, build_plan
from mllens.review.risk import question_risk

__all__ = [
    "CheckResult",
    "CheckState",
    "PlanStep",
    "PracticeResult",
    "PracticeStatus",
    "QuestionResult",
    "Review",
    "RiskCounts",
    "Source",
    "Summary",
    "accepted_active",
    "build_plan",
    "evaluate",
    "question_risk",
]
