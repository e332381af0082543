"""The pages: the portfolio (with its CSV export) and one workload's facilitated review,
walked by pillar or by phase, where editors answer practices.

Every page needs a session (auth.page_session); what it shows is limited to the teams of
the user (web.access), and every form carries the session's CSRF token.
"""

from __future__ import annotations

import csv
import io
from functools import partial
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from mllens.lens.load import load_shipped_lens
from mllens.lens.model import Lens, Risk
from mllens.report.html_view import RISK_CLASS
from mllens.review.model import Review
from mllens.store import Store, latest_review, list_milestones
from mllens.store.access import audit_log
from mllens.store.records import NotFoundError, SessionInfo
from mllens.store.sessions import CHECK_STATES, STATUSES, answers_of, set_answer
from mllens.store.summaries import summary_details
from mllens.web.access import can_see, can_write
from mllens.web.auth import check_csrf, page_session, store_of
from mllens.web.custom_review import custom_review, lens_names
from mllens.web.links import source_link, source_of
from mllens.web.portfolio import (
    PAGE_SIZE,
    RISK_FILTERS,
    Filters,
    Page,
    filtered_portfolio,
    passes,
    team_of,
    visible_rows,
)
from mllens.web.review_sync import REASONS, sync_context
from mllens.web.summary import Cell, ShownReviews, cells_from, refresh_summary, trend_from
from mllens.web.trend import sparkline
from mllens.web.views import render

router = APIRouter(include_in_schema=False)
Session = Annotated[SessionInfo, Depends(page_session)]
WALKS = ("pillar", "phase")


class PageError(Exception):
    """A page that cannot be shown (404, 403): answered with an HTML page of this status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _minimap(lens: Lens, cells: list[Cell] | None) -> list[list[str | None]]:
    """Pillar rows x phase columns: each cell the risk of that question, or None."""
    risks = {(c.pillar, c.phase): Risk(c.risk) for c in cells or []}
    return [
        [_risk_class(risks.get((pillar.id, phase.id))) for phase in lens.phases] for pillar in lens.pillars
    ]


def _risk_class(risk: Risk | None) -> str | None:
    return None if risk is None else RISK_CLASS[risk]


def page_number(page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> int:
    return page


def filters_of(
    team: Annotated[str, Query(max_length=100)] = "",
    environment: Annotated[str, Query(max_length=100)] = "",
    pillar: Annotated[str, Query(max_length=64)] = "",
    phase: Annotated[str, Query(max_length=64)] = "",
    risk: Annotated[str, Query(max_length=20)] = "",
) -> Filters:
    return Filters(team=team, environment=environment, pillar=pillar, phase=phase, risk=risk)


PortfolioFilters = Annotated[Filters, Depends(filters_of)]


@router.get("/")
def portfolio(request: Request, session: Session, filters: PortfolioFilters,
              page: Annotated[int, Depends(page_number)]) -> Response:
    store = store_of(request)
    every = visible_rows(store, user=session.user, cells=filters.sliced)
    rows = [row for row in every if passes(row, filters)]
    shown = Page.of(len(rows), page)
    rows = rows[shown.first:shown.first + PAGE_SIZE]
    lens = load_shipped_lens()
    # The page's rows only: their question risks and trends, in one query.
    found = summary_details(store, workload_ids=[row.entry.workload_id for row in rows if row.summary])
    bodies = {row.entry.name: found.get(row.entry.workload_id) for row in rows}
    maps = {name: _minimap(lens, cells_from(body[0]) if body else None) for name, body in bodies.items()}
    sparks = {name: sparkline(trend_from(body[1])) if body else None for name, body in bodies.items()}
    return render(request, "portfolio.html.j2", {
        "user": session.user, "csrf": session.csrf, "lines": [row.line for row in rows], "maps": maps,
        "sparks": sparks, "lens": lens, "page": shown,
        "teams": sorted({row.entry.team for row in every if row.entry.team}),
        "environments": sorted({row.entry.environment for row in every if row.entry.environment}),
        "chosen": filters, "query": urlencode(filters.model_dump()), "risks": RISK_FILTERS,
    })


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@router.get("/portfolio.csv")
def portfolio_csv(request: Request, session: Session, filters: PortfolioFilters) -> Response:
    lines = [row.line for row in filtered_portfolio(store_of(request), user=session.user, filters=filters)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["workload", "team", "owner", "environment", "last_scan",
                     "HIGH", "MEDIUM", "NONE", "UNANSWERED", "NOT_APPLICABLE", "HIGH_accepted", "MEDIUM_accepted"])
    for line in lines:
        counts, accepted = line.risk_counts, line.accepted_counts
        writer.writerow([_csv_cell(v) for v in (
            line.name, line.team, line.owner, line.environment,
            line.last_scan.isoformat() if line.last_scan else "",
            *((counts.HIGH, counts.MEDIUM, counts.NONE, counts.UNANSWERED, counts.NOT_APPLICABLE) if counts
              else ("",) * 5),
            *((accepted.HIGH, accepted.MEDIUM) if accepted else ("", "")),
        )])
    headers = {"Content-Disposition": 'attachment; filename="portfolio.csv"', "Cache-Control": "no-store"}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


def _visible(request: Request, session: SessionInfo, name: str) -> str | None:
    try:
        _info, team = team_of(store_of(request), workload=name)
    except NotFoundError:
        raise PageError(404, f"There is no workload named {name}.") from None
    if not can_see(session.user, team):
        raise PageError(403, f"Workload {name} belongs to a team you are not in.")
    return team

def _editor(request: Request, session: SessionInfo, name: str, csrf: str, *, refused: str) -> Store:
    """The store, once a form's CSRF token, the workload's visibility to the user and the user's
    right to write in its team are checked (`refused`: the 403 message for a viewer)."""
    check_csrf(session, csrf)
    if not can_write(session.user, _visible(request, session, name)):
        raise PageError(403, refused)
    return store_of(request)


def autosaved(request: Request) -> bool:
    """The form was posted by static/answers.js (it wants 204, not the page)."""
    return request.headers.get("x-mllens-autosave") == "1"


def _saved(request: Request, name: str, *, by: str, anchor: str, review_changed: bool = True) -> Response:
    """After a form saved: 204 for static/answers.js (no page to send back), else back to the
    review; `review_changed`: the workload's stored summary is computed again first."""
    if review_changed:
        refresh_summary(store_of(request), workload=name)
    walk = by if by in WALKS else "pillar"
    return saved_or_back(request, f"/workloads/{quote(name, safe='')}?by={walk}#{anchor}")


