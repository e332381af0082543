"""What every command shares: consoles, exit codes, help conventions, and checking the
values of options that take one of a fixed set of names."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from mllens.errors import InputError
from mllens.lens.model import STACKS as STACKS  # the --stack choices: what the lens has notes for

if TYPE_CHECKING:
    from mllens.lens.model import Lens

console = Console()
err_console = Console(stderr=True)

EXIT_OK = 0
EXIT_THRESHOLD = 1
EXIT_USAGE = 2

# `-h` works wherever `--help` does (a command's context inherits this from its group).
CONTEXT_SETTINGS: dict[str, Any] = {"help_option_names": ["-h", "--help"]}

# One vocabulary of output formats: the same name for the same output in every command.
# "terminal" is the human console output; "text" was its name in `diff` and `lens lint`.
REPORT_FORMATS = ("terminal", "markdown", "json", "html", "sarif", "pdf")  # mllens.report's, in its order
BINARY_FORMATS = ("pdf",)  # bytes: written to a file (-o), never to a terminal
FORMAT_ALIASES: Mapping[str, str] = {"text": "terminal"}
STACK_ALIASES: Mapping[str, str] = {"open-source": "open_source", "opensource": "open_source"}
THRESHOLDS = ("high", "medium")


ExcludeOption = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        metavar="GLOB",
        help="Leave out files and folders matching this gitignore-style pattern, relative to the project "
        "root (repeatable; added after mllens.yaml's scan.exclude; '!GLOB' takes one back).",
    ),
]


def one_of(choices: Sequence[str]) -> str:
    """`a, b or c`, for help texts."""
    return choices[0] if len(choices) == 1 else f"{', '.join(choices[:-1])} or {choices[-1]}"


def choose(
    value: str, choices: Sequence[str], *, option: str, aliases: Mapping[str, str] | None = None
) -> str:
    """`value` as one of `choices` (any case; an alias gives its target), else a usage
    error naming the option, what it takes and what was given."""
    wanted = value.strip().lower()
    wanted = (aliases or {}).get(wanted, wanted)
    for choice in choices:
        if wanted == choice.lower():
            return choice
    raise InputError(f"expected one of {', '.join(choices)}, got {value!r}", field=option)


def choose_optional(
    value: str | None, choices: Sequence[str], *, option: str, aliases: Mapping[str, str] | None = None
) -> str | None:
    """`choose` for an option that may be left out."""
    return None if value is None else choose(value, choices, option=option, aliases=aliases)


def binary_needs_output(format: str, output: object | None) -> None:
    """A binary format (pdf) is only written to a file: without -o it is a usage error."""
    if format in BINARY_FORMATS and output is None:
        raise InputError(f"format {format!r} writes a binary file: give one with -o FILE", field="--output")


def pillar_option(lens: Lens, value: str | None, *, option: str = "--pillar") -> str | None:
    """A pillar of `lens` by its id or its AWS id (`security`, `SECURITY`), as its id."""
    aliases = {p.wa_id.lower(): p.id for p in lens.pillars if p.wa_id}
    return choose_optional(value, [p.id for p in lens.pillars], option=option, aliases=aliases)


def _bare_flags(params: list[Any]) -> list[Any]:
    # Typer shows a `<bool>` placeholder after every flag, though a flag takes no value.
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class Group(TyperGroup):
    """A command group whose help, and its commands' help, show flags without a value
    placeholder. Every `typer.Typer` of the CLI is built with `cls=Group`."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _bare_flags(super().get_params(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None and not isinstance(command, Group):
            _bare_flags([*command.params, command.get_help_option(ctx)])
        return command


def new_app(**settings: Any) -> typer.Typer:
    """A Typer app (or sub-app) that follows the CLI's conventions."""
    return typer.Typer(cls=Group, context_settings=CONTEXT_SETTINGS, **settings)
