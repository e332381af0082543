"""`mllens review` (answer the lens in mllens.yaml) and `mllens report` (render a review).

Both take an optional scan function from `ctx.obj["scan"]` (the shape of
mllens.scan.result.scan_project); tests and embedders inject a fake scan that way.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.prompt import Prompt
from rich.text import Text

from mllens.answers.io import ANSWERS_FILE, AnswersDocument, new_document, save_answers
from mllens.answers.model import Workload
from mllens.cli.common import EXIT_USAGE, console, err_console
from mllens.cli.review_walk import unanswered, walk
from mllens.errors import InputError, MllensError
from mllens.lens.load import load_shipped_lens
from mllens.lens.model import Lens
from mllens.report import BINARY_REPORTERS, FORMATS, ReportOptions, get_binary_reporter, get_reporter
from mllens.report.json import review_from_json
from mllens.review.model import Review
from mllens.scan.evidence import Evidence
from mllens.workflow import ScanFn, default_workload_name, open_answers, review_project

EXIT_INTERRUPTED = 130


@contextmanager
def user_errors() -> Iterator[None]:
    """A user error becomes one line on stderr naming the file, and exit code 2."""
    try:
        yield
    except MllensError as exc:
        err_console.print(Text.assemble(("error: ", "red"), str(exc)), soft_wrap=True)
        raise typer.Exit(EXIT_USAGE) from None


def say(message: str) -> None:
    """A message line: never hard-wrapped (paths stay whole), no markup in user text."""
    console.print(message, soft_wrap=True, markup=False, highlight=False)


def _project(path: Path) -> Path:
    if not path.is_dir():
        raise InputError("expected a project folder, but it is not a directory", file=str(path))
    return path


def _filters(lens: Lens, pillar: str | None, question: str | None) -> tuple[str | None, str | None]:
    """Check --pillar and --question against the lens; return their canonical ids."""
    pillar_id = None
    if pillar is not None:
        wanted = pillar.strip().lower()
        found = [p.id for p in lens.pillars if wanted in (p.id.lower(), (p.wa_id or "").lower())]
        if not found:
            known = ", ".join(p.id for p in lens.pillars)
            raise InputError(f"unknown pillar {pillar!r} (expected one of: {known})", field="--pillar")
        pillar_id = found[0]
    question_id = None
    if question is not None:
        if not lens.has_question(question):
            raise InputError(
                f"{question!r} is not a question of lens {lens.id}", field="--question"
            )
        question_id = lens.question(question).id
    return pillar_id, question_id


def _report_missing(lens: Lens, doc: AnswersDocument, pillar: str | None, question: str | None) -> None:
    todo = unanswered(lens, doc, pillar=pillar, question=question)
    say(f"{doc.display} is valid: workload {doc.answers.workload.name!r}, lens {lens.id}.")
    if not todo:
        say("Every practice in scope has an answer.")
        return
    say(f"{len(todo)} practices have no answer yet:")
    for pillar_obj in lens.pillars:
        ids = [p.id for p in todo if p.pillar == pillar_obj.id]
        if ids:
            total = sum(1 for p in lens.practices if p.pillar == pillar_obj.id)
            say(f"  {pillar_obj.id}: {len(ids)} of {total}: {', '.join(ids)}")


def _create(root: Path, lens: Lens) -> AnswersDocument:
    say(f"No {ANSWERS_FILE} in {root}; creating one.")
    name = Prompt.ask("Workload name", console=console, default=default_workload_name(root)).strip()
    doc = new_document(root / ANSWERS_FILE, Workload(name=name or default_workload_name(root)), lens=lens)
    save_answers(doc)
    say(f"Created {doc.display}.")
    return doc


def _findings(root: Path, scan_fn: ScanFn | None) -> dict[str, list[Evidence]]:
    """Practice id -> what the scan found for it (supports and contradicts only)."""
    _, scanned = review_project(root, scan=scan_fn, progress=sys.stderr.isatty())
    found: dict[str, list[Evidence]] = {}
    for item in scanned.evidence:
        if item.outcome != "info":
            found.setdefault(item.practice, []).append(item)
    return found


def review(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Project folder (holds mllens.yaml).")] = Path("."),
    non_interactive: Annotated[
        bool, typer.Option("--non-interactive", help="Only validate mllens.yaml and list what is unanswered.")
    ] = False,
    pillar: Annotated[str | None, typer.Option(help="Only this pillar (e.g. security).")] = None,
    question: Annotated[str | None, typer.Option(help="Only this question (e.g. MLSEC03).")] = None,
    no_scan: Annotated[
        bool, typer.Option("--no-scan", help="Do not scan the project to show what its files say.")
    ] = False,
) -> None:
    """Answer the lens for this project, one unanswered practice at a time (saved as you go).

    Each practice comes with what the project's files show about it, from a scan."""
    with user_errors():
        root = _project(path)
        doc, lens = open_answers(root)
        pillar_id, question_id = _filters(lens, pillar, question)
        if non_interactive:
            if doc is None:
                raise InputError(
                    f"not found; run `mllens review {path}` to create it",
                    file=str(root / ANSWERS_FILE),
                )
            _report_missing(lens, doc, pillar_id, question_id)
            return
        try:
            if doc is None:
                doc = _create(root, lens)
            todo = unanswered(lens, doc, pillar=pillar_id, question=question_id)
            if not todo:
                say("Every practice in scope has an answer.")
                return
            scan_fn: ScanFn | None = (ctx.obj or {}).get("scan") if isinstance(ctx.obj, dict) else None
            evidence = {} if no_scan else _findings(root, scan_fn)
            saved = walk(console, lens, doc, todo, evidence=evidence)
        except (KeyboardInterrupt, EOFError) as exc:
            where = doc.display if doc is not None else ANSWERS_FILE
            say(f"\nStopped. Every answer given so far is saved in {where}.")
            raise typer.Exit(EXIT_INTERRUPTED if isinstance(exc, KeyboardInterrupt) else 0) from None
        left = len(unanswered(lens, doc, pillar=pillar_id, question=question_id))
        say(f"\nSaved {saved} answers to {doc.display}; {left} practices in scope still unanswered.")


