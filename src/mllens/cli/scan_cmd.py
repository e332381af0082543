"""`mllens scan` (scan a project and report its review), `mllens rules` (the detector
catalog and lens coverage) and `mllens dev new-rule` (stubs for a new rule)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from mllens.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    FORMAT_ALIASES,
    REPORT_FORMATS,
    THRESHOLDS,
    ExcludeOption,
    binary_needs_output,
    choose,
    choose_optional,
    console,
    err_console,
    new_app,
    one_of,
)
from mllens.errors import MllensError
from mllens.review.model import Review
from mllens.scan.result import ScanResult

if TYPE_CHECKING:
    from mllens.workflow import ScanFn

FORMATS = REPORT_FORMATS


def _fail(exc: MllensError) -> typer.Exit:
    err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_USAGE)


def scan(
    path: Annotated[Path, typer.Argument(help="Project folder to scan.")] = Path("."),
    format: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help=f"{one_of(FORMATS)} (pdf needs -o).")
    ] = "terminal",
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            metavar="LEVEL",
            help=f"Exit 1 when a question is at this risk or worse: {one_of(THRESHOLDS)}.",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write the report to this file.")
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE",
            help="A previous `--format json` result: --fail-on counts only risks new or worse since it, "
            "and findings new since it."
        ),
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", metavar="FILE", help="Also write the HTML report to this file.")
    ] = None,
    exclude: ExcludeOption = None,
    upload: Annotated[
        str | None,
        typer.Option(
            "--upload", metavar="URL",
            help="Also send the review to this mllens server (token in $MLLENS_TOKEN, scope upload).",
        ),
    ] = None,
    live: Annotated[
        list[str] | None,
        typer.Option(
            "--live", metavar="CLOUD",
            help="Also read the running resources of this cloud account, read-only (aws: SageMaker; "
            "standard credential chain, AWS_PROFILE, AWS_REGION). Needs the aws extra.",
        ),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ignore and do not update the result cache.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    explain_files: Annotated[
        bool,
        typer.Option(
            "--explain-files",
            help="Print whose files they are (project, test, vendored, fixture, generated, docs), "
            "folder by folder with the reason, and exit.",
        ),
    ] = False,
) -> None:
    """Scan a project's files for evidence and print its Well-Architected ML review."""
    from mllens.lens.load import load_shipped_lens
    from mllens.output import write_output
    from mllens.report import BINARY_REPORTERS, ReportOptions, get_binary_reporter, get_reporter
    from mllens.report import html as html_report
    from mllens.review.gate import evaluate_gate, load_baseline, parse_threshold
    from mllens.workflow import review_project

    try:
        format = choose(format, FORMATS, option="--format", aliases=FORMAT_ALIASES)
        level = choose_optional(fail_on, THRESHOLDS, option="--fail-on")
        threshold = parse_threshold(level) if level else None
        binary_needs_output(format, output)
        reporter = get_binary_reporter(format) if format in BINARY_REPORTERS else get_reporter(format)
        review, result = review_project(
            path, use_cache=not no_cache, progress=not quiet and sys.stderr.isatty(), exclude=exclude or (),
            scan=_live_scan(live) if live else None,
        )
        before = load_baseline(baseline, lens=load_shipped_lens(review.lens_id)) if baseline is not None else None
    except MllensError as exc:
        raise _fail(exc) from None
    if explain_files:
        sys.stdout.write(explain(result))
        raise typer.Exit(EXIT_OK)
    to_terminal = output is None and sys.stdout.isatty()
    text = reporter(
        review,
        scan=result,
        baseline=before,
        options=ReportOptions(color=to_terminal and format == "terminal", width=console.width),
    )
    try:  # one writer for every output file: atomic, announced, `<path>: cannot write (<reason>)`
        if output is not None:
            write_output(output, text)
        elif isinstance(text, str):  # a binary format has an output file (checked above)
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
        if html is not None:
            write_output(html, html_report.render(review, scan=result, baseline=before))
        if upload is not None:
            _upload(upload, review=review, result=result, quiet=quiet)
    except MllensError as exc:
        raise _fail(exc) from None
    if threshold is not None:
        gate = evaluate_gate(review, fail_on=threshold, baseline=before)
        if not quiet or not gate.passed:
            for line in gate.lines():
                err_console.print(line, markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(gate.exit_code)
    raise typer.Exit(EXIT_OK)


def _live_scan(providers: list[str]) -> ScanFn:
    from mllens.live.base import reader_for
    from mllens.live.scan import live_scan

    for name in providers:  # an unknown provider is a usage error before the scan starts
        reader_for(name)
    fn: ScanFn = live_scan(providers)
    return fn


def _upload(url: str, *, review: Review, result: ScanResult, quiet: bool) -> None:
    from mllens.review.serialise import answers_data, review_to_data
    from mllens.web.client import upload_scan
    from mllens.workflow import read_project_answers

    data = review_to_data(review, scan=result)
    if Path(result.root).is_dir():  # mllens.yaml's answers as written, for the server's sync (web.sync)
        given, _lens = read_project_answers(Path(result.root))
        data["answers"] = answers_data(given.answers, given.questions)
    answer = upload_scan(url, workload=review.workload.name, data=data)
    if not quiet:
        err_console.print(f"uploaded to {url}: review {answer.get('review_id')} of {answer.get('workload')}",
                          markup=False, highlight=False, soft_wrap=True)
        for clash in answer.get("conflicts") or []:
            err_console.print(f"conflict {clash.get('practice')}: mllens.yaml says {clash.get('file_says')}; the app "
                              f"says {clash.get('app_says')} (the app keeps it: mllens pull --theirs or --ours)",
                              markup=False, highlight=False, soft_wrap=True)


def explain(result: ScanResult) -> str:
    """The classification of a scan's files, one line per folder, class and reason; then
    the folders not walked at all. Plain lines (never wrapped): they are read and grepped."""
    rows = [(f.folder, f.file_class, str(f.files), f.reason) for f in result.folders]
    width = max([len("folder"), *(len(r[0]) for r in rows)])
    lines = [f"{'folder':<{width}}  {'class':<9}  {'files':>5}  reason"]
    lines += [f"{folder:<{width}}  {cls:<9}  {count:>5}  {reason}" for folder, cls, count, reason in rows]
    counts = ", ".join(f"{n} {cls}" for cls, n in result.files_by_class.items() if n)
    lines.append(f"{result.files_scanned} files: {counts or 'none'}; only project and test files decide a practice")
    if result.not_walked:
        lines.append("not walked:")
        lines += [f"  {folder}: {why}" for folder, why in result.not_walked]
    return "\n".join(lines) + "\n"


def rules(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print docs/rules.md (generated from rule metadata).")
    ] = False,
    coverage: Annotated[
        bool, typer.Option("--coverage", help="How many automated lens checks have a rule, per pillar.")
    ] = False,
) -> None:
    """List every detector rule with the lens practices it maps to and its status."""
    from mllens.lens import load_shipped_lens
    from mllens.scan import catalog
    from mllens.scan.registry import families

    lens = load_shipped_lens()
    if markdown:
        sys.stdout.write(catalog.rules_markdown(lens))
        return
    if coverage:
        table = Table("pillar", "checks with a rule", "automated checks", "coverage")
        for row in catalog.coverage(lens):
            table.add_row(row.pillar, str(row.covered), str(row.total), f"{row.percent:.0f}%")
        console.print(table)
        return
    table = Table("rule", "status", "scope", "maps to", "title")
    for family in families():
        for r in family.rules:
            maps = ", ".join(f"{m.practice}/{m.check}" for m in r.meta.maps)
            table.add_row(r.id, r.meta.status, r.scope, maps, r.meta.title)
    console.print(table)


dev_app = new_app(help="Tools for mllens contributors.", no_args_is_help=True)


@dev_app.command("new-rule")
def new_rule(
    family: Annotated[str, typer.Argument(help="Detector family, e.g. python_code.")],
    name: Annotated[str, typer.Argument(help="Rule name (snake_case).")],
) -> None:
    """Write the stubs of a new rule: metadata, code and fixtures (fill them in until the catalog test passes)."""
    from mllens.scan import scaffold

    src = Path(__file__).resolve().parents[1] / "scan" / "detectors"
    fixtures = Path.cwd() / "tests" / "scan" / "detectors" / "fixtures"
    try:
        written = scaffold.new_rule(family, name, src=src, fixtures=fixtures)
    except MllensError as exc:
        raise _fail(exc) from None
    for path in written:
        console.print(f"wrote {path}", markup=False, highlight=False)
    console.print(
        f"next: fill in the TODOs; if {family} is a new family, add it to FAMILY_MODULES in scan/registry.py",
        markup=False,
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add this group's commands to the main app."""
    app.command("scan")(scan)
    app.command("rules")(rules)
    app.add_typer(dev_app, name="dev")
