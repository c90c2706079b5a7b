"""geth's 4byteTracer: how often each (selector, argument size) pair was called. Every message of
the CALL family with at least 4 bytes of input counts, the transaction's own call included, except
calls to precompiles (fancy opcodes, not contracts); creations and SELFDESTRUCT do not."""
from pydevnet.node.tracers.call import CALLS
from pydevnet.vm.tracing import Tracer


class FourByteConfig:
    """The 4byteTracer has no options."""


class FourByteTracer(Tracer):
    steps = False

    def __init__(self, precompiles) -> None:
        self.precompiles = precompiles
        self.ids: dict[tuple[bytes, int], int] = {}  # (selector, input size - 4) -> calls

    def enter(self, kind: int, sender: bytes, to: bytes, value: int | None, data: bytes,
              gas: int, depth: int) -> None:
        if kind not in CALLS or len(data) < 4 or to in self.precompiles:
            return
        key = (data[:4], len(data) - 4)
        self.ids[key] = self.ids.get(key, 0) + 1
