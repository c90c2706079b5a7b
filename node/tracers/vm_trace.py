"""Parity's vmTrace (trace_replayTransaction, trace_call): each frame's code and its executed
instructions, as OpenEthereum recorded them: the pc, the gas cost, and once the instruction ran
(`ex`, None if it failed) the gas left, the stack items it produced (DUPn and SWAPn report every
item they touched, n + 1), the memory it wrote and the slot it stored; a CALL or CREATE carries
the child frame's trace in `sub`.

A cost is settled as the opcode logger's is: by the next step of the same frame, or by the first
step of a child (a CALL or CREATE costs what it took from its frame, the forwarded gas included).
Every instruction is charged to the trace's Budget (--trace-max-bytes).
"""
from pydevnet.node.tracers.struct_logger import Budget
from pydevnet.vm.errors import ExceptionalHalt
from pydevnet.vm.tracing import Tracer

# Instructions that leave nothing new on the stack (the rest produce one item, DUP/SWAP n + 1)
_NO_OUTPUT = frozenset((0x00, 0x37, 0x39, 0x3C, 0x3E, 0x50, 0x52, 0x53, 0x55, 0x56, 0x57, 0x5B,
                        0x5D, 0x5E, 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xF3, 0xFD, 0xFE, 0xFF))
SSTORE = 0x55
# Where an instruction writes memory: stack positions (from the top) of offset and size
_MEMORY_WRITES = {0x52: (1, None), 0x53: (1, None), 0x37: (1, 3), 0x39: (1, 3), 0x3E: (1, 3),
                  0x5E: (1, 3), 0x3C: (2, 4), 0xF1: (6, 7), 0xF2: (6, 7), 0xF4: (5, 6),
                  0xFA: (5, 6)}
_FIXED_SIZE = {0x52: 32, 0x53: 1}
_CALLS = frozenset((0xF1, 0xF2, 0xF4, 0xFA))
OP_BYTES = 110  # an instruction's JSON without its pushed items and memory
ITEM_BYTES = 70


def _outputs(op: int) -> int:
    if 0x80 <= op <= 0x9F:  # DUP1..DUP16, SWAP1..SWAP16
        return (op & 0x0F) + 2
    return 0 if op in _NO_OUTPUT else 1


class VmTrace:
    __slots__ = ("code", "ops")

    def __init__(self, code: bytes) -> None:
        self.code = code
        self.ops: list[VmOp] = []


class VmOp:
    __slots__ = ("pc", "op", "name", "gas", "cost", "executed", "used", "push", "mem", "store",
                 "sub", "write")

    def __init__(self, pc: int, op: int, name: str, gas: int) -> None:
        self.pc = pc
        self.op = op
        self.name = name
        self.gas = gas  # before the instruction
        self.cost: int | None = None
        self.executed = False
        self.used = 0  # gas left after it (OpenEthereum's name)
        self.push: list[int] = []
        self.mem: tuple[int, bytes] | None = None  # (offset, bytes written)
        self.store: tuple[int, int] | None = None  # (slot, value)
        self.sub: VmTrace | None = None
        self.write: tuple[int, int] | None = None  # (offset, size) it may write


class VmTracer(Tracer):
    def __init__(self, budget: Budget | None = None) -> None:
        self.budget = budget or Budget(0)
        self.root: VmTrace | None = None
        self._frames: dict[int, tuple[object, VmTrace]] = {}  # depth -> (frame, its trace)
        self._pending: dict[int, tuple[object, VmOp]] = {}  # depth -> (frame, last op)

    def step(self, f, pc: int, op: int) -> None:
        depth = f.depth
        known = self._frames.get(depth)
        if known is None or known[0] is not f:
            self._enter_frame(f)
        else:
            self._finish(depth, f)
        s = f.stack
        rec = VmOp(pc, op, f.block.spec.names[op], f.gas)
        if op == SSTORE and len(s) >= 2:
            rec.store = (s[-1], s[-2])
        where = _MEMORY_WRITES.get(op)
        if where is not None and len(s) >= max(i for i in where if i):
            size = _FIXED_SIZE.get(op) or s[-where[1]]
            if size:
                rec.write = (s[-where[0]], size)
        self._frames[depth][1].ops.append(rec)
        self._pending[depth] = (f, rec)
        self.budget.charge(OP_BYTES + ITEM_BYTES * _outputs(op))

    def _enter_frame(self, f) -> None:
        trace = VmTrace(bytes(f.code[:f.code_size]))
        parent = self._pending.get(f.depth - 1)
        if f.depth == 0 or parent is None:
            self.root = self.root or trace
        else:
            pf, rec = parent
            rec.sub = trace
            if rec.cost is None:
                rec.cost = rec.gas - pf.gas  # the forwarded gas included
        self._frames[f.depth] = (f, trace)
        self._pending.pop(f.depth, None)

    def _finish(self, depth: int, f) -> None:
        pending = self._pending.pop(depth, None)
        if pending is None or pending[0] is not f:
            return
        rec = pending[1]
        if rec.cost is None:
            rec.cost = rec.gas - f.gas
        rec.executed = True
        rec.used = f.gas
        n = _outputs(rec.op)
        rec.push = f.stack[-n:] if n and len(f.stack) >= n else []
        if rec.write is not None:
            off, size = rec.write
            if rec.op in _CALLS:
                size = min(size, len(f.return_data))
            data = bytes(f.memory[off:off + size])
            rec.mem = (off, data)
            self.budget.charge(2 * len(data))

    def frame_end(self, f) -> None:
        pending = self._pending.get(f.depth)
        if pending is None or pending[0] is not f:
            return
        if isinstance(f.error, ExceptionalHalt):
            rec = self._pending.pop(f.depth)[1]
            rec.cost = rec.gas if rec.cost is None else rec.cost
        else:
            self._finish(f.depth, f)

    def result(self) -> VmTrace:
        """The top frame's trace (code and no instructions when no code ran)."""
        if self.root is not None:
            return self.root
        return VmTrace(b"")
