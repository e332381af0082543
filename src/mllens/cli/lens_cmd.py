"""`mllens lens ...`: lint, export, import, show and list lenses.

Every command works on the shipped ML lens unless `--lens DIR` names another YAML lens.
Bad input raises LensError / InputError; `mllens.cli.main` prints it on one line and
exits 2. `lint` exits 1 when it finds errors.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from mllens.cli.common import (
    EXIT_THRESHOLD,
    FORMAT_ALIASES,
    THRESHOLDS,
    choose,
    choose_optional,
    console,
    err_console,
    new_app,
    one_of,
    pillar_option,
)
from mllens.cli.lens_render import practice_table, render_practice, render_question
from mllens.errors import InputError
from mllens.lens.dump import write_lens
from mllens.lens.lint import Finding, has_errors, lint_document, lint_lens
from mllens.lens.load import load_lens, load_shipped_lens
from mllens.lens.model import Lens
from mllens.lens.wa_format import check_custom_lens, export_lens, read_lens_json
from mllens.output import write_output
from mllens.readers import read_json

lens_app = new_app(help="Lint, export, import and browse lenses.", no_args_is_help=True)

LensDir = Annotated[
    Path | None,
    typer.Option("--lens", metavar="DIR", help="A YAML lens directory (default: the shipped ML lens)."),
]
LINT_FORMATS = ("terminal", "json")  # "text" is still taken for terminal
EXPORT_FORMATS = ("wa-json",)


def register(app: typer.Typer) -> None:
    """Add this group's commands to the main app."""
    app.add_typer(lens_app, name="lens")


def _lens(directory: Path | None) -> Lens:
    if directory is None:
        return load_shipped_lens()
    if not directory.is_dir():
        raise InputError("not a lens directory (expected a directory holding lens.yaml)", file=str(directory))
    return load_lens(directory)


def _print_findings(findings: list[Finding], *, to_stderr: bool = False) -> None:
    out = err_console if to_stderr else console
    for f in findings:
        line = Text()
        line.append(f.code, style="bold red" if f.severity == "error" else "yellow")
        line.append(f" {f.where or 'lens'}: {f.message}")
        out.print(line, soft_wrap=True, highlight=False)


@lens_app.command("lint")
def lint(
    path: Annotated[Path | None, typer.Argument(help="A YAML lens directory or an AWS custom-lens JSON file.")] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help=f"{one_of(LINT_FORMATS)}.")
    ] = "terminal",
) -> None:
    """Check a lens against the AWS custom-lens rules and for defects in its risk rules.

    Exits 1 when it finds an error (warnings alone exit 0)."""
    output_format = choose(output_format, LINT_FORMATS, option="--format", aliases=FORMAT_ALIASES)
    findings = _lint(path)
    if output_format == "json":
        typer.echo(json.dumps([f.to_dict() for f in findings], indent=2, ensure_ascii=False))
    else:
        _print_findings(findings)
        errors = sum(f.severity == "error" for f in findings)
        summary = f"{errors} error(s), {len(findings) - errors} warning(s)"
        console.print(summary if findings else "no findings", highlight=False)
    if has_errors(findings):
        raise typer.Exit(EXIT_THRESHOLD)


def _lint(path: Path | None) -> list[Finding]:
    if path is None:
        return lint_lens(load_shipped_lens())
    if path.is_dir():
        return lint_lens(load_lens(path))
    if path.suffix in (".yaml", ".yml") and path.is_file():  # lens.yaml or a pillar file
        return lint_lens(load_lens(path.parent))
    if not path.is_file():
        raise InputError("no such file or directory", file=str(path))
    doc = read_json(path)  # bounded: size, UTF-8, nesting
    check_custom_lens(doc, file=str(path))
    return lint_document(doc)


