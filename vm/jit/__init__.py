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
"""
import os

from vm.jit.codegen import compile_unit, entries

MODES = ("off", "auto", "always")
DEFAULT_MODE = "auto"
MODE = os.environ.get("KVM_JIT", DEFAULT_MODE)
if MODE not in MODES:
    raise ValueError(f"KVM_JIT must be one of {', '.join(MODES)}, not {MODE!r}")
HOT_THRESHOLD = 8
MAX_CODE_SOURCE = 1 << 21  # generated source characters per code; further units stay interpreted
MAX_TOTAL_SOURCE = 1 << 26  # the same over every code whose analysis is cached (64 Mi chars)


def set_mode(mode: str) -> None:
    """Switch tiering (tests); drops cached analyses so new frames get programs of this mode."""
    global MODE
    if mode not in MODES:
        raise ValueError(mode)
    MODE = mode
    from vm import analysis
    analysis.clear_cache()


class _Budget:
    """What one code may still compile. Its spending also counts against the process-wide
    _total, which gets it back when the code's analysis is dropped (evicted from the cache):
    Analysis keeps this object, and nothing else outlives the program."""
    __slots__ = ("left", "spent")

    def __init__(self) -> None:
        self.left = MAX_CODE_SOURCE
        self.spent = 0

    def allows(self) -> bool:
        return self.left > 0 and _total[0] > 0

    def spend(self, n: int) -> None:
        self.left -= n
        self.spent += n
        _total[0] -= n

    def __del__(self) -> None:
        _total[0] += self.spent


_total = [MAX_TOTAL_SOURCE]  # characters the process may still compile


def total_left() -> int:
    return _total[0]


def _compile_into(program, padded, code_size, entry, dests, run_gas, orig, budget):
    if not budget.allows():
        return orig
    r = compile_unit(padded, code_size, entry, dests, run_gas, orig)
    if r is None:
        return orig
    fn, src = r
    budget.spend(len(src))
    return fn


def _hot(program, padded, code_size, entry, dests, run_gas, orig, budget):
    n = HOT_THRESHOLD

    def count(f, pc):
        nonlocal n
        n -= 1
        if n:
            return orig(f, pc)
        fn = _compile_into(program, padded, code_size, entry, dests, run_gas, orig, budget)
        program[entry] = fn
        return fn(f, pc)
    return count


def install(program: list, padded: bytes, code_size: int, insts: list, dests: frozenset,
            run_gas: list) -> "_Budget | None":
    """Put compiled units (always) or hotness counters (auto) into a fresh program; returns the
    code's budget, which its Analysis must keep (see _Budget)."""
    if MODE == "off":
        return None
    budget = _Budget()
    for entry in entries(insts, code_size):
        orig = program[entry]
        if MODE == "always":
            program[entry] = _compile_into(program, padded, code_size, entry, dests, run_gas,
                                           orig, budget)
        else:
            program[entry] = _hot(program, padded, code_size, entry, dests, run_gas, orig,
                                  budget)
    return budget
