"""`mllens milestone save|list` and `mllens diff`: named snapshots of a review, compared.

The store is opened from `--db URL`, else `$MLLENS_DB`, else SQLite in the user data
directory. A workload is given by name or by project folder (its mllens.yaml names it);
an argument that is an existing folder is read as a folder. Errors (bad URL, unknown
workload or milestone, duplicate name) are InputErrors: one line, exit 2.

Like `mllens review`, the commands take an optional scan function from `ctx.obj["scan"]`
(tests inject a fake scan that way).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich import box
from rich.table import Table
from rich.text import Text

from mllens.cli.common import (
    EXIT_OK,
    EXIT_THRESHOLD,
    FORMAT_ALIASES,
    ExcludeOption,
    choose,
    console,
    err_console,
    new_app,
    one_of,
)
from mllens.errors import InputError
from mllens.report import labels
from mllens.report.terminal import print_table
from mllens.review.diff import Change, ReviewDiff, diff
from mllens.review.model import Review, RiskCounts
from mllens.store import (
    Store,
    check_milestone_name,
    get_milestone,
    list_milestones,
    open_store,
    save_milestone,
    save_review,
    upsert_workload,
)

CURRENT = "current"
RISKS = ("HIGH", "MEDIUM", "UNANSWERED", "NONE", "NOT_APPLICABLE")
# The same state names as every report (mllens.report.labels): "NOT APPLICABLE", not "N/A";
# a two-word name takes two header lines so that a milestone row still fits 80 columns.
_HEADERS = tuple(labels.state(risk).replace(" ", "\n") for risk in RISKS)
_STYLE = {Change.IMPROVED: "green", Change.WORSENED: "red", Change.UNCHANGED: "dim"}
_MARK = {Change.IMPROVED: "▲", Change.WORSENED: "▼", Change.UNCHANGED: "="}

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="Database URL (default: $MLLENS_DB, else SQLite in the user data directory).",
    ),
]
DIFF_FORMATS = ("terminal", "json")  # "text" is still taken for terminal


milestone_app = new_app(
    help="Save and list milestones: named, immutable snapshots of a workload's review.",
    no_args_is_help=True,
)


def _scan_fn(ctx: typer.Context) -> Any:
    return ctx.obj.get("scan") if isinstance(ctx.obj, dict) else None


def _review_now(ctx: typer.Context, project: Path, exclude: Sequence[str] = ()) -> Review:
    from mllens.workflow import review_project  # the scanner and engine load only when used

    review, _scan = review_project(
        project, scan=_scan_fn(ctx), progress=err_console.is_terminal, exclude=exclude
    )
    return review


def _project_workload(project: Path) -> str:
    from mllens.workflow import read_project_answers

    answers, _lens = read_project_answers(project)
    return answers.workload.name


def _target(value: str | None) -> tuple[str, Path | None]:
    """(workload name, project folder or None) from WORKLOAD|PATH; none means `.`."""
    if value is None or Path(value).is_dir():
        project = Path(value or ".")
        return _project_workload(project), project
    return value, None


def _when(at: dt.datetime) -> str:
    return f"{at.astimezone(dt.UTC):%Y-%m-%d %H:%M}"


def _table(title: str | None = None) -> Table:
    # No vertical rules and no edge padding: a milestone row fits an 80-column terminal.
    return Table(
        title=title,
        box=box.SIMPLE_HEAD,
        title_justify="left",
        pad_edge=False,
        collapse_padding=True,
    )


def _counts_line(counts: RiskCounts) -> str:
    return ", ".join(f"{labels.state(risk)} {getattr(counts, risk)}" for risk in RISKS)


@milestone_app.command("save")
def save_command(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="Milestone name, unique within the workload.")
    ],
    path: Annotated[Path, typer.Argument(metavar="PATH", help="Project folder.")] = Path("."),
    exclude: ExcludeOption = None,
    db: DbOption = None,
) -> None:
    """Review the project now and keep that review as milestone NAME."""
    clean = check_milestone_name(name)
    with open_store(db, saving=True) as store:  # a bad --db fails before the scan, not after
        review = _review_now(ctx, path, exclude or ())
        with store.transaction() as tx:  # workload, review and milestone: all or nothing
            details = review.workload
            # A project without mllens.yaml knows only its folder name: keep the details
            # someone gave the workload elsewhere (the web app) rather than blank them.
            if details.owner or details.environment or details.description:
                upsert_workload(tx, workload=details)
            save_review(tx, review=review)
            saved = save_milestone(tx, name=clean, review=review)
        console.print(
            f"Saved milestone {saved.name!r} of workload {saved.workload!r} "
            f"(lens {saved.lens_id} {saved.lens_version}): {_counts_line(saved.risk_counts)}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


@milestone_app.command("list")
def list_command(
    target: Annotated[
        str | None, typer.Argument(metavar="WORKLOAD|PATH", help="Workload name or project folder.")
    ] = None,
    db: DbOption = None,
) -> None:
    """List a workload's milestones, oldest first, with their risk counts."""
    with open_store(db) as store:
        workload, _project = _target(target)
        milestones = list_milestones(store, workload=workload)
    if not milestones:
        console.print(
            f"Workload {workload!r} has no milestones yet: save one with "
            "`mllens milestone save NAME`.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        return
    # Names are never cut: the title stands on its own line, the name column never wraps
    # and the table prints wider than the terminal rather than ellipsise a name.
    console.print(f"Milestones of {workload}", markup=False, highlight=False, soft_wrap=True, style="italic")
    table = _table()
    for column in ("Name", "Saved (UTC)", "Lens"):
        table.add_column(column, no_wrap=True)
    for header in _HEADERS:
        table.add_column(header, justify="right", no_wrap=True)
    for m in milestones:
        counts = [str(getattr(m.risk_counts, risk)) for risk in RISKS]
        table.add_row(Text(m.name), _when(m.created_at), f"{m.lens_id} {m.lens_version}", *counts)
    print_table(console, table)


def _side(store: Store, name: str, workload: str) -> Review | None:
    """A milestone's review, or None for `current` (reviewed later, after both are found)."""
    if name.strip().lower() == CURRENT:
        return None
    return get_milestone(store, workload=workload, name=name).review


def diff_command(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(metavar="A", help="Milestone to compare from.")],
    b: Annotated[
        str,
        typer.Argument(metavar="B", help=f"Milestone to compare to, or {CURRENT!r} for now."),
    ],
    workload: Annotated[
        str | None,
        typer.Option("--workload", metavar="WORKLOAD|PATH", help="Workload name or project folder."),
    ] = None,
    worsened_first: Annotated[
        bool, typer.Option("--worsened-first", help="List what got worse before what got better.")
    ] = False,
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help=f"{one_of(DIFF_FORMATS)}.")
    ] = "terminal",
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude",
            metavar="GLOB",
            help="For `current`: leave out files matching this gitignore-style pattern (repeatable).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Compare two milestones of a workload (B may be `current`: the project as it is now).

    Exits 1 when something got worse from A to B (a question's risk or a practice's status), else 0: for CI."""
    fmt = choose(fmt, DIFF_FORMATS, option="--format", aliases=FORMAT_ALIASES)
    with open_store(db) as store:
        name, project = _target(workload)
        sides = [_side(store, label, name) for label in (a, b)]
    if any(side is None for side in sides):
        project = project or Path(".")
        now = _review_now(ctx, project, exclude or ())
        if now.workload.name != name:
            raise InputError(
                f"{CURRENT!r} is the review of the project in {project}, whose workload is "
                f"{now.workload.name!r}, not {name!r}; give that project with --workload PATH"
            )
        sides = [side or now for side in sides]
    before, after = sides
    assert before is not None and after is not None
    result = diff(before, after, order="worsened" if worsened_first else "improved", labels=(a, b))
    if fmt == "json":
        typer.echo(result.model_dump_json(indent=2))
    else:
        _print_diff(result)
    worse = result.count(Change.WORSENED, of="questions") + result.count(Change.WORSENED, of="practices")
    raise typer.Exit(EXIT_THRESHOLD if worse else EXIT_OK)


def _print_diff(result: ReviewDiff) -> None:
    before, after = result.before, result.after
    console.print(
        f"Workload {after.workload}: {before.label} (lens {before.lens_id} {before.lens_version})"
        f" -> {after.label} (lens {after.lens_id} {after.lens_version})",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    if result.lens_changed:
        console.print(
            "[yellow]The lens changed between the two; practices or questions found on one "
            "side only are listed apart.[/yellow]",
            soft_wrap=True,
        )
    counts = _table("Question risks")
    counts.add_column("", no_wrap=True)  # the milestone names
    for header in _HEADERS:
        counts.add_column(header, justify="right", no_wrap=True)
    counts.add_row(Text(before.label or ""), *(str(getattr(result.risk_counts_before, r)) for r in RISKS))
    counts.add_row(Text(after.label or ""), *(str(getattr(result.risk_counts_after, r)) for r in RISKS))
    counts.add_row("change", *(f"{result.risk_counts_delta[r]:+d}" for r in RISKS))
    print_table(console, counts)
    console.print(_tally(result), highlight=False, soft_wrap=True)
    if result.unchanged:
        console.print("No practice status and no question risk changed.", soft_wrap=True)
        return
    changes = _table("Changes")
    for column in ("", "Id", "Title", "Before", "After"):
        changes.add_column(column, no_wrap=column != "Title")  # only titles wrap
    for q in result.questions:
        changes.add_row(_mark(q.change), q.id, q.title, labels.state(q.before), labels.state(q.after))
    if result.questions and result.practices:
        changes.add_section()
    for p in result.practices:
        changes.add_row(_mark(p.change), p.id, p.title, labels.state(p.before), labels.state(p.after))
    if result.questions or result.practices:
        print_table(console, changes)
    for label, items in (
        (f"Only in {before.label}", result.questions_only_before + result.practices_only_before),
        (f"Only in {after.label}", result.questions_only_after + result.practices_only_after),
    ):
        if items:
            listed = ", ".join(f"{o.id} ({labels.state(o.value)})" for o in items)
            console.print(f"{label}: {listed}", markup=False, highlight=False, soft_wrap=True)


def _tally(result: ReviewDiff) -> str:
    parts = []
    for of in ("questions", "practices"):
        counts = {change: result.count(change, of=of) for change in Change}
        moved = [f"{n} {change.value}" for change, n in counts.items() if n and change != Change.UNCHANGED]
        if counts[Change.UNCHANGED]:
            moved.append(f"{counts[Change.UNCHANGED]} changed, neither better nor worse")
        parts.append(f"{of}: {', '.join(moved) or 'no change'}")
    text = "; ".join(parts) + "."
    return text[0].upper() + text[1:]


def _mark(change: Change) -> Text:
    return Text(f"{_MARK[change]} {change.value}", style=_STYLE[change])


def register(app: typer.Typer) -> None:
    """Add `milestone save|list` and `diff` to the main app."""
    app.add_typer(milestone_app, name="milestone")
    app.command("diff")(diff_command)
