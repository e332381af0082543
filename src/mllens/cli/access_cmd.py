"""`mllens user add|list`, `mllens token create|list|revoke` and `mllens serve`.

Users and tokens live in the store (`--db URL`, else `$MLLENS_DB`, else SQLite in the user
data directory). A password comes from a hidden prompt on a terminal, else from
`$MLLENS_PASSWORD`; a token is printed once and only its digest is kept.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from mllens.cli.common import choose, console, err_console, new_app
from mllens.cli.store_cmd import DbOption
from mllens.errors import InputError
from mllens.store import Store, open_store
from mllens.store.access import add_token, add_user, list_tokens, list_users, revoke_token
from mllens.store.models import ROLES, SCOPES

PASSWORD_VAR = "MLLENS_PASSWORD"

user_app = new_app(help="Manage the web app's users.", no_args_is_help=True)
token_app = new_app(help="Create, list and revoke API tokens.", no_args_is_help=True)


def _password() -> str:
    if sys.stdin.isatty():
        entered: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        return entered
    given = os.environ.get(PASSWORD_VAR)
    if not given:
        raise InputError(
            f"expected the password in ${PASSWORD_VAR} when standard input is not a terminal, "
            "got none", field="password"
        )
    return given


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Login name (letters, digits, . _ @ + -).")],
    role: Annotated[str, typer.Option("--role", metavar="ROLE", help=f"One of {', '.join(ROLES)}.")],
    team: Annotated[list[str] | None, typer.Option("--team", metavar="TEAM", help="A team (repeatable).")] = None,
    db: DbOption = None,
) -> None:
    """Add a user; the password is asked for (or read from $MLLENS_PASSWORD)."""
    from mllens.web.security import hash_password

    chosen = choose(role, ROLES, option="--role")
    hashed = hash_password(_password())
    with open_store(db, saving=True) as store:
        user = add_user(store, name=name, role=chosen, password_hash=hashed, teams=tuple(team or ()))
    teams = f" in {', '.join(user.teams)}" if user.teams else ""
    console.print(f"added {user.role} {user.name}{teams}", highlight=False)


@user_app.command("list")
def user_list(db: DbOption = None) -> None:
    """List users with their role and teams."""
    with open_store(db) as store:
        for user in list_users(store):
            typer.echo(f"{user.name}\t{user.role}\t{','.join(user.teams)}")  # tab-separated: for scripts


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Argument(help="The user the token acts for (its teams and role).")],
    scope: Annotated[str, typer.Option("--scope", metavar="SCOPE", help=f"One of {', '.join(SCOPES)}.")],
    name: Annotated[
        str, typer.Option("--name", metavar="NAME", help="A name for the token, unique per user.")
    ] = "default",
    db: DbOption = None,
) -> None:
    """Create an API token and print it once (only its digest is stored)."""
    from mllens.web.security import new_token, token_digest

    chosen = choose(scope, SCOPES, option="--scope")
    token = new_token()
    with open_store(db, saving=True) as store:
        info = add_token(store, user=user, name=name, scope=chosen, digest=token_digest(token))
    err_console.print(
        f"token {info.id} ({info.scope}) for {info.user}: copy it now, it is not shown again", highlight=False
    )
    typer.echo(token)


@token_app.command("list")
def token_list(db: DbOption = None) -> None:
    """List tokens (id, user, name, scope, state); never the tokens themselves."""
    with open_store(db) as store:
        for token in list_tokens(store):
            state = f"revoked {token.revoked_at:%Y-%m-%d}" if token.revoked_at else "active"
            typer.echo(f"{token.id}\t{token.user}\t{token.name}\t{token.scope}\t{state}")


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The token's id (see `mllens token list`).")],
    db: DbOption = None,
) -> None:
    """Revoke an API token: it is refused from then on."""
    with open_store(db, saving=True) as store:
        info = revoke_token(store, token_id=token_id)
    console.print(f"revoked token {info.id} ({info.name}) of {info.user}", highlight=False)


def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", metavar="HOST", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", metavar="PORT", min=1, max=65535, help="Port to listen on (1-65535).")
    ] = 8000,
    demo: Annotated[
        bool,
        typer.Option("--demo", help="Serve the bundled example in a new store, with a first admin (printed)."),
    ] = False,
    demo_project: Annotated[
        Path | None,
        typer.Option("--demo-project", metavar="PATH",
                     help="The project --demo scans (default: examples/fraud-detection of the source tree)."),
    ] = None,
) -> None:
    """Serve the web app and its API (needs the web extra)."""
    try:
        import uvicorn

        from mllens.web.app import create_app
    except ModuleNotFoundError as exc:
        raise InputError(
            f"mllens serve needs the web extra (pip install 'mllens[web]'); missing module {exc.name!r}"
        ) from None
    store = _demo_store(db, demo_project) if demo else open_store(db, saving=True)
    app = create_app(store=store, secure_cookies=host not in ("127.0.0.1", "localhost", "::1"))
    try:
        err_console.print(f"serving {store.where} on http://{host}:{port}", highlight=False)
        if demo:
            _print_demo(store, demo_project, url=f"http://{host}:{port}/")
        elif not list_users(store):
            err_console.print("no users yet: add one with `mllens user add NAME --role admin`", highlight=False)
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        store.close()


def _demo_store(db: str | None, project: Path | None) -> Store:
    """A new SQLite store in a temporary folder (or the empty store of --db)."""
    from mllens.web.demo import check_empty

    if project is None:
        from mllens.web.demo import example_project

        if example_project() is None:
            raise InputError(
                "--demo scans the example project examples/fraud-detection of the mllens source tree, which "
                "this installation lacks (a wheel ships no examples): give --demo-project PATH, such as a "
                "clone's examples/fraud-detection", field="--demo-project",
            )
    if db is None:
        folder = Path(tempfile.mkdtemp(prefix="mllens-demo-"))
        db = f"sqlite:///{folder / 'mllens.db'}"
    store = open_store(db, saving=True)
    try:
        check_empty(store)
    except BaseException:
        store.close()
        raise
    return store


def _print_demo(store: Store, project: Path | None, *, url: str) -> None:
    from mllens.web.demo import build_demo, example_project

    chosen = project or example_project()
    assert chosen is not None  # _demo_store refused a missing example
    err_console.print(f"demo: scanning {chosen} into the new store", highlight=False)
    made = build_demo(store, project=chosen)
    # Printed once, on standard output: the password is stored only as its Argon2 hash.
    typer.echo(f"mllens demo: {made.workload} at {url}")
    typer.echo(f"  user:     {made.user}")
    typer.echo(f"  password: {made.password}")


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
    app.command("serve")(serve)
