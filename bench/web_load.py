"""Load on `mllens serve` over PostgreSQL: latency of the portfolio, a review page and the
API's workloads list under 50 concurrent users, and no lost write when 50 editors answer
the same review at once (issue 13).

    .venv/bin/python bench/web_load.py [--db URL] [--workloads 1000] [--milestones 10]
        [--users 50] [--rounds 4] [--editors 50] [--think 0]

Without --db a throwaway PostgreSQL server is started from /usr/lib/postgresql/*/bin (the
server `make sysdeps` installs, as tests/conftest.py finds it). The store is filled with
bulk inserts: one real review of examples/fraud-detection, copied into every workload
with 10 milestones each. `mllens serve` runs as in production (uvicorn, its own process).
The bulk inserts store no summaries (web.summary), as after an upgrade from a store of
migration 0007: one first listing computes them all, timed apart ("first listing") before
the users start. Each user then loads the portfolio (its first page), a review page and the
API's workloads list, `--rounds` times, with `--think` seconds between pages (0: back to
back, the harshest load). Figures are printed beside the /healthz latency of the same run
(the baseline: the server and the network with no page work), the target p95 < 200 ms, and
the machine's load average.

The write check: `--editors` editors answer the same review at once, each a different
practice (all must land, one audit row each), then all the same practice with different
notes (one value at the end, one audit row each, each row's old value the previous row's new).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import os
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import insert, select

from mllens.store import Store, latest_review, open_store, save_review
from mllens.store.access import add_token, add_user, audit_log, set_workload_team
from mllens.store.models import MilestoneRow, ReviewRow, WorkloadRow, WorkloadTeamRow
from mllens.store.sessions import answers_of
from mllens.web.security import hash_password, new_token, token_digest
from mllens.workflow import review_project

ROOT = Path(__file__).resolve().parent.parent
TARGET_P95_MS = 200.0
PASSWORD = "load test password"
TEAM = "ml"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres() -> Iterator[str]:
    """A throwaway PostgreSQL server (as tests/conftest.py starts it); its database URL."""
    found = [d for d in Path("/usr/lib/postgresql").glob("*/bin") if (d / "pg_ctl").is_file()]
    if not found:
        sys.exit("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (make sysdeps), or give --db")
    bindir = max(found, key=lambda d: float(d.parent.name) if re.fullmatch(r"[\d.]+", d.parent.name) else 0.0)
    base = Path(tempfile.mkdtemp(prefix="mllens-load-"))
    prefix: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root
        shutil.chown(base, "postgres", "postgres")
        prefix = ["runuser", "-u", "postgres", "--"]

    def run(*cmd: str) -> None:
        subprocess.run([*prefix, *cmd], check=True, capture_output=True, timeout=120)

    port = _free_port()
    data = base / "data"
    run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
        "--no-sync")
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c max_connections=200"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-o", options, "-w", "start")
    try:
        run(str(bindir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-c", "CREATE DATABASE load")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/load"
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=120)
        shutil.rmtree(base, ignore_errors=True)


def fill(store: Store, *, workloads: int, milestones: int) -> str:
    """`workloads` workloads (wl-0000 ...) in team ml, each with a review and `milestones`
    milestones, by bulk inserts copying one real review; the first workload's name."""
    review, _scan = review_project(ROOT / "examples" / "fraud-detection", use_cache=False)
    first = "wl-0000"
    save_review(store, review=review, workload=first)
    set_workload_team(store, workload=first, team=TEAM)
    with store.transaction() as tx:
        session = tx.session
        seed = session.scalars(select(ReviewRow)).one()
        counts = {c: getattr(seed, c) for c in ("high_count", "medium_count", "none_count", "unanswered_count",
                                                "not_applicable_count")}
        team_id = session.scalar(select(WorkloadTeamRow.team_id))
        text = seed.review_json
        at = dt.datetime.now(dt.UTC)
        session.execute(insert(WorkloadRow), [
            {"name": f"wl-{i:04d}", "owner": f"owner{i % 37}@example.com", "environment": ("prod", "dev")[i % 2],
             "created_at": at, "updated_at": at} for i in range(1, workloads)])
        ids = {name: wid for name, wid in session.execute(select(WorkloadRow.name, WorkloadRow.id))}
        others = [ids[f"wl-{i:04d}"] for i in range(1, workloads)]
        session.execute(insert(WorkloadTeamRow), [{"workload_id": w, "team_id": team_id} for w in others])
        session.execute(insert(ReviewRow), [
            {"workload_id": w, "lens_id": seed.lens_id, "lens_version": seed.lens_version, "created_at": at,
             "review_json": text, **counts} for w in others])
        for m in range(milestones):
            when = at - dt.timedelta(days=30 * (milestones - m))
            session.execute(insert(MilestoneRow), [
                {"workload_id": w, "name": f"m{m + 1:02d}", "created_at": when, "lens_id": seed.lens_id,
                 "lens_version": seed.lens_version, "review_json": text, **counts} for w in ids.values()])
    return first


