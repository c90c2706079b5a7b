"""Replaying for debug_trace* and trace_*: a mined transaction is re-executed on its parent
block's state after the transactions before it in the block, with a tracer attached to it alone;
a call is executed like eth_call with a tracer attached. The config chooses the tracer
(node/tracers/session.py). Mixed into Devnet.

Traces are bounded by --trace-max-bytes (`trace_max_bytes`): one Budget per answer, shared by the
transactions of a traced block."""
from pydevnet.node.calls import ZERO_ADDRESS, CallRequest, apply_overrides, execute_call
from pydevnet.node.chain.transition import apply_transaction
from pydevnet.node.queries import PENDING
from pydevnet.node.tracers.flat import TxContext
from pydevnet.node.tracers.session import Session
from pydevnet.node.tracers.struct_logger import DEFAULT_TRACE_MAX_BYTES, Budget


class NotTraceable(Exception):
    """Nothing to replay: an unknown transaction, or the genesis block."""


class Tracing:
    """Needs self.chain and the Queries mixin."""

    trace_max_bytes = DEFAULT_TRACE_MAX_BYTES  # Devnet sets its own (--trace-max-bytes)

    def _replay(self, header, stop_after: int | None, config) -> list:
        """(tx hash, result) for the block's transactions up to `stop_after` (all if None)."""
        if header.number == 0:
            raise NotTraceable("genesis is not traceable")
        chain = self.chain
        state = chain.state_at(chain.header_by_number(header.number - 1))
        env = chain.env_of(header)
        chain.begin_block(state, env, header)  # the fork's system calls (EIP-4788, EIP-2935)
        txs = chain.db.transactions(header.hash)
        last = len(txs) - 1 if stop_after is None else stop_after
        budget = Budget(self.trace_max_bytes)
        out, gas_used, log_count = [], 0, 0
        for i, tx in enumerate(txs[:last + 1]):
            session = None
            if stop_after in (None, i):
                context = TxContext(header.hash, header.number, tx.hash, i)
                session = Session(config, state, env, tx.sender, tx.to, context, log_count,
                                  budget)
            r = apply_transaction(state, env, tx, tx.sender, chain.fees, gas_used,
                                  tracer=session and session.tracer)
            gas_used += r.gas_used
            log_count += len(r.logs)
            if session is not None:
                out.append((tx.hash, session.result(tx.gas_limit, r.gas_used, r.success,
                                                    r.output)))
        return out

    def _located(self, tx_hash: bytes):
        """The mined transaction's (header, index), or NotTraceable."""
        loc = self.transaction(tx_hash)
        if loc is None or loc.header is None:
            raise NotTraceable("transaction not found")
        return loc.header, loc.index

    def trace_transaction(self, tx_hash: bytes, config):
        return self._replay(*self._located(tx_hash), config)[0][1]

    def trace_block(self, ref, config) -> list:
        return self._replay(self.require_header(ref), None, config)

    def trace_call(self, req: CallRequest, ref, config, overrides=None):
        header, env = self._call_context(ref if ref is not None else PENDING)
        state = self.chain.state_at(header)
        apply_overrides(state, overrides)
        gas_cap = self.call_gas_cap
        session = Session(config, state, env, req.sender or ZERO_ADDRESS, req.to, TxContext(),
                          0, Budget(self.trace_max_bytes))
        r = execute_call(state, env, req, gas_cap, tracer=session.tracer)
        gas_limit = min(req.gas if req.gas is not None else gas_cap, gas_cap)
        return session.result(gas_limit, r.gas_used, r.success, r.output)
