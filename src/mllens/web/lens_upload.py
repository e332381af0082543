"""Custom lens upload (admins): an AWS custom-lens JSON file sent through a form, checked
by the lens linter, and stored as the next version of a named lens when it has no error.

A file over the size limit, malformed JSON, a document that is not a custom lens, or one
with linter errors is shown back with every finding (code, JSON path of the field, what
is wrong) and nothing is stored. Stored lenses are browsed at /lens?lens=NAME.

Pages: GET /admin/lenses, POST /admin/lenses. API (read token): GET /api/v1/lenses.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from mllens.errors import InputError
from mllens.lens.lint import Finding, has_errors, lint_document
from mllens.lens.wa_format import check_custom_lens
from mllens.lens.wa_import import from_document
from mllens.readers import parse_json
from mllens.store.lenses import CustomLensInfo, list_custom_lenses, save_custom_lens
from mllens.store.records import SessionInfo, TokenGrant
from mllens.web.access import is_admin
from mllens.web.api import reader
from mllens.web.api import store_of as api_store
from mllens.web.auth import check_csrf, store_of
from mllens.web.pages import PageError, Session
from mllens.web.views import render

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1", tags=["lens"])
MAX_LENS_BYTES = 2 * 1024 * 1024  # the ML lens exported is ~0.3 MB; AWS caps a lens file near 500 KB
LENS_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _admin(session: SessionInfo) -> None:
    if not is_admin(session.user):
        raise PageError(403, "Only admins upload custom lenses.")


def _page(request: Request, session: SessionInfo, *, status: int = 200, **extra: Any) -> Response:
    context: dict[str, Any] = {
        "user": session.user, "csrf": session.csrf, "lenses": list_custom_lenses(store_of(request)),
        "max_mb": MAX_LENS_BYTES // (1024 * 1024), "findings": [], "stored": None, "name": "", "file": "",
    }
    context.update(extra)
    return render(request, "lens_admin.html.j2", context, status=status)


def check_upload(data: bytes, *, file: str) -> tuple[str, list[Finding]]:
    """The lens's name and the linter's findings for an uploaded file; errors (E codes)
    mean it must not be stored. Size, encoding and JSON syntax problems are findings too."""
    if len(data) > MAX_LENS_BYTES:
        limit = MAX_LENS_BYTES // (1024 * 1024)
        return "", [Finding("E00", f"the file is larger than {limit} MB (got {len(data):,} bytes)")]
    try:
        doc = parse_json(data, file=file, expected="an AWS custom lens JSON file")
        check_custom_lens(doc, file=file)
    except InputError as exc:
        return "", [Finding("E00", exc.detail)]
    findings = lint_document(doc)
    if has_errors(findings):
        return "", findings
    try:
        lens = from_document(doc).lens
    except InputError as exc:
        return "", [*findings, Finding("E00", exc.detail, path=exc.field or "")]
    return lens.name, findings


@pages.get("/admin/lenses")
def lenses_page(request: Request, session: Session) -> Response:
    _admin(session)
    return _page(request, session)


@pages.post("/admin/lenses")
async def upload_lens(
    request: Request,
    session: Session,
    lens_file: Annotated[UploadFile, File()],
    name: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    check_csrf(session, csrf)
    _admin(session)
    shown = lens_file.filename or "upload.json"
    name = name.strip()
    if not LENS_NAME.match(name) or name == "ml":
        expected = "expected a lens name of lower-case letters, digits, - and _ (not 'ml')"
        finding = Finding("E00", f"{expected}, got {name!r}", path="name")
        return _page(request, session, status=422, findings=[finding], name=name, file=shown)
    data = await lens_file.read(MAX_LENS_BYTES + 1)  # one byte more tells a file over the limit
    title, findings = check_upload(data, file=shown)
    if has_errors(findings):
        status = 413 if len(data) > MAX_LENS_BYTES else 422
        return _page(request, session, status=status, findings=findings, name=name, file=shown)
    stored = save_custom_lens(store_of(request), name=name, title=title[:128], document=data.decode("utf-8"),
                              user=session.user.name)
    return _page(request, session, status=201, findings=findings, stored=stored, file=shown)


@api.get("/lenses", response_model=list[CustomLensInfo])
def lenses_api(request: Request, _grant: Annotated[TokenGrant, Depends(reader)]) -> list[CustomLensInfo]:
    """Every stored version of the custom lenses admins uploaded, by name, newest version first."""
    return list_custom_lenses(api_store(request))
