"""Benchmark (prints figures, asserts nothing): lens load, one review, and store scaling.

    .venv/bin/python bench/lens_review.py [--reviews 10000] [--workloads 100]

1. Loading the shipped lens cold (first call in the process, nothing cached) and warm,
   against parsing the same YAML files alone.
2. Evaluating one review (the example project's answers + one synthetic piece of
   evidence per automated check), against json.loads of that review's JSON.
3. A SQLite store in a temp dir filled with real reviews of that size. At 100 / 1,000 /
   10,000 stored reviews: listing workloads with their latest counts, fetching a latest
   review, and diffing two milestones, against a bare `SELECT 1` transaction on the same
   store and against json.loads of one review.

Every figure is printed with its ratio to a baseline measured in the same run, so runs
on different machines compare. Reviews up to 1,000 are saved with `save_review` (one
transaction each, as the CLI does); beyond that they are bulk-inserted with the same
rows, which keeps the run near a minute: a review is ~400 KB of JSON, so 10,000 of them
are a ~4 GB database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "fraud-detection" / "mllens.yaml"
CHECKPOINTS = (100, 1_000, 10_000)
SAVED_ONE_BY_ONE = 1_000


def median_s(fn: Callable[[], Any], *, repeat: int = 7) -> float:
    """Median wall time of `fn` over `repeat` runs, after one untimed warm-up run."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(label: str, seconds: float, *, baseline: str, base_s: float) -> None:
    ratio = seconds / base_s if base_s > 0 else float("inf")
    print(f"  {label:<44} {seconds * 1000:10.3f} ms   {ratio:9.1f} x {baseline}", flush=True)


def bench_lens() -> Any:
    from mllens.lens.load import load_lens, shipped_lens_dir

    lens_dir = shipped_lens_dir()
    files = sorted(lens_dir.glob("*.yaml"))
    start = time.perf_counter()
    lens = load_lens(lens_dir)  # load_lens itself is not cached; this is the first call
    cold = time.perf_counter() - start
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    parse = median_s(lambda: [yaml.load(f.read_text(encoding="utf-8"), Loader=loader) for f in files])
    warm = median_s(lambda: load_lens(lens_dir))
    size_kb = sum(f.stat().st_size for f in files) / 1024
    print(f"\nLens: {lens.id} {lens.version}, {len(lens.questions)} questions, "
          f"{len(lens.practices)} practices, {len(files)} files, {size_kb:.0f} KB of YAML")
    report("parse the YAML only (baseline)", parse, baseline="YAML parse", base_s=parse)
    report("load_lens, cold (first call)", cold, baseline="YAML parse", base_s=parse)
    report("load_lens, warm (median)", warm, baseline="YAML parse", base_s=parse)
    return lens


def bench_review(lens: Any) -> list[Any]:
    """Evaluate one review; return a few real variants of it to fill the store with."""
    from mllens.answers.io import load_answers
    from mllens.answers.model import PracticeAnswer
    from mllens.review import evaluate
    from mllens.scan.evidence import Evidence

    answers = load_answers(EXAMPLE, lens=lens)
    evidence = [
        Evidence(
            rule="bench.synthetic", practice=p.id, check=c.id,
            outcome="supports" if i % 2 == 0 else "contradicts",
            file="infra/main.tf", line=10 + i, message=f"synthetic finding for {c.id}",
            confidence=0.9,
        )
        for p in lens.practices
        for i, c in enumerate(p.checks)
        if c.kind == "automated"
    ]
    review = evaluate(lens, evidence, answers)
    text = review.model_dump_json()
    loads = median_s(lambda: json.loads(text), repeat=15)
    took = median_s(lambda: evaluate(lens, evidence, answers), repeat=15)
    print(f"\nReview: {len(evidence)} evidence, {len(review.practices)} practices, "
          f"{len(review.plan)} plan steps, {len(text) / 1024:.0f} KB of JSON")
    report("json.loads of the review JSON (baseline)", loads, baseline="json.loads", base_s=loads)
    report("evaluate(lens, evidence, answers)", took, baseline="json.loads", base_s=loads)
    report("Review.model_validate_json", median_s(lambda: type(review).model_validate_json(text)),
           baseline="json.loads", base_s=loads)

    variants = [review]
    for step, status in enumerate(("implemented", "missing", "partial")):
        more = answers.model_copy(deep=True)
        for p in lens.practices[step::4]:
            more.answers[p.id] = PracticeAnswer(status=status)  # type: ignore[arg-type]
        variants.append(evaluate(lens, evidence, more))
    return variants


