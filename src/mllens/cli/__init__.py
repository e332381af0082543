"""The `mllens` command: a thin Typer face over the library.

Each command group lives in its own module and is wired here in an explicit list, so
adding a group touches this file once and importing a module registers nothing by itself.
"""

from __future__ import annotations

import sys
from importlib import metadata
from typing import Annotated

import typer
from rich.markup import escape

from mllens.cli import (
    access_cmd,
    aws_cmd,
    fleet_cmd,
    fleet_report_cmd,
    history_cmd,
    lens_cmd,
    plan_cmd,
    pull_cmd,
    review_cmd,
    scan_cmd,
    store_cmd,
)
from mllens.cli.common import err_console, new_app
from mllens.errors import MllensError

app = new_app(
    name="mllens",
    help="Well-Architected reviews of machine-learning workloads, with evidence from the project.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def version() -> str:
    """The installed package's version (its metadata), else the source tree's."""
    try:
        return metadata.version("mllens")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        from mllens import __version__

        return __version__


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"mllens {version()}")
        raise typer.Exit(0)


@app.callback()
def _root(
    show_version: Annotated[
        bool,
        typer.Option("--version", is_eager=True, callback=_print_version, help="Print the version and exit."),
    ] = False,
) -> None:
    """Well-Architected reviews of machine-learning workloads, with evidence from the project."""


for module in (scan_cmd, lens_cmd, review_cmd, plan_cmd, store_cmd, access_cmd, aws_cmd, fleet_cmd, fleet_report_cmd,
               pull_cmd, history_cmd):  # fmt: skip
    module.register(app)


def main() -> None:
    """Console entry point: user errors print one line naming the file and exit 2."""
    try:
        app()
    except MllensError as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(2)
