"""Code analysis, once per distinct code:

- `jumpdests`: the valid jump destinations (a JUMPDEST byte that is not PUSH data);
- `run_gas`: for each instruction, the static gas from it to the end of its run (see vm/table.py),
  which is what entering the code at that instruction costs in the fast loop;
- `program`: one step function per byte of the padded code, for the fast loop: the run-charging
  handler of the opcode, except that PUSHn carries its immediate, and PUSHn followed by JUMP or
  JUMPI is one fused step (Solidity's dispatch and loops are mostly these). With KVM_JIT on
  (vm/jit), the steps at run entries are replaced by compiled units, at once (`always`) or once
  hot (`auto`, the default).

The program depends on the fork (its spec's handlers and static gas), so runtime code is
analysed through a cache keyed by (spec, content) (`analyse`), bounded by the estimated
bytes of what it holds (CACHE_BYTES, least recently used first out, the JIT's counters and units
included); initcode runs once, so `analyse_uncached` leaves the cache alone and the analysis dies
with its frame. Readers on several threads may share the cache (a lock guards insertions,
evictions and the total; a hit tolerates a concurrent eviction).
"""
import threading
from collections import OrderedDict

from pydevnet.vm import jit
from pydevnet.vm.opcodes.stack import push_jump, push_jumpi, push_value
from pydevnet.vm.spec import JUMP, JUMPDEST, JUMPI, Spec

CODE_PADDING = bytes(33)  # PUSH32 at the last byte reads zeros; running off the end reads STOP
# The working set of a devnet's contracts: a max-size (24 KiB) contract costs ~1-10 MB analysed
# and compiled (a Solidity one ~3 MB), so this keeps dozens of them and hundreds of typical ones,
# while a flood of distinct codes cannot take more than a quarter GiB.
CACHE_BYTES = 256 << 20
# Estimated bytes of an Analysis without its JIT part (vm/jit counts that), calibrated once with
# tracemalloc (CPython 3.11, x86-64) on 4 KB and 24 KB codes of one shape each (all PUSH1, all
# PUSH32, all JUMPDEST, all ADD, PUSH-JUMP pairs, STOP, random bytes) and the Token and Reverter
# test contracts: never more than ~3 % under; ~1.3x over for the solc contracts and random
# bytes (their runs are short: run_gas values stay small ints), up to 3x for all-STOP code.
BASE_BYTES = 1024  # the Analysis, its cache entry, the headers of its lists and set
CODE_BYTE_BYTES = 16  # a program slot and a run_gas slot per byte
INSTRUCTION_BYTES = 32  # a run_gas value over 256 is an int object of its own
PUSH_BYTES = 320  # PUSHn's step is a closure (push_value, push_jump, push_jumpi) over its value
JUMPDEST_BYTES = 120  # an int and its share of the jumpdests frozenset's table
_CACHE: "OrderedDict[tuple[int, bytes], Analysis]" = OrderedDict()
_cached = [0]  # the sum of the cached analyses' own estimates (their .size)
_LOCK = threading.Lock()
_PUSH1 = 0x60
_PUSH32 = 0x7F


class Analysis:
    __slots__ = ("jumpdests", "run_gas", "program", "jit_budget", "size", "__weakref__")

    def __init__(self, jumpdests: frozenset, run_gas: list, program: list, size: int) -> None:
        self.jumpdests = jumpdests
        self.run_gas = run_gas
        self.program = program
        self.size = size  # estimated bytes, the JIT's part apart
        self.jit_budget = None  # vm/jit's account of this code's counters and compiled units


def _instructions(code: bytes) -> list[tuple[int, int, int]]:
    """(pc, opcode, next pc) of every instruction, skipping PUSH data."""
    out = []
    i, n = 0, len(code)
    while i < n:
        op = code[i]
        nxt = i + 1 + (op - _PUSH1 + 1 if _PUSH1 <= op <= _PUSH32 else 0)
        out.append((i, op, nxt))
        i = nxt
    return out


