"""The JSON report: exactly the scan contract of design.md, plus namespaced extras.

Contract keys (fixed; other tools parse them): mllens_version, lens, project, evidence,
practices, questions, summary. Extras live under their own top-level keys only:
workload, plan, accepted_risks, diagnostics. `project.path` is null for a review made
without a scan.

`review_from_json` reads such a report back as a (partial) Review, for use as a baseline.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from mllens import __version__
from mllens.answers.model import Workload
from mllens.errors import InputError
from mllens.lens.model import Lens, Risk
from mllens.report.base import ReportOptions
from mllens.review.model import (
    PracticeResult,
    PracticeStatus,
    QuestionResult,
    Review,
    RiskCounts,
    Source,
    Summary,
)
from mllens.scan.evidence import evidence_from_report
from mllens.scan.result import ScanResult

CONTRACT_KEYS = (
    "mllens_version",
    "lens",
    "project",
    "evidence",
    "practices",
    "questions",
    "summary",
)
EXTRA_KEYS = ("workload", "plan", "accepted_risks", "diagnostics")


def to_data(review: Review, *, scan: ScanResult | None = None) -> dict[str, Any]:
    """The report as plain data (what `render` serialises)."""
    summary = review.summary
    return {
        "mllens_version": __version__,
        "lens": {"id": review.lens_id, "version": review.lens_version},
        "project": {
            "path": scan.root if scan is not None else None,
            "files_scanned": scan.files_scanned if scan is not None else 0,
            "duration_s": round(scan.duration_s, 3) if scan is not None else 0.0,
        },
        "evidence": [e.model_dump(mode="json") for e in review.evidence],
        "practices": [
            {
                "id": p.id,
                "id_2023": p.id_2023,
                "question": p.question,
                "pillar": p.pillar,
                "phase": p.phase,
                "status": p.status.value,
                "source": p.source.value,
            }
            for p in review.practices
        ],
        "questions": [
            {
                "id": q.id,
                "pillar": q.pillar,
                "phase": q.phase,
                "risk": q.risk.value,
                "selected": list(q.selected),
            }
            for q in review.questions
        ],
        "summary": {
            "risk_counts": summary.risk_counts.model_dump(),
            "by_pillar": {k: v.model_dump() for k, v in summary.by_pillar.items()},
            "by_phase": {k: v.model_dump() for k, v in summary.by_phase.items()},
        },
        "workload": review.workload.model_dump(mode="json", exclude_none=True),
        "plan": [s.model_dump(mode="json") for s in review.plan],
        "accepted_risks": [a.model_dump(mode="json") for a in review.accepted_risks],
        "diagnostics": [d.model_dump(mode="json") for d in scan.diagnostics] if scan else [],
    }


def render(
    review: Review,
    *,
    scan: ScanResult | None = None,
    baseline: Review | None = None,
    options: ReportOptions = ReportOptions(),
) -> str:
    """The report as one JSON object (keys in contract order, two-space indent)."""
    return json.dumps(to_data(review, scan=scan), indent=2, ensure_ascii=False) + "\n"


def review_from_json(data: Any, *, lens: Lens, file: str) -> Review:
    """A Review rebuilt from a JSON report (statuses, risks, counts; no check detail),
    titles taken from `lens`. Used as the baseline a new review is compared with."""
    try:
        practices = []
        for item in data["practices"]:
            practice = lens.practice(item["id"]) if lens.resolve(item["id"]) else None
            practices.append(
                PracticeResult(
                    id=item["id"],
                    id_2023=item.get("id_2023"),
                    question=item["question"],
                    pillar=item["pillar"],
                    phase=item.get("phase"),
                    title=practice.title if practice else item["id"],
                    risk_if_missing=practice.risk_if_missing if practice else None,
                    status=PracticeStatus(item["status"]),
                    source=Source(item["source"]),
                )
            )
        questions = [
            QuestionResult(
                id=item["id"],
                pillar=item["pillar"],
                phase=item.get("phase"),
                title=lens.question(item["id"]).title if lens.has_question(item["id"]) else item["id"],
                risk=Risk(item["risk"]),
                selected=list(item.get("selected", [])),
            )
            for item in data["questions"]
        ]
        summary = data["summary"]
        return Review(
            lens_id=data["lens"]["id"],
            lens_version=data["lens"]["version"],
            workload=Workload.model_validate(data.get("workload") or {"name": "baseline"}),
            generated_at=dt.datetime.fromtimestamp(0, dt.UTC),
            evidence=evidence_from_report(data.get("evidence", []), file=file),  # the gate's known findings
            practices=practices,
            questions=questions,
            summary=Summary(
                risk_counts=RiskCounts(**summary["risk_counts"]),
                by_pillar={k: RiskCounts(**v) for k, v in summary["by_pillar"].items()},
                by_phase={k: RiskCounts(**v) for k, v in summary["by_phase"].items()},
            ),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(
            f"not an mllens JSON report (from `mllens report --format json`): {exc}", file=file
        ) from None
