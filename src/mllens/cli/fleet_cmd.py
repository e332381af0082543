"""`mllens fleet scan`: many repositories at once, on a process pool or a Dask cluster,
into the store (and `--out DIR`). See docs/fleet.md."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from platformdirs import user_cache_dir
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task, TextColumn, TimeRemainingColumn
from rich.text import Text

from mllens.cli.common import EXIT_OK, EXIT_USAGE, err_console, new_app
from mllens.errors import MllensError

EXIT_INTERRUPTED = 130  # the shell's code for Ctrl-C

fleet_app = new_app(
    help="Many repositories at once: scan them on a process pool or a Dask cluster, into the store.",
    no_args_is_help=True,
)


def default_clone_cache() -> Path:
    return Path(user_cache_dir("mllens", appauthor=False)) / "fleet"


class _Rate(ProgressColumn):
    """Repositories per minute since the start."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed * 60 if elapsed > 0 else 0.0
        return Text(f"{rate:.1f}/min", style="progress.data.speed")


def _say(text: str) -> None:
    err_console.print(text, markup=False, highlight=False, soft_wrap=True)


@fleet_app.command("scan")
def scan_command(
    sources: Annotated[
        list[str],
        typer.Argument(
            metavar="SOURCE",
            help="Project folders, git URLs, or text files listing them one a line (# comments).",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", metavar="DIR",
            help="Also write DIR/NAME.json per repository (NAME: its workload), and DIR/fleet.json.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, metavar="N", help="Worker processes (default: the number of cores)."),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster", metavar="local|tcp://HOST:PORT",
            help="Run on Dask: 'local' starts a local cluster of --workers workers; an address connects to a "
            "scheduler. Needs the fleet extra.",
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db", metavar="URL", help="Database URL (default: $MLLENS_DB, else SQLite in the user data directory)."
        ),
    ] = None,
    team: Annotated[
        str | None,
        typer.Option("--team", metavar="NAME", help="Put the workloads this run creates in this team (the web "
                     "app shows a workload to its team's members and to admins)."),
    ] = None,
    cache: Annotated[
        Path | None,
        typer.Option("--cache", metavar="DIR", help="Where git URLs are cloned (default: the user cache directory)."),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Ignore and do not update the scan result cache.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary.")] = False,
) -> None:
    """Scan many repositories, each once per commit: results go to the store as each finishes."""
    from mllens.fleet.executors import make_executor
    from mllens.fleet.run import fleet_scan
    from mllens.fleet.sources import expand
    from mllens.store import open_store

    counts: Counter[str] = Counter()
    failures: list[str] = []
    total = 0
    try:
        if cluster is not None:
            from mllens.fleet.dask_executor import check_cluster

            check_cluster(cluster)
        repos = expand(sources)
        total = len(repos)
        clone_cache = cache or default_clone_cache()
        with open_store(db, saving=True) as store, make_executor(cluster=cluster, workers=workers) as executor:
            bar = _bar(quiet=quiet, total=total, where=f"{executor.name}, {executor.workers} workers")
            results = fleet_scan(repos, executor=executor, store=store, out=out, clone_cache=clone_cache,
                                 use_cache=not no_cache, team=team)  # fmt: skip
            try:
                for entry in results:
                    counts[entry.status] += 1
                    if entry.status == "failed":
                        failures.append(entry.error or entry.name)  # the error names the source
                    if bar is not None:
                        bar.update(bar.task_ids[0], advance=1, failed=counts["failed"])
            finally:
                results.close()  # cancels what is left when interrupted
                if bar is not None:
                    bar.stop()
    except KeyboardInterrupt:
        done = sum(counts.values())
        if done < total:
            _say(f"interrupted after {done} of {total} repositories: run the same command again to scan the rest")
        else:
            _say(f"interrupted while closing the workers: all {total} repositories were recorded")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except MllensError as exc:
        _say(f"error: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    if not quiet:
        for line in failures:
            _say(f"failed: {line}")
        noun = "repository" if total == 1 else "repositories"
        _say(f"{total} {noun}: {counts['ok']} scanned, {counts['skipped']} skipped (already scanned at "
             f"that commit), {counts['failed']} failed")  # fmt: skip
    raise typer.Exit(EXIT_OK)


def _bar(*, quiet: bool, total: int, where: str) -> Progress | None:
    """A progress bar on a terminal (none when piped or quiet): done, failed, rate, ETA."""
    if quiet or not err_console.is_terminal or total == 0:
        return None
    bar = Progress(
        TextColumn(f"fleet ({where})"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[failed]} failed"),
        _Rate(), TimeRemainingColumn(), console=err_console, transient=True,
    )  # fmt: skip
    bar.add_task("fleet", total=total, failed=0)
    bar.start()
    return bar


def register(app: typer.Typer) -> None:
    """Add this group's commands to the main app."""
    app.add_typer(fleet_app, name="fleet")


__all__ = ["default_clone_cache", "register"]