def _run_gas(spec: Spec, insts: list, size: int) -> list[int]:
    run = [0] * size  # the padding is STOP: a run of cost 0
    static, enders = spec.static_gas, spec.run_enders
    for pc, op, nxt in reversed(insts):
        cost = static[op]
        run[pc] = cost if op in enders or nxt >= size else cost + run[nxt]
    return run


def _program(spec: Spec, padded: bytes, insts: list, dests: frozenset, run: list) -> list:
    handlers = spec.run_handlers
    prog = [handlers[b] for b in padded]
    for pc, op, nxt in insts:
        if not _PUSH1 <= op <= _PUSH32:
            continue
        value = int.from_bytes(padded[pc + 1:nxt], "big")
        follower = padded[nxt]
        if follower == JUMP:
            prog[pc] = push_jump(value, run[value] if value in dests else None)
        elif follower == JUMPI:
            prog[pc] = push_jumpi(value, run[value] if value in dests else None, nxt + 1,
                                  run[nxt + 1])
        else:
            prog[pc] = push_value(value, nxt)
    return prog


def _size(code_size: int, insts: list, dests: frozenset) -> int:
    pushes = sum(1 for _, op, _ in insts if _PUSH1 <= op <= _PUSH32)
    return (BASE_BYTES + CODE_BYTE_BYTES * code_size + INSTRUCTION_BYTES * len(insts)
            + PUSH_BYTES * pushes + JUMPDEST_BYTES * len(dests))


def _build(code: bytes, spec: Spec, cached: bool) -> Analysis:
    padded = code + CODE_PADDING
    insts = _instructions(code)
    dests = frozenset(pc for pc, op, _ in insts if op == JUMPDEST)
    run = _run_gas(spec, insts, len(padded))
    a = Analysis(dests, run, _program(spec, padded, insts, dests, run),
                 _size(len(code), insts, dests))
    a.jit_budget = jit.install(a, spec, padded, len(code), insts, _shrink if cached else None)
    return a


def analyse(code: bytes, spec: Spec) -> Analysis:
    """The analysis of runtime code, cached. A hit takes no lock (one per call frame, ~0.6 us
    saved): each OrderedDict operation is atomic under the GIL, and an entry another thread
    evicts in between is still a valid analysis for this frame."""
    key = (spec.id, code)
    a = _CACHE.get(key)
    if a is not None:
        try:
            _CACHE.move_to_end(key)
        except KeyError:  # evicted just now by another thread
            pass
        return a
    a = _build(code, spec, True)  # outside the lock: KVM_JIT=always compiles here
    with _LOCK:
        first = _CACHE.get(key)
        if first is not None:  # another thread analysed it meanwhile
            _CACHE.move_to_end(key)
            return first
        _CACHE[key] = a
        _cached[0] += a.size
    _shrink()
    return a


def analyse_uncached(code: bytes, spec: Spec) -> Analysis:
    """The analysis of initcode: it runs once, so it stays out of the cache. vm/jit patches
    compiled units into the program through a weak reference: keep the Analysis while its
    frame runs."""
    return _build(code, spec, False)


def cached_bytes() -> int:
    """The estimated bytes the cache holds, the JIT's counters and units included (those of
    uncached analyses still alive too: they are gone as soon as their frames are)."""
    return _cached[0] + jit.live_bytes()


def _shrink() -> None:
    """Evict the least recently used analyses until the cache is within CACHE_BYTES (the
    newest is always kept). The evicted are freed after the lock is released."""
    evicted = []
    with _LOCK:
        over = _cached[0] + jit.live_bytes() - CACHE_BYTES
        while over > 0 and len(_CACHE) > 1:
            _, a = _CACHE.popitem(last=False)
            _cached[0] -= a.size
            over -= a.size + (a.jit_budget.bytes if a.jit_budget is not None else 0)
            evicted.append(a)
    del evicted  # vm/jit's bytes come back as these are freed (unless a frame still runs one)


def cache_size() -> int:
    return len(_CACHE)


def clear_cache() -> None:
    with _LOCK:
        _CACHE.clear()
        _cached[0] = 0


def jumpdests(code: bytes) -> frozenset[int]:
    """The valid jump destinations (the same in every fork)."""
    return frozenset(pc for pc, op, _ in _instructions(code) if op == JUMPDEST)
