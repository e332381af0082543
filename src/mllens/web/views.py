"""Rendering pages: one Jinja2 environment (autoescaped: every page carries project text),
the stylesheet (the HTML report's, plus the app's own), and the security headers of
every page (a CSP that allows nothing from elsewhere and no script but the app's own)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined

from mllens import __version__
from mllens.report import labels
from mllens.report.html_view import PALETTE, RISK_CLASS

# Scripts only from this site (static/answers.js), never inline; fetch() only back to it.
CSP = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # pages show a user's data
}


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("mllens.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(labels=labels, RISK_CLASS=RISK_CLASS, version=__version__)
    return env


def render(request: Request, template: str, context: dict[str, Any], *, status: int = 200) -> HTMLResponse:
    html = environment().get_template(template).render(request_path=request.url.path, **context)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


@cache
def stylesheet() -> str:
    """The report's palette and stylesheet, then the app's own rules."""
    palette = "".join(f"--{name}-bg: {bg}; --{name}-fg: {fg}; " for name, (bg, fg) in PALETTE.items())
    report_css = (resources.files("mllens.report") / "templates" / "report.css").read_text(encoding="utf-8")
    app_css = (resources.files("mllens.web") / "static" / "app.css").read_text(encoding="utf-8")
    return f":root {{ {palette}}}\n{report_css}\n{app_css}"


def css_response() -> Response:
    return Response(stylesheet(), media_type="text/css", headers={"Cache-Control": "max-age=3600"})


@cache
def _script(name: str) -> str:
    return (resources.files("mllens.web") / "static" / name).read_text(encoding="utf-8")


def script_response(name: str) -> Response:
    """One of the app's own scripts (static/*.js), served from the package."""
    return Response(_script(name), media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff"})
