"""Code analysis, once per distinct code (cached by content):

- `jumpdests`: the valid jump destinations (a JUMPDEST byte that is not PUSH data);
- `run_gas`: for each instruction, the static gas from it to the end of its run (see vm/table.py),
  which is what entering the code at that instruction costs in the fast loop;
- `program`: one step function per byte of the padded code, for the fast loop: the run-charging
  handler of the opcode, except that PUSHn carries its immediate, and PUSHn followed by JUMP or
  JUMPI is one fused step (Solidity's dispatch and loops are mostly these). With KVM_JIT on
  (vm/jit), the steps at run entries are replaced by compiled units, at once (`always`) or once
  hot (`auto`, the default).
"""
from collections import OrderedDict

from vm import jit
from vm.opcodes.stack import push_jump, push_jumpi, push_value
from vm.table import JUMP, JUMPI, RUN_ENDERS, RUN_HANDLERS, STATIC_GAS

CODE_PADDING = bytes(33)  # PUSH32 at the last byte reads zeros; running off the end reads STOP
_CACHE: "OrderedDict[bytes, Analysis]" = OrderedDict()
_CACHE_SIZE = 1024
_JUMPDEST = 0x5B
_PUSH1 = 0x60
_PUSH32 = 0x7F


class Analysis:
    __slots__ = ("jumpdests", "run_gas", "program", "jit_budget")

    def __init__(self, jumpdests: frozenset, run_gas: list, program: list,
                 jit_budget: object = None) -> None:
        self.jumpdests = jumpdests
        self.run_gas = run_gas
        self.program = program
        self.jit_budget = jit_budget  # vm/jit's account of this code's compiled source


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


def _run_gas(insts: list, size: int) -> list[int]:
    run = [0] * size  # the padding is STOP: a run of cost 0
    for pc, op, nxt in reversed(insts):
        cost = STATIC_GAS[op]
        run[pc] = cost if op in RUN_ENDERS or nxt >= size else cost + run[nxt]
    return run


def _program(padded: bytes, insts: list, dests: frozenset, run: list) -> list:
    prog = [RUN_HANDLERS[b] for b in padded]
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


def analyse(code: bytes) -> Analysis:
    try:
        a = _CACHE[code]
        _CACHE.move_to_end(code)
        return a
    except KeyError:
        pass
    padded = code + CODE_PADDING
    insts = _instructions(code)
    dests = frozenset(pc for pc, op, _ in insts if op == _JUMPDEST)
    run = _run_gas(insts, len(padded))
    program = _program(padded, insts, dests, run)
    budget = jit.install(program, padded, len(code), insts, dests, run)
    a = Analysis(dests, run, program, budget)
    _CACHE[code] = a
    if len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return a


def clear_cache() -> None:
    _CACHE.clear()


def jumpdests(code: bytes) -> frozenset[int]:
    return analyse(code).jumpdests