def saved_or_back(request: Request, url: str) -> Response:
    """After a form saved: 204 for static/answers.js (no page to send back), else to `url`."""
    if autosaved(request):
        return Response(status_code=204, headers={"Cache-Control": "no-store"})
    return RedirectResponse(url, status_code=303)


def _groups(lens: Lens, review: Review, by: str) -> list[tuple[str, list[Any]]]:
    """The review's questions grouped by pillar or by phase, in the lens's order."""
    if by == "pillar":
        return [(p.name, [q for q in review.questions if q.pillar == p.id]) for p in lens.pillars]
    return [(p.name, [q for q in review.questions if q.phase == p.id]) for p in lens.phases]


@router.get("/workloads/{name}")
def review_page(
    request: Request, name: str, session: Session, by: Annotated[str, Query(max_length=10)] = "pillar"
) -> Response:
    team = _visible(request, session, name)
    by = by if by in WALKS else "pillar"
    store = store_of(request)
    shown: ShownReviews = request.app.state.shown_reviews
    review = shown.get(store, workload=name)
    lens = load_shipped_lens(review.lens_id) if review else load_shipped_lens()
    by_question: dict[str, list[Any]] = {}
    for practice in review.practices if review else []:
        by_question.setdefault(practice.question, []).append(practice)
    evidence: dict[str, list[Any]] = {}
    for item in review.evidence if review else []:
        evidence.setdefault(item.practice, []).append(item)
    return render(request, "review.html.j2", {
        "user": session.user, "csrf": session.csrf, "name": name, "team": team, "review": review,
        "groups": _groups(lens, review, by) if review else [], "by": by, "walks": WALKS,
        "by_question": by_question,
        "evidence": evidence, "answers": answers_of(store, workload=name),
        "audit": audit_log(store, workload=name)[:50],
        "can_answer": can_write(session.user, team), "statuses": STATUSES, "check_states": CHECK_STATES,
        "milestones": list_milestones(store, workload=name),
        "sync": sync_context(store, workload=name, review=review),
        "custom": custom_review(store, workload=name) if review else None, "custom_lenses": lens_names(store),
        "link": partial(source_link, source_of(store, workload=name)),
    })


def _check_states(known: list[Any], given: list[str]) -> dict[str, str]:
    """The form's `checks` values, each "CHECK=STATE", as a map; 422 for an unknown check
    or state."""
    ids = {c.id for c in known}
    states: dict[str, str] = {}
    for value in given:
        check, _, state = value.partition("=")
        if check not in ids or state not in CHECK_STATES:
            raise PageError(422, f"Expected CHECK=STATE with a check of the practice and a state of "
                                 f"{', '.join(CHECK_STATES)}, got {value}.")
        states[check] = state
    return states


@router.post("/workloads/{name}/answers")
def answer(
    request: Request,
    name: str,
    session: Session,
    practice: Annotated[str, Form(max_length=32)],
    csrf: Annotated[str, Form(max_length=100)] = "",
    status: Annotated[str, Form(max_length=20)] = "",
    notes: Annotated[str, Form(max_length=10_000)] = "",
    checks: Annotated[list[str] | None, Form(max_length=100)] = None,
    by: Annotated[str, Form(max_length=10)] = "pillar",
    reason: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    store = _editor(request, session, name, csrf,
                    refused="Viewers read reviews; answering needs an editor or an admin.")
    review = latest_review(store, workload=name)
    if review is None or practice not in {p.id for p in review.practices}:
        raise PageError(422, f"Practice {practice} is not part of this workload's review.")
    if status and status not in STATUSES:
        raise PageError(422, f"Expected a status of {', '.join(STATUSES)}, got {status}.")
    if reason and reason not in REASONS:
        raise PageError(422, f"Expected a reason of {', '.join(REASONS)}, got {reason}.")
    known = load_shipped_lens(review.lens_id).practice(practice).checks  # the stored review may lack them
    states = _check_states(known, checks) if checks else None
    set_answer(store, user=session.user, workload=name, practice=practice,
               status=status or None, notes=notes.strip() or None, checks=states, reason=reason or None)
    return _saved(request, name, by=by, anchor=practice)