@lens_app.command("export")
def export(
    output_format: Annotated[
        str,
        typer.Option(
            "--format", "-f", metavar="FORMAT", help=f"{one_of(EXPORT_FORMATS)} (AWS custom lens JSON)."
        ),
    ] = "wa-json",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write here instead of stdout.")
    ] = None,
    fold: Annotated[
        bool, typer.Option("--fold", help="Shorten over-long free text and replace characters AWS refuses.")
    ] = False,
    lens_dir: LensDir = None,
) -> None:
    """Export the lens as an AWS Well-Architected custom lens (JSON)."""
    choose(output_format, EXPORT_FORMATS, option="--format")
    lens = _lens(lens_dir)
    result = export_lens(lens, fold=fold)
    for change in result.changes:
        err_console.print(f"folded: {change}", highlight=False, markup=False, soft_wrap=True)
    _print_findings(result.warnings, to_stderr=True)
    if output is None:
        typer.echo(result.text, nl=False)
        return
    questions = sum(len(p["questions"]) for p in result.document["pillars"])
    pillars = len(result.document["pillars"])
    write_output(output, result.text, detail=f"{pillars} pillars, {questions} questions")


@lens_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="An AWS custom-lens JSON file.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="DIR", help="Directory for the YAML lens.")
    ] = None,
    lens_id: Annotated[
        str | None, typer.Option("--id", metavar="ID", help="Lens id (default: from the lens name).")
    ] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace a lens already in the directory.")] = False,
) -> None:
    """Turn an AWS custom lens into our YAML lens files, and report what the linter finds."""
    result = read_lens_json(file, lens_id=lens_id)
    lens = result.lens
    directory = output or Path(lens.id)
    write_lens(lens, directory, source=file.name, overwrite=overwrite)
    _print_findings(result.findings)
    for note in result.notes:
        console.print(f"note: {note}", highlight=False, markup=False, soft_wrap=True)
    console.print(
        f"imported {lens.name!r} into {directory}: {len(lens.pillars)} pillars, "
        f"{len(lens.questions)} questions, {len(lens.practices)} practices",
        highlight=False,
        markup=False,
        soft_wrap=True,
    )


@lens_app.command("show")
def show(
    item: Annotated[str, typer.Argument(metavar="ID", help="A practice or question id, in either numbering.")],
    lens_dir: LensDir = None,
) -> None:
    """Show one practice or question in full."""
    lens = _lens(lens_dir)
    if lens.has_question(item):
        console.print(render_question(lens, lens.question(item)))
    elif lens.resolve(item) is not None:
        console.print(render_practice(lens, lens.practice(item)), crop=False)  # keep long links whole
    else:
        raise InputError(f"{item!r} is neither a practice nor a question of lens {lens.id!r}")


@lens_app.command("list")
def list_(
    pillar: Annotated[
        str | None, typer.Option("--pillar", metavar="PILLAR", help="Only this pillar (e.g. security).")
    ] = None,
    phase: Annotated[
        str | None, typer.Option("--phase", metavar="PHASE", help="Only this lifecycle phase (e.g. deployment).")
    ] = None,
    risk: Annotated[
        str | None,
        typer.Option("--risk", metavar="LEVEL", help=f"Only practices of this risk if missing: {one_of(THRESHOLDS)}."),
    ] = None,
    automated: Annotated[
        bool, typer.Option("--automated", help="Only practices with at least one automated check.")
    ] = False,
    manual: Annotated[bool, typer.Option("--manual", help="Only practices without any automated check.")] = False,
    lens_dir: LensDir = None,
) -> None:
    """List the lens's practices as a table."""
    if automated and manual:
        raise InputError("choose --automated or --manual, not both")
    risk = choose_optional(risk, THRESHOLDS, option="--risk")
    lens = _lens(lens_dir)
    pillar_id = pillar_option(lens, pillar)
    phase = choose_optional(phase, [p.id for p in lens.phases], option="--phase")
    practices = [
        p
        for p in lens.practices
        if (pillar_id is None or p.pillar == pillar_id)
        and (phase is None or p.phase == phase)
        and (risk is None or p.risk_if_missing == risk)
        and (not automated or any(c.kind == "automated" for c in p.checks))
        and (not manual or not any(c.kind == "automated" for c in p.checks))
    ]
    console.print(practice_table(lens, practices))
