"""The HTML pages of `mllens history` and `mllens fleet report`: self-contained, the HTML
report's look (its stylesheet, palette and trend chart), with no script at all. Every
count a colour shows is also written in its cell."""

from __future__ import annotations

import dataclasses

from markupsafe import Markup

from mllens import __version__
from mllens.fleet.history_run import History
from mllens.fleet.report import FleetReport
from mllens.lens.load import load_shipped_lens
from mllens.report.html import _asset, _environment
from mllens.report.html_svg import Trend, trend
from mllens.review.model import Summary

MAX_LABELS = 7  # the chart names at most this many periods (more overlap; the table lists all)


def _trend(history: History) -> Trend | None:
    points = [
        (p.period, p.committed_at, Summary(risk_counts=p.risk_counts, by_pillar=p.by_pillar or {}, by_phase={}))
        for p in history.points
        if p.risk_counts is not None
    ]
    if not points:
        return None
    chart = trend(points)
    step = -(-len(chart.labels) // MAX_LABELS)
    return dataclasses.replace(chart, labels=chart.labels[::step])


def history_html(history: History) -> str:
    page = _environment().get_template("fleet_history.html.j2")
    return page.render(h=history, trend=_trend(history), css=Markup(_asset("report.css")), version=__version__)


def fleet_report_html(report: FleetReport) -> str:
    lens = load_shipped_lens()
    page = _environment().get_template("fleet_report.html.j2")
    return page.render(
        r=report, pillars={p.id: p.name for p in lens.pillars}, phases={p.id: p.name for p in lens.phases},
        css=Markup(_asset("report.css")), version=__version__,
    )  # fmt: skip
