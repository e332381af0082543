"""`mllens user`, `mllens token`, `mllens serve` and `mllens scan --upload`, the last two
against a real `mllens serve` process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from mllens.cli import app, main
from mllens.store import latest_review, open_store
from mllens.store.access import get_user, list_tokens, password_hash_of, token_grant, workload_teams
from mllens.web.security import token_digest, verify_password


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("MLLENS_DB", raising=False)
    return f"sqlite:///{tmp_path / 'access.db'}"


def run(args: list[str], **env: str) -> tuple[int, str, str, BaseException | None]:
    result = CliRunner().invoke(app, args, env=env)
    error = result.exception if not isinstance(result.exception, SystemExit) else None
    return result.exit_code, result.stdout, result.stderr, error


def test_user_add_takes_the_password_from_the_environment_when_not_a_terminal(db: str) -> None:
    code, out, _err, error = run(
        ["user", "add", "alice", "--role", "Editor", "--team", "fraud", "--team", "risk", "--db", db],
        MLLENS_PASSWORD="s3cret-enough",
    )
    assert (code, error) == (0, None)
    assert out == "added editor alice in fraud, risk\n"
    with open_store(db) as store:
        found = password_hash_of(store, name="alice")
        assert found is not None and found[1].startswith("$argon2id$")
        assert verify_password(found[1], "s3cret-enough") and not verify_password(found[1], "wrong")
        assert found[0].teams == ("fraud", "risk")
    assert run(["user", "list", "--db", db])[1] == "alice\teditor\tfraud,risk\n"


def test_user_add_refuses_a_missing_or_short_password_and_a_bad_role(db: str) -> None:
    *_, error = run(["user", "add", "bob", "--role", "viewer", "--db", db])
    assert error is not None and "expected the password in $MLLENS_PASSWORD" in str(error)
    *_, error = run(["user", "add", "bob", "--role", "viewer", "--db", db], MLLENS_PASSWORD="short")
    assert error is not None and str(error) == "password: expected at least 8 characters, got 5"
    *_, error = run(["user", "add", "bob", "--role", "owner", "--db", db], MLLENS_PASSWORD="long enough")
    assert error is not None and str(error) == "--role: expected one of admin, editor, viewer, got 'owner'"
    with open_store(db) as store, pytest.raises(Exception, match="no user named 'bob'"):
        get_user(store, name="bob")


def test_a_token_is_printed_once_and_revoked(db: str) -> None:
    run(["user", "add", "ci", "--role", "editor", "--db", db], MLLENS_PASSWORD="long enough")
    code, out, err, error = run(["token", "create", "ci", "--scope", "upload", "--name", "github", "--db", db])
    assert (code, error) == (0, None)
    token = out.strip()
    assert token.startswith("mll_") and len(token) > 40 and "not shown again" in err
    with open_store(db) as store:
        grant = token_grant(store, digest=token_digest(token))
        assert grant is not None and (grant.scope, grant.user.name) == ("upload", "ci")
        assert token not in json.dumps([t.model_dump(mode="json") for t in list_tokens(store)])
        token_id = grant.token_id
    listed = run(["token", "list", "--db", db])[1]
    assert listed == f"{token_id}\tci\tgithub\tupload\tactive\n" and token not in listed
    code, out, _err, error = run(["token", "revoke", str(token_id), "--db", db])
    assert (code, error, out) == (0, None, f"revoked token {token_id} (github) of ci\n")
    with open_store(db) as store:
        assert token_grant(store, digest=token_digest(token)) is None
    *_, error = run(["token", "create", "ci", "--scope", "write", "--db", db])
    assert error is not None and "--scope: expected one of upload, read, got 'write'" in str(error)


def test_errors_are_one_line_and_exit_2(db: str, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["mllens", "token", "revoke", "42", "--db", db])
    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == 2
    assert capsys.readouterr().err.strip().endswith("no API token with id 42")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(db: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A real `mllens serve` process on a free port, with an editor's upload token."""
    env = {**os.environ, "MLLENS_PASSWORD": "long enough", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    mllens = [str(Path(sys.executable).with_name("mllens"))]  # the installed console script
    subprocess.run([*mllens, "user", "add", "edie", "--role", "editor", "--team", "fraud", "--db", db],
                   env=env, check=True, capture_output=True, stdin=subprocess.DEVNULL)
    created = subprocess.run([*mllens, "token", "create", "edie", "--scope", "upload", "--db", db],
                             env=env, check=True, capture_output=True, text=True)
    port = _free_port()
    process = subprocess.Popen([*mllens, "serve", "--db", db, "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):  # wait until it answers (not a timed assertion: a bounded poll)
            try:
                if httpx.get(url + "/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            pytest.fail("mllens serve did not answer /healthz")
        yield url, created.stdout.strip()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_scan_uploads_to_a_real_server(server: tuple[str, str], tmp_path: Path, db: str) -> None:
    url, token = server
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("torch==2.3.0\n")
    (project / "mllens.yaml").write_text("workload:\n  name: fraud-detection\n  environment: prod\n")
    refused = run(["scan", str(project), "--format", "json", "--upload", url, "-q"], MLLENS_TOKEN="mll_wrong")
    assert refused[0] == 2 and "the server refused the scan (401" in refused[2]
    code, out, err, error = run(["scan", str(project), "--format", "json", "--upload", url], MLLENS_TOKEN=token)
    assert (code, error) == (0, None), err
    assert f"uploaded to {url}: review " in err
    upload_only = httpx.get(url + "/api/v1/workloads", headers={"Authorization": f"Bearer {token}"})
    assert upload_only.status_code == 403
    scanned = json.loads(out)
    with open_store(db) as store:
        stored = latest_review(store, workload="fraud-detection")
        assert workload_teams(store) == {"fraud-detection": "fraud"}
    assert stored is not None
    assert stored.summary.risk_counts.model_dump() == scanned["summary"]["risk_counts"]
