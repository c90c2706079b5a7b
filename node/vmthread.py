"""Running VM work where 1024 nested calls fit: a thread with a large C stack and a raised
recursion limit (each EVM call level costs a handful of Python frames)."""
import sys
import threading
from typing import Any, Callable

VM_STACK_BYTES = 512 * 1024 * 1024
RECURSION_LIMIT = 60000


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


class VMWorker:
    """The one thread on which every chain and VM operation runs, one at a time, so the chain
    needs no locks. At first a private big-stack thread; a server whose event loop runs on a
    big-stack thread of its own can `attach_loop` it, and from then on work submitted from that
    loop runs inline (no thread hand-off) while other threads post work onto the loop."""

    def __init__(self) -> None:
        from concurrent.futures import ThreadPoolExecutor
        ensure_recursion_limit()
        old = threading.stack_size()
        threading.stack_size(VM_STACK_BYTES)
        try:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kvm")
            self._thread_ident = self._pool.submit(threading.get_ident).result()
        finally:
            threading.stack_size(old)
        self._loop = None

    def attach_loop(self, loop) -> None:
        """Run all further work on `loop`'s thread (call from that thread)."""
        self._pool.shutdown(wait=True)
        self._loop = loop
        self._thread_ident = threading.get_ident()

    def on_worker_thread(self) -> bool:
        return threading.get_ident() == self._thread_ident

    def submit(self, fn: Callable[..., Any], *args: Any):
        """Run fn(*args) on the worker; returns a concurrent.futures.Future."""
        if self._loop is None:
            return self._pool.submit(fn, *args)
        from concurrent.futures import Future
        fut: Future = Future()

        def call() -> None:
            if fut.set_running_or_notify_cancel():
                try:
                    fut.set_result(fn(*args))
                except BaseException as e:  # handed to whoever waits on the future
                    fut.set_exception(e)
        self._loop.call_soon_threadsafe(call)
        return fut

    def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run fn(*args) on the worker and wait (inline when already on the worker)."""
        if self.on_worker_thread():
            return fn(*args)
        return self.submit(fn, *args).result()

    def shutdown(self) -> None:
        if self._loop is None:
            self._pool.shutdown(wait=True)
