"""`mllens review` (answer the lens in mllens.yaml) and `mllens report` (render a review).

Both take an optional scan function from `ctx.obj["scan"]` (the shape of
mllens.workflow.ScanFn, which mllens.scan.run.run_scan fits); tests and embedders inject a
fake scan that way.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.prompt import Prompt
from rich.text import Text

from mllens.answers.io import ANSWERS_FILE, AnswersDocument, new_document, save_answers
from mllens.answers.merge import AnswersConflict
from mllens.answers.model import Workload
from mllens.cli.common import (
    EXIT_USAGE,
    FORMAT_ALIASES,
    STACK_ALIASES,
    STACKS,
    ExcludeOption,
    binary_needs_output,
    choose,
    choose_optional,
    console,
    err_console,
    one_of,
)
from mllens.cli.review_scope import Scope, review_scope
from mllens.cli.review_walk import Session, unanswered, walk
from mllens.errors import AnswersError, InputError, MllensError
from mllens.lens.load import load_shipped_lens
from mllens.lens.model import Lens, Practice
from mllens.output import write_output
from mllens.report import BINARY_REPORTERS, FORMATS, ReportOptions, get_binary_reporter, get_reporter
from mllens.review.gate import load_baseline
from mllens.review.model import Review
from mllens.scan.evidence import Evidence
from mllens.workflow import ScanFn, default_workload_name, open_answers, project_folder, review_project

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
    return project_folder(path)


def _todo(lens: Lens, doc: AnswersDocument, scope: Scope) -> list[Practice]:
    return unanswered(lens, doc, pillar=scope.pillar, question=scope.questions, practice=scope.practice)


def _report_missing(lens: Lens, doc: AnswersDocument, scope: Scope) -> None:
    todo = _todo(lens, doc, scope)
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
    if doc.path.exists():  # written by someone else while the name was being typed
        raise InputError(
            "appeared while the review was starting; not overwritten: run `mllens review` again",
            file=doc.display,
        )
    save_answers(doc)
    say(f"Created {doc.display}.")
    return doc


def _stopped(exc: AnswersError, session: Session, path: Path) -> AnswersError:
    """The error a failed save ends the review with, saying what is kept and what to do."""
    where = "" if path == Path(".") else f" {path}"
    kept = {0: "Nothing else was saved", 1: "The answer saved before is kept"}.get(
        session.saved, f"The {session.saved} answers saved before are kept"
    )
    if isinstance(exc, AnswersConflict):
        advice = f"{kept}; read the file, then run `mllens review{where} --practice {exc.practices[0]}` to answer again"
    elif not session.doc.path.exists():
        advice = f"Restore it (for example with git), then run `mllens review{where}` again"
    else:
        advice = f"Fix it, then run `mllens review{where}` again"
    return AnswersError(f"{exc.detail}. {advice}.", file=exc.file, field=exc.field)


def _findings(root: Path, scan_fn: ScanFn | None, exclude: Sequence[str] = ()) -> dict[str, list[Evidence]]:
    """Practice id -> what the scan found for it (supports and contradicts only)."""
    _, scanned = review_project(root, scan=scan_fn, progress=sys.stderr.isatty(), exclude=exclude)
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
    pillar: Annotated[
        str | None, typer.Option(metavar="PILLAR", help="Only this pillar (e.g. security).")
    ] = None,
    question: Annotated[
        list[str] | None,
        typer.Option(
            metavar="ID",
            help="Only this question (e.g. MLSEC03), or the question of a practice id (repeatable: any of them).",
        ),
    ] = None,
    practice: Annotated[
        str | None,
        typer.Option(
            metavar="ID",
            help="Only this practice, either numbering (MLSEC03-BP02 or MLSEC-04); asked even if answered.",
        ),
    ] = None,
    no_scan: Annotated[
        bool, typer.Option("--no-scan", help="Do not scan the project to show what its files say.")
    ] = False,
    exclude: ExcludeOption = None,
) -> None:
    """Answer the lens for this project, one unanswered practice at a time (saved as you go).

    Each practice comes with what the project's files show about it, from a scan. Each
    answer is merged into mllens.yaml as it is on disk then, so edits made meanwhile stay."""
    with user_errors():
        root = _project(path)
        doc, lens = open_answers(root)
        scope = review_scope(lens, pillar=pillar, question=question, practice=practice)
        if non_interactive:
            if doc is None:
                raise InputError(
                    f"not found; run `mllens review {path}` to create it",
                    file=str(root / ANSWERS_FILE),
                )
            _report_missing(lens, doc, scope)
            return
        session: Session | None = None
        try:
            session = Session.start(doc if doc is not None else _create(root, lens))
            # A practice asked for by id is asked even when answered (to change the answer).
            todo = [lens.practice(scope.practice)] if scope.practice else _todo(lens, session.doc, scope)
            if not todo:
                say("Every practice in scope has an answer.")
                return
            scan_fn: ScanFn | None = (ctx.obj or {}).get("scan") if isinstance(ctx.obj, dict) else None
            evidence = {} if no_scan else _findings(root, scan_fn, exclude or ())
            walk(console, lens, session, todo, evidence=evidence)
        except (KeyboardInterrupt, EOFError) as exc:
            where = session.doc.display if session is not None else ANSWERS_FILE
            say(f"\nStopped. Every answer given so far is saved in {where}.")
            raise typer.Exit(EXIT_INTERRUPTED if isinstance(exc, KeyboardInterrupt) else 0) from None
        except AnswersError as exc:
            raise exc if session is None else _stopped(exc, session, path) from None
        left = len(_todo(lens, session.doc, scope))
        say(f"\nSaved {session.saved} answers to {session.doc.display}; {left} practices in scope still unanswered.")


def _baseline(path: Path, lens: Lens) -> Review:
    return load_baseline(path, lens=lens)  # the same reader as `scan --baseline`


def report(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Project folder.")] = Path("."),
    format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help=f"{one_of(FORMATS)} (pdf needs -o).")
    ] = "terminal",
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to this file.")] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="An earlier `--format json` report to compare with (markdown)."),
    ] = None,
    stack: Annotated[
        str | None, typer.Option(metavar="STACK", help=f"Add the notes for this stack: {one_of(STACKS)}.")
    ] = None,
    exclude: ExcludeOption = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Rescan every file.")] = False,
) -> None:
    """Scan the project, merge mllens.yaml, and print (or write) the review."""
    with user_errors():
        format = choose(format, FORMATS, option="--format", aliases=FORMAT_ALIASES)
        stack = choose_optional(stack, STACKS, option="--stack", aliases=STACK_ALIASES)
        binary_needs_output(format, output)
        reporter = get_binary_reporter(format) if format in BINARY_REPORTERS else get_reporter(format)
        scan_fn: ScanFn | None = (ctx.obj or {}).get("scan") if isinstance(ctx.obj, dict) else None
        result, scanned = review_project(
            _project(path), use_cache=not no_cache, progress=sys.stderr.isatty(), scan=scan_fn, exclude=exclude or ()
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
        else:
            write_output(output, text)  # atomic; announced; `<path>: cannot write (<reason>)`


def register(app: typer.Typer) -> None:
    """Add `review` and `report` to the main app."""
    app.command("review")(review)
    app.command("report")(report)
