"""`mllens fleet report`: the organisation's picture from the store (heat map, risk
counts per pillar and phase, repositories that got worse since a date) as HTML, CSV or
JSON. See docs/fleet.md."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from mllens.cli.common import EXIT_OK, EXIT_USAGE, choose, err_console
from mllens.errors import MllensError

FORMATS = ("html", "csv", "json")


def report_command(
    db: Annotated[
        str | None,
        typer.Option(
            "--db", metavar="URL", help="Database URL (default: $MLLENS_DB, else SQLite in the user data directory)."
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="YYYY-MM-DD",
            help="List the repositories whose latest scan is worse than their last scan before this day (UTC).",
        ),
    ] = None,
    format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="html|csv|json",
            help="html (the whole report), csv (the heat map, one row per question) or json.",
        ),
    ] = "html",
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="FILE", help="Write to FILE, not stdout.")] = None,
) -> None:
    """Heat map of questions x repositories, risk counts per pillar and phase, and the
    repositories that got worse, over every workload of the store."""
    from mllens.cli.history_cmd import parse_date
    from mllens.fleet.html import fleet_report_html
    from mllens.fleet.report import build_report, render_report
    from mllens.output import write_output
    from mllens.store import open_store

    try:
        fmt = choose(format, FORMATS, option="--format")
        day = parse_date(since, option="--since") if since is not None else None
        with open_store(db) as store:
            found = build_report(store, since=day)
        text = fleet_report_html(found) if fmt == "html" else render_report(found, fmt=fmt)
        if out is None:
            typer.echo(text, nl=False)
        else:
            write_output(out, text)
    except MllensError as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE) from None
    raise typer.Exit(EXIT_OK)


def register(app: typer.Typer) -> None:
    """Add `mllens fleet report` to the fleet group (mllens.cli.fleet_cmd)."""
    from mllens.cli.fleet_cmd import fleet_app

    fleet_app.command("report")(report_command)
