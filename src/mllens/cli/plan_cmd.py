"""`mllens plan export`: the improvement plan as a backlog for an issue tracker."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mllens.cli.common import choose, new_app, one_of
from mllens.cli.review_cmd import user_errors
from mllens.output import write_output
from mllens.review.backlog import backlog_rows, to_csv, to_json
from mllens.workflow import ScanFn, project_folder, review_project

EXPORT_FORMATS = ("csv", "json")

plan_app = new_app(help="The improvement plan, in the order a team works it.", no_args_is_help=True)


@plan_app.command("export")
def export(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Project folder (holds mllens.yaml).")] = Path("."),
    format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help=f"{one_of(EXPORT_FORMATS)}.")
    ] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to this file.")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Rescan every file.")] = False,
) -> None:
    """Print (or write) the review's plan as a backlog: practice, step, evidence, risk, owner, due."""
    with user_errors():
        format = choose(format, EXPORT_FORMATS, option="--format")
        root = project_folder(path)
        scan_fn: ScanFn | None = (ctx.obj or {}).get("scan") if isinstance(ctx.obj, dict) else None
        review, _ = review_project(root, use_cache=not no_cache, progress=sys.stderr.isatty(), scan=scan_fn)
        rows = backlog_rows(review, path=str(path))
        text = to_csv(rows) if format == "csv" else to_json(rows)
        if output is None:
            typer.echo(text, nl=False)
        else:
            write_output(output, text, detail=f"{len(rows)} plan items")


def register(app: typer.Typer) -> None:
    """Add `plan export` to the main app."""
    app.add_typer(plan_app, name="plan")
