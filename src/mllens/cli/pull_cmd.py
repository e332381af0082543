"""`mllens pull URL --workload NAME`: bring the answers given in the web app into mllens.yaml.

The server says what the app holds and the base (what file and app last agreed on, as of
the last `mllens scan --upload`); each practice is compared three ways (answers.sync): an
answer only the app changed is written into the file, keeping its comments and layout;
one only the file changed is left for the next upload; one both changed differently is a
conflict: nothing is written, each is listed, and the exit code is 1 unless `--theirs`
(take the app's answer) or `--ours` (keep the file's, and make the app take it: that
needs a token of scope upload) says which side wins. A missing mllens.yaml is created.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from mllens.answers.io import ANSWERS_FILE, new_document, save_answers
from mllens.answers.model import Workload
from mllens.answers.sync import SyncAnswer, describe, reconcile, sync_answers, write_answer
from mllens.cli.common import EXIT_THRESHOLD, err_console
from mllens.errors import InputError
from mllens.web.sync_client import fetch_sync, send_answers
from mllens.workflow import open_answers, project_folder


def _answers(data: Any, *, key: str, url: str) -> dict[str, SyncAnswer]:
    found = data.get(key) if isinstance(data, dict) else None
    if not isinstance(found, dict):
        raise InputError(f"{url}: expected the server's sync state with {key!r}, got something else", field="URL")
    try:
        return {p: SyncAnswer.model_validate(a) for p, a in found.items()}
    except ValueError:
        raise InputError(f"{url}: the server's {key!r} answers do not read as answers", field="URL") from None


def _say(text: str, *, quiet: bool) -> None:
    if not quiet:
        err_console.print(text, markup=False, highlight=False, soft_wrap=True)


def pull(
    url: Annotated[str, typer.Argument(metavar="URL", help="The mllens server, such as https://mllens.example.org.")],
    workload: Annotated[str, typer.Option("--workload", metavar="NAME", help="The workload's name on the server.")],
    path: Annotated[
        Path, typer.Option("--path", metavar="PATH", help="The project folder whose mllens.yaml to update.")
    ] = Path("."),
    theirs: Annotated[bool, typer.Option("--theirs", help="In a conflict, take the app's answer.")] = False,
    ours: Annotated[
        bool, typer.Option("--ours", help="In a conflict, keep the file's answer and send it to the app "
                                          "(needs a token of scope upload).")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only conflicts and errors.")] = False,
) -> None:
    """Write the answers given in the web app into mllens.yaml (token in $MLLENS_TOKEN, scope read)."""
    if theirs and ours:
        raise InputError("expected at most one of --theirs and --ours, got both", field="--theirs")
    root = project_folder(path)
    data = fetch_sync(url, workload=workload)
    base, app = _answers(data, key="base", url=url), _answers(data, key="app", url=url)
    doc, lens = open_answers(root)
    created = doc is None
    if doc is None:
        given = data.get("workload")
        shown: dict[str, Any] = given if isinstance(given, dict) else {}
        details = {k: v for k, v in shown.items() if k in ("owner", "environment", "description")}
        doc = new_document(root / ANSWERS_FILE, Workload(name=workload, **details), lens=lens)
    # A file made now never had an answer to remove: everything the app holds goes into it.
    found = reconcile(base={} if created else base, file=sync_answers(doc.answers, lens=lens), app=app)
    for clash in found.conflicts:
        err_console.print(f"conflict {clash.practice}: {doc.display} says {describe(clash.file)}; "
                          f"the app says {describe(clash.app)}", markup=False, highlight=False, soft_wrap=True)
    if found.conflicts and not (theirs or ours):
        err_console.print(f"{len(found.conflicts)} answer(s) changed in {doc.display} and in the app since the last "
                          "sync; nothing written: choose with --theirs (the app's) or --ours (the file's)",
                          markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_THRESHOLD)
    writes: dict[str, SyncAnswer | None] = dict(found.to_file)
    if theirs:
        writes.update({c.practice: c.app for c in found.conflicts})
    elif found.conflicts:  # --ours: the app takes the file's answers before the file is touched
        send_answers(url, workload=workload, answers={c.practice: c.file for c in found.conflicts})
        _say(f"the app now holds {doc.display}'s answer to {', '.join(c.practice for c in found.conflicts)}",
             quiet=quiet)
    for practice, answer in writes.items():
        write_answer(doc, practice, answer)
    if writes or created:
        save_answers(doc)
    names = ", ".join(writes) or "none"
    _say(f"{'created' if created else 'updated' if writes else 'unchanged'}: {doc.display} "
         f"({len(writes)} answer(s) from the app: {names})", quiet=quiet)
    if found.to_app:
        _say(f"{len(found.to_app)} answer(s) changed in {doc.display} reach the app with the next "
             f"`mllens scan --upload`: {', '.join(found.to_app)}", quiet=quiet)


def register(app: typer.Typer) -> None:
    app.command("pull")(pull)
