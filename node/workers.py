"""Where VM work runs: threads with a large C stack and a raised recursion limit (1024 nested EVM
calls cost a handful of Python frames each), and deadlines that stop Python code mid-execution.

- The writer (`VMWorker`): one thread on which every chain-changing operation runs, one at a time,
  so the chain needs no locks. `run_here` lets a short job run on the calling thread (the event
  loop) instead when the writer has nothing queued or running, still one at a time.
- Readers (`WorkerPool` of several threads): read-only execution (eth_call, eth_estimateGas,
  eth_createAccessList, debug traces, log queries) on disposable views of committed state, so a
  slow call neither holds the event loop nor queues the writer.
- Deadlines (`Watchdog`): a job may carry a wall-clock limit. One watchdog thread raises
  `ExecutionAborted` inside a job's thread when its deadline passes (CPython's
  PyThreadState_SetAsyncExc, delivered at the next bytecode boundary), which costs the
  interpreter's hot loop nothing. The exception derives from BaseException, so no handler for
  ordinary errors swallows it; whatever the job held is a throwaway state view. Shutdown aborts
  every running job the same way. `within` runs a job on the calling thread under a deadline
  and reports whether it finished (node/fast_calls.py runs cheap eth_calls on the event loop so).
"""
from __future__ import annotations

import ctypes
import heapq
import itertools
import queue
import sys
import threading
import time
from concurrent.futures import Future
from typing import Any, Callable

VM_STACK_BYTES = 512 * 1024 * 1024
RECURSION_LIMIT = 60000
REFIRE_AFTER = 0.5  # seconds before an aborted job still running is aborted again
ABORT_GRACE = 0.5  # seconds an aborted job has to unwind (it stops at its next bytecode)


class ExecutionAborted(BaseException):
    """Raised asynchronously in a job's thread when its deadline passes or the node stops."""


class ExecutionTimeout(Exception):
    """A job ran past its deadline; the message is what the client is told."""


def ensure_recursion_limit() -> None:
    if sys.getrecursionlimit() < RECURSION_LIMIT:
        sys.setrecursionlimit(RECURSION_LIMIT)


def start_big_stack_thread(target: Callable[[], None], name: str,
                           daemon: bool = False) -> threading.Thread:
    """Start a thread with the VM's large stack (the size applies when a thread starts). Any
    thread that parses client input needs it too: with the raised recursion limit, C-level
    recursion (the JSON scanner on nested arrays) would overflow a default-sized stack."""
    ensure_recursion_limit()
    old = threading.stack_size()
    threading.stack_size(VM_STACK_BYTES)
    try:
        t = threading.Thread(target=target, name=name, daemon=daemon)
        t.start()
        return t
    finally:
        threading.stack_size(old)


def run_in_vm_thread(fn: Callable[..., Any], *args: Any) -> Any:
    """Call fn(*args) on a fresh big-stack thread and return its result (or raise its error)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn(*args)
        except BaseException as e:  # re-raised in the caller's thread below
            box["error"] = e

    start_big_stack_thread(target, "kvm").join()
    if "error" in box:
        raise box["error"]
    return box.get("result")


def go_duration(seconds: float) -> str:
    """A duration as Go prints it (geth's messages quote them): 5s, 500ms, 1.5s, 2m0s."""
    if seconds < 1:
        return f"{seconds * 1000:g}ms"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}m{rest:g}s" if minutes else f"{rest:g}s"


# -- deadlines ------------------------------------------------------------------------------------
_ARMED, _DONE, _FIRED = 0, 1, 2


