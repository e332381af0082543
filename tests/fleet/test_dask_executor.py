"""The Dask executor on a real LocalCluster of 2 worker processes (processes=True: process
workers start in this test environment)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fleetrepos import MakeRepo, scan_json, without_timing

from mllens.errors import InputError
from mllens.fleet.dask_executor import DaskExecutor, check_cluster
from mllens.fleet.run import fleet_scan
from mllens.fleet.sources import expand
from mllens.store import open_store

pytest.importorskip("distributed")


def halve(n: int) -> float:
    if n == 0:
        raise ZeroDivisionError("no half of nothing here")
    return n / 2


@pytest.fixture(scope="module")
def dask() -> Iterator[DaskExecutor]:
    with DaskExecutor(cluster="local", workers=2, processes=True) as executor:
        yield executor


def test_a_local_cluster_has_the_workers_asked_for(dask: DaskExecutor) -> None:
    assert dask.workers == 2
    assert len(dask._client.scheduler_info()["workers"]) == 2


def test_results_stream_back_and_an_exception_is_that_items_error(dask: DaskExecutor) -> None:
    got = {f.item: (f.result, f.error) for f in dask.run(halve, range(5))}
    assert got == {0: (None, "ZeroDivisionError: no half of nothing here"), 1: (0.5, None), 2: (1.0, None),
                   3: (1.5, None), 4: (2.0, None)}  # fmt: skip


def test_fleet_scan_on_dask_equals_mllens_scan(dask: DaskExecutor, make_repo: MakeRepo, tmp_path: Path) -> None:
    repos = [make_repo("alpha"), make_repo("beta", {"model.py": "import torch\n"}), make_repo("gamma")]
    (tmp_path / "notes.txt").write_text("x\n")
    (tmp_path / "list.txt").write_text("".join(f"{r}\n" for r in repos) + "notes.txt\n")
    with open_store(f"sqlite:///{tmp_path / 'store.db'}") as store:
        entries = {e.name: e for e in fleet_scan(expand(["list.txt"], cwd=tmp_path), executor=dask, store=store,
                                                 out=tmp_path / "out", clone_cache=tmp_path / "clones")}  # fmt: skip
    assert {n: e.status for n, e in entries.items()} == {"alpha": "ok", "beta": "ok", "gamma": "ok",
                                                         "notes.txt": "failed"}  # fmt: skip
    for repo in repos:
        written = json.loads((tmp_path / "out" / f"{repo.name}.json").read_text())
        assert without_timing(written) == without_timing(scan_json(repo))


@pytest.mark.parametrize("value", ["local", "tcp://scheduler:8786", "tls://10.0.0.1:8786"])
def test_cluster_values(value: str) -> None:
    assert check_cluster(value) == value


@pytest.mark.parametrize("value", ["scheduler:8786", "http://x:1", "tcp://nohost", "remote"])
def test_a_bad_cluster_value_names_the_option(value: str) -> None:
    with pytest.raises(InputError, match=f"--cluster: expected 'local' or a scheduler address .*got '{value}'"):
        check_cluster(value)


def test_a_scheduler_that_does_not_answer_is_an_input_error() -> None:
    with pytest.raises(InputError, match=re.escape("--cluster: cannot reach the Dask scheduler at tcp://127.0.0.1:9")):
        DaskExecutor(cluster="tcp://127.0.0.1:9", connect_timeout="2s")


def exit_on_seven(n: int) -> int:
    if n == 7:
        os._exit(9)  # the worker process dies under its task
    return n


def test_a_task_that_kills_its_worker_is_that_items_error_and_the_others_finish() -> None:
    import dask

    # no retries by Dask: a task queued beside the one that kills its worker is given up too
    no_retries = dask.config.set({"distributed.scheduler.allowed-failures": 0})
    with no_retries, DaskExecutor(cluster="local", workers=2) as executor:
        got = {f.item: (f.result, f.error) for f in executor.run(exit_on_seven, range(10))}
    assert got[7][0] is None and got[7][1] is not None and got[7][1].startswith("KilledWorker")
    assert {n: got[n] for n in got if n != 7} == {n: (n, None) for n in range(10) if n != 7}
