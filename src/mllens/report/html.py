"""The HTML report: one self-contained file that works offline.

CSS, SVG and the one small script are inline; there are no fonts, images or links to
fetch. A Content-Security-Policy in the page forbids every fetch and allows only our own
script (by its hash), so even text that slipped through escaping could not run or call
out. Everything from a project or an answer is escaped by Jinja's autoescape.

`render` follows the reporter signature of mllens.report; `history` adds the risk trend
over milestones. `to_html(..., paged=True)` is the variant mllens.report.pdf paginates.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from mllens import __version__
from mllens.report import html_view as view
from mllens.report import labels
from mllens.report.base import COUNT_ORDER, LABELS, ReportOptions, humanize, pillar_code
from mllens.report.html_svg import BOX_GAP, BOX_H, BOX_W, BOX_Y, lifecycle_stages, trend
from mllens.report.html_view import Milestone
from mllens.review.model import Review
from mllens.scan.result import ScanResult

_TEMPLATES = "templates"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("mllens.report", _TEMPLATES),
        autoescape=True,  # every template, whatever its file name: all of them carry project text
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        LABELS=LABELS,
        COUNT_ORDER=COUNT_ORDER,
        RISK_CLASS=view.RISK_CLASS,
        RISK_ICON=view.RISK_ICON,
        STATUS_ICON=view.STATUS_ICON,
        CHECK_LABELS=view.CHECK_LABELS,
        STATUS_LABELS=view.STATUS_LABELS,
        labels=labels,  # every state's display name: mllens.report.labels, as in every report
        practice_acceptance=view.practice_acceptance,
        SOURCE_LABELS=view.SOURCE_LABELS,
        STACK_LABELS=view.STACK_LABELS,
        PALETTE=view.PALETTE,
        humanize=humanize,
        pillar_code=pillar_code,
        BOX_W=BOX_W,
        BOX_H=BOX_H,
        BOX_Y=BOX_Y,
        BOX_GAP=BOX_GAP,
    )
    return env


@cache
def _asset(name: str) -> str:
    return (resources.files("mllens.report") / _TEMPLATES / name).read_text(encoding="utf-8")


def script_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script."""
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def to_html(
    review: Review,
    *,
    scan: ScanResult | None = None,
    baseline: Review | None = None,
    history: Sequence[Milestone] | None = None,
    paged: bool = False,
    stack: str | None = None,
) -> str:
    """The report page; `paged` adds a title page and page-numbered print CSS for PDF;
    `stack` chooses whose notes the plan shows (default: the stacks the scan found)."""
    script = _asset("report.js")
    points: list[Milestone] = [*history, ("this review", review.generated_at, review.summary)] if history else []
    page = _environment().get_template("report.html.j2")
    return page.render(
        v=view.build_view(review, baseline=baseline, stack=stack),
        r=review,
        scan=scan,
        baseline=baseline,
        stages=lifecycle_stages(scan.lifecycle, review.evidence) if scan is not None else None,
        trend=trend(points) if points else None,
        paged=paged,
        css=Markup(_asset("report.css")),
        paged_css=Markup(_asset("paged.css")) if paged else "",
        script=Markup(script),
        script_src=script_hash(script),
        version=__version__,
    )


def render(
    review: Review,
    *,
    scan: ScanResult | None = None,
    baseline: Review | None = None,
    options: ReportOptions = ReportOptions(),
    history: Sequence[Milestone] | None = None,
) -> str:
    """The HTML report as one string (write it to a .html file; it needs nothing else)."""
    return to_html(review, scan=scan, baseline=baseline, history=history, stack=options.stack)
