"""The lens: its model, its loader, risk rules, and the AWS custom-lens format."""

from mllens.lens.load import load_lens, load_shipped_lens
from mllens.lens.model import (
    Check,
    Lens,
    Phase,
    Pillar,
    Practice,
    Question,
    Risk,
    RiskRule,
)

__all__ = [
    "Check",
    "Lens",
    "Phase",
    "Pillar",
    "Practice",
    "Question",
    "Risk",
    "RiskRule",
    "load_lens",
    "load_shipped_lens",
]
