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
