"""`mllens aws push` / `pull`: a review into the AWS Well-Architected Tool and back."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from mllens.cli.common import choose, new_app, one_of
from mllens.cli.review_cmd import user_errors
from mllens.errors import InputError
from mllens.workflow import ScanFn, project_folder

FORMATS = ("text", "json")
aws_app = new_app(help="The AWS Well-Architected Tool: push a review, pull answers back.", no_args_is_help=True)

Region = Annotated[
    list[str] | None, typer.Option("--region", metavar="REGION", help="AWS Region the workload runs in (repeat).")
]


def _injected(ctx: typer.Context, key: str) -> Any:
    return ctx.obj.get(key) if isinstance(ctx.obj, dict) else None


def _client(ctx: typer.Context) -> Any:
    from mllens.aws.wa_client import make_client

    return _injected(ctx, "wa_client") or make_client()


@aws_app.command("push")
def push(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Project folder (holds mllens.yaml).")] = Path("."),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the calls instead of making them.")] = False,
    format: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help=f"{one_of(FORMATS)}.")] = "text",
    workload: Annotated[
        str | None, typer.Option("--workload", metavar="NAME", help="Workload name (default: mllens.yaml's).")
    ] = None,
    region: Region = None,
    description: Annotated[
        str | None, typer.Option("--description", metavar="TEXT", help="Workload description (default: mllens.yaml's).")
    ] = None,
    owner: Annotated[
        str | None, typer.Option("--owner", metavar="NAME", help="Review owner (default: mllens.yaml's).")
    ] = None,
    environment: Annotated[
        str | None,
        typer.Option("--environment", metavar="ENV", help="production or preproduction (default: mllens.yaml's)."),
    ] = None,
    lens_alias: Annotated[
        str | None,
        typer.Option("--lens-alias", metavar="ALIAS", help="Use this lens (alias or ARN) instead of importing ours."),
    ] = None,
    milestone: Annotated[
        str | None, typer.Option("--milestone", metavar="NAME", help="Milestone name (default: the commit).")
    ] = None,
) -> None:
    """Write the review into the Well-Architected Tool: workload, lens, answers, milestone."""
    from mllens.aws.wa_plan import build_plan
    from mllens.aws.wa_project import prepare
    from mllens.aws.wa_push import read_state, run_plan

    with user_errors():
        format = choose(format, FORMATS, option="--format")
        root = project_folder(path)
        scan: ScanFn | None = _injected(ctx, "scan")
        prep = prepare(
            root,
            workload=workload,
            regions=tuple(region or ()),
            description=description,
            owner=owner,
            environment=environment,
            lens_alias=lens_alias,
            milestone=milestone,
            scan=scan,
            progress=sys.stderr.isatty(),
        )
        if dry_run:
            from mllens.aws.wa_client import client_if_credentials

            client = _injected(ctx, "wa_client") or client_if_credentials()
        else:
            client = _client(ctx)
        state = None
        if client is not None:
            state = read_state(client, workload=prep.settings.name, lens_name=prep.lens.name, alias=lens_alias)
        plan = build_plan(
            prep.answers,
            prep.lens_json,
            lens_version=prep.lens.version,
            settings=prep.settings,
            state=state,
            commit=prep.commit,
        )
        if dry_run:
            if format == "json":
                typer.echo(json.dumps(plan, indent=2))
            else:
                for step in plan:
                    question = step["params"].get("QuestionId")
                    typer.echo(f"{step['operation']} {question}" if question else step["operation"])
            return
        done = run_plan(client, plan)
        if format == "json":
            typer.echo(json.dumps({"workload": prep.settings.name, "calls": done}, indent=2))
        else:
            typer.echo(f"{prep.settings.name}: {len(done)} call(s)" if done else f"{prep.settings.name}: up to date")


@aws_app.command("pull")
def pull(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Project folder (holds mllens.yaml).")] = Path("."),
    workload: Annotated[
        str | None, typer.Option("--workload", metavar="NAME", help="Workload name (default: mllens.yaml's).")
    ] = None,
    lens_alias: Annotated[
        str | None, typer.Option("--lens-alias", metavar="ALIAS", help="The lens (alias or ARN) answered.")
    ] = None,
) -> None:
    """Write the workload's answers, notes and reasons from the tool into mllens.yaml."""
    from mllens.answers.io import save_answers
    from mllens.aws.wa_project import prepare
    from mllens.aws.wa_pull import apply_pull
    from mllens.aws.wa_push import read_state

    with user_errors():
        root = project_folder(path)
        prep = prepare(root, workload=workload, lens_alias=lens_alias, scan=_injected(ctx, "scan"))
        if prep.document is None:
            raise InputError(
                "has no mllens.yaml to pull answers into (expected one naming the workload)", file=str(root)
            )
        state = read_state(_client(ctx), workload=prep.settings.name, lens_name=prep.lens.name, alias=lens_alias)
        if state.workload_id is None:
            raise InputError(
                f"the Well-Architected Tool has no workload named {prep.settings.name!r}", field="--workload"
            )
        changes = apply_pull(prep.document, prep.lens, prep.answers, state.answers)
        if changes:
            save_answers(prep.document)
        typer.echo(
            f"{prep.document.display}: {len(changes)} change(s)" if changes else f"{prep.document.display}: no change"
        )
        for line in changes:
            typer.echo(f"  {line}")


def register(app: typer.Typer) -> None:
    """Add `aws push` and `aws pull` to the main app."""
    app.add_typer(aws_app, name="aws")
