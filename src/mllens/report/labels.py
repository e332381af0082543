"""One display name per state, for every human output (terminal, Markdown, HTML, PDF,
milestone list and diff).

The names are the JSON contract's values (design.md): a question's risk is HIGH, MEDIUM,
NONE, UNANSWERED or NOT_APPLICABLE; a practice is implemented, partial, missing, unknown or
not_applicable; a check is met, not_met, unknown or not_applicable. A display form may only
change case and turn `_` into a space ("NOT APPLICABLE", "not met"); no output renames a
state ("ok", "no risk", "?", "open", "n/a" were all used once). NONE may carry the legend
`NONE_LEGEND`, never another word.

Accepted risks read the same everywhere: the question keeps its risk, followed by the
acceptance, "HIGH (accepted until 2027-03-01, owner ana)"; grids, too narrow for that, put
`ACCEPTED_FLAG` beside the risk and explain it in their legend.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from mllens.lens.model import Risk
from mllens.review.model import CheckState, PracticeStatus

RISKS: dict[Risk, str] = {
    Risk.HIGH: "HIGH",
    Risk.MEDIUM: "MEDIUM",
    Risk.NONE: "NONE",
    Risk.UNANSWERED: "UNANSWERED",
    Risk.NOT_APPLICABLE: "NOT APPLICABLE",
}
STATUSES: dict[PracticeStatus, str] = {s: s.value.replace("_", " ") for s in PracticeStatus}
CHECKS: dict[CheckState, str] = {c: c.value.replace("_", " ") for c in CheckState}

NONE_LEGEND = "NONE = no risk found"
ACCEPTED_FLAG = "⚑"
ACCEPTED_LEGEND = f"{ACCEPTED_FLAG} = risk accepted by the team"

# Every state value, whatever kind, to its display name: for places that hold a state as
# a plain string (a diff's one-sided items).
_BY_VALUE: dict[str, str] = {
    **{k.value: v for k, v in RISKS.items()},
    **{k.value: v for k, v in STATUSES.items()},
    **{k.value: v for k, v in CHECKS.items()},
}


def risk(value: Risk) -> str:
    return RISKS[value]


def status(value: PracticeStatus) -> str:
    return STATUSES[value]


def check(value: CheckState) -> str:
    return CHECKS[value]


def state(value: StrEnum | str) -> str:
    """The display name of any state value (risk, status or check); other text unchanged."""
    text = value.value if isinstance(value, StrEnum) else value
    return _BY_VALUE.get(text, text)


def acceptance(*, owner: str, expires: dt.date, expired: bool) -> str:
    """`accepted until 2027-03-01, owner ana`, or `acceptance expired 2026-05-01, owner bob`."""
    if expired:
        return f"acceptance expired {expires.isoformat()}, owner {owner}"
    return f"accepted until {expires.isoformat()}, owner {owner}"


def accepted_risk(value: Risk, *, owner: str, expires: dt.date, expired: bool) -> str:
    """`HIGH (accepted until 2027-03-01, owner ana)`: the risk stays, the decision follows."""
    return f"{RISKS[value]} ({acceptance(owner=owner, expires=expires, expired=expired)})"


def counted(count: int, value: Risk, accepted: int = 0) -> str:
    """`3 HIGH`, or `3 HIGH (1 accepted)` when the team accepted some of them."""
    return f"{count} {RISKS[value]}" + (f" ({accepted} accepted)" if accepted else "")
