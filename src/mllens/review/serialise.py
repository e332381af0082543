"""A Review to and from JSON: the one module that writes and reads it.

Two forms. The report form is the scan contract of design.md (`mllens scan --format json`):
contract keys (fixed; other tools parse them) mllens_version, lens, project, evidence,
practices, questions, summary, then extras under their own top-level keys only: workload,
plan, accepted_risks, diagnostics, scan (the exclude patterns it ran with). `project.path`
is null for a review made without a scan. Read back, a report is a (partial) Review, used
as a baseline. The stored form is the whole Review without the lens's improvement text,
which comes back from the lens when it is loaded.

The JSON reporter, the gate's baseline and the store all go through here, so the review
package never imports a reporter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, ValidationError

from mllens import __version__
from mllens.answers.model import AcceptedRisk, PracticeAnswer, QuestionAnswer, Workload
from mllens.errors import InputError, LensError
from mllens.lens.model import Lens, Risk
from mllens.review.model import (
    PracticeResult,
    PracticeStatus,
    QuestionResult,
    Review,
    Source,
    Summary,
)
from mllens.review.plan import attach_guidance
from mllens.scan.evidence import FileClass, evidence_from_report
from mllens.scan.result import ScanResult
from mllens.validation import field_path, problem

CONTRACT_KEYS = (
    "mllens_version",
    "lens",
    "project",
    "evidence",
    "practices",
    "questions",
    "summary",
)
EXTRA_KEYS = ("workload", "plan", "accepted_risks", "diagnostics", "scan")


def review_to_data(review: Review, *, scan: ScanResult | None = None) -> dict[str, Any]:
    """The report form as plain data, keys in contract order then the extras."""
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
            # files per class (mllens.scan.classify): only project and test files decide
            "files_by_class": scan.files_by_class if scan else dict.fromkeys(get_args(FileClass), 0),
        },
        "workload": review.workload.model_dump(mode="json", exclude_none=True),
        "plan": [s.model_dump(mode="json") for s in review.plan],
        "accepted_risks": [a.model_dump(mode="json") for a in review.accepted_risks],
        "diagnostics": [d.model_dump(mode="json") for d in scan.diagnostics] if scan else [],
        "scan": {"exclude": list(scan.exclude) if scan else []},  # the patterns of files left out
    }


class _In(BaseModel):
    """What a baseline must hold; keys a reader does not need are ignored."""

    model_config = ConfigDict(extra="ignore")


class _LensIn(_In):
    id: str
    version: str


class _PracticeIn(_In):
    id: str
    id_2023: str | None = None
    question: str
    pillar: str
    phase: str | None = None
    status: PracticeStatus
    source: Source


class _QuestionIn(_In):
    id: str
    pillar: str
    phase: str | None = None
    risk: Risk
    selected: list[str] = []


class _SummaryIn(Summary):
    model_config = ConfigDict(extra="ignore")  # files_by_class, or a newer mllens's counts


class _AnswersIn(_In):
    """The answers of mllens.yaml an upload carries beside the report (key `answers`)."""

    practices: dict[str, PracticeAnswer] = {}
    questions: dict[str, QuestionAnswer] = {}


class _ReportIn(_In):
    lens: _LensIn
    practices: list[_PracticeIn]
    questions: list[_QuestionIn]
    summary: _SummaryIn
    workload: Workload | None = None
    accepted_risks: list[AcceptedRisk] = []
    answers: _AnswersIn | None = None


NOT_A_REPORT = "not an mllens JSON report (expected the output of `mllens scan --format json`)"
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "true or false", type(None): "null"}


def _report_in(data: Any, *, file: str) -> _ReportIn:
    if not isinstance(data, dict):
        raise InputError(f"{NOT_A_REPORT}, got {_JSON_TYPES.get(type(data), 'a number')}", file=file)
    if not any(key in data for key in CONTRACT_KEYS):
        got = "an AWS custom lens" if "schemaVersion" in data else f"an object with keys {', '.join(list(data)[:5])}"
        raise InputError(f"{NOT_A_REPORT}, got {got if data else 'an empty object'}", file=file)
    if not data.get("workload"):  # a report without a workload reads as one named "baseline"
        data = {**data, "workload": None}
    try:
        return _ReportIn.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = field_path(err["loc"])
        wrong = f"the key {where} is missing" if err["type"] == "missing" else f"{where}: {problem(err)}"
        raise InputError(f"{NOT_A_REPORT}: {wrong}", file=file) from None


def answers_data(answers: dict[str, PracticeAnswer], questions: dict[str, QuestionAnswer]) -> dict[str, Any]:
    """The `answers` key an upload adds to the report: mllens.yaml's answers as given."""
    return {
        "practices": {k: v.model_dump(mode="json", exclude_defaults=True) for k, v in answers.items()},
        "questions": {k: v.model_dump(mode="json", exclude_defaults=True) for k, v in questions.items()},
    }


