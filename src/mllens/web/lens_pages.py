"""The lens browser: pillars, phases, questions and practices of a lens, with a
server-side search (every word of the query must appear in a practice's ids, title,
description, why, checks or improvement guidance).

Pages: GET /lens (?q= searches), GET /lens/practices/{id} (either numbering).
API (read token): GET /api/v1/lens, GET /api/v1/lens/practices/{id}.
`?lens=` names a custom lens an admin uploaded (web.lens_upload); the shipped ML lens otherwise.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from mllens.lens.load import load_shipped_lens
from mllens.lens.model import STACKS, Lens, Practice
from mllens.store import Store
from mllens.store.records import TokenGrant
from mllens.web.api import reader
from mllens.web.api import store_of as api_store
from mllens.web.auth import store_of
from mllens.web.errors import ApiError
from mllens.web.lens_store import stored_lens
from mllens.web.pages import PageError, Session
from mllens.web.views import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["lens"])
SearchQuery = Annotated[str, Query(max_length=200, description="Words every matching practice contains.")]
LensName = Annotated[str, Query(max_length=64, description="A stored custom lens; the shipped ML lens when empty.")]
PracticeId = Annotated[str, Path(max_length=128, description="A practice id, current or 2023 numbering.")]


class PracticeLine(BaseModel):
    id: str
    id_2023: str | None
    title: str


class QuestionOut(BaseModel):
    id: str
    title: str
    pillar: str
    phase: str | None
    practices: list[PracticeLine]


class Named(BaseModel):
    id: str
    name: str


class LensOut(BaseModel):
    id: str
    name: str
    version: str
    pillars: list[Named]
    phases: list[Named]
    questions: list[QuestionOut]


class CheckOut(BaseModel):
    id: str
    kind: str
    text: str
    evidence: str | None


class StepOut(BaseModel):
    text: str
    stacks: dict[str, str]  # stack (aws, gcp, azure, open_source) -> what to do there


class ResourceOut(BaseModel):
    title: str
    url: str


class PracticeOut(BaseModel):
    id: str
    id_2023: str | None
    title: str
    description: str
    why: str
    question: str
    pillar: str
    phase: str | None
    risk_if_missing: str | None
    checks: list[CheckOut]
    improvement: list[StepOut]
    resources: list[ResourceOut]


def _text_of(practice: Practice) -> str:
    parts = [practice.id, practice.id_2023 or "", practice.title, practice.description, practice.why]
    parts += [c.text for c in practice.checks]
    for step in practice.improvement:
        parts.append(step.text)
        parts += [note for stack in STACKS if (note := getattr(step.stacks, stack))]
    return " ".join(parts).lower()


def search(lens: Lens, query: str) -> list[Practice]:
    """The practices that contain every word of `query` (case-insensitive), in lens order."""
    words = query.lower().split()
    if not words:
        return lens.practices
    return [p for p in lens.practices if all(w in _text_of(p) for w in words)]


def lens_out(lens: Lens, query: str = "") -> LensOut:
    """The lens's outline; with a query, only questions that have a matching practice, and only those practices."""
    found = {p.id for p in search(lens, query)}
    questions = [
        QuestionOut(id=q.id, title=q.title, pillar=q.pillar, phase=q.phase,
                    practices=[PracticeLine(id=p.id, id_2023=p.id_2023, title=p.title)
                               for p in q.choices if p.id in found])
        for q in lens.questions
    ]
    return LensOut(
        id=lens.id, name=lens.name, version=lens.version,
        pillars=[Named(id=p.id, name=p.name) for p in lens.pillars],
        phases=[Named(id=p.id, name=p.name) for p in lens.phases],
        questions=[q for q in questions if q.practices],
    )


def practice_out(practice: Practice) -> PracticeOut:
    return PracticeOut(
        id=practice.id, id_2023=practice.id_2023, title=practice.title, description=practice.description,
        why=practice.why, question=practice.question, pillar=practice.pillar, phase=practice.phase,
        risk_if_missing=practice.risk_if_missing,
        checks=[CheckOut(id=c.id, kind=c.kind, text=c.text, evidence=c.evidence) for c in practice.checks],
        improvement=[
            StepOut(text=s.text, stacks={k: v for k in STACKS if (v := getattr(s.stacks, k))})
            for s in practice.improvement
        ],
        resources=[ResourceOut(title=r.title, url=r.url) for r in practice.resources],
    )


def _lens(store: Store, name: str) -> Lens | None:
    return load_shipped_lens() if not name else stored_lens(store, name=name)


@pages.get("/lens")
def lens_page(request: Request, session: Session, q: SearchQuery = "", lens: LensName = "") -> Response:
    found = _lens(store_of(request), lens)
    if found is None:
        raise PageError(404, f"No stored lens is named {lens!r}.")
    outline = lens_out(found, q)
    return render(request, "lens.html.j2", {
        "user": session.user, "csrf": session.csrf, "lens": found, "outline": outline, "q": q,
        "matched": sum(len(qn.practices) for qn in outline.questions),
        "lens_name": lens, "pillars": {p.id: p.name for p in found.pillars},
        "phases": {p.id: p.name for p in found.phases},
    })


@pages.get("/lens/practices/{practice_id}")
def practice_page(request: Request, session: Session, practice_id: PracticeId, lens: LensName = "") -> Response:
    found = _lens(store_of(request), lens)
    if found is None:
        raise PageError(404, f"No stored lens is named {lens!r}.")
    try:
        practice = found.practice(practice_id)
    except KeyError:
        raise PageError(404, f"{practice_id!r} is not a practice of lens {found.name!r}.") from None
    return render(request, "lens_practice.html.j2", {
        "user": session.user, "csrf": session.csrf, "lens": found, "p": practice_out(practice),
        "lens_name": lens, "question": found.question(practice.question),
        "pillars": {p.id: p.name for p in found.pillars}, "phases": {p.id: p.name for p in found.phases},
    })


@api.get("/lens", response_model=LensOut)
def lens_api(
    request: Request, _grant: Annotated[TokenGrant, Depends(reader)], q: SearchQuery = "", lens: LensName = ""
) -> LensOut:
    """The lens's pillars, phases and questions with their practices; `q` keeps the practices matching every word."""
    found = _lens(api_store(request), lens)
    if found is None:
        raise ApiError(404, f"no stored lens is named {lens!r}", field="query.lens")
    return lens_out(found, q)


@api.get("/lens/practices/{practice_id}", response_model=PracticeOut)
def practice_api(
    request: Request, _grant: Annotated[TokenGrant, Depends(reader)], practice_id: PracticeId, lens: LensName = ""
) -> PracticeOut:
    """One practice: ids in both numberings, text, checks, improvement per stack and resources."""
    found = _lens(api_store(request), lens)
    if found is None:
        raise ApiError(404, f"no stored lens is named {lens!r}", field="query.lens")
    try:
        return practice_out(found.practice(practice_id))
    except KeyError:
        message = f"{practice_id!r} is not a practice of lens {found.id!r}"
        raise ApiError(404, message, field="path.practice_id") from None
