"""The plan as a backlog a team imports into its issue tracker (`mllens plan export`).

One row per plan item, in plan order: what to do (the item's next step, and the rule's fix
where the files prove the gap), the evidence, the risk, and the owner and due date the
team set in mllens.yaml (an accepted risk's owner and expiry), empty otherwise.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from mllens.review.model import PlanStep, Review
from mllens.review.plan import answer_command

COLUMNS = (
    "rank", "kind", "practice", "checks", "question", "title", "step", "fix_syntax", "fix",
    "evidence", "risk", "risk_after", "owner", "due", "command",
)  # fmt: skip


def _row(step: PlanStep, review: Review, path: str) -> dict[str, Any]:
    advice = step.advice
    owner, due = "", ""
    if step.practice:
        accepted = review.practice(step.practice).accepted
        if accepted is not None:
            owner, due = accepted.owner, accepted.expires.isoformat()
    if step.kind == "answer":
        what = f"Answer {', '.join(step.questions)} (practices {', '.join(step.practices)})"
    else:
        what = advice.text if advice is not None else (step.steps[0] if step.steps else step.title)
    return {
        "rank": step.rank,
        "kind": step.kind,
        "practice": step.practice,
        "checks": list(step.checks),
        "question": step.question,
        "title": step.title,
        "step": what,
        "fix_syntax": (advice.syntax or "") if advice is not None else "",
        "fix": (advice.snippet or "") if advice is not None else "",
        "evidence": [e.model_dump(mode="json") for e in step.evidence],
        "risk": step.risk_now.value,
        "risk_after": step.risk_after.value,
        "owner": owner,
        "due": due,
        "command": answer_command(step.questions, path=path) if step.kind == "answer" else "",
    }


def backlog_rows(review: Review, *, path: str = ".") -> list[dict[str, Any]]:
    """The plan's items as backlog rows (`COLUMNS`), in plan order; `path` goes into the
    command that asks unanswered questions."""
    return [_row(step, review, path) for step in review.plan]


def _cell(value: Any) -> str:
    if isinstance(value, list):
        if value and isinstance(value[0], dict):  # evidence: one finding a line
            return "\n".join(
                f"{e['file']}{':' + str(e['line']) if e['line'] else ''}: {e['message']} ({e['rule']})" for e in value
            )
        return " ".join(str(v) for v in value)
    return str(value)


# A spreadsheet runs a cell that starts with one of these as a formula; project text
# (file names, messages) reaches these cells, so such a cell starts with a quote instead.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(rows: list[dict[str, Any]]) -> str:
    """Rows as CSV with a header (RFC 4180 quoting; multi-line cells quoted; a cell that
    a spreadsheet would run as a formula starts with a quote)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _inert(_cell(row[key])) for key in COLUMNS})
    return out.getvalue()


def to_json(rows: list[dict[str, Any]]) -> str:
    """Rows as a JSON array, two-space indented."""
    return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
