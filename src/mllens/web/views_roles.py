"""Views of one review by role: business, risk and compliance, engineer.

What each view selects comes from roles.yaml, in the lens's own terms (pillars, phases,
practice ids, risks), checked against the lens when loaded; the page then shows the
sections the role asks for (trend, accepted risks, audit log, evidence, disagreements
between the answers and the files, fixes).

Pages: GET /workloads/{name}/view/{role}. API: GET /api/v1/workloads/{name}/view/{role}.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal

import yaml
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict

from mllens.lens.load import load_shipped_lens
from mllens.lens.model import Lens, Risk
from mllens.review.model import PracticeResult, QuestionResult, Review
from mllens.store import Store
from mllens.store.access import audit_log
from mllens.store.records import TokenGrant
from mllens.web.api import WorkloadName, reader
from mllens.web.api import _visible_team as api_team
from mllens.web.api import store_of as api_store
from mllens.web.auth import store_of
from mllens.web.current import current_review
from mllens.web.errors import ApiError
from mllens.web.links import Repository, source_link, source_of
from mllens.web.pages import PageError, Session, _visible
from mllens.web.trend import TrendPoint, sparkline, workload_trend
from mllens.web.views import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["api"])
RoleName = Literal["business", "risk", "engineer"]
Section = Literal["trend", "accepted", "audit", "evidence", "disagreements", "fixes"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionPick(_Strict):
    pillars: list[str] = []
    phases: list[str] = []
    risks: list[Risk] = []


class PracticePick(_Strict):
    title: str
    ids: list[str]


class RoleView(_Strict):
    title: str
    intro: str
    questions: QuestionPick
    practices: PracticePick | None = None
    sections: list[Section] = []


@cache
def role_views() -> dict[str, RoleView]:
    text = (resources.files("mllens.web") / "roles.yaml").read_text(encoding="utf-8")
    return {name: RoleView.model_validate(data) for name, data in yaml.safe_load(text).items()}


def check_against(lens: Lens, views: dict[str, RoleView]) -> list[str]:
    """What roles.yaml names that the lens does not have (empty when all is known)."""
    pillars, phases = {p.id for p in lens.pillars}, {p.id for p in lens.phases}
    wrong = []
    for name, view in views.items():
        wrong += [f"{name}: pillar {p}" for p in view.questions.pillars if p not in pillars]
        wrong += [f"{name}: phase {p}" for p in view.questions.phases if p not in phases]
        for pid in view.practices.ids if view.practices else []:
            try:
                lens.practice(pid)
            except KeyError:
                wrong.append(f"{name}: practice {pid}")
    return wrong


def _questions(review: Review, pick: QuestionPick) -> list[QuestionResult]:
    """Questions in any of the picked pillars or phases (either list may be empty), with a
    picked risk when risks are given; worst first, then by id."""
    chosen = [
        q for q in review.questions
        if ((not pick.pillars and not pick.phases) or q.pillar in pick.pillars or q.phase in pick.phases)
        and (not pick.risks or q.risk in pick.risks)
    ]
    return sorted(chosen, key=lambda q: (-q.risk.rank, q.id))


class ViewData(BaseModel):
    """One role's view of a workload's review (the API's JSON, and what the page renders)."""

    role: str
    title: str
    questions: list[QuestionResult]
    practices: list[PracticeResult]
    practices_title: str | None
    trend: list[TrendPoint] = []
    accepted: list[dict[str, Any]] = []
    audit: list[dict[str, Any]] = []
    evidence: list[dict[str, Any]] = []
    disagreements: list[dict[str, Any]] = []
    fixes: list[dict[str, Any]] = []


def _accepted(review: Review, today: dt.date) -> list[dict[str, Any]]:
    return [
        {"practice": a.practice, "owner": a.owner, "reason": a.reason, "expires": a.expires.isoformat(),
         "expired": a.expires < today, "days_left": (a.expires - today).days}
        for a in sorted(review.accepted_risks, key=lambda a: (a.expires, a.practice))
    ]


def _evidence(review: Review, questions: list[QuestionResult], repository: Repository) -> list[dict[str, Any]]:
    """Evidence of the practices of `questions`, contradicting first, each with its link."""
    wanted = {p.id for p in review.practices if p.question in {q.id for q in questions}}
    picked = [e for e in review.evidence if e.practice in wanted]
    picked.sort(key=lambda e: (e.outcome != "contradicts", e.practice, e.file, e.line or 0))
    return [
        {**e.model_dump(mode="json"), "link": source_link(repository, e.file, e.line)} for e in picked
    ]


def _disagreements(review: Review, questions: list[QuestionResult]) -> list[dict[str, Any]]:
    """Checks of the practices of `questions` where the team's answer and the files differ."""
    asked = {q.id for q in questions}
    return [
        {"practice": p.id, "check": c.id, "text": c.text, "answer": c.answer_state.value if c.answer_state else None,
         "files": c.evidence_state.value}
        for p in review.practices if p.question in asked for c in p.disagreements
    ]


def _fixes(review: Review, repository: Repository) -> list[dict[str, Any]]:
    out = []
    for step in review.plan:
        if step.kind != "fix":
            continue
        advice = step.advice
        out.append({
            "rank": step.rank, "practice": step.practice, "checks": step.checks, "title": step.title,
            "risk": step.risk_now.value, "advice": advice.text if advice else (step.steps[0] if step.steps else ""),
            "syntax": advice.syntax if advice else None, "snippet": advice.snippet if advice else None,
            "evidence": [{**e.model_dump(mode="json"), "link": source_link(repository, e.file, e.line)}
                         for e in step.evidence],
        })
    return out


def build_view(store: Store, *, workload: str, role: str, review: Review, today: dt.date | None = None) -> ViewData:
    view = role_views()[role]
    questions = _questions(review, view.questions)
    ids = view.practices.ids if view.practices else []
    known = {p.id: p for p in review.practices}
    data = ViewData(
        role=role, title=view.title, questions=questions, practices=[known[i] for i in ids if i in known],
        practices_title=view.practices.title if view.practices else None,
    )
    repository = source_of(store, workload=workload)
    day = today or dt.datetime.now(dt.UTC).date()
    if "trend" in view.sections:
        data.trend = workload_trend(store, workload=workload, now=review.summary.risk_counts)
    if "accepted" in view.sections:
        data.accepted = _accepted(review, day)
    if "audit" in view.sections:
        data.audit = [e.model_dump(mode="json") for e in audit_log(store, workload=workload)[:100]]
    if "evidence" in view.sections:
        data.evidence = _evidence(review, questions, repository)
    if "disagreements" in view.sections:
        data.disagreements = _disagreements(review, questions)
    if "fixes" in view.sections:
        data.fixes = _fixes(review, repository)
    return data


@pages.get("/workloads/{name}/view/{role}")
def role_page(request: Request, name: str, role: str, session: Session) -> Response:
    team = _visible(request, session, name)
    if role not in role_views():
        raise PageError(404, f"There is no view named {role}: expected one of {', '.join(role_views())}.")
    store = store_of(request)
    review = current_review(store, workload=name, detail=True)
    data = build_view(store, workload=name, role=role, review=review) if review else None
    lens = load_shipped_lens(review.lens_id) if review else load_shipped_lens()
    return render(request, "role_view.html.j2", {
        "user": session.user, "csrf": session.csrf, "name": name, "team": team, "review": review,
        "view": role_views()[role], "data": data, "current_view": role,
        "spark": sparkline(data.trend) if data else None,
        "pillars": {p.id: p.name for p in lens.pillars}, "phases": {p.id: p.name for p in lens.phases},
        "practices_of": {q.id: [p for p in review.practices if p.question == q.id] for q in review.questions}
        if review else {},
    })


@api.get("/workloads/{name}/view/{role}", response_model=ViewData)
def role_api(
    request: Request, name: WorkloadName, role: RoleName, grant: Annotated[TokenGrant, Depends(reader)]
) -> ViewData:
    """One role's view of the review: business, risk (and compliance) or engineer."""
    store = api_store(request)
    api_team(store, grant, name)
    review = current_review(store, workload=name, detail=True)
    if review is None:
        raise ApiError(404, f"workload {name!r} has no review yet")
    return build_view(store, workload=name, role=role, review=review)
