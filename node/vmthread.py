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


def run_in_vm_thread(fn: Callable[..., Any], *args: Any) -> Any:
    """Call fn(*args) on a fresh big-stack thread and return its result (or raise its error)."""
    ensure_recursion_limit()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = fn(*args)
        except BaseException as e:  # re-raised in the caller's thread below
            box["error"] = e

    old = threading.stack_size()
    threading.stack_size(VM_STACK_BYTES)
    try:
        t = threading.Thread(target=target, name="kvm")
        t.start()
    finally:
        threading.stack_size(old)
    t.join()
    if "error" in box:
        raise box["error"]
    return box.get("result")


class VMWorker:
    """One thread with a large stack on which every chain and VM operation runs, one at a time:
    callers submit work and wait on the future, so the chain needs no locks."""

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

    def submit(self, fn: Callable[..., Any], *args: Any):
        """Run fn(*args) on the worker; returns a concurrent.futures.Future."""
        return self._pool.submit(fn, *args)

    def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run fn(*args) on the worker and wait (runs inline when already on the worker)."""
        if threading.get_ident() == self._thread_ident:
            return fn(*args)
        return self._pool.submit(fn, *args).result()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
