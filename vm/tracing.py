"""EIP-3155 tracing: one JSON object per executed instruction, written before the instruction runs
(pc, op, gas, gasCost, memSize, stack, depth, refund, opName), as geth's `evm --json` prints them.
The interpreter calls `step` only in its traced loop, so the fast loop pays nothing for this."""
import json
from typing import IO

from vm.table import NAMES, STATIC_GAS


class JsonTracer:
    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def step(self, f, pc: int, op: int) -> None:
        line = {
            "pc": pc, "op": op, "gas": hex(f.gas), "gasCost": hex(STATIC_GAS[op]),
            "memSize": len(f.memory), "stack": [hex(x) for x in f.stack], "depth": f.depth + 1,
            "refund": f.state.refund, "opName": NAMES[op],
        }
        self.out.write(json.dumps(line, separators=(",", ":")) + "\n")

    def frame_end(self, f) -> None:
        if f.depth == 0:
            err = None if f.error is None else type(f.error).__name__
            line = {"output": f.output.hex(), "gasUsed": hex(f.gas), "error": err}
            self.out.write(json.dumps(line, separators=(",", ":")) + "\n")