def _raise_in(ident: int, exc: type[BaseException] | None) -> None:
    """Schedule `exc` in thread `ident` (None clears one not yet delivered)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(ident), ctypes.py_object(exc) if exc is not None else None)


class _Ticket:
    __slots__ = ("ident", "deadline", "state", "shutdown")

    def __init__(self, ident: int, deadline: float | None) -> None:
        self.ident = ident
        self.deadline = deadline
        self.state = _ARMED
        self.shutdown = False  # fired by a shutdown, not by its deadline


class Watchdog:
    """Raises ExecutionAborted in threads whose armed deadline has passed. A ticket fires at
    most once, and `disarm` clears a firing that has not been delivered yet, so no exception
    escapes the guarded region.

    A guarded thread may take the exception at any bytecode, arm and disarm included, so they
    use only C-level primitives that cannot be left half-done: a plain lock in `with` (its
    release runs whatever lands inside) and a SimpleQueue to wake the watchdog. A Condition
    would not do: its Python-level __enter__, wait and notify can take the exception with the
    lock acquired and never release it (every thread that arms or disarms then hangs)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wake: queue.SimpleQueue[None] = queue.SimpleQueue()
        self._heap: list[tuple[float, int, _Ticket]] = []
        self._active: set[_Ticket] = set()
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None

    @staticmethod
    def ticket(seconds: float | None) -> _Ticket:
        """A ticket for this thread, `seconds` from now (None: no deadline), not armed yet."""
        return _Ticket(threading.get_ident(), None if seconds is None
                       else time.monotonic() + seconds)

    def arm(self, t: _Ticket) -> None:
        """Let `t` fire. The caller holds `t` before this starts, so an abort delivered while
        this returns is still disarmed by it."""
        with self._lock:
            self._active.add(t)
            if t.deadline is not None:
                heapq.heappush(self._heap, (t.deadline, next(self._seq), t))
                if self._thread is None:
                    self._thread = threading.Thread(target=self._watch, name="kvm-watchdog",
                                                    daemon=True)
                    self._thread.start()
                if self._heap[0][2] is t:
                    # the watchdog sleeps until an earlier deadline otherwise, and looks again
                    # then: waking it for every job would cost a thread switch per call
                    self._wake.put(None)

    def disarm(self, t: _Ticket) -> None:
        with self._lock:
            self._active.discard(t)
            fired = t.state == _FIRED
            t.state = _DONE
        if fired:
            _raise_in(t.ident, None)

    def _fire(self, t: _Ticket, shutdown: bool = False) -> None:  # with the lock held
        if t.state == _ARMED:
            t.state = _FIRED
            t.shutdown = shutdown
            _raise_in(t.ident, ExecutionAborted)

    def abort_all(self) -> int:
        """Stop every guarded job now (shutdown); returns how many were running."""
        with self._lock:
            running = [t for t in self._active if t.state == _ARMED]
            for t in running:
                self._fire(t, shutdown=True)
        return len(running)

    def abort_thread(self, ident: int) -> None:
        """Stop the guarded job running on thread `ident`, if any."""
        with self._lock:
            for t in [t for t in self._active if t.ident == ident]:
                self._fire(t, shutdown=True)

    def _watch(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                while self._heap and (self._heap[0][0] <= now
                                      or self._heap[0][2].state == _DONE):
                    _, _, t = heapq.heappop(self._heap)
                    if t.state == _ARMED:
                        self._fire(t)
                    elif t.state == _FIRED and t in self._active:
                        # still running: the first exception was swallowed (delivered inside
                        # a callback that ignores errors, such as a gc callback); raise again
                        _raise_in(t.ident, ExecutionAborted)
                    else:
                        continue
                    heapq.heappush(self._heap, (now + REFIRE_AFTER, next(self._seq), t))
                wait = None if not self._heap else \
                    min(self._heap[0][0] - now, threading.TIMEOUT_MAX)
            try:  # an arm with an earlier deadline since the look above has put a wake-up
                self._wake.get(timeout=wait)
            except queue.Empty:
                pass


WATCHDOG = Watchdog()


def guarded(fn: Callable[..., Any], args: tuple, seconds: float | None,
            timeout_message: str | None = None) -> Any:
    """fn(*args) on this thread, stopped after `seconds` (None: only by a shutdown); a stop
    raises ExecutionTimeout(timeout_message or a default)."""
    ticket = WATCHDOG.ticket(seconds)
    try:
        try:
            WATCHDOG.arm(ticket)  # inside the try: an abort that lands as it returns is caught
            return fn(*args)
        finally:
            WATCHDOG.disarm(ticket)
    except ExecutionAborted:
        # delivered as disarm began, it may have cut disarm short: without this second call the
        # ticket would stay active and the watchdog would raise again in this thread later
        WATCHDOG.disarm(ticket)
        if seconds is None or ticket.shutdown:
            raise ExecutionTimeout("execution aborted (the node is shutting down)") from None
        raise ExecutionTimeout(timeout_message or
                               f"execution aborted (timeout = {go_duration(seconds)})") from None


def within(fn: Callable[..., Any], args: tuple, seconds: float) -> tuple[bool, Any]:
    """(True, fn(*args)) if it ends within `seconds` on this thread; (False, None) if it was
    aborted at the deadline (or by a shutdown). Its other errors propagate."""
    try:
        return True, guarded(fn, args, seconds)
    except ExecutionTimeout:
        return False, None


# -- worker threads -------------------------------------------------------------------------------
class WorkerPool:
    """`size` big-stack threads taking jobs in order; each job runs guarded (see `guarded`)."""

    def __init__(self, size: int, name: str) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._threads = [start_big_stack_thread(self._serve, f"{name}-{i}", daemon=True)
                         for i in range(size)]
        self.idents = {t.ident for t in self._threads}
        self._busy = 0
        self._busy_lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], *args: Any, timeout: float | None = None,
               timeout_message: str | None = None) -> Future:
        """Run fn(*args) on a pool thread; returns a concurrent.futures.Future."""
        fut: Future = Future()
        self._jobs.put((fut, fn, args, timeout, timeout_message))
        return fut

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            fut, fn, args, timeout, message = job
            if not fut.set_running_or_notify_cancel():
                continue
            with self._busy_lock:
                self._busy += 1
            try:
                result = guarded(fn, args, timeout, message)
            except BaseException as e:  # handed to whoever waits on the future
                fut.set_exception(e)
            else:
                fut.set_result(result)
            finally:
                with self._busy_lock:
                    self._busy -= 1

    @property
    def busy(self) -> int:
        return self._busy

    def abort(self) -> int:
        """Stop the jobs running now; returns how many threads were busy."""
        busy = self._busy
        for t in self._threads:
            WATCHDOG.abort_thread(t.ident)
        return busy

    def shutdown(self, grace: float = 1.0, abort_grace: float = ABORT_GRACE) -> bool:
        """Let running jobs finish for `grace` seconds, then abort them and wait `abort_grace`
        more; True if every thread has stopped (so nothing touches the store any more)."""
        for _ in self._threads:
            self._jobs.put(None)
        for wait in (grace, abort_grace):
            end = time.monotonic() + wait
            for t in self._threads:
                t.join(max(0.0, end - time.monotonic()))
            if not any(t.is_alive() for t in self._threads):
                return True
            self.abort()
        return False


