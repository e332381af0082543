"""`mllens fleet report`: the organisation's picture from the store. Each workload's
latest scan goes into the heat map and the totals (mllens.fleet.summary, which the web
app's heat map shares); with a date, the workloads whose latest scan is worse than their
last scan before it are listed. Rendered as JSON or CSV (the heat map) here, as one HTML
page by mllens.fleet.html."""

from __future__ import annotations

import datetime as dt
import json

from pydantic import BaseModel

from mllens.fleet.summary import HeatMap, Totals, Worse, heat_map, heat_map_csv, totals, worse
from mllens.lens.load import load_shipped_lens
from mllens.review.model import Review, RiskCounts
from mllens.store import Store
from mllens.store.scans import ScanLine, review_bodies, scan_lines


class RepositoryLine(BaseModel):
    name: str
    scans: int
    last_scan: dt.datetime | None
    commit: str | None
    risk_counts: RiskCounts | None


class FleetReport(BaseModel):
    generated_at: dt.datetime
    since: dt.date | None
    repositories: list[RepositoryLine]
    totals: Totals
    heat_map: HeatMap
    worse: list[Worse] | None  # None: no date given


def start_of(day: dt.date) -> dt.datetime:
    """The first instant of `day`, UTC (the store keeps times in UTC)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _before(lines: list[ScanLine], moment: dt.datetime) -> ScanLine | None:
    earlier = [line for line in lines if _utc(line.created_at) < moment]
    return earlier[-1] if earlier else None


def _utc(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def build_report(store: Store, *, since: dt.date | None = None, now: dt.datetime | None = None) -> FleetReport:
    """The report over every workload of `store` (see module docstring)."""
    lens = load_shipped_lens()
    lines = scan_lines(store)
    latest = {name: scans[-1] for name, scans in lines.items() if scans}
    pairs: dict[str, tuple[int, int]] = {}  # workload -> (review before the date, latest review)
    if since is not None:
        moment = start_of(since)
        for name, scans in lines.items():
            old = _before(scans, moment)
            if old is not None and _utc(latest[name].created_at) >= moment:
                pairs[name] = (old.id, latest[name].id)
    wanted = [line.id for line in latest.values()] + [old for old, _ in pairs.values()]
    bodies: dict[int, Review] = review_bodies(store, ids=wanted)
    reviews = [(name, bodies.get(latest[name].id) if name in latest else None) for name in lines]
    got_worse: list[Worse] | None = None
    if since is not None:
        got_worse = [w for name, (old, new) in pairs.items() if (w := worse(name, bodies[old], bodies[new]))]
        got_worse.sort(key=lambda w: (-(w.after.HIGH - w.before.HIGH), -(w.after.MEDIUM - w.before.MEDIUM), w.workload))
    repositories = [
        RepositoryLine(
            name=name,
            scans=len(scans),
            last_scan=scans[-1].created_at if scans else None,
            commit=scans[-1].git_commit if scans else None,
            risk_counts=scans[-1].risk_counts if scans else None,
        )
        for name, scans in lines.items()
    ]
    return FleetReport(
        generated_at=now or dt.datetime.now(dt.UTC), since=since, repositories=repositories,
        totals=totals(lens, [r for _, r in reviews if r is not None]), heat_map=heat_map(lens, reviews),
        worse=got_worse,
    )  # fmt: skip


def render_report(report: FleetReport, *, fmt: str) -> str:
    """The report as `fmt`: json, or csv (the heat map, one row per question). The HTML
    page is mllens.fleet.html.fleet_report_html."""
    if fmt == "csv":
        return heat_map_csv(report.heat_map)
    return json.dumps(report.model_dump(mode="json"), indent=2) + "\n"
