"""`mllens pull` against a real `mllens serve` process: the round trip (upload, answer in
the app, pull into mllens.yaml with its comments kept, upload again without conflict), a
conflict and both ways of resolving it, a file that does not exist yet, and bad input."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from mllens.cli import app
from mllens.store import open_store
from mllens.store.access import add_token, add_user, get_user
from mllens.store.sessions import set_answer
from mllens.store.sync import set_acceptance
from mllens.web.security import new_token, token_digest

UNTIL = dt.date.today() + dt.timedelta(days=120)
ANSWERS = """\
# Our review of record: what no file shows.
workload:
  name: fraud-detection   # the name on the server
  environment: prod
answers:
  MLOPS01-BP01:           # business goal
    status: implemented
    notes: the goal is in docs/goal.md
"""


@dataclass(frozen=True)
class Server:
    url: str
    db: str
    tokens: dict[str, str]  # "read" / "upload" -> edie's token


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path, isolated_data_dir: None) -> Iterator[Server]:
    db = f"sqlite:///{tmp_path / 'app.db'}"
    tokens = {scope: new_token() for scope in ("read", "upload")}
    with open_store(db) as store:
        add_user(store, name="edie", role="editor", password_hash=None, teams=("fraud",))
        for scope, token in tokens.items():
            add_token(store, user="edie", name=scope, scope=scope, digest=token_digest(token))
    port = _free_port()
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg")}
    mllens = str(Path(sys.executable).with_name("mllens"))  # the installed console script
    process = subprocess.Popen([mllens, "serve", "--db", db, "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):  # a bounded poll until it answers, not a timed assertion
            try:
                if httpx.get(url + "/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            pytest.fail("mllens serve did not answer /healthz")
        yield Server(url=url, db=db, tokens=tokens)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "requirements.txt").write_text("torch==2.3.0\n")
    (root / "mllens.yaml").write_text(ANSWERS)
    return root


def run(args: list[str], token: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, args, env={"MLLENS_TOKEN": token})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        return 2, str(result.exception)
    return result.exit_code, result.stderr


def _upload(server: Server, project: Path) -> str:
    code, err = run(["scan", str(project), "--no-cache", "-f", "json", "-o", str(project.parent / "scan.json"),
                     "--upload", server.url], server.tokens["upload"])
    assert code == 0, err
    return err


def _pull(server: Server, project: Path, *extra: str, scope: str = "read") -> tuple[int, str]:
    return run(["pull", server.url, "--workload", "fraud-detection", "--path", str(project), *extra],
               server.tokens[scope])


def _answer_in_app(server: Server, practice: str, status: str, notes: str | None = None) -> None:
    with open_store(server.db) as store:
        set_answer(store, user=get_user(store, name="edie"), workload="fraud-detection", practice=practice,
                   status=status, notes=notes)


def _sync(server: Server) -> dict[str, Any]:
    response = httpx.get(f"{server.url}/api/v1/workloads/fraud-detection/sync",
                         headers={"Authorization": f"Bearer {server.tokens['read']}"})
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def test_upload_answer_in_the_app_pull_and_upload_again(server: Server, project: Path) -> None:
    _upload(server, project)
    _answer_in_app(server, "MLOPS01-BP02", "missing", "no on-call yet")
    with open_store(server.db) as store:
        set_acceptance(store, user=get_user(store, name="edie"), workload="fraud-detection",
                       practice="MLOPS01-BP02", owner="ana", expires=UNTIL, reason="on-call from Q3")
    _answer_in_app(server, "MLPERF05", "not_applicable", "no edge devices")  # a question's own answer
    code, err = _pull(server, project)
    assert code == 0, err
    assert "updated: " in err and "2 answer(s) from the app: MLOPS01-BP02, MLPERF05" in err
    text = (project / "mllens.yaml").read_text()
    assert text.startswith(ANSWERS)  # every comment and line of the file as it was
    assert ("  MLOPS01-BP02:\n    status: missing\n    notes: no on-call yet\naccepted_risks:\n"
            f"  - practice: MLOPS01-BP02\n    owner: ana\n    expires: {UNTIL.isoformat()}\n"
            "    reason: on-call from Q3\nquestions:\n  MLPERF05:\n    applicable: false\n"
            "    notes: no edge devices\n") in text
    again = _upload(server, project)
    assert "conflict" not in again
    view = _sync(server)
    assert view["conflicts"] == [] and view["base"]["MLOPS01-BP02"]["accepted"]["owner"] == "ana"
    assert _pull(server, project) == (0, f"unchanged: {project / 'mllens.yaml'} (0 answer(s) from the app: none)\n")


def _conflict(server: Server, project: Path) -> None:
    _upload(server, project)
    _answer_in_app(server, "MLOPS01-BP01", "partial", "ROI not measured")
    (project / "mllens.yaml").write_text(ANSWERS.replace("docs/goal.md", "docs/goal.md, signed off"))


def test_a_conflict_is_shown_and_nothing_is_written(server: Server, project: Path) -> None:
    _conflict(server, project)
    before = (project / "mllens.yaml").read_text()
    code, err = _pull(server, project)
    assert code == 1
    assert ("conflict MLOPS01-BP01: " in err and "says implemented, notes 'the goal is in docs/goal.md, signed off'; "
            "the app says partial, notes 'ROI not measured'" in err)
    assert "nothing written: choose with --theirs (the app's) or --ours (the file's)" in err
    assert (project / "mllens.yaml").read_text() == before
    clash = _upload(server, project)  # CI uploads meanwhile: the app keeps its answer and says so
    assert "conflict MLOPS01-BP01: mllens.yaml says implemented" in clash
    assert _sync(server)["app"]["MLOPS01-BP01"]["status"] == "partial"


def test_theirs_takes_the_app_s_answer(server: Server, project: Path) -> None:
    _conflict(server, project)
    code, err = _pull(server, project, "--theirs")
    assert code == 0, err
    text = (project / "mllens.yaml").read_text()
    assert "  MLOPS01-BP01:           # business goal\n    status: partial\n    notes: ROI not measured\n" in text
    assert "conflict" not in _upload(server, project) and _sync(server)["conflicts"] == []


def test_ours_sends_the_file_s_answer_to_the_app(server: Server, project: Path) -> None:
    _conflict(server, project)
    before = (project / "mllens.yaml").read_text()
    refused = _pull(server, project, "--ours")  # a read token cannot change the app
    assert refused[0] == 2 and "(403" in refused[1] and (project / "mllens.yaml").read_text() == before
    code, err = _pull(server, project, "--ours", scope="upload")
    assert code == 0, err
    assert "the app now holds" in err and (project / "mllens.yaml").read_text() == before
    assert _sync(server)["app"]["MLOPS01-BP01"]["notes"] == "the goal is in docs/goal.md, signed off"
    assert "conflict" not in _upload(server, project) and _sync(server)["conflicts"] == []


def test_a_missing_file_is_created(server: Server, project: Path, tmp_path: Path) -> None:
    _upload(server, project)
    _answer_in_app(server, "MLOPS01-BP02", "partial")
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    code, err = _pull(server, fresh)
    assert code == 0 and "created: " in err, err
    text = (fresh / "mllens.yaml").read_text()
    assert "workload:\n  name: fraud-detection\n  environment: prod\n" in text
    assert "  MLOPS01-BP01:\n    status: implemented\n" in text and "  MLOPS01-BP02:\n    status: partial\n" in text


def test_bad_input_is_one_line_naming_what_is_wrong(server: Server, project: Path, tmp_path: Path) -> None:
    assert "expected at most one of --theirs and --ours" in _pull(server, project, "--theirs", "--ours")[1]
    assert "does not exist" in _pull(server, tmp_path / "nowhere")[1]
    unknown = run(["pull", server.url, "--workload", "nope", "--path", str(project)], server.tokens["read"])
    assert unknown[0] == 2 and "(404: no workload named 'nope')" in unknown[1]
    no_token = run(["pull", server.url, "--workload", "fraud-detection", "--path", str(project)], "")
    assert "expected an API token of scope read in $MLLENS_TOKEN" in no_token[1]
    assert "expected the server's http(s) URL" in run(["pull", "ftp://x", "--workload", "w"], "t")[1]
