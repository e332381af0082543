"""`mllens history PATH`: the risk trend of a project over its git history, one review
per period (the last commit of each day, week or month), on a process pool or Dask, with
no saved milestones. See docs/fleet.md."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from mllens.cli.common import EXIT_OK, EXIT_USAGE, choose, console, err_console
from mllens.errors import InputError, MllensError

FORMATS = ("table", "json", "html")


def parse_date(value: str, *, option: str) -> dt.date:
    """A YYYY-MM-DD date, else a usage error naming the option and what was given."""
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InputError(f"expected a date as YYYY-MM-DD, got {value!r}", field=option) from None


def history_command(
    path: Annotated[Path, typer.Argument(help="A folder in a git repository (its current branch is read).")],
    since: Annotated[str, typer.Option("--since", metavar="YYYY-MM-DD", help="The first day of the trend.")],
    until: Annotated[
        str | None, typer.Option("--until", metavar="YYYY-MM-DD", help="The last day (default: today, UTC).")
    ] = None,
    every: Annotated[str, typer.Option("--every", metavar="day|week|month", help="One review per period.")] = "month",
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, metavar="N", help="Worker processes (default: the number of cores)."),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            metavar="local|tcp://HOST:PORT",
            help="Run on Dask (the fleet extra), as 'mllens fleet scan --cluster' does.",
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            help="Database URL (default: $MLLENS_DB, else SQLite in the user data "
            "directory): scans of a commit it holds are reused, new ones are kept.",
        ),
    ] = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Neither read nor write the store.")] = False,
    format: Annotated[str, typer.Option("--format", "-f", metavar="table|json|html", help="Output format.")] = "table",
    out: Annotated[Path | None, typer.Option("--out", "-o", metavar="FILE", help="Write to FILE, not stdout.")] = None,
) -> None:
    """The risk trend of the project at PATH over its git history, read from git objects
    (the work tree and index are never touched)."""
    from mllens.fleet.executors import make_executor
    from mllens.fleet.history import EVERY, Every
    from mllens.fleet.history_run import History, review_history
    from mllens.store import Store, open_store

    try:
        fmt = choose(format, FORMATS, option="--format")
        period = cast("Every", choose(every, EVERY, option="--every"))
        first = parse_date(since, option="--since")
        last = parse_date(until, option="--until") if until is not None else dt.datetime.now(dt.UTC).date()
        if cluster is not None:
            from mllens.fleet.dask_executor import check_cluster

            check_cluster(cluster)
        with make_executor(cluster=cluster, workers=workers) as executor, _Bar() as bar:

            def trend(store: Store | None) -> History:
                return review_history(path, since=first, until=last, every=period, executor=executor, store=store,
                                      progress=bar.update)  # fmt: skip

            if no_store:
                history = trend(None)
            else:
                with open_store(db, saving=True) as store:
                    history = trend(store)
        _emit(history, fmt=fmt, out=out)
    except MllensError as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE) from None
    raise typer.Exit(EXIT_OK)


class _Bar:
    """Commits scanned of those to scan, on stderr when it is a terminal (else nothing)."""

    def __init__(self) -> None:
        self.bar: Progress | None = None

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def update(self, done: int, total: int) -> None:
        if not err_console.is_terminal or total == 0:
            return
        if self.bar is None:
            self.bar = Progress(TextColumn("history: commits"), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), console=err_console, transient=True)  # fmt: skip
            self.bar.add_task("commits", total=total)
            self.bar.start()
        self.bar.update(self.bar.task_ids[0], completed=done)


def _emit(history: object, *, fmt: str, out: Path | None) -> None:
    from mllens.fleet.history_run import History
    from mllens.output import write_output

    assert isinstance(history, History)
    if fmt == "table":
        if out is not None:
            raise InputError("the table is for a terminal: use --format json or html with --out", field="--format")
        console.print(history_table(history))
        return
    if fmt == "json":
        text = history.model_dump_json(indent=2) + "\n"
    else:
        from mllens.fleet.html import history_html

        text = history_html(history)
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_output(out, text)


def history_table(history: object) -> Table:
    """Per period: the commit, HIGH and MEDIUM questions, and HIGH/MEDIUM per pillar."""
    from mllens.fleet.history_run import History

    assert isinstance(history, History)
    table = Table(title=f"{history.workload}: risk trend, the last commit of each {history.every}")
    for name in ("Period", "Commit", "HIGH", "MEDIUM"):
        table.add_column(name, justify="right" if name in ("HIGH", "MEDIUM") else "left", no_wrap=True)
    from mllens.report.base import pillar_code

    for pillar in history.pillars:
        table.add_column(f"{pillar_code(pillar)} H/M", justify="right")
    for p in history.points:
        commit = p.commit[:8] + ("" if p.new_commit else " =")
        if p.risk_counts is None or p.by_pillar is None:
            table.add_row(p.period, commit, "failed", p.error or "", *["" for _ in history.pillars])
            continue
        cells = [f"{c.HIGH}/{c.MEDIUM}" if (c := p.by_pillar.get(pid)) else "-" for pid in history.pillars]
        table.add_row(p.period, commit, str(p.risk_counts.HIGH), str(p.risk_counts.MEDIUM), *cells)
    if not history.points:
        table.caption = "no commit on the current branch before the end of the last period"
    return table


def register(app: typer.Typer) -> None:
    """Add `mllens history` to the main app."""
    app.command("history")(history_command)


__all__ = ["history_table", "parse_date", "register"]
