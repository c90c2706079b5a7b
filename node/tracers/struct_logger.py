"""geth's opcode ("struct") logger for debug_traceTransaction, debug_traceCall and
debug_traceBlockBy*: one entry per executed opcode with pc, op, the gas left before it, its full
cost, the call depth, and optionally the stack, memory (32-byte words), return data and, on
SLOAD/SSTORE, the contract's storage slots touched so far. Entries hold plain values (ints,
bytes); rpc/ formats them.

The VM calls `step` before each opcode (in its traced loop) and `frame_end` after each frame. An
entry's gasCost is known only afterwards: the next step of the same frame, the first step of a
child frame (a CALL or CREATE costs what it took from its frame, forwarded gas included) or the
frame's end settles it.

Bounded: every entry is charged to a Budget, an estimate of the bytes its JSON takes in the answer
(--trace-max-bytes, shared by the transactions of a traced block); past it the trace stops with
TraceTooLarge. Memory and storage snapshots, the big parts, are shared between consecutive entries
while they do not change, so the tracer's own memory follows the answer's size, not the steps times
the memory size.
"""
from pydevnet.vm.errors import ExceptionalHalt
from pydevnet.node.chain.transition import describe_error
from pydevnet.vm.tracing import Tracer

SLOAD, SSTORE = 0x54, 0x55
# Estimated JSON bytes (rpc/trace_formatters.py's shapes): an entry's fixed fields, and per part
ENTRY_BYTES = 72  # {"pc":..,"op":"..","gas":..,"gasCost":..,"depth":..} and its comma
STACK_ITEM_BYTES = 5  # "0x" quotes and comma around each item's hex digits
MEMORY_WORD_BYTES = 69  # "0x" + 64 digits, quotes and comma
STORAGE_SLOT_BYTES = 138  # "0x<64>":"0x<64>",
PART_BYTES = 16  # a part's key, brackets and comma
DEFAULT_TRACE_MAX_BYTES = 64 * 1024 * 1024


class TraceTooLarge(Exception):
    """A trace's answer would pass --trace-max-bytes; the trace stopped."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"trace result too large: the answer exceeds {limit} bytes "
                         f"(--trace-max-bytes); trace less with limit, disableStack, "
                         f"disableStorage, without enableMemory, or with callTracer")
        self.limit = limit


class Budget:
    """The bytes a trace's answer may still take; 0 or less as the limit means no limit."""

    __slots__ = ("limit", "used")

    def __init__(self, limit: int) -> None:
        self.limit = limit if limit > 0 else float("inf")
        self.used = 0

    def charge(self, n: int) -> None:
        self.used += n
        if self.used > self.limit:
            raise TraceTooLarge(int(self.limit))


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
    def __init__(self, config: TraceConfig | None = None, budget: Budget | None = None) -> None:
        self.config = config or TraceConfig()
        self.budget = budget or Budget(0)
        self.logs: list[dict] = []
        self._open: dict[int, tuple[dict, object]] = {}  # depth -> (last entry, its frame)
        self._storage: dict[bytes, dict[int, int]] = {}
        self._storage_snaps: dict[bytes, dict[int, int]] = {}  # the last copy handed out
        self._memory: bytes | None = None  # the last memory snapshot handed out

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
        entry = {"pc": pc, "op": f.block.spec.names[op], "gas": f.gas, "gasCost": 0,
                 "depth": f.depth + 1}
        size = ENTRY_BYTES
        if not cfg.disable_stack:
            s = f.stack
            entry["stack"] = list(s)
            size += PART_BYTES + STACK_ITEM_BYTES * len(s) + sum(map(int.bit_length, s)) // 4
        if cfg.enable_memory and f.memory:
            entry["memory"] = self._memory_snapshot(f.memory)
            size += PART_BYTES + MEMORY_WORD_BYTES * (len(f.memory) >> 5)
        if cfg.enable_return_data and f.return_data:
            entry["returnData"] = f.return_data
            size += PART_BYTES + 2 * len(f.return_data)
        if not cfg.disable_storage and op in (SLOAD, SSTORE) and f.stack:
            slots = entry["storage"] = self._touch_storage(f, op)
            size += PART_BYTES + STORAGE_SLOT_BYTES * len(slots)
        self.budget.charge(size)
        self.logs.append(entry)
        self._open[f.depth] = (entry, f)

    def _memory_snapshot(self, memory: bytearray) -> bytes:
        """The memory as bytes, the previous entry's object again if it did not change."""
        last = self._memory
        if last is None or last != memory:
            last = self._memory = bytes(memory)
        return last

    def _touch_storage(self, f, op: int) -> dict:
        """The slots of f's contract seen so far, the value at the top of the stack updated; the
        same dict as the last entry's while nothing changed."""
        addr = f.address
        slots = self._storage.setdefault(addr, {})
        key = f.stack[-1]
        if op == SLOAD:
            value = f.state.get_storage(addr, key)
        elif len(f.stack) >= 2:
            value = f.stack[-2]
        else:
            value = slots.get(key)
        snap = self._storage_snaps.get(addr)
        if snap is not None and key in slots and slots[key] == value:
            return snap
        if value is not None:
            slots[key] = value
        snap = self._storage_snaps[addr] = dict(slots)
        return snap

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
