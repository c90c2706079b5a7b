"""Call trees flattened into Parity's (OpenEthereum's) trace list: each message in depth-first
order with its trace address (the child indexes from the top) and how many children it has.
Used by geth's flatCallTracer and by the trace_* methods; rpc/ writes the JSON.

Parity's error words: geth's flatCallTracer converts geth's with `convertParityErrors`
(GETH_PARITY_ERRORS, its table); the trace_* methods always answer in them, as Anvil does, with
OpenEthereum's words for what geth's table leaves out (PARITY_ERRORS).
"""
from pydevnet.node.tracers.call import CallFrame
from pydevnet.vm.opcodes.system import CALL, STATICCALL

GETH_PARITY_ERRORS = {
    "contract creation code storage out of gas": "Out of gas",
    "out of gas": "Out of gas",
    "gas uint64 overflow": "Out of gas",
    "max code size exceeded": "Out of gas",
    "invalid jump destination": "Bad jump destination",
    "execution reverted": "Reverted",
    "return data out of bounds": "Out of bounds",
    "stack overflow": "Out of stack",  # geth: "stack limit reached 1024 (1023)"
    "stack underflow": "Stack underflow",
    "precompiled contract failed": "Built-in failed",
}
PARITY_ERRORS = {
    **GETH_PARITY_ERRORS,
    "write protection": "Mutable Call In Static Context",
    "insufficient balance for transfer": "Insufficient balance for transfer",
}
_PREFIXES = (("invalid opcode", "Bad instruction"), ("out of gas:", "Out of gas"))


def parity_error(error: str, table: dict = PARITY_ERRORS) -> str:
    """A geth-worded error in Parity's words (unchanged if the table has none)."""
    if error in table:
        return table[error]
    for prefix, word in _PREFIXES:
        if error.startswith(prefix):
            return word
    return error


class FlatCallConfig:
    """geth's flatCallTracer options."""

    __slots__ = ("convert_parity_errors", "include_precompiles")

    def __init__(self, convert_parity_errors: bool = False,
                 include_precompiles: bool = False) -> None:
        self.convert_parity_errors = convert_parity_errors
        self.include_precompiles = include_precompiles


class FlatCall:
    """One entry of a flat trace: the message, its trace address and its number of children."""

    __slots__ = ("frame", "address", "subtraces")

    def __init__(self, frame: CallFrame, address: tuple, subtraces: int) -> None:
        self.frame = frame
        self.address = address
        self.subtraces = subtraces


class TxContext:
    """Where a traced transaction sits: its block and position (None fields for a call)."""

    __slots__ = ("block_hash", "block_number", "tx_hash", "position")

    def __init__(self, block_hash: bytes | None = None, block_number: int = 0,
                 tx_hash: bytes | None = None, position: int = 0) -> None:
        self.block_hash = block_hash
        self.block_number = block_number
        self.tx_hash = tx_hash
        self.position = position


class FlatTrace:
    """A transaction's flat trace (flatCallTracer's result; trace_transaction's per block)."""

    __slots__ = ("calls", "context", "parity_errors")

    def __init__(self, calls: list[FlatCall], context: TxContext,
                 parity_errors: dict | None) -> None:
        self.calls = calls
        self.context = context
        self.parity_errors = parity_errors  # the table to convert errors with, or None


def flatten(root: CallFrame, include_precompiles: bool = True) -> list[FlatCall]:
    """The tree in depth-first order. Without `include_precompiles`, CALLs and STATICCALLs to
    precompiles are left out (geth's flatCallTracer: Parity traces did not show them)."""
    out: list[FlatCall] = []
    stack = [(root, ())]
    while stack:
        frame, address = stack.pop()
        children = frame.calls if include_precompiles else [
            c for c in frame.calls if not (c.precompile and c.kind in (CALL, STATICCALL))]
        out.append(FlatCall(frame, address, len(children)))
        stack.extend((c, address + (i,)) for i, c in reversed(list(enumerate(children))))
    return out