def people(store: Store, *, users: int, editors: int) -> tuple[list[str], list[str], str]:
    """Viewers and editors of team ml (Argon2 at production cost) and a read token."""
    hashed = hash_password(PASSWORD)
    token = new_token()
    viewers = [f"viewer{i:02d}" for i in range(users)]
    writers = [f"editor{i:02d}" for i in range(editors)]
    with store.transaction() as tx:
        for name in viewers:
            add_user(tx, name=name, role="viewer", password_hash=hashed, teams=(TEAM,))
        for name in writers:
            add_user(tx, name=name, role="editor", password_hash=hashed, teams=(TEAM,))
        add_token(tx, user=viewers[0], name="load", scope="read", digest=token_digest(token))
    return viewers, writers, token


@contextmanager
def serve(db: str) -> Iterator[str]:
    """`mllens serve` in its own process; its base URL once /healthz answers."""
    port = _free_port()
    argv = [str(ROOT / ".venv" / "bin" / "mllens"), "serve", "--db", db, "--port", str(port)]
    if not Path(argv[0]).exists():
        argv[0] = shutil.which("mllens") or sys.exit("mllens is not installed (make)")
    log = Path(tempfile.mkstemp(prefix="mllens-serve-", suffix=".log")[1])
    with log.open("wb") as sink:
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=sink)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            sys.exit(f"mllens serve did not answer on {url}: {shlex.join(argv)}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # requests still running: it is only a bench
            proc.kill()
            proc.wait(timeout=30)
        errors = log.read_text(errors="replace")
        if "Traceback" in errors:
            print(f"\nserver errors (from {log}):\n{errors[-3000:]}")


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def login(client: httpx.AsyncClient, name: str) -> str:
    form = await client.get("/login")
    token = CSRF.search(form.text)
    assert token is not None, form.text[:300]
    done = await client.post("/login", data={"name": name, "password": PASSWORD, "csrf": token.group(1), "next": "/"})
    assert done.status_code == 303, f"login of {name}: {done.status_code}"
    page = await client.get("/lens")  # any page has the session's CSRF token; this one is cheap
    found = CSRF.search(page.text)
    assert found is not None
    return found.group(1)


async def timed(client: httpx.AsyncClient, path: str, times: dict[str, list[float]], errors: dict[str, int],
                key: str, **kwargs: object) -> None:
    start = time.perf_counter()
    try:
        response = await client.get(path, **kwargs)  # type: ignore[arg-type]
        ok = response.status_code == 200
    except httpx.HTTPError:
        ok = False
    times[key].append((time.perf_counter() - start) * 1000)
    if not ok:
        errors[key] += 1


async def read_load(url: str, viewers: list[str], token: str, *, workloads: int, rounds: int,
                    think: float) -> None:
    keys = ("healthz", "portfolio", "review", "api workloads")
    times: dict[str, list[float]] = {k: [] for k in keys}
    errors = dict.fromkeys(keys, 0)
    limits = httpx.Limits(max_connections=len(viewers) + 10)

    clients = [httpx.AsyncClient(base_url=url, timeout=300, limits=limits) for _ in viewers]
    # Everyone logs in first (Argon2 at production cost is meant to be slow), then the clock starts.
    await asyncio.gather(*(login(c, n) for c, n in zip(clients, viewers, strict=True)))
    start = time.perf_counter()
    first = await clients[0].get("/")
    print(f"first listing (computes every summary): {time.perf_counter() - start:.1f} s, "
          f"status {first.status_code}")

    async def pause() -> None:
        if think:
            await asyncio.sleep(think)

    async def user(i: int, client: httpx.AsyncClient) -> None:
        if think:  # users arrive spread over one think time, not all in the same millisecond
            await asyncio.sleep(think * i / len(clients))
        for r in range(rounds):
            await timed(client, "/healthz", times, errors, "healthz")
            await timed(client, "/", times, errors, "portfolio")
            await pause()
            await timed(client, f"/workloads/wl-{(i * 7 + r) % workloads:04d}", times, errors, "review")
            await pause()
            await timed(client, "/api/v1/workloads", times, errors, "api workloads",
                        headers={"Authorization": f"Bearer {token}"})
            await pause()

    start = time.perf_counter()
    try:
        await asyncio.gather(*(user(i, c) for i, c in enumerate(clients)))
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    wall = time.perf_counter() - start
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n{len(viewers)} concurrent users, {rounds} rounds each, think time {think:g} s ({wall:.1f} s); "
          f"load average {load} on {os.cpu_count()} CPUs")
    print(f"{'page':<15}{'requests':>9}{'errors':>8}{'p50 ms':>10}{'p95 ms':>10}  target p95 < {TARGET_P95_MS:.0f} ms")
    for key in keys:
        got = sorted(times[key])
        if not got:
            continue
        p50 = statistics.median(got)
        p95 = got[min(len(got) - 1, int(0.95 * len(got)))]
        verdict = "baseline" if key == "healthz" else ("ok" if p95 < TARGET_P95_MS else "OVER")
        print(f"{key:<15}{len(got):>9}{errors[key]:>8}{p50:>10.1f}{p95:>10.1f}  {verdict}")


