"""The process pool behind the executor interface (the Dask one: test_dask_executor.py)."""

from __future__ import annotations

import os

from mllens.fleet.executors import ProcessExecutor, make_executor


def square(n: int) -> int:
    if n == 3:
        raise ValueError("three is refused")
    return n * n


def die_on_seven(n: int) -> int:
    if n % 10 == 7:
        os._exit(9)  # a worker killed under its task (out of memory, kill -9)
    return n


def test_every_result_comes_back_and_an_exception_is_that_items_error() -> None:
    with ProcessExecutor(workers=2) as executor:
        got = {f.item: (f.result, f.error) for f in executor.run(square, range(6))}
    assert got == {0: (0, None), 1: (1, None), 2: (4, None), 3: (None, "ValueError: three is refused"),
                   4: (16, None), 5: (25, None)}  # fmt: skip


def test_a_dying_worker_fails_its_task_and_the_others_finish() -> None:
    with ProcessExecutor(workers=2) as executor:
        got = {f.item: (f.result, f.error) for f in executor.run(die_on_seven, range(10))}
    assert got[7] == (None, "its worker process died (killed, or out of memory)")
    # every other item finished: those in the pool with 7 were retried one at a time
    assert {n: got[n] for n in got if n != 7} == {n: (n, None) for n in range(10) if n != 7}


def test_two_dying_tasks_fail_alone() -> None:
    with ProcessExecutor(workers=3) as executor:
        got = {f.item: f.error for f in executor.run(die_on_seven, [7, 1, 2, 17, 3, 4, 5, 6])}
    dead = "its worker process died (killed, or out of memory)"
    assert got == {7: dead, 1: None, 2: None, 17: dead, 3: None, 4: None, 5: None, 6: None}


def test_closing_the_run_early_cancels_the_rest() -> None:
    with ProcessExecutor(workers=1) as executor:
        run = executor.run(square, range(100))
        first = next(run)
        run.close()
        assert first.error is None
        # the pool still serves a new run after a cancelled one
        assert sorted(f.result for f in executor.run(square, [4, 5]) if f.result is not None) == [16, 25]


def test_default_workers_is_the_number_of_cores() -> None:
    executor = make_executor(cluster=None, workers=None)
    assert isinstance(executor, ProcessExecutor)
    assert executor.workers == len(os.sched_getaffinity(0))
