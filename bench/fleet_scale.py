"""How `mllens fleet scan` scales: generated repositories on 1 and 2 process workers and
on a 2-worker Dask LocalCluster.

Generates N repositories (default 500) whose file counts are drawn, with replacement,
from the file counts of the real projects in /work/corpus (or, without it, from the same
19 counts written below), each a small ML project of Python training code, notebooks,
requirements, a Dockerfile, Kubernetes YAML, Terraform, CI, data and docs. Then scans all
of them with each executor, the result cache off (every scan is a full scan), nothing
written to a store (the coordinator's writes are not measured), and prints:

- repositories per minute (wall time from the first task handed out to the last result,
  the executor's start-up included),
- scaling efficiency: the rate on 2 workers over twice the rate on 1,
- the peak RSS of each worker process (each worker reports its own ru_maxrss),
- what that predicts for 10,000 repositories on N workers (assumptions printed with it).

Run: .venv/bin/python bench/fleet_scale.py [--repos 500] [--seed 1] [--keep DIR] [--skip-dask]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from mllens.fleet.base import Executor
from mllens.fleet.sources import Source
from mllens.fleet.task import ScanTask, scan_repository

CORPUS = Path("/work/corpus")
# The corpus's file counts (its 19 projects, .git left out) when /work/corpus is absent.
CORPUS_COUNTS = [22, 37, 45, 67, 77, 112, 119, 128, 131, 133, 167, 179, 238, 287, 338, 573, 832, 1030, 1397]
PREDICT_FOR = 10_000
PREDICT_WORKERS = (1, 2, 8, 32, 128)


def corpus_counts() -> list[int]:
    """Files per project of the corpus (its .git folders left out)."""
    if not CORPUS.is_dir():
        return CORPUS_COUNTS
    counts = []
    for project in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        files = sum(len(names) for folder, _, names in os.walk(project) if ".git" not in Path(folder).parts)
        counts.append(files)
    return counts or CORPUS_COUNTS


TRAIN = """import mlflow
import numpy as np
from sklearn.ensemble import RandomForestClassifier

np.random.seed({seed})


def train(x, y):
    model = RandomForestClassifier(n_estimators={trees}, random_state={seed})
    model.fit(x, y)
    mlflow.log_metric("auc", 0.9)
    return model
"""
NOTEBOOK = {"cells": [{"cell_type": "code", "source": ["import pandas as pd\n", "df = pd.read_csv('data.csv')\n"],
                       "metadata": {}, "outputs": [], "execution_count": 1}],
            "metadata": {}, "nbformat": 4, "nbformat_minor": 5}  # fmt: skip
K8S = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: model-{i}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: model
          image: registry.example/model:{i}
"""
TERRAFORM = """resource "aws_sagemaker_endpoint_configuration" "ec{i}" {{
  name = "ec-{i}"
  production_variants {{
    variant_name           = "main"
    model_name             = "model-{i}"
    initial_instance_count = 1
    instance_type          = "ml.m5.large"
  }}
}}
"""
CI = "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"
# (weight, path pattern, content maker): the mix of a typical ML repository
KINDS = [
    (40, "src/pkg{d}/mod{i}.py", lambda i: TRAIN.format(seed=i, trees=10 + i % 90)),
    (10, "notebooks/nb{i}.ipynb", lambda i: json.dumps(NOTEBOOK)),
    (10, "deploy/k8s{i}.yaml", lambda i: K8S.format(i=i)),
    (8, "infra/main{i}.tf", lambda i: TERRAFORM.format(i=i)),
    (12, "data/part{i}.csv", lambda i: "a,b,label\n" + "".join(f"{j},{j * 2},{j % 2}\n" for j in range(40))),
    (12, "docs/page{i}.md", lambda i: f"# Page {i}\n\nHow the model is trained and served.\n"),
    (8, "tests/test_mod{i}.py", lambda i: f"def test_{i}():\n    assert {i} == {i}\n"),
]
FIXED = {
    "requirements.txt": "scikit-learn==1.4.2\nmlflow==2.12.1\npandas\nnumpy\n",
    "Dockerfile": "FROM python:3.11-slim\nCOPY . /app\nRUN pip install -r /app/requirements.txt\nUSER 1000\n",
    ".github/workflows/ci.yml": CI,
}


