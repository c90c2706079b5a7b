"""geth's callTracer: the tree of a transaction's messages (CALL, CALLCODE, DELEGATECALL,
STATICCALL, CREATE, CREATE2 and SELFDESTRUCT), each with its sender, target, value, gas given and
used, input, output and error, and with `withLog` the logs each emitted, placed among its child
calls (`position`: how many children had returned when it was emitted).

A failed creation keeps the address it would have had in `to` (geth's JSON leaves it out; Parity's
traces show it). Calls to precompiles are marked (`precompile`): geth's flatCallTracer and
4byteTracer leave them out.

Only the VM's enter/exit hooks are used (`steps` is False, so frames keep the fast loop). Logs
come from the StateDB's log list, read at every enter and exit: what appeared since the last
read belongs to the innermost open message. Logs of failed messages (and of their children) are
dropped at the end, as the chain drops them. Frames hold plain values; rpc/ formats them.
"""
from pydevnet.node.calls import revert_reason
from pydevnet.node.chain.transition import describe_error
from pydevnet.vm.errors import Revert
from pydevnet.vm.opcodes.system import CALL, CALLCODE, DELEGATECALL, STATICCALL
from pydevnet.vm.table import CANCUN
from pydevnet.vm.tracing import Tracer

CALLS = frozenset((CALL, CALLCODE, DELEGATECALL, STATICCALL))


class CallTracerConfig:
    __slots__ = ("only_top_call", "with_log")

    def __init__(self, only_top_call: bool = False, with_log: bool = False) -> None:
        self.only_top_call = only_top_call
        self.with_log = with_log


class CallFrame:
    __slots__ = ("kind", "sender", "to", "value", "gas", "gas_used", "input", "output",
                 "error", "revert_reason", "calls", "logs", "precompile")

    def __init__(self, kind: int, sender: bytes, to: bytes, value: int | None,
                 data: bytes, gas: int, precompile: bool = False) -> None:
        self.kind = kind  # the opcode
        self.sender = sender
        self.to = to
        self.value = value
        self.gas = gas
        self.gas_used = 0
        self.input = data
        self.output = b""
        self.error: str | None = None
        self.revert_reason: str | None = None
        self.calls: list[CallFrame] = []
        self.logs: list[tuple] = []  # (address, topics, data, index in block, position)
        self.precompile = precompile

    @property
    def type_name(self) -> str:
        return CANCUN.names[self.kind]  # CALL, CREATE and their kin: named alike in every fork

    def finish(self, gas_used: int, output: bytes, error) -> None:
        """geth's processOutput: a failure keeps its output only if it reverted."""
        self.gas_used = gas_used
        if error is None:
            self.output = output
            return
        self.error = describe(error)
        if isinstance(error, Revert) and output:
            self.output = output
            if len(output) >= 4:
                self.revert_reason = revert_reason(output)


def describe(error) -> str:
    if isinstance(error, str):
        return error
    if error.args and isinstance(error.args[0], str):
        return error.args[0]  # a precompile's own message
    return describe_error(error)


class CallTracer(Tracer):
    steps = False

    def __init__(self, config: CallTracerConfig, state, log_base: int = 0,
                 precompiles=()) -> None:
        self.config = config
        self.state = state
        self.log_base = log_base  # logs of the block's earlier transactions
        self.precompiles = precompiles
        self.root: CallFrame | None = None
        self._open: list[CallFrame] = []
        self._depth = -1
        self._seen = 0

    def _collect_logs(self) -> None:
        logs = self.state.logs
        n = len(logs)
        if self._seen > n:  # a failed message took its logs back
            self._seen = n
        if n == self._seen:
            return
        cfg = self.config
        if cfg.with_log and self._open and not (cfg.only_top_call and self._depth > 0):
            frame = self._open[-1]
            for i in range(self._seen, n):
                address, topics, data = logs[i]
                frame.logs.append((address, list(topics), data, self.log_base + i,
                                   len(frame.calls)))
        self._seen = n

    def enter(self, kind: int, sender: bytes, to: bytes, value: int | None, data: bytes,
              gas: int, depth: int) -> None:
        self._collect_logs()
        self._depth = depth
        if depth > 0 and (self.config.only_top_call or not self._open):
            return
        frame = CallFrame(kind, sender, to, value, data, gas,
                          kind in CALLS and to in self.precompiles)
        if depth == 0:
            self.root = frame
        self._open.append(frame)

    def exit(self, depth: int, gas_used: int, output: bytes, error: object) -> None:
        self._collect_logs()
        self._depth = depth - 1
        if depth > 0 and (self.config.only_top_call or len(self._open) < 2):
            return
        frame = self._open.pop()
        frame.finish(gas_used, output, error)
        if self._open:
            self._open[-1].calls.append(frame)

    def result(self, gas_limit: int, gas_used: int) -> CallFrame:
        """The finished tree; the top frame reports the transaction's gas limit and gas used
        (intrinsic gas and refunds included), as geth does."""
        root = self.root
        root.gas = gas_limit
        root.gas_used = gas_used
        if self.config.with_log:
            _drop_failed_logs(root, False)
        return root


def _drop_failed_logs(frame: CallFrame, parent_failed: bool) -> None:
    failed = parent_failed or frame.error is not None
    if failed:
        frame.logs = []
    for child in frame.calls:
        _drop_failed_logs(child, failed)
