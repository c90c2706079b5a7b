"""Replaying for debug_trace*: a mined transaction is re-executed on its parent block's state
after the transactions before it in the block, with a tracer attached to it alone; a call is
executed like eth_call with a tracer attached. The config chooses the tracer: TraceConfig the
opcode logger (a Trace), CallTracerConfig geth's callTracer (a CallFrame tree), PrestateConfig
geth's prestateTracer (a Prestate), NoopConfig nothing (None). Mixed into Devnet."""
from pydevnet.node.tracers.call import CallTracer, CallTracerConfig
from pydevnet.node.calls import ZERO_ADDRESS, CallRequest, apply_overrides, execute_call
from pydevnet.node.tracers.prestate import PrestateConfig, PrestateTracer
from pydevnet.node.queries import PENDING
from pydevnet.node.tracers.struct_logger import StructLogger, Trace, TraceConfig
from pydevnet.node.chain.transition import apply_transaction
from pydevnet.vm.opcodes.system import create_address


class NotTraceable(Exception):
    """Nothing to replay: an unknown transaction, or the genesis block."""


class NoopConfig:
    """geth's noopTracer: runs the transaction, reports nothing."""


class _Session:
    """One traced transaction or call: starts the configured tracer, then builds its result."""

    def __init__(self, config, state, env, sender: bytes, to: bytes | None,
                 log_base: int) -> None:
        self.config = config
        self.state = state
        creation = to is None
        if creation:
            to = create_address(sender, state.get_nonce(sender))
        if isinstance(config, TraceConfig):
            self.tracer = StructLogger(config)
        elif isinstance(config, CallTracerConfig):
            self.tracer = CallTracer(config, state, log_base)
        elif isinstance(config, PrestateConfig):
            self.tracer = PrestateTracer(config, state, (sender, to, env.coinbase), creation)
        else:
            self.tracer = None

    def result(self, gas_limit: int, gas_used: int, success: bool, output: bytes):
        t = self.tracer
        if isinstance(t, StructLogger):
            return Trace(gas_used, success, output, t.logs)
        if isinstance(t, CallTracer):
            return t.result(gas_limit, gas_used)
        if isinstance(t, PrestateTracer):
            return t.result()
        return None


class Tracing:
    """Needs self.chain and the Queries mixin."""

    def _replay(self, header, stop_after: int | None, config) -> list:
        """(tx hash, result) for the block's transactions up to `stop_after` (all if None)."""
        if header.number == 0:
            raise NotTraceable("genesis is not traceable")
        chain = self.chain
        state = chain.state_at(chain.header_by_number(header.number - 1))
        env = chain.env_of(header)
        txs = chain.db.transactions(header.hash)
        last = len(txs) - 1 if stop_after is None else stop_after
        out, gas_used, log_count = [], 0, 0
        for i, tx in enumerate(txs[:last + 1]):
            session = None
            if stop_after in (None, i):
                session = _Session(config, state, env, tx.sender, tx.to, log_count)
            r = apply_transaction(state, env, tx, tx.sender, chain.fees, gas_used,
                                  tracer=session and session.tracer)
            gas_used += r.gas_used
            log_count += len(r.logs)
            if session is not None:
                out.append((tx.hash, session.result(tx.gas_limit, r.gas_used, r.success,
                                                    r.output)))
        return out

    def trace_transaction(self, tx_hash: bytes, config):
        loc = self.transaction(tx_hash)
        if loc is None or loc.header is None:
            raise NotTraceable("transaction not found")
        return self._replay(loc.header, loc.index, config)[0][1]

    def trace_block(self, ref, config) -> list:
        return self._replay(self.require_header(ref), None, config)

    def trace_call(self, req: CallRequest, ref, config, overrides=None):
        header, env = self._call_context(ref if ref is not None else PENDING)
        state = self.chain.state_at(header)
        apply_overrides(state, overrides)
        gas_cap = self.call_gas_cap
        session = _Session(config, state, env, req.sender or ZERO_ADDRESS, req.to, 0)
        r = execute_call(state, env, req, gas_cap, tracer=session.tracer)
        gas_limit = min(req.gas if req.gas is not None else gas_cap, gas_cap)
        return session.result(gas_limit, r.gas_used, r.success, r.output)
