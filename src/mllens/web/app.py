"""The FastAPI application of `mllens serve`: health, the JSON API and the pages.

`create_app` takes an open store (the CLI opens it from --db / $MLLENS_DB; tests hand in
one of their own), so the app holds no global state and several can run side by side.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from mllens import __version__
from mllens.store import Store
from mllens.web import api
from mllens.web.errors import ApiError, api_error_handler, validation_handler


def create_app(*, store: Store, secure_cookies: bool = True) -> FastAPI:
    """The app over `store`. `secure_cookies` marks the session cookie Secure (off only
    when serving on localhost, where browsers refuse Secure cookies over plain HTTP)."""
    app = FastAPI(title="mllens", version=__version__, docs_url=None, redoc_url=None)
    app.state.store = store
    app.state.secure_cookies = secure_cookies
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(RequestValidationError, validation_handler)
    app.include_router(api.router)

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