async def write_load(url: str, store: Store, writers: list[str], workload: str) -> None:
    review = latest_review(store, workload=workload)
    assert review is not None
    practices = [p.id for p in review.practices][: len(writers)]
    clients = [httpx.AsyncClient(base_url=url, timeout=120) for _ in writers]
    try:
        tokens = await asyncio.gather(*(login(c, n) for c, n in zip(clients, writers, strict=True)))

        async def answer(client: httpx.AsyncClient, csrf: str, practice: str, **fields: str) -> int:
            response = await client.post(f"/workloads/{workload}/answers", headers={"x-mllens-autosave": "1"},
                                         data={"csrf": csrf, "practice": practice, **fields})
            return response.status_code

        # Distinct answers: each editor sets the status of a practice of its own.
        before = len(audit_log(store, workload=workload))
        start = time.perf_counter()
        statuses = await asyncio.gather(*(answer(c, t, p, status="implemented")
                                          for c, t, p in zip(clients, tokens, practices, strict=False)))
        wall = time.perf_counter() - start
        stored = answers_of(store, workload=workload)
        saved = [p for p in practices if p in stored and stored[p].status == "implemented"]
        logged = len(audit_log(store, workload=workload)) - before
        refused = sum(1 for s in statuses if s != 204)
        ok = len(saved) == len(practices) and logged == len(practices) and not refused
        print(f"\n{len(practices)} editors answering {len(practices)} practices of {workload} at once "
              f"({wall:.2f} s): {refused} refused, {len(saved)}/{len(practices)} answers in the store, "
              f"{logged} audit entries; {'no lost write' if ok else 'LOST WRITES'}")

        # The same answer: every editor writes notes of its own to one practice.
        target = practices[0]
        notes = [f"note of {name}" for name in writers]
        before = len(audit_log(store, workload=workload))
        start = time.perf_counter()
        statuses = await asyncio.gather(*(answer(c, t, target, status="implemented", notes=n)
                                          for c, t, n in zip(clients, tokens, notes, strict=True)))
        wall = time.perf_counter() - start
        log = audit_log(store, workload=workload)  # newest first
        rows = [e for e in reversed(log[: len(log) - before]) if e.practice == target and e.field == "notes"]
        final = answers_of(store, workload=workload)[target].notes
        chained = all(a.new_value == b.old_value for a, b in itertools.pairwise(rows))
        refused = sum(1 for s in statuses if s != 204)
        ok = len(rows) == len(writers) and chained and final in notes and rows[-1].new_value == final and not refused
        print(f"{len(writers)} editors answering {target} at once ({wall:.2f} s): {refused} refused, "
              f"{len(rows)} audit entries, each from the one before: {chained}, the answer now the last "
              f"logged: {rows[-1].new_value == final if rows else False}; {'no lost write' if ok else 'LOST WRITES'}")
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


def run(db: str, args: argparse.Namespace) -> None:
    start = time.perf_counter()
    with open_store(db) as store:
        first = fill(store, workloads=args.workloads, milestones=args.milestones)
        viewers, writers, token = people(store, users=args.users, editors=args.editors)
        print(f"filled {args.workloads} workloads x {args.milestones} milestones in "
              f"{time.perf_counter() - start:.1f} s")
        with serve(db) as url:
            asyncio.run(read_load(url, viewers, token, workloads=args.workloads, rounds=args.rounds,
                                   think=args.think))
            asyncio.run(write_load(url, store, writers, first))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", help="an empty PostgreSQL database URL (default: a throwaway server)")
    parser.add_argument("--workloads", type=int, default=1000)
    parser.add_argument("--milestones", type=int, default=10)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--editors", type=int, default=50)
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds each user waits between pages (0: back to back)")
    args = parser.parse_args()
    if args.db:
        run(args.db, args)
    else:
        with postgres() as db:
            run(db, args)


if __name__ == "__main__":
    main()