def bench_store(reviews: list[Any], *, total: int, workloads: int) -> None:
    from sqlalchemy import insert, text

    from mllens.answers.model import Workload
    from mllens.review.diff import diff
    from mllens.store import (
        get_milestone,
        latest_review,
        list_workloads,
        open_store,
        save_milestone,
        save_review,
        upsert_workload,
    )
    from mllens.store.common import count_columns
    from mllens.store.models import ReviewRow

    tmp = Path(tempfile.mkdtemp(prefix="mllens-bench-"))
    names = [f"workload-{i:03d}" for i in range(workloads)]
    t0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    try:
        store = open_store(f"sqlite:///{tmp / 'bench.db'}")
        ids = {name: upsert_workload(store, workload=Workload(name=name)).id for name in names}
        save_milestone(store, name="v1", review=reviews[0], workload=names[0])
        save_milestone(store, name="v2", review=reviews[1], workload=names[0])
        one_json = reviews[0].model_dump_json()
        loads = median_s(lambda: json.loads(one_json), repeat=15)
        bodies = [(r.model_dump_json(), count_columns(r), r.lens_version) for r in reviews]

        def select_one() -> None:
            with store.transaction(write=False) as tx:
                tx.session.execute(text("SELECT 1"))

        def milestone_diff() -> None:
            a = get_milestone(store, workload=names[0], name="v1").review
            b = get_milestone(store, workload=names[0], name="v2").review
            diff(a, b)

        def row(n: int) -> dict[str, Any]:
            body, counts, version = bodies[n % len(bodies)]
            return {
                "workload_id": ids[names[n % workloads]], "lens_id": "ml", "lens_version": version,
                "created_at": t0 + dt.timedelta(minutes=n), "review_json": body, **counts,
            }

        stored, save_times, bulk_s = 0, [], 0.0
        print(f"\nStore: SQLite in {tmp}, {workloads} workloads, reviews saved round-robin")
        for checkpoint in (c for c in CHECKPOINTS if c <= total):
            while stored < min(checkpoint, SAVED_ONE_BY_ONE):  # the real path, as the CLI saves
                at = t0 + dt.timedelta(minutes=stored)
                review = reviews[stored % len(reviews)]
                start = time.perf_counter()
                save_review(store, review=review, workload=names[stored % workloads], created_at=at)
                save_times.append(time.perf_counter() - start)
                stored += 1
            bulk_from = stored
            start = time.perf_counter()
            while stored < checkpoint:  # the rest in bulk, 500 rows a transaction
                batch = [row(n) for n in range(stored, min(checkpoint, stored + 500))]
                with store.engine.begin() as conn:
                    conn.execute(insert(ReviewRow), batch)
                stored += len(batch)
            bulk_s += time.perf_counter() - start
            base = median_s(select_one, repeat=25)
            size_mb = sum(f.stat().st_size for f in tmp.glob("bench.db*")) / 1e6
            print(f" {stored:,} reviews stored ({size_mb:,.0f} MB on disk)")
            report("SELECT 1 in a read transaction (baseline)", base, baseline="SELECT 1", base_s=base)
            if stored == bulk_from:
                per = statistics.median(save_times)
                report("save_review, one transaction (median)", per, baseline="SELECT 1", base_s=base)
            else:
                per = bulk_s / (stored - SAVED_ONE_BY_ONE)
                report("bulk insert, per review (500 a transaction)", per, baseline="SELECT 1", base_s=base)
            listing = median_s(lambda: list_workloads(store))
            report(f"list_workloads with latest counts ({workloads})", listing,
                   baseline="SELECT 1", base_s=base)
            latest = median_s(lambda: latest_review(store, workload=names[-1]))
            report("latest_review of one workload", latest, baseline="SELECT 1", base_s=base)
            report("latest_review of one workload", latest, baseline="json.loads", base_s=loads)
            took = median_s(milestone_diff)
            report("milestone diff (2 get_milestone + diff)", took, baseline="json.loads", base_s=loads)
        store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=CHECKPOINTS[-1])
    parser.add_argument("--workloads", type=int, default=100)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print(f"mllens lens/review/store benchmark, Python {sys.version.split()[0]}")
    lens = bench_lens()
    reviews = bench_review(lens)
    bench_store(reviews, total=args.reviews, workloads=args.workloads)
    print(f"\nTotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
