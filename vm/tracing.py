"""The tracer hooks, and EIP-3155 tracing.

A tracer reaches the VM as TxEnv.tracer (None when nothing traces, the only case the fast paths
see). Tracer lists every hook with a no-op body: `step` before each opcode and `frame_end` after
each frame, both only when `steps` is true (then frames run in the interpreter's traced loop);
`enter` and `exit` around every message: the transaction's own (depth 0, called by the node),
each CALL, CALLCODE, DELEGATECALL, STATICCALL, CREATE and CREATE2 (kind is the opcode; also for
calls that fail before running, such as at the depth limit) and each SELFDESTRUCT (zero gas).

EIP-3155 tracing: one JSON object per executed instruction, written before the instruction runs
(pc, op, gas, gasCost, memSize, stack, depth, refund, opName), as geth's `evm --json` prints them,
then a summary of the outermost frame (output, gasUsed: the gas its execution used, error).
gasCost is the opcode's static cost: handlers charge the dynamic part after the line is written.
The interpreter calls `step` only in its traced loop, so the fast loop pays nothing for this."""
import json
from typing import IO



class Tracer:
    steps = True  # False: frames run in the fast loop and only enter/exit are called

    def step(self, f, pc: int, op: int) -> None:
        """Before opcode `op` at `pc` runs in frame `f` (its static gas not yet charged)."""

    def frame_end(self, f) -> None:
        """After frame `f` halted; f.error tells how."""

    def enter(self, kind: int, sender: bytes, to: bytes, value: int | None, data: bytes,
              gas: int, depth: int) -> None:
        """A message starts: `to` is the code's address (the target of DELEGATECALL and
        CALLCODE, the new account of a creation); value None for STATICCALL."""

    def exit(self, depth: int, gas_used: int, output: bytes, error: object) -> None:
        """The message entered last at `depth` ended: error None, a VMError, or a string naming
        a failure before it ran (geth's wording)."""


class JsonTracer(Tracer):
    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self._top = None  # the depth-0 frame being traced, and the gas it started with
        self._start_gas = 0

    def step(self, f, pc: int, op: int) -> None:
        if f.depth == 0 and f is not self._top:
            self._top = f
            self._start_gas = f.gas
        line = {
            "pc": pc, "op": op, "gas": hex(f.gas), "gasCost": hex(f.block.spec.static_gas[op]),
            "memSize": len(f.memory), "stack": [hex(x) for x in f.stack], "depth": f.depth + 1,
            "refund": f.state.refund, "opName": f.block.spec.names[op],
        }
        self.out.write(json.dumps(line, separators=(",", ":")) + "\n")

    def frame_end(self, f) -> None:
        if f.depth == 0:
            err = None if f.error is None else type(f.error).__name__
            line = {"output": f.output.hex(), "gasUsed": hex(self._start_gas - f.gas),
                    "error": err}
            self._top = None
            self.out.write(json.dumps(line, separators=(",", ":")) + "\n")