def _accepted_of(lens: Lens, risks: list[AcceptedRisk]) -> dict[str, AcceptedRisk]:
    """One acceptance per practice (current id), the longest-running, as the engine picks."""
    out: dict[str, AcceptedRisk] = {}
    for risk in risks:
        pid = lens.resolve(risk.practice) or risk.practice
        if pid not in out or risk.expires > out[pid].expires:
            out[pid] = risk
    return out


def review_from_data(data: Any, *, lens: Lens, file: str, today: dt.date | None = None) -> Review:
    """A Review rebuilt from the report form (statuses, risks, counts, evidence; no check
    detail), titles taken from `lens`. Used as the baseline a new review is compared with,
    and by the web app for an upload: accepted risks (judged against `today`) and, when the
    upload carries mllens.yaml's answers (`answers`), their notes and not-applicable
    reasons are kept. Anything that is not such a report is an InputError naming the file
    and what is wrong."""
    report = _report_in(data, file=file)
    today = today or dt.date.today()
    given = report.answers or _AnswersIn()
    notes = {lens.resolve(k) or k: v for k, v in given.practices.items()}
    accepted = _accepted_of(lens, report.accepted_risks)
    practices = []
    for item in report.practices:
        practice = lens.practice(item.id) if lens.resolve(item.id) else None
        answer, risk = notes.get(item.id), accepted.get(item.id)
        practices.append(
            PracticeResult(
                **item.model_dump(),
                title=practice.title if practice else item.id,
                risk_if_missing=practice.risk_if_missing if practice else None,
                notes=answer.notes if answer else None,
                na_reason=answer.reason if answer else None,
                accepted=risk,
                accepted_expired=risk is not None and risk.expires < today,
            )
        )
    q_notes = {lens.question(k).id if lens.has_question(k) else k: v.notes for k, v in given.questions.items()}
    questions = [
        QuestionResult(
            **item.model_dump(),
            title=lens.question(item.id).title if lens.has_question(item.id) else item.id,
            notes=q_notes.get(item.id),
        )
        for item in report.questions
    ]
    return Review(
        lens_id=report.lens.id,
        lens_version=report.lens.version,
        workload=report.workload or Workload(name="baseline"),
        generated_at=dt.datetime.fromtimestamp(0, dt.UTC),
        evidence=evidence_from_report(data.get("evidence", []), file=file),  # the gate's known findings
        practices=practices,
        questions=questions,
        summary=Summary.model_validate(report.summary.model_dump()),
        accepted_risks=report.accepted_risks,
    )


# What a stored review leaves out because the lens holds it.
_LENS_TEXT = {"plan": {"__all__": {"steps", "stacks", "advice"}}}


def review_to_stored_json(review: Review) -> str:
    """The stored form: the review as JSON without the lens's improvement text (about half
    its size)."""
    return review.model_dump_json(exclude=_LENS_TEXT)


def review_from_stored_json(text: str) -> Review:
    """A stored review, with its plan's how-to text put back from the lens it was made with.

    Reviews of a lens that is not shipped (an imported one) come back without that text."""
    from mllens.lens.load import load_shipped_lens  # the lens loader and its YAML only when needed

    review = Review.model_validate_json(text)
    try:
        lens = load_shipped_lens(review.lens_id)
    except (LensError, FileNotFoundError):
        return review
    return attach_guidance(review, lens)
