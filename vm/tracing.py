"""EIP-3155 tracing: one JSON object per executed instruction, written before the instruction runs
(pc, op, gas, gasCost, memSize, stack, depth, refund, opName), as geth's `evm --json` prints them,
then a summary of the outermost frame (output, gasUsed: the gas its execution used, error).
gasCost is the opcode's static cost: handlers charge the dynamic part after the line is written.
The interpreter calls `step` only in its traced loop, so the fast loop pays nothing for this."""
import json
from typing import IO

from vm.table import NAMES, STATIC_GAS


class JsonTracer:
    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self._top = None  # the depth-0 frame being traced, and the gas it started with
        self._start_gas = 0

    def step(self, f, pc: int, op: int) -> None:
        if f.depth == 0 and f is not self._top:
            self._top = f
            self._start_gas = f.gas
        line = {
            "pc": pc, "op": op, "gas": hex(f.gas), "gasCost": hex(STATIC_GAS[op]),
            "memSize": len(f.memory), "stack": [hex(x) for x in f.stack], "depth": f.depth + 1,
            "refund": f.state.refund, "opName": NAMES[op],
        }
        self.out.write(json.dumps(line, separators=(",", ":")) + "\n")

    def frame_end(self, f) -> None:
        if f.depth == 0:
            err = None if f.error is None else type(f.error).__name__
            line = {"output": f.output.hex(), "gasUsed": hex(self._start_gas - f.gas),
                    "error": err}
            self._top = None
            self.out.write(json.dumps(line, separators=(",", ":")) + "\n")
