"""What the browser tests share: the system Chromium, a live app with editor edie and one
uploaded scan (`served`), and a launched browser (`browser`). Test modules import the two
fixtures by name; each keeps its own module-level skip when Chromium or Playwright is absent."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from webpeople import PASSWORD

from mllens.store import Store, open_store
from mllens.store.access import add_token, add_user
from mllens.web.app import create_app
from mllens.web.security import new_token, token_digest

CHROMIUM = Path("/usr/bin/chromium")
OUT = Path(__file__).parents[2] / "out"  # gitignored
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]



@pytest.fixture
def served(tmp_path: Path, password_hash: str, scan_json: dict[str, Any]) -> Iterator[str]:
    """A live app on a free localhost port, with editor edie (team fraud) and one uploaded scan."""
    store: Store = open_store(f"sqlite:///{tmp_path / 'browser.db'}")
    token = new_token()
    with store.transaction() as tx:
        add_user(tx, name="edie", role="editor", password_hash=password_hash, teams=("fraud",))
        add_token(tx, user="edie", name="upload", scope="upload", digest=token_digest(token))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store=store, secure_cookies=False), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):  # until the server answers (a bounded poll, not a timed assertion)
            try:
                if httpx.get(base + "/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                threading.Event().wait(0.05)
        uploaded = httpx.post(base + "/api/v1/workloads/fraud-detection/scans", json=scan_json,
                              headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        assert uploaded.status_code == 201, uploaded.text
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        store.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright import sync_api  # imported here: modules that use the kit skip first when it is absent

    with sync_api.sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, timeout=60_000)
        except sync_api.Error as exc:
            pytest.skip(f"{CHROMIUM} did not start: {str(exc).splitlines()[0]}")
        try:
            yield launched
        finally:
            launched.close()


def logged_in_page(browser: Any, base: str, path: str, *, javascript: bool) -> tuple[Any, list[str]]:
    """A page logged in as edie at `path`, and the list its script errors and CSP refusals
    are collected in."""
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.goto(base + "/login")
    page.fill("input[name=name]", "edie")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    page.goto(base + path)
    page.wait_for_load_state()
    return page, problems
