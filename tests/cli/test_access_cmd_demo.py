"""`mllens serve --demo`: one command starts the app on the bundled example with a first
admin whose password is printed once; a real process, logged into over HTTP."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mllens.cli import main
from mllens.store import open_store
from mllens.store.access import add_user, list_users
from mllens.web.demo import example_project


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def demo_server(tmp_path: Path) -> Iterator[tuple[str, list[str], Path]]:
    """`mllens serve --demo` on a free port: its URL, the lines it printed, its temp folder."""
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg"), "TMPDIR": str(tmp_path)}
    env.pop("MLLENS_DB", None)
    mllens = str(Path(sys.executable).with_name("mllens"))
    port = _free_port()
    process = subprocess.Popen([mllens, "serve", "--demo", "--port", str(port)], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        assert process.stdout is not None
        printed = [process.stdout.readline() for _ in range(3)]  # the demo's three lines, then the server
        for _ in range(400):  # wait until it answers (not a timed assertion: a bounded poll)
            try:
                if httpx.get(url + "/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.05)
        else:
            pytest.fail(f"mllens serve --demo did not answer /healthz; it printed {printed!r}")
        yield url, printed, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_serve_demo_prints_an_admin_that_logs_in_and_sees_the_example(
    demo_server: tuple[str, list[str], Path],
) -> None:
    url, printed, tmp = demo_server
    assert printed[0].strip() == f"mllens demo: card-fraud-scoring at {url}/"
    assert printed[1].split() == ["user:", "admin"]
    password = printed[2].split(":", 1)[1].strip()
    assert len(password) >= 16
    with httpx.Client(base_url=url) as client:
        form = client.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form)
        assert csrf is not None
        refused = client.post("/login", data={"name": "admin", "password": password + "x", "csrf": csrf.group(1),
                                              "next": "/"})
        assert refused.status_code != 303 and "card-fraud-scoring" not in refused.text
        form = client.get("/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form)
        assert csrf is not None
        logged = client.post("/login", data={"name": "admin", "password": password, "csrf": csrf.group(1),
                                             "next": "/"})
        assert logged.status_code == 303
        portfolio = client.get("/").text
        assert 'href="/workloads/card-fraud-scoring"' in portfolio
        assert "risk-ml@acme.example" in portfolio and "production" in portfolio
        assert "first-scan" in client.get("/workloads/card-fraud-scoring").text
    stores = list(tmp.glob("mllens-demo-*/mllens.db"))
    assert len(stores) == 1  # a new store in its own temporary folder


def _refused(argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.setattr(sys, "argv", ["mllens", *argv])
    with pytest.raises(SystemExit) as caught:
        main()
    assert caught.value.code == 2
    return " ".join(capsys.readouterr().err.split())


def test_serve_demo_refuses_a_store_that_holds_something(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'kept.db'}"
    with open_store(db, saving=True) as store:
        add_user(store, name="ana", role="admin", password_hash=None)
    said = _refused(["serve", "--demo", "--db", db, "--port", str(_free_port())], monkeypatch, capsys)
    assert "--demo fills an empty store, but this one holds 1 user(s) and 0 workload(s)" in said
    with open_store(db) as store:  # left as it was
        assert [u.name for u in list_users(store)] == ["ana"]


def test_serve_demo_without_the_example_says_what_to_give(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import mllens.web.demo as demo

    monkeypatch.setattr(demo, "example_project", lambda: None)  # as in a wheel: no examples/
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    said = _refused(["serve", "--demo", "--port", str(_free_port())], monkeypatch, capsys)
    assert "which this installation lacks (a wheel ships no examples): give --demo-project PATH" in said


def test_the_example_project_is_found_beside_the_source() -> None:
    found = example_project()
    assert found is not None and (found / "mllens.yaml").is_file() and found.name == "fraud-detection"
