"""fleet_scan (mllens.fleet.run): results equal `mllens scan --format json`, go to the store
and to DIR, are skipped by commit, resume after an interruption, and a failing repository
is recorded with its error while the others finish."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from fleetrepos import MakeRepo, commit, scan_json, without_timing

from mllens.fleet.executors import ProcessExecutor
from mllens.fleet.output import FleetEntry
from mllens.fleet.run import fleet_scan
from mllens.fleet.sources import expand
from mllens.store import list_workloads, open_store
from mllens.store.commits import scanned_commits


def run(args: list[str], tmp_path: Path, *, workers: int = 2, stop_after: int | None = None) -> list[FleetEntry]:
    sources = expand(args, cwd=tmp_path)
    got: list[FleetEntry] = []
    with open_store(f"sqlite:///{tmp_path / 'store.db'}") as store, ProcessExecutor(workers=workers) as executor:
        entries = fleet_scan(sources, executor=executor, store=store, out=tmp_path / "out",
                             clone_cache=tmp_path / "clones")  # fmt: skip
        for entry in entries:
            got.append(entry)
            if stop_after is not None and len(got) == stop_after:
                entries.close()  # what Ctrl-C does: the rest is cancelled
                break
    return got


def test_fleet_results_equal_mllens_scan_on_each_repository(make_repo: MakeRepo, tmp_path: Path) -> None:
    mlops = make_repo("mlops")
    bare = make_repo("bare", {"README.md": "# notes\n"})
    plain = make_repo("plain", {"notebook.py": "import torch\ntorch.manual_seed(0)\n"}, git_repo=False)
    entries = run([str(mlops), str(bare), str(plain)], tmp_path)
    assert sorted((e.name, e.status) for e in entries) == [("bare", "ok"), ("mlops", "ok"), ("plain", "ok")]
    for folder in (mlops, bare, plain):
        written = json.loads((tmp_path / "out" / f"{folder.name}.json").read_text())
        assert without_timing(written) == without_timing(scan_json(folder))
    assert json.loads((tmp_path / "out" / "mlops.json").read_text())["evidence"]  # a scan that found something


def test_results_go_to_the_store_one_review_per_commit(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo("svc")
    plain = make_repo("loose", git_repo=False)
    first = run([str(repo), str(plain)], tmp_path)
    by_name = {e.name: e for e in first}
    assert by_name["loose"].commit is None
    with open_store(f"sqlite:///{tmp_path / 'store.db'}") as store:
        commits = scanned_commits(store)
        workloads = {line.workload.name: line for line in list_workloads(store)}
    commit_id = by_name["svc"].commit
    assert commit_id is not None
    assert commits == {"svc": {commit_id: workloads["svc"].latest.risk_counts}}  # type: ignore[union-attr]
    latest = workloads["svc"].latest
    assert latest is not None and latest.risk_counts.model_dump() == by_name["svc"].risk_counts
    assert workloads["loose"].latest is not None  # stored, without a commit


def test_a_commit_already_scanned_is_skipped_and_a_new_one_is_scanned(make_repo: MakeRepo, tmp_path: Path) -> None:
    one, two = make_repo("one"), make_repo("two")
    plain = make_repo("plain", git_repo=False)
    run([str(one), str(two), str(plain)], tmp_path)
    newer = commit(two, {"eval.py": "import mlflow\n"})
    again = {e.name: e for e in run([str(one), str(two), str(plain)], tmp_path)}
    assert {n: e.status for n, e in again.items()} == {"one": "skipped", "two": "ok", "plain": "ok"}
    assert again["two"].commit == newer
    assert again["one"].risk_counts is not None  # the skipped one keeps its counts
    with open_store(f"sqlite:///{tmp_path / 'store.db'}") as store:
        assert len(scanned_commits(store)["two"]) == 2


def test_fleet_json_alone_also_skips(make_repo: MakeRepo, tmp_path: Path) -> None:
    repo = make_repo("app")
    run([str(repo)], tmp_path)
    (tmp_path / "store.db").unlink()  # a new store: only DIR/fleet.json remembers
    (entry,) = run([str(repo)], tmp_path)
    assert entry.status == "skipped"


def test_an_interrupted_run_resumes_with_only_the_rest(make_repo: MakeRepo, tmp_path: Path) -> None:
    repos = [make_repo(f"r{i}") for i in range(6)]
    (tmp_path / "repos.txt").write_text("".join(f"repos/{r.name}\n" for r in repos))
    first = run(["repos.txt"], tmp_path, workers=1, stop_after=2)
    assert [e.status for e in first] == ["ok", "ok"]
    summary = json.loads((tmp_path / "out" / "fleet.json").read_text())["repositories"]
    assert sorted(e["name"] for e in summary) == sorted(e.name for e in first)  # written on the way out
    second = {e.name: e.status for e in run(["repos.txt"], tmp_path)}
    done_before = {e.name for e in first}
    assert {n for n, s in second.items() if s == "skipped"} == done_before
    assert {n for n, s in second.items() if s == "ok"} == {r.name for r in repos} - done_before
    summary = json.loads((tmp_path / "out" / "fleet.json").read_text())["repositories"]
    assert [e["name"] for e in summary] == [r.name for r in repos]  # in the list's order


def test_failing_repositories_are_recorded_and_the_others_finish(make_repo: MakeRepo, tmp_path: Path) -> None:
    good = make_repo("good")
    (tmp_path / "notes.txt").write_text("a file\n")
    (tmp_path / "repos.txt").write_text(f"{good}\nnotes.txt\nfile://{tmp_path}/missing.git\n")
    entries = {e.name: e for e in run(["repos.txt"], tmp_path)}
    assert entries["good"].status == "ok"
    assert entries["notes.txt"].status == "failed"
    assert entries["notes.txt"].error == (
        f"notes.txt: is a file, expected a project folder or a git URL (listed in {tmp_path / 'repos.txt'})"
    )
    assert entries["missing"].status == "failed"
    assert entries["missing"].error is not None
    assert entries["missing"].error.startswith(f"file://{tmp_path}/missing.git: git clone failed: fatal: ")
    summary = {e["name"]: e for e in json.loads((tmp_path / "out" / "fleet.json").read_text())["repositories"]}
    assert summary["missing"]["error"] == entries["missing"].error
    assert not (tmp_path / "out" / "missing.json").exists()
    # a failed repository is tried again on the next run
    assert {e.name: e.status for e in run(["repos.txt"], tmp_path)}["missing"] == "failed"


def test_a_remote_repository_is_cloned_scanned_and_skipped_next_time(make_repo: MakeRepo, tmp_path: Path) -> None:
    origin = make_repo("origin")
    url = f"file://{origin}"
    (entry,) = run([url], tmp_path)
    assert (entry.name, entry.status) == ("origin", "ok")
    written = json.loads((tmp_path / "out" / "origin.json").read_text())
    clone = next((tmp_path / "clones").iterdir())
    assert written["project"]["path"] == str(clone)
    shutil.rmtree(clone)
    (again,) = run([url], tmp_path)
    assert (again.status, again.commit) == ("skipped", entry.commit)
    assert not clone.exists()  # skipped by asking the remote: nothing cloned or fetched
    commit(origin, {"serve.py": "import flask\n"})
    (third,) = run([url], tmp_path)
    assert third.status == "ok" and third.commit != entry.commit
