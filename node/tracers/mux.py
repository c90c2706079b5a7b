"""geth's muxTracer: several tracers over one execution, each hook passed to every one of them in
the order given; the result maps each tracer's name to its own result. Frames run in the traced
loop only if one of them steps."""
from pydevnet.vm.tracing import Tracer


class MuxConfig:
    """The tracers to run: name -> that tracer's config (in the order given)."""

    __slots__ = ("tracers",)

    def __init__(self, tracers: dict | None = None) -> None:
        self.tracers = tracers or {}


class MuxTracer(Tracer):
    def __init__(self, tracers: list) -> None:
        self.tracers = [t for t in tracers if t is not None]
        self.stepping = [t for t in self.tracers if t.steps]
        self.steps = bool(self.stepping)

    def step(self, f, pc: int, op: int) -> None:
        for t in self.stepping:
            t.step(f, pc, op)

    def frame_end(self, f) -> None:
        for t in self.stepping:
            t.frame_end(f)

    def enter(self, kind: int, sender: bytes, to: bytes, value: int | None, data: bytes,
              gas: int, depth: int) -> None:
        for t in self.tracers:
            t.enter(kind, sender, to, value, data, gas, depth)

    def exit(self, depth: int, gas_used: int, output: bytes, error: object) -> None:
        for t in self.tracers:
            t.exit(depth, gas_used, output, error)
