"""Deadlines on VM work (node/workers.py): a guarded job past its deadline is stopped with
ExecutionTimeout at its next bytecode, one that finishes in time is never interrupted afterwards,
an abort swallowed by code that ignores errors is raised again, and the watchdog survives
deadlines too far away to wait for."""
import time

import pytest

from pydevnet.node.workers import (ExecutionTimeout, WATCHDOG, WorkerPool, go_duration, guarded)


def _spin(seconds: float) -> int:
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        n += 1
    return n


def test_deadline_stops_a_running_job() -> None:
    t0 = time.monotonic()
    with pytest.raises(ExecutionTimeout, match=r"execution aborted \(timeout = 200ms\)"):
        guarded(_spin, (30.0,), 0.2)
    assert time.monotonic() - t0 < 5


def test_a_job_in_time_is_not_interrupted_later() -> None:
    for _ in range(200):
        assert guarded(lambda: 1, (), 0.02) == 1
    _spin(0.1)  # a firing left over from any of them would land here
    assert guarded(sum, ([1, 2],), 5.0) == 3


def test_swallowed_abort_is_raised_again() -> None:
    def stubborn() -> str:
        end = time.monotonic() + 30
        swallowed = 0
        while time.monotonic() < end:
            try:
                _spin(0.01)
            except BaseException:  # code that ignores everything (a gc callback, say)
                swallowed += 1
                if swallowed == 1:
                    continue
                raise
        return "not stopped"
    with pytest.raises(ExecutionTimeout):
        guarded(stubborn, (), 0.1)


def test_far_deadline_does_not_kill_the_watchdog() -> None:
    assert guarded(lambda: "ok", (), 2.0 ** 40) == "ok"
    with pytest.raises(ExecutionTimeout):  # and later deadlines are still enforced
        guarded(_spin, (30.0,), 0.1)


def test_pool_abort_and_shutdown() -> None:
    pool = WorkerPool(2, "test-reader")
    running = pool.submit(_spin, 60.0)
    time.sleep(0.1)
    assert pool.abort() >= 0
    with pytest.raises(ExecutionTimeout, match="shutting down"):
        running.result(timeout=5)
    assert pool.submit(sum, [1, 2, 3]).result(timeout=5) == 6
    assert pool.shutdown(0.5)
    assert WATCHDOG._thread.is_alive()


@pytest.mark.parametrize("seconds,text", [(5, "5s"), (0.5, "500ms"), (1.5, "1.5s"),
                                          (120, "2m0s")])
def test_go_duration(seconds, text) -> None:
    assert go_duration(seconds) == text


def test_an_abort_anywhere_in_the_guard_stays_inside_it() -> None:
    # a deadline of 0 fires while the guard arms, runs or disarms: each job either answers or
    # is reported as a timeout, and nothing is raised in the thread afterwards
    outcomes = set()
    for i in range(300):
        try:
            outcomes.add(guarded(lambda us: (_spin(us / 1e6), "ok")[1], (i % 20 * 10,), 0.0))
        except ExecutionTimeout:
            outcomes.add("timeout")
    assert outcomes <= {"ok", "timeout"}
    _spin(0.8)  # past the watchdog's re-fire delay: a ticket left active would fire here


def test_aborts_landing_in_arm_and_disarm_never_leave_the_watchdog_locked() -> None:
    # four threads arm and disarm tight deadlines over and over, so aborts land inside arm and
    # disarm themselves; with a Condition (Python-level enter, wait and notify) an abort there
    # left its lock held and every thread hung (seen in bench/load.py, reproduced here)
    import random
    import threading
    done = [0] * 4

    def worker(k: int) -> None:
        r = random.Random(k)
        for _ in range(20_000):
            try:
                guarded(_count, (r.randint(0, 3000),), r.choice([0.00005, 0.0001, 0.001]))
            except ExecutionTimeout:
                pass
            done[k] += 1
    threads = [threading.Thread(target=worker, args=(k,), daemon=True) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert done == [20_000] * 4
    assert guarded(sum, ([1, 2],), 5.0) == 3  # the watchdog still answers


def _count(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total
