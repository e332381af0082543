"""Logging in and out of the pages: Argon2 passwords, a session cookie (HttpOnly,
SameSite=Lax, Secure unless served on localhost), a CSRF token on every form, and a
limit on failed logins.

The session lives in the store (the cookie's digest only), so logging out ends it at
once. The login form carries a CSRF token bound to a cookie of its own (there is no
session yet); every other form carries the session's token. Failed logins are counted in
memory per name and per client address: a process restart forgets them.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections import defaultdict, deque
from threading import Lock
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from mllens.store import Store
from mllens.store.access import password_hash_of
from mllens.store.records import SessionInfo
from mllens.store.sessions import close_session, open_session, session_of
from mllens.web.security import same, token_digest, verify_password
from mllens.web.views import render

SESSION_COOKIE = "mllens_session"
LOGIN_CSRF_COOKIE = "mllens_login_csrf"
LIFETIME = dt.timedelta(hours=8)
MAX_FAILURES = 5  # per name, and four times that per client address, in WINDOW_S
WINDOW_S = 300.0

router = APIRouter(include_in_schema=False)


class LoginRequired(Exception):
    """A page was asked for without a live session: the handler redirects to /login."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class CsrfRefused(Exception):
    """A form came without the CSRF token of its session: answered 403."""


class LoginLimiter:
    """Failed logins per key within a sliding window."""

    def __init__(self, *, limit: int = MAX_FAILURES, window_s: float = WINDOW_S) -> None:
        self.limit, self.window_s = limit, window_s
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = Lock()

    def _recent(self, key: str, at: float) -> deque[float]:
        times = self._failures[key]
        while times and times[0] <= at - self.window_s:
            times.popleft()
        return times

    def blocked(self, name: str, address: str) -> bool:
        at = time.monotonic()
        with self._lock:
            return (
                len(self._recent(f"name:{name}", at)) >= self.limit
                or len(self._recent(f"addr:{address}", at)) >= 4 * self.limit
            )

    def failed(self, name: str, address: str) -> None:
        at = time.monotonic()
        with self._lock:
            self._failures[f"name:{name}"].append(at)
            self._failures[f"addr:{address}"].append(at)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(f"name:{name}", None)


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def current_session(request: Request) -> SessionInfo | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    return session_of(store_of(request), digest=token_digest(cookie)) if cookie else None


def page_session(request: Request) -> SessionInfo:
    """The logged-in user's session, else a redirect to the login page."""
    found = current_session(request)
    if found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(target)
    return found


def check_csrf(session: SessionInfo, given: str) -> None:
    if not given or not same(session.csrf, given):
        raise CsrfRefused()


def _safe_next(path: str | None) -> str:
    # Only a path of this site: never //host or a scheme (an open redirect).
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return "/"


def _cookie(request: Request, response: Response, name: str, value: str, *, max_age: int | None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, httponly=True, samesite="lax", path="/",
        secure=bool(request.app.state.secure_cookies),
    )


def _login_page(request: Request, *, next_path: str, error: str | None, status: int = 200) -> Response:
    csrf = secrets.token_urlsafe(32)
    response = render(
        request, "login.html.j2", {"csrf": csrf, "next": next_path, "error": error, "user": None}, status=status
    )
    _cookie(request, response, LOGIN_CSRF_COOKIE, csrf, max_age=3600)
    return response


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return _login_page(request, next_path=_safe_next(next), error=None)


@router.post("/login")
async def login(
    request: Request,
    name: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not same(expected, csrf):
        raise CsrfRefused()
    limiter: LoginLimiter = request.app.state.login_limiter
    address = request.client.host if request.client else "unknown"
    if limiter.blocked(name, address):
        return _login_page(
            request, next_path=_safe_next(next), status=429,
            error=f"Too many failed logins: try again in {int(WINDOW_S // 60)} minutes.",
        )
    store = store_of(request)
    found = await run_in_threadpool(password_hash_of, store, name=name)
    # A hash is checked even for an unknown name, so timing does not tell which names exist.
    hashed = found[1] if found else request.app.state.dummy_hash
    valid = await run_in_threadpool(verify_password, hashed, password)
    if found is None or not valid:
        limiter.failed(name, address)
        return _login_page(request, next_path=_safe_next(next), error="Unknown name or wrong password.", status=401)
    limiter.succeeded(name)
    cookie = secrets.token_urlsafe(32)
    await run_in_threadpool(
        open_session, store, user=found[0], digest=token_digest(cookie), csrf=secrets.token_urlsafe(32),
        lifetime=LIFETIME,
    )
    response = RedirectResponse(_safe_next(next), status_code=303)
    _cookie(request, response, SESSION_COOKIE, cookie, max_age=int(LIFETIME.total_seconds()))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(
    request: Request,
    session: Annotated[SessionInfo, Depends(page_session)],
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    check_csrf(session, csrf)
    cookie = request.cookies.get(SESSION_COOKIE, "")
    close_session(store_of(request), digest=token_digest(cookie))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
