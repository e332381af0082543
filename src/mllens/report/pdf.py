"""The PDF report for leadership: the HTML report paginated by WeasyPrint (extra `pdf`).

A title page, then numbered A4 pages with every question open (paged CSS in
templates/paged.css). The result is bytes, so this reporter sits in
mllens.report.BINARY_REPORTERS and the CLI writes it to a file, never to a terminal.
WeasyPrint may fetch nothing but `data:` URLs: the report is self-contained.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from mllens.errors import MllensError
from mllens.report.base import ReportOptions
from mllens.report.html import to_html
from mllens.report.html_view import Milestone
from mllens.review.model import Review
from mllens.scan.result import ScanResult

INSTALL_HINT = "PDF reports need WeasyPrint: pip install 'mllens[pdf]' (and the Pango library)"


class PdfUnavailable(MllensError):
    """WeasyPrint (or the system libraries under it) is not installed."""


@contextmanager
def _quiet_weasyprint() -> Iterator[None]:
    """WeasyPrint warns about every CSS property only browsers know (transitions, hover
    effects); those are expected here, so keep them off the user's terminal."""
    loggers = [logging.getLogger(name) for name in ("weasyprint", "fontTools")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _no_network_fetcher(weasyprint: Any) -> Any:
    """A URL fetcher that allows only `data:` URLs (newer WeasyPrint has a class for it)."""
    if hasattr(weasyprint, "URLFetcher"):
        return weasyprint.URLFetcher(allowed_protocols=("data",))

    def refuse(url: str) -> dict[str, Any]:  # WeasyPrint < 66 takes a plain function
        if url.startswith("data:"):
            return dict(weasyprint.default_url_fetcher(url))
        raise ValueError(f"the PDF report fetches nothing; refused {url}")

    return refuse


def html_to_pdf(html: str) -> bytes:
    """Paginate an HTML document with WeasyPrint."""
    try:
        import weasyprint  # type: ignore[import-untyped]
    except (ImportError, OSError) as exc:  # OSError: the Python package is there, Pango is not
        raise PdfUnavailable(f"{INSTALL_HINT} ({exc})") from None
    with _quiet_weasyprint():
        document = weasyprint.HTML(string=html, url_fetcher=_no_network_fetcher(weasyprint))
        data: bytes = document.write_pdf()
    return data


def render(
    review: Review,
    *,
    scan: ScanResult | None = None,
    baseline: Review | None = None,
    options: ReportOptions = ReportOptions(),
    history: Sequence[Milestone] | None = None,
) -> bytes:
    """The report as PDF bytes (write them to a .pdf file)."""
    return html_to_pdf(to_html(review, scan=scan, baseline=baseline, history=history, paged=True, stack=options.stack))
