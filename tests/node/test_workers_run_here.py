"""The writer's `run_here` (node/workers.py): a job runs on the calling thread, as the writer,
only when no job is queued or running on the writer thread; jobs stay one at a time and in
order; a shutdown waits for a job running here."""
import threading

import pytest

from pydevnet.node.workers import VMWorker


@pytest.fixture
def worker():
    running = VMWorker()
    yield running
    assert running.shutdown(1.0)


def _held_here(worker: VMWorker, then=lambda: None) -> tuple[threading.Thread, threading.Event]:
    """A thread running a job through run_here until the returned event is set; then `then`."""
    inside, go_on = threading.Event(), threading.Event()

    def here() -> None:
        inside.set()
        assert go_on.wait(30)
        then()
    runner = threading.Thread(target=worker.run_here, args=(here,))
    runner.start()
    assert inside.wait(30)
    return runner, go_on


def test_an_idle_writer_lets_the_job_run_here_as_the_writer(worker) -> None:
    seen = {}

    def job(x: int) -> int:
        seen["thread"] = threading.get_ident()
        seen["as_writer"] = worker.on_worker_thread()
        seen["nested"] = worker.run(threading.get_ident)  # inline, not a deadlock
        return x + 1
    assert worker.run_here(job, 41) == (True, 42)
    assert seen == {"thread": threading.get_ident(), "as_writer": True,
                    "nested": threading.get_ident()}
    assert not worker.on_worker_thread()
    assert worker.run(lambda: 7) == 7  # the writer thread still takes jobs


def test_a_busy_or_queued_writer_refuses_and_keeps_the_order(worker) -> None:
    order: list[str] = []
    started, release = threading.Event(), threading.Event()
    worker.submit(lambda: (started.set(), release.wait(30)))
    assert started.wait(30)
    assert worker.run_here(order.append, "here") == (False, None)  # running
    queued = worker.submit(order.append, "queued")
    release.set()
    queued.result(timeout=30)
    assert worker.run_here(order.append, "here") == (True, None)
    assert order == ["queued", "here"]


def test_a_job_cancelled_before_it_ran_leaves_the_writer_free(worker) -> None:
    started, release = threading.Event(), threading.Event()
    held = worker.submit(lambda: (started.set(), release.wait(30)))
    assert started.wait(30)
    assert worker.submit(sum, [1]).cancel()  # still queued: it never runs
    release.set()
    held.result(timeout=30)
    assert worker.submit(sum, [2]).result(timeout=30) == 2  # the queue is past it
    assert worker.run_here(sum, [3]) == (True, 3)


def test_errors_propagate_and_leave_the_writer_free(worker) -> None:
    with pytest.raises(ZeroDivisionError):
        worker.run_here(divmod, 1, 0)
    assert worker.run_here(sum, [1, 2]) == (True, 3)
    assert worker.submit(sum, [3, 4]).result(timeout=30) == 7


def test_a_submitted_job_waits_for_the_one_running_here(worker) -> None:
    order: list[str] = []
    runner, go_on = _held_here(worker, lambda: order.append("here"))
    later = worker.submit(order.append, "writer")
    assert not later.done()
    go_on.set()
    later.result(timeout=30)
    runner.join(30)
    assert order == ["here", "writer"]


def test_shutdown_waits_for_a_job_running_here() -> None:
    worker = VMWorker()
    runner, go_on = _held_here(worker)
    assert not worker.shutdown(0.1)  # still running: the store must stay open
    go_on.set()
    runner.join(30)
    assert worker.shutdown(0.1)
