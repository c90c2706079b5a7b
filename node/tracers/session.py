"""One traced transaction or call: the tracer its config asks for, started before the transaction
runs, and the result built from it afterwards.

Configs and results: TraceConfig -> Trace (the opcode logger); CallTracerConfig -> CallFrame
(callTracer); FlatCallConfig -> FlatTrace (flatCallTracer); PrestateConfig -> Prestate;
FourByteConfig -> FourByteResult; MuxConfig -> MuxResult (each named tracer's own result);
ParityConfig -> Replay (the trace_* methods); NoopConfig -> None.
"""
from pydevnet.node.tracers.call import CallFrame, CallTracer, CallTracerConfig
from pydevnet.node.tracers.flat import (GETH_PARITY_ERRORS, PARITY_ERRORS, FlatCallConfig,
                                        FlatTrace, TxContext, flatten)
from pydevnet.node.tracers.fourbyte import FourByteConfig, FourByteTracer
from pydevnet.node.tracers.mux import MuxConfig, MuxTracer
from pydevnet.node.tracers.prestate import PrestateConfig, PrestateTracer
from pydevnet.node.tracers.state_diff import diff_tracer, state_diff
from pydevnet.node.tracers.struct_logger import Budget, StructLogger, Trace, TraceConfig
from pydevnet.node.tracers.vm_trace import VmTracer
from pydevnet.vm.opcodes.system import create_address

TRACE, STATE_DIFF, VM_TRACE = "trace", "stateDiff", "vmTrace"


class NoopConfig:
    """geth's noopTracer: runs the transaction, reports nothing."""


class ParityConfig:
    """Parity's trace types to produce: trace, stateDiff, vmTrace (trace_replay*, trace_call);
    trace alone for trace_transaction, trace_block and trace_filter. `precompiles`: whether the
    trace lists calls to precompiles (Anvil's trace_transaction does, its trace_replay* and
    reth's traces do not)."""

    __slots__ = ("kinds", "precompiles")

    def __init__(self, kinds=frozenset((TRACE,)), precompiles: bool = True) -> None:
        self.kinds = frozenset(kinds)
        self.precompiles = precompiles


class FourByteResult:
    __slots__ = ("ids",)

    def __init__(self, ids: dict) -> None:
        self.ids = ids  # (selector, argument bytes) -> calls


class MuxResult:
    __slots__ = ("results",)

    def __init__(self, results: dict) -> None:
        self.results = results  # tracer name -> its result


class Replay:
    """A Parity replay: the output and each part asked for (None when not asked for)."""

    __slots__ = ("output", "trace", "state_diff", "vm_trace", "context")

    def __init__(self, output: bytes, trace: FlatTrace | None, diff: dict | None,
                 vm_trace, context: TxContext) -> None:
        self.output = output
        self.trace = trace
        self.state_diff = diff
        self.vm_trace = vm_trace
        self.context = context


class Session:
    """Starts the configured tracer (self.tracer, None for nothing to trace), then `result`."""

    def __init__(self, config, state, env, sender: bytes, to: bytes | None,
                 context: TxContext, log_base: int = 0, budget: Budget | None = None) -> None:
        self.config = config
        self.state = state
        self.precompiles = env.spec.precompiles
        self.creation = to is None
        if self.creation:
            to = create_address(sender, state.get_nonce(sender))
        self.first = (sender, to, env.coinbase)
        self.context = context
        self.log_base = log_base
        self.budget = budget or Budget(0)
        self.tracers = {}  # id(config) -> its tracer
        self.tracer = self._start(config)

    def _start(self, config):
        t = self._make(config)
        self.tracers[id(config)] = t
        return t

    def _make(self, config):
        if isinstance(config, TraceConfig):
            return StructLogger(config, self.budget)
        if isinstance(config, CallTracerConfig):
            return CallTracer(config, self.state, self.log_base, self.precompiles)
        if isinstance(config, FlatCallConfig):
            return CallTracer(CallTracerConfig(), self.state, self.log_base, self.precompiles)
        if isinstance(config, PrestateConfig):
            return PrestateTracer(config, self.state, self.first, self.creation)
        if isinstance(config, FourByteConfig):
            return FourByteTracer(self.precompiles)
        if isinstance(config, MuxConfig):
            return MuxTracer([self._start(c) for c in config.tracers.values()])
        if isinstance(config, ParityConfig):
            return self._parity(config)
        return None

    def _parity(self, config: ParityConfig) -> MuxTracer:
        kinds = config.kinds
        call = CallTracer(CallTracerConfig(), self.state, self.log_base, self.precompiles)
        diff = diff_tracer(self.state, self.first, self.creation) if STATE_DIFF in kinds \
            else None
        vm = VmTracer(self.budget) if VM_TRACE in kinds else None
        self.parity_parts = (call, diff, vm)
        return MuxTracer([call, diff, vm])

    def result(self, gas_limit: int, gas_used: int, success: bool, output: bytes):
        """The tracer's result; gas_limit and gas_used are the transaction's (geth reports them
        for the top call)."""
        return self._result(self.config, gas_limit, gas_used, success, output)

    def _result(self, config, gas_limit: int, gas_used: int, success: bool, output: bytes):
        t = self.tracers.get(id(config))
        if isinstance(config, TraceConfig):
            return Trace(gas_used, success, output, t.logs)
        if isinstance(config, CallTracerConfig):
            return t.result(gas_limit, gas_used)
        if isinstance(config, FlatCallConfig):
            calls = flatten(t.result(gas_limit, gas_used), config.include_precompiles)
            errors = GETH_PARITY_ERRORS if config.convert_parity_errors else None
            return FlatTrace(calls, self.context, errors)
        if isinstance(config, PrestateConfig):
            return t.result()
        if isinstance(config, FourByteConfig):
            return FourByteResult(t.ids)
        if isinstance(config, MuxConfig):
            return MuxResult({name: self._result(c, gas_limit, gas_used, success, output)
                              for name, c in config.tracers.items()})
        if isinstance(config, ParityConfig):
            return self._replay_result(config, output)
        return None

    def _replay_result(self, config: ParityConfig, output: bytes) -> Replay:
        call, diff, vm = self.parity_parts
        trace = None
        if TRACE in config.kinds:
            # Parity's top call reports the gas after intrinsic gas and the gas its execution
            # used (before refunds): the tracer's own values, not geth's transaction totals
            trace = FlatTrace(flatten(call.root, config.precompiles), self.context,
                              PARITY_ERRORS)
        return Replay(output, trace, state_diff(diff, self.state) if diff else None,
                      vm.result() if vm else None, self.context)


def root_frame(result) -> CallFrame | None:
    """The top call of a Replay's trace."""
    return result.trace.calls[0].frame if result.trace and result.trace.calls else None
