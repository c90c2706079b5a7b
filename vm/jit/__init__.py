"""The KVM's run compiler: hot straight-line code becomes one generated Python function.

A unit starts at a dispatchable pc (0, a JUMPDEST, the pc after a JUMPI or after an exact-gas op)
and covers a run (vm/table.py), following constant jumps and JUMPI fall-throughs; its function
replaces program[entry] of the code's Analysis and does exactly what the fast loop's steps would
have done (vm/jit/codegen.py builds it). After an exceptional halt f.stack may hold a partly
written stack; nothing reads it (the frame is discarded).

This module decides when to compile. Tiering (env KVM_JIT, read at import; `set_mode` for
tests): `off` never compiles; `always` compiles every unit at analysis time; `auto` (the default)
wraps each entry in a counter that compiles the unit on its HOT_THRESHOLD-th execution. Generated
source is bounded per code and process-wide (_Budget); past either bound code is interpreted.

Memory: a code's counters and units live in its program only (a counter reaches the program
through a weak reference to the code's Analysis, a unit's globals do not hold the unit), so
dropping an Analysis frees them at once, without waiting for the cycle collector. live_bytes()
estimates what they take, for the analysis cache's byte budget (vm/analysis.py).
"""
import os
import weakref
from typing import Callable

from pydevnet.vm.jit.codegen import CodeView, compile_unit, entries

MODES = ("off", "auto", "always")
DEFAULT_MODE = "auto"
MODE = os.environ.get("KVM_JIT", DEFAULT_MODE)
if MODE not in MODES:
    raise ValueError(f"KVM_JIT must be one of {', '.join(MODES)}, not {MODE!r}")
HOT_THRESHOLD = 8
MAX_CODE_SOURCE = 1 << 21  # generated source characters per code; further units stay interpreted
MAX_TOTAL_SOURCE = 1 << 26  # the same over every code whose analysis is alive (64 Mi chars)
# Estimated bytes (CPython 3.11, x86-64; measured once with tracemalloc against the same codes
# analysed with KVM_JIT=off, see vm/analysis.py): a hotness counter is a closure with eight
# cells (~640 B) and keeps the padded code alive; a compiled unit is a function, its code object
# and its globals (~1 KB) plus ~4 B a source character (3-4 for real contracts' units, up to 11
# for one-op units, whose fixed part dominates).
COUNTER_BYTES = 640
UNIT_BYTES = 1024
SOURCE_CHAR_BYTES = 4


def set_mode(mode: str) -> None:
    """Switch tiering (tests); drops cached analyses so new frames get programs of this mode."""
    global MODE
    if mode not in MODES:
        raise ValueError(mode)
    MODE = mode
    from pydevnet.vm import analysis
    analysis.clear_cache()


class _Budget:
    """What one code may still compile, and the estimated bytes of its counters and units. Its
    spending also counts against the process-wide _total and _bytes, which get it back when the
    code's program is dropped: Analysis keeps this object, and nothing else outlives the
    program. `on_spend` (the analysis cache's check of its byte budget) runs after each unit."""
    __slots__ = ("left", "spent", "bytes", "on_spend")

    def __init__(self, on_spend: "Callable[[], None] | None") -> None:
        self.left = MAX_CODE_SOURCE
        self.spent = 0
        self.bytes = 0
        self.on_spend = on_spend

    def allows(self) -> bool:
        return self.left > 0 and _total[0] > 0

    def hold(self, n: int) -> None:
        self.bytes += n
        _bytes[0] += n

    def spend(self, n: int) -> None:
        self.left -= n
        self.spent += n
        _total[0] -= n
        self.hold(UNIT_BYTES + SOURCE_CHAR_BYTES * n)
        if self.on_spend is not None:
            self.on_spend()

    def __del__(self) -> None:
        _total[0] += self.spent
        _bytes[0] -= self.bytes


_total = [MAX_TOTAL_SOURCE]  # characters the process may still compile
_bytes = [0]  # estimated bytes of the counters and units of every live program


def total_left() -> int:
    return _total[0]


def live_bytes() -> int:
    """Estimated bytes held by the counters and compiled units of every live program."""
    return _bytes[0]


def _compile_into(code: CodeView, entry: int, orig, budget: _Budget):
    if not budget.allows():
        return orig
    r = compile_unit(code, entry, orig)
    if r is None:
        return orig
    fn, src = r
    budget.spend(len(src))
    return fn


def _hot(analysis_ref, code: CodeView, entry: int, orig, budget: _Budget):
    n = HOT_THRESHOLD

    def count(f, pc):
        nonlocal n
        n -= 1
        if n:
            return orig(f, pc)
        fn = _compile_into(code, entry, orig, budget)
        a = analysis_ref()
        if a is not None:  # else dropped while this frame runs it: nothing left to patch
            a.program[entry] = fn
        return fn(f, pc)
    return count


def install(analysis, spec, padded: bytes, code_size: int, insts: list,
            on_spend: "Callable[[], None] | None" = None) -> "_Budget | None":
    """Put compiled units (always) or hotness counters (auto) into the fresh program of
    `analysis` (a vm.analysis.Analysis of `padded` under `spec`); returns the code's budget,
    which the Analysis must keep (see _Budget)."""
    if MODE == "off":
        return None
    program = analysis.program
    code = CodeView(spec, padded, code_size, analysis.jumpdests, analysis.run_gas)
    budget = _Budget(on_spend)
    points = entries(insts, code_size)
    if MODE == "always":
        for entry in points:
            program[entry] = _compile_into(code, entry, program[entry], budget)
        return budget
    ref = weakref.ref(analysis)
    for entry in points:
        program[entry] = _hot(ref, code, entry, program[entry], budget)
    budget.hold(COUNTER_BYTES * len(points) + len(padded))
    return budget
