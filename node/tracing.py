"""Replaying for debug_trace*: a mined transaction is re-executed on its parent block's state
after the transactions before it in the block, with the struct logger attached to it alone; a
call is executed like eth_call with the logger attached. Mixed into Devnet."""
from node.executor import CallRequest, apply_overrides, execute_call
from node.queries import PENDING
from node.struct_logger import StructLogger, Trace, TraceConfig
from node.transition import apply_transaction


class NotTraceable(Exception):
    """Nothing to replay: an unknown transaction, or the genesis block."""


class Tracing:
    """Needs self.chain and the Queries mixin."""

    def _replay(self, header, stop_after: int | None, config: TraceConfig) -> list:
        """(tx hash, Trace) for the block's transactions up to `stop_after` (all if None)."""
        if header.number == 0:
            raise NotTraceable("genesis is not traceable")
        chain = self.chain
        state = chain.state_at(chain.header_by_number(header.number - 1))
        env = chain.env_of(header)
        txs = chain.db.transactions(header.hash)
        last = len(txs) - 1 if stop_after is None else stop_after
        out, gas_used = [], 0
        for i, tx in enumerate(txs[:last + 1]):
            logger = StructLogger(config) if stop_after in (None, i) else None
            r = apply_transaction(state, env, tx, tx.sender, chain.fees, gas_used, tracer=logger)
            gas_used += r.gas_used
            if logger is not None:
                out.append((tx.hash, Trace(r.gas_used, r.success, r.output, logger.logs)))
        return out

    def trace_transaction(self, tx_hash: bytes, config: TraceConfig) -> Trace:
        loc = self.transaction(tx_hash)
        if loc is None or loc.header is None:
            raise NotTraceable("transaction not found")
        return self._replay(loc.header, loc.index, config)[0][1]

    def trace_block(self, ref, config: TraceConfig) -> list:
        return self._replay(self.require_header(ref), None, config)

    def trace_call(self, req: CallRequest, ref, config: TraceConfig, overrides=None) -> Trace:
        header, env = self._call_context(ref if ref is not None else PENDING)
        state = self.chain.state_at(header)
        apply_overrides(state, overrides)
        logger = StructLogger(config)
        r = execute_call(state, env, req, self.genesis.gas_limit, tracer=logger)
        return Trace(r.gas_used, r.success, r.output, logger.logs)
