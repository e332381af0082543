"""Limits and vocabulary of the AWS custom-lens JSON (schema 2021-11-01), in one place.

The linter checks them, the exporter refuses what breaks them and `fold` shortens or
cleans text to fit them; all three read this table (wa-lens-format.md sections 1, 5, 6).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCHEMA_VERSION = "2021-11-01"
TOP_KEYS = ("schemaVersion", "name", "description", "pillars")
PILLAR_KEYS = ("id", "name", "questions")
QUESTION_KEYS = ("id", "title", "description", "helpfulResource", "choices", "riskRules")
CHOICE_KEYS = ("id", "title", "helpfulResource", "improvementPlan", "additionalResources")
RESOURCE_KEYS = ("displayText", "url")
GROUP_KEYS = ("type", "content")
RULE_KEYS = ("condition", "risk")

FRAMEWORK_PILLARS = (
    "operationalExcellence",
    "security",
    "reliability",
    "performance",
    "costOptimization",
    "sustainability",
)
RESOURCE_TYPES = ("HELPFUL_RESOURCE", "IMPROVEMENT_PLAN")
RULE_RISKS = ("HIGH_RISK", "MEDIUM_RISK", "NO_RISK")
RISK_RANK = {"NO_RISK": 1, "MEDIUM_RISK": 2, "HIGH_RISK": 3}
# Our rule risks (model.RuleRisk) and the JSON ones.
TO_WA_RISK = {"HIGH": "HIGH_RISK", "MEDIUM": "MEDIUM_RISK", "NONE": "NO_RISK"}
FROM_WA_RISK = {wa: ours for ours, wa in TO_WA_RISK.items()}

ID_RE = re.compile(r"^[A-Za-z0-9_]{3,128}$")
API_ID_MAX = 64  # PillarId and ChoiceId API shapes; warn on import, refuse on export
NONE_SUFFIX = "_no"

MAX_PILLARS = 10
MAX_QUESTIONS = 20
MAX_CHOICES = 15
MAX_RULES = 3
MAX_EXTRA_ITEMS = 5  # per additional-resource type and choice
MAX_DOCUMENT = 500_000

# Section 6.3: what ImportLens accepts in names, titles and descriptions. ASCII letters only
# (non-ASCII letters were never tested, so treat them as rejected), plus U+2019.
RESTRICTED_CHAR = re.compile(r"[A-Za-z0-9 \r\n\-_.,:/()@!&#+'?\u2019]")


def disallowed_characters(text: str) -> list[str]:
    """The distinct characters of `text` that a restricted field may not hold, in order."""
    out: list[str] = []
    for char in text:
        if not RESTRICTED_CHAR.fullmatch(char) and char not in out:
            out.append(char)
    return out


@dataclass(frozen=True, slots=True)
class TextLimit:
    """One text field: hard limit (E20), safe target (warn above it), restricted
    character set (E21), and whether `fold` may shorten it (free text, not names)."""

    enforce: int
    safe: int
    restricted: bool = False
    foldable: bool = False
    safe_code: str = "W20"


LENS_TEXT = {
    "name": TextLimit(128, 128, restricted=True),
    "description": TextLimit(2048, 1024, restricted=True, foldable=True),
}
PILLAR_TEXT = {"name": TextLimit(128, 128, restricted=True)}
QUESTION_TEXT = {
    "title": TextLimit(128, 128, restricted=True),
    "description": TextLimit(2048, 1024, restricted=True, foldable=True),
    # The API shape stops at 64; longer text was accepted and read back (W23).
    "helpfulResource.displayText": TextLimit(2048, 64, foldable=True, safe_code="W23"),
}
CHOICE_TEXT = {
    "title": TextLimit(128, 128, restricted=True),
    "helpfulResource.displayText": TextLimit(2048, 1024, foldable=True),
    "improvementPlan.displayText": TextLimit(2048, 1024, foldable=True),
    "content.displayText": TextLimit(2048, 1024, foldable=True),
}
QUESTION_URL_MAX = 2048
CHOICE_URL_MAX = 1024
