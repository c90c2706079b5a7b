"""geth's opcode ("struct") logger for debug_traceTransaction, debug_traceCall and
debug_traceBlockBy*: one entry per executed opcode with pc, op, the gas left before it, its full
cost, the call depth, and optionally the stack, memory (32-byte words), return data and, on
SLOAD/SSTORE, the contract's storage slots touched so far. Entries hold plain values (ints,
bytes); rpc/ formats them.

The VM calls `step` before each opcode (in its traced loop) and `frame_end` after each frame. An
entry's gasCost is known only afterwards: the next step of the same frame, the first step of a
child frame (a CALL or CREATE costs what it took from its frame, forwarded gas included) or the
frame's end settles it.
"""
from pydevnet.vm.errors import ExceptionalHalt
from pydevnet.node.chain.transition import describe_error
from pydevnet.vm.tracing import Tracer

SLOAD, SSTORE = 0x54, 0x55


class TraceConfig:
    __slots__ = ("disable_stack", "disable_storage", "enable_memory", "enable_return_data",
                 "limit")

    def __init__(self, disable_stack: bool = False, disable_storage: bool = False,
                 enable_memory: bool = False, enable_return_data: bool = False,
                 limit: int = 0) -> None:
        self.disable_stack = disable_stack
        self.disable_storage = disable_storage
        self.enable_memory = enable_memory
        self.enable_return_data = enable_return_data
        self.limit = limit


class StructLogger(Tracer):
    def __init__(self, config: TraceConfig | None = None) -> None:
        self.config = config or TraceConfig()
        self.logs: list[dict] = []
        self._open: dict[int, tuple[dict, object]] = {}  # depth -> (last entry, its frame)
        self._storage: dict[bytes, dict[int, int]] = {}

    def _settle(self, depth: int, frame=None) -> None:
        opened = self._open.get(depth)
        if opened is not None and (frame is None or opened[1] is frame):
            entry, f = self._open.pop(depth)
            entry["gasCost"] = entry["gas"] - f.gas

    def step(self, f, pc: int, op: int) -> None:
        self._settle(f.depth, f)
        self._settle(f.depth - 1)  # a first step in a child settles the parent's CALL/CREATE
        cfg = self.config
        if cfg.limit and len(self.logs) >= cfg.limit:
            return
        entry = {"pc": pc, "op": f.block.spec.names[op], "gas": f.gas, "gasCost": 0, "depth": f.depth + 1}
        if not cfg.disable_stack:
            entry["stack"] = list(f.stack)
        if cfg.enable_memory and f.memory:
            entry["memory"] = bytes(f.memory)
        if cfg.enable_return_data and f.return_data:
            entry["returnData"] = f.return_data
        if not cfg.disable_storage and op in (SLOAD, SSTORE) and f.stack:
            entry["storage"] = self._touch_storage(f, op)
        self.logs.append(entry)
        self._open[f.depth] = (entry, f)

    def _touch_storage(self, f, op: int) -> dict:
        slots = self._storage.setdefault(f.address, {})
        key = f.stack[-1]
        if op == SLOAD:
            slots[key] = f.state.get_storage(f.address, key)
        elif len(f.stack) >= 2:
            slots[key] = f.stack[-2]
        return dict(slots)

    def frame_end(self, f) -> None:
        opened = self._open.get(f.depth)
        if opened is None or opened[1] is not f:
            return
        entry, _ = self._open.pop(f.depth)
        if isinstance(f.error, ExceptionalHalt):
            entry["error"] = describe_error(f.error)
            entry["gasCost"] = entry["gas"]
        else:
            entry["gasCost"] = entry["gas"] - f.gas


class Trace:
    """One transaction's (or call's) opcode trace; rpc/ turns it into OpcodeTransactionTrace."""

    __slots__ = ("gas_used", "success", "output", "logs")

    def __init__(self, gas_used: int, success: bool, output: bytes, logs: list[dict]) -> None:
        self.gas_used = gas_used
        self.success = success
        self.output = output
        self.logs = logs
