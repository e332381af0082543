"""The FastAPI application of `mllens serve`: health, the JSON API and the pages.

`create_app` takes an open store (the CLI opens it from --db / $MLLENS_DB; tests hand in
one of their own), so the app holds no global state and several can run side by side.
"""

from __future__ import annotations

import secrets
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from mllens import __version__
from mllens.store import Store
from mllens.web import (
    admin,
    api,
    auth,
    backlog,
    custom_lens,
    heatmap,
    lens_pages,
    lens_upload,
    milestones,
    pages,
    risks,
    sync_api,
    views_roles,
)
from mllens.web.errors import ApiError, api_error_handler, validation_handler
from mllens.web.security import hash_password
from mllens.web.summary import ShownReviews
from mllens.web.views import css_response, render, script_response


def create_app(*, store: Store, secure_cookies: bool = True) -> FastAPI:
    """The app over `store`. `secure_cookies` marks the session cookie Secure (off only
    when serving on localhost, where browsers refuse Secure cookies over plain HTTP)."""
    app = FastAPI(title="mllens", version=__version__, docs_url=None, redoc_url=None)
    app.state.store = store
    app.state.shown_reviews = ShownReviews()
    app.state.secure_cookies = secure_cookies
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(RequestValidationError, validation_handler)
    app.state.login_limiter = auth.LoginLimiter()
    # Checked against when a login names no user, so both cases cost one Argon2 check.
    app.state.dummy_hash = hash_password(secrets.token_urlsafe(16))
    app.add_exception_handler(auth.LoginRequired, _to_login)
    app.add_exception_handler(auth.CsrfRefused, _csrf_refused)
    app.add_exception_handler(pages.PageError, _page_error)
    app.add_exception_handler(PoolTimeout, _busy)
    app.include_router(api.router)
    app.include_router(auth.router)
    app.include_router(pages.router)
    app.include_router(risks.router)
    app.include_router(sync_api.router)
    app.include_router(milestones.api)
    app.include_router(milestones.pages)
    for module in (backlog, heatmap, views_roles, lens_pages, lens_upload, custom_lens):
        app.include_router(module.api)
        app.include_router(module.pages)
    app.include_router(admin.router)
    app.include_router(admin.api)

    @app.get("/static/app.css", include_in_schema=False)
    def css() -> Response:
        return css_response()

    @app.get("/static/answers.js", include_in_schema=False)
    def answers_js() -> Response:
        return script_response("answers.js")

    @app.get("/healthz", tags=["health"])
    def healthz(request: Request) -> JSONResponse:
        """200 when the database answers, 503 when it does not."""
        try:
            with store.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    return app


async def _to_login(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, auth.LoginRequired)
    return RedirectResponse(f"/login?next={quote(exc.next_path, safe='')}", status_code=303)


async def _csrf_refused(request: Request, _exc: Exception) -> Response:
    message = (
        "This form is out of date or did not come from mllens (its CSRF token is missing or wrong): reload the page."
    )
    return render(request, "error.html.j2", {"user": None, "status": 403, "message": message}, status=403)


async def _page_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, pages.PageError)
    return render(request, "error.html.j2", {"user": None, "status": exc.status, "message": exc.message},
                  status=exc.status)


async def _busy(_request: Request, _exc: Exception) -> Response:
    """Every database connection stayed busy for the pool's timeout: the server is
    overloaded, not broken; 503 with Retry-After instead of a 500."""
    body = {"detail": "the server is busy (no database connection came free in time): retry in a few seconds"}
    return JSONResponse(body, status_code=503, headers={"Retry-After": "5"})