def make_repository(root: Path, files: int, rng: random.Random) -> None:
    for rel, text in FIXED.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    weights = [w for w, _, _ in KINDS]
    for i in range(max(0, files - len(FIXED))):
        _, pattern, make = rng.choices(KINDS, weights=weights)[0]
        path = root / pattern.format(i=i, d=i // 50)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(make(i))


@dataclass(frozen=True)
class Measured:
    status: str
    duration_s: float
    pid: int
    max_rss_kb: int


def measured_scan(task: ScanTask) -> Measured:
    """scan_repository, and this worker's peak RSS so far (KiB on Linux)."""
    result = scan_repository(task)
    return Measured(status=result.status, duration_s=result.duration_s, pid=os.getpid(),
                    max_rss_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # fmt: skip


@dataclass(frozen=True)
class Run:
    label: str
    workers: int
    repos: int
    failed: int
    wall_s: float
    scan_s: list[float]
    peak_rss_mb: list[float]

    @property
    def per_minute(self) -> float:
        return self.repos / self.wall_s * 60


def run(label: str, executor: Executor, tasks: list[ScanTask]) -> Run:
    peaks: dict[int, int] = defaultdict(int)
    durations: list[float] = []
    failed = 0
    started = time.perf_counter()
    with executor:
        for finished in executor.run(measured_scan, tasks):
            if finished.result is None or finished.result.status != "ok":
                failed += 1
                continue
            durations.append(finished.result.duration_s)
            peaks[finished.result.pid] = max(peaks[finished.result.pid], finished.result.max_rss_kb)
    wall = time.perf_counter() - started
    return Run(label=label, workers=executor.workers, repos=len(tasks), failed=failed, wall_s=wall,
               scan_s=durations, peak_rss_mb=sorted(kb / 1024 for kb in peaks.values()))  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repos", type=int, default=500, help="how many repositories to generate (default 500)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="generate into DIR and keep it")
    parser.add_argument("--skip-dask", action="store_true", help="only the process pool")
    args = parser.parse_args()

    from mllens.fleet.executors import ProcessExecutor, cpu_count

    rng = random.Random(args.seed)
    counts = corpus_counts()
    sizes = [rng.choice(counts) for _ in range(args.repos)]
    base = args.keep or Path(tempfile.mkdtemp(prefix="mllens-fleet-scale-"))
    base.mkdir(parents=True, exist_ok=True)
    os.environ["MLLENS_CACHE_DIR"] = str(base / "cache")  # the workers inherit it: nothing of the user's cache
    try:
        t0 = time.perf_counter()
        tasks = []
        for i, size in enumerate(sizes):
            root = base / "repos" / f"repo{i:05d}"
            if not root.exists():
                root.mkdir(parents=True)
                make_repository(root, size, rng)
            source = Source(text=str(root), kind="folder", location=str(root), name=root.name)
            tasks.append(ScanTask(source=source, clone_cache=str(base / "clones"), use_cache=False))
        print(f"generated {args.repos} repositories, {sum(sizes)} files (sizes drawn from {len(counts)} corpus "
              f"projects: median {statistics.median(sizes):.0f}, max {max(sizes)}) in "
              f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
        load = os.getloadavg()
        print(f"machine: {cpu_count()} CPUs available, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
              "at the start (other processes share these CPUs)")  # fmt: skip
        runs = [run("process pool, 1 worker", ProcessExecutor(workers=1), tasks),
                run("process pool, 2 workers", ProcessExecutor(workers=2), tasks)]  # fmt: skip
        if not args.skip_dask:
            from mllens.fleet.dask_executor import DaskExecutor

            runs.append(run("Dask LocalCluster, 2 workers", DaskExecutor(cluster="local", workers=2), tasks))
        report(runs)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    return 0


def report(runs: list[Run]) -> None:
    one = runs[0]
    print()
    print(f"{'executor':<30} {'repos':>6} {'failed':>6} {'wall s':>8} {'repos/min':>10} {'scan s median':>14} "
          f"{'efficiency':>10} {'peak RSS per worker (MB)':>26}")  # fmt: skip
    for r in runs:
        eff = r.per_minute / (r.workers * one.per_minute)
        median = statistics.median(r.scan_s) if r.scan_s else float("nan")
        rss = ", ".join(f"{mb:.0f}" for mb in r.peak_rss_mb)
        print(f"{r.label:<30} {r.repos:>6} {r.failed:>6} {r.wall_s:>8.1f} {r.per_minute:>10.1f} {median:>14.2f} "
              f"{eff:>10.2f} {rss:>26}")  # fmt: skip
    pool_eff = _efficiency(runs, one, dask=False)
    dask_eff = _efficiency(runs, one, dask=True)
    print()
    print(f"Prediction for {PREDICT_FOR:,} repositories of the same size mix, each worker at the 1-worker rate "
          f"measured here ({one.per_minute:.1f}/min) times the 2-worker efficiency measured here for that "
          f"executor (process pool {_ratio(pool_eff)}, Dask {_ratio(dask_eff)}; on a machine with fewer free "
          "cores than workers this is contention, not the fleet's overhead). A process pool stops at one "
          "machine's cores; past them the Dask column applies. Store writes by the one coordinator, clones "
          "and fetches not included:")  # fmt: skip
    print(f"  {'workers':>7} {'linear':>10} {'process pool':>14} {'Dask':>10}")
    for n in PREDICT_WORKERS:
        linear = PREDICT_FOR / (one.per_minute * n)
        pool = _duration(linear / (1.0 if n == 1 else pool_eff)) if pool_eff else "-"
        dask = _duration(linear / (1.0 if n == 1 else dask_eff)) if dask_eff else "-"
        print(f"  {n:>7} {_duration(linear):>10} {pool:>14} {dask:>10}")
    peak = max((mb for r in runs for mb in r.peak_rss_mb), default=0.0)
    print(f"Memory: plan about {peak:.0f} MB per worker (the largest peak measured) plus the coordinator.")


def _efficiency(runs: list[Run], one: Run, *, dask: bool) -> float | None:
    """The best 2-worker rate of one kind of executor over twice the 1-worker rate (at most 1); None unmeasured."""
    two = [r for r in runs if r.workers == 2 and r.label.startswith("Dask") == dask]
    if not two:
        return None
    return min(1.0, max(r.per_minute for r in two) / (2 * one.per_minute))


def _ratio(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.2f}"


def _duration(minutes: float) -> str:
    """Minutes as the unit a reader plans with: seconds, minutes or hours."""
    if minutes < 1:
        return f"{minutes * 60:.0f} s"
    if minutes < 120:
        return f"{minutes:.1f} min"
    return f"{minutes / 60:.1f} h"


if __name__ == "__main__":
    sys.exit(main())
