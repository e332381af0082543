"""The `mllens` command: a thin Typer face over the library.

Each command group lives in its own module and is wired here in an explicit list, so
adding a group touches this file once and importing a module registers nothing by itself.
"""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from mllens.cli import lens_cmd, review_cmd, scan_cmd, store_cmd
from mllens.cli.common import err_console
from mllens.errors import MllensError

app = typer.Typer(
    name="mllens",
    help="Well-Architected reviews of machine-learning workloads, with evidence from the project.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (scan_cmd, lens_cmd, review_cmd, store_cmd):
    module.register(app)


def main() -> None:
    """Console entry point: user errors print one line naming the file and exit 2."""
    try:
        app()
    except MllensError as exc:
        err_console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(2)
