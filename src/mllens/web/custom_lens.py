"""A custom lens beside the ML Lens in a workload's review: an editor chooses one of the
lenses uploaded in the app (web.lens_upload), the review page shows its questions with
the choices the team selected, each question's risk scored as the AWS tool scores it
(web.custom_review).

Page forms: POST /workloads/{name}/lens (choose), POST /workloads/{name}/custom-answers
(select). API: GET /api/v1/workloads/{name}/custom-lens.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from mllens.store.custom_answers import set_custom_answer, set_workload_lens, workload_lens
from mllens.store.records import TokenGrant
from mllens.web.api import WorkloadName, _visible_team, reader
from mllens.web.api import store_of as api_store
from mllens.web.custom_review import CustomReview, custom_review, lens_names
from mllens.web.lens_store import stored_lens
from mllens.web.pages import PageError, Session, _editor, _saved, saved_or_back
from mllens.web.summary import refresh_summary

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["api"])


@pages.post("/workloads/{name}/lens")
def choose_lens(
    request: Request,
    name: str,
    session: Session,
    lens: Annotated[str, Form(max_length=64)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    store = _editor(request, session, name, csrf,
                    refused="Viewers read reviews; choosing a custom lens needs an editor or an admin.")
    if lens and lens not in lens_names(store):
        raise PageError(422, f"Expected the name of a custom lens uploaded in the app, got {lens}.")
    set_workload_lens(store, user=session.user, workload=name, lens=lens or None)
    refresh_summary(store, workload=name)
    return saved_or_back(request, f"/workloads/{name}#custom-lens")


@pages.post("/workloads/{name}/custom-answers")
def answer_custom(
    request: Request,
    name: str,
    session: Session,
    question: Annotated[str, Form(max_length=128)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    choices: Annotated[list[str] | None, Form(max_length=16)] = None,
    by: Annotated[str, Form(max_length=10)] = "pillar",
) -> Response:
    store = _editor(request, session, name, csrf,
                    refused="Viewers read reviews; answering needs an editor or an admin.")
    lens_name = workload_lens(store, workload=name)
    lens = stored_lens(store, name=lens_name) if lens_name else None
    if lens_name is None or lens is None:
        raise PageError(422, f"Workload {name} shows no custom lens: choose one first.")
    found = next((q for q in lens.questions if q.id == question), None)
    if found is None:
        raise PageError(422, f"Question {question} is not part of custom lens {lens_name}.")
    unknown = [c for c in choices or [] if c not in found.choice_ids]
    if unknown:
        raise PageError(422, f"Expected choices of question {question} ({', '.join(found.choice_ids)}), "
                             f"got {', '.join(unknown)}.")
    set_custom_answer(store, user=session.user, workload=name, lens=lens_name, question=question,
                      selected=list(choices or []))
    return _saved(request, name, by=by, anchor=f"c-{question}")


@api.get("/workloads/{name}/custom-lens", response_model=CustomReview | None)
def custom_lens_api(
    request: Request, name: WorkloadName, grant: Annotated[TokenGrant, Depends(reader)]
) -> CustomReview | None:
    """The workload's custom lens (beside the ML Lens) with its answers and each question's
    risk as the AWS tool scores it; null when the workload shows none."""
    store = api_store(request)
    _visible_team(store, grant, name)
    return custom_review(store, workload=name)