class VMWorker:
    """The writer: the one role under which every chain and pool operation runs, one at a time.
    A job runs on the writer thread, or, through `run_here`, on the calling thread when the
    writer has nothing to do (no job queued or running): the run lock keeps them one at a time
    either way, and the queue's order holds (a job runs here only when none waits). Work
    submitted from inside a job runs inline."""

    def __init__(self) -> None:
        self._running = threading.Lock()  # held while a job runs, on whichever thread
        self._counting = threading.Lock()  # guards _waiting
        self._waiting = 0  # jobs submitted and not yet finished
        self._here: int | None = None  # the thread running a job through run_here
        self._pool = WorkerPool(1, "kvm-writer")

    def on_worker_thread(self) -> bool:
        ident = threading.get_ident()
        return ident in self._pool.idents or ident == self._here

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Run fn(*args) on the writer; returns a concurrent.futures.Future."""
        with self._counting:
            self._waiting += 1
        fut = self._pool.submit(self._job, fn, args)
        fut.add_done_callback(self._cancelled)
        return fut

    def _job(self, fn: Callable[..., Any], args: tuple) -> Any:
        try:
            with self._running:
                return fn(*args)
        finally:  # before its future completes: whoever waits on it finds the count down
            with self._counting:
                self._waiting -= 1

    def _cancelled(self, fut: Future) -> None:
        """A job cancelled before it ran (its waiter went away) never reaches _job."""
        if fut.cancelled():
            with self._counting:
                self._waiting -= 1

    def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run fn(*args) on the writer and wait (inline when already on the writer)."""
        if self.on_worker_thread():
            return fn(*args)
        return self.submit(fn, *args).result()

    def run_here(self, fn: Callable[..., Any], *args: Any) -> tuple[bool, Any]:
        """(True, fn(*args)) run on this thread as the writer if the writer is idle, without
        the two thread hand-offs; (False, None) if a job is queued or running. For short jobs
        only: the calling thread (the event loop) waits for it, and no deadline applies."""
        with self._counting:
            if self._waiting or not self._running.acquire(blocking=False):
                return False, None
        try:
            self._here = threading.get_ident()
            return True, fn(*args)
        finally:
            self._here = None
            self._running.release()

    def shutdown(self, grace: float = 1.0) -> bool:
        done = self._pool.shutdown(grace)
        if done and self._running.acquire(timeout=grace):  # a job running through run_here
            self._running.release()
            return True
        return False
