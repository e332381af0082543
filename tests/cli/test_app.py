"""The conventions every command shares: --version, -h beside --help, help without value
placeholders after flags, one --format vocabulary checked the same way everywhere."""

from __future__ import annotations

import re
from importlib import metadata

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from mllens import report
from mllens.cli import app
from mllens.cli.common import BINARY_FORMATS, REPORT_FORMATS, STACKS, choose
from mllens.errors import InputError
from mllens.lens.load import load_shipped_lens

runner = CliRunner()


def command_paths() -> list[list[str]]:
    """Every command and group of the CLI, as the words that reach it."""
    found: list[list[str]] = []

    def visit(command: object, path: list[str]) -> None:
        found.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            visit(sub, [*path, name])

    visit(get_command(app), [])
    return found


PATHS = command_paths()


def test_the_walk_finds_every_command() -> None:
    names = {" ".join(p) for p in PATHS}
    assert {"scan", "report", "review", "diff", "rules", "lens lint", "lens export", "milestone save"} <= names
    assert "dev new-rule" in names


def test_version_comes_from_the_package_metadata() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"mllens {metadata.version('mllens')}\n"


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "mllens")
def test_dash_h_is_help_everywhere_and_flags_show_no_placeholder(path: list[str]) -> None:
    short = runner.invoke(app, [*path, "-h"], env={"COLUMNS": "120"})
    long = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "120"})
    assert (short.exit_code, long.exit_code) == (0, 0)
    assert short.stdout == long.stdout
    assert "Usage: mllens" in short.stdout
    assert "<bool>" not in short.stdout
    # options that take a value name it (FORMAT, FILE, GLOB ...), never a type in brackets
    options = short.stdout.split("Options ─", 1)[1].split("╰", 1)[0]
    assert re.search(r"<\w+>", options) is None, options


def test_every_format_option_lists_its_choices_in_help() -> None:
    for path, expected in (
        (["scan"], "terminal, markdown, json, html, sarif or pdf"),
        (["report"], "terminal, markdown, json, html, sarif or pdf"),
        (["diff"], "terminal or json"),
        (["lens", "lint"], "terminal or json"),
        (["lens", "export"], "wa-json"),
    ):
        text = " ".join(runner.invoke(app, [*path, "-h"], env={"COLUMNS": "200"}).stdout.split())
        assert f"--format -f FORMAT {expected}" in text, path


def test_the_cli_formats_are_the_reporters_formats() -> None:
    assert REPORT_FORMATS == report.FORMATS
    assert tuple(report.BINARY_REPORTERS) == BINARY_FORMATS


def test_choose_accepts_any_case_and_aliases_and_names_what_it_expected() -> None:
    assert choose("JSON", ("terminal", "json"), option="--format") == "json"
    assert choose("text", ("terminal", "json"), option="--format", aliases={"text": "terminal"}) == "terminal"
    with pytest.raises(InputError) as info:
        choose("xml", ("terminal", "json"), option="--format")
    assert str(info.value) == "--format: expected one of terminal, json, got 'xml'"


def test_the_stacks_are_the_lens_stacks() -> None:
    lens = load_shipped_lens()
    noted = {name for p in lens.practices for s in p.improvement for name, v in s.stacks if v}
    assert noted == set(STACKS) == {"aws", "gcp", "azure", "open_source"}