def _baseline(path: Path, lens: Lens) -> Review:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read a JSON report: {exc}", file=str(path)) from None
    return review_from_json(data, lens=lens, file=str(path))


def report(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Project folder.")] = Path("."),
    format: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)} (pdf needs -o).")
    ] = "terminal",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    baseline: Annotated[
        Path | None, typer.Option(help="A earlier `--format json` report to compare with (markdown).")
    ] = None,
    stack: Annotated[
        str | None, typer.Option(help="Add notes for this stack: aws, gcp, azure, open_source.")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Rescan every file.")] = False,
) -> None:
    """Scan the project, merge mllens.yaml, and print (or write) the review."""
    with user_errors():
        if format in BINARY_REPORTERS and output is None:
            raise InputError(f"format {format!r} writes a binary file: give one with -o FILE", field="--output")
        reporter = get_binary_reporter(format) if format in BINARY_REPORTERS else get_reporter(format)
        scan_fn: ScanFn | None = (ctx.obj or {}).get("scan") if isinstance(ctx.obj, dict) else None
        result, scanned = review_project(
            _project(path), use_cache=not no_cache, progress=sys.stderr.isatty(), scan=scan_fn
        )
        lens = load_shipped_lens(result.lens_id)
        before = _baseline(baseline, lens) if baseline is not None else None
        to_screen = output is None and format == "terminal"
        options = ReportOptions(
            color=to_screen and console.is_terminal,
            width=console.width if to_screen else 100,
            stack=stack,
        )
        text = reporter(result, scan=scanned, baseline=before, options=options)
        if output is None:
            typer.echo(text, nl=False)
        elif isinstance(text, bytes):
            output.write_bytes(text)
        else:
            output.write_text(text, encoding="utf-8")
            err_console.print(f"Wrote {output}", soft_wrap=True, markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add `review` and `report` to the main app."""
    app.command("review")(review)
    app.command("report")(report)
