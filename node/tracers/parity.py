"""Parity's (OpenEthereum's) trace module, as Anvil answers it: trace_transaction and trace_block
(the flat call traces of mined transactions), trace_replayTransaction, trace_replayBlockTransactions
and trace_call (any of trace, stateDiff, vmTrace), and trace_filter (the traces of a block range,
by sender and recipient, paged with after and count). Mixed into Devnet beside Tracing.

A trace's top call reports the gas left after intrinsic gas and what its execution used before
refunds, as Parity did. Calls to precompiles are listed by trace_transaction, trace_block and
trace_filter (Anvil's traces of mined transactions list them) but not by trace_replay* and
trace_call (Anvil's and reth's replays leave them out, as Parity did). trace_filter replays each block of its range that has transactions, on
a reader thread under --rpc-timeout; `after` and `count` stop the scan once the page is full.
"""
from pydevnet.node.calls import CallRequest
from pydevnet.node.queries import InvalidRange
from pydevnet.node.tracers.flat import FlatCall, FlatTrace
from pydevnet.node.tracers.replay import NotTraceable
from pydevnet.node.tracers.session import ParityConfig, Replay
from pydevnet.vm.opcodes.system import CREATE, CREATE2

REVERTED = "execution reverted"
MAX_TRACE_FILTER_BLOCKS = 100_000  # as eth_getLogs' range


class TraceFilter:
    """trace_filter's criteria; None block bounds are the first block and the head. `union`:
    a trace matches on its sender or its recipient (Anvil's and Erigon's default), else on both
    (mode "intersection"); an empty list matches any address."""

    __slots__ = ("from_block", "to_block", "from_addresses", "to_addresses", "after", "count",
                 "union")

    def __init__(self, from_block=None, to_block=None, from_addresses=(), to_addresses=(),
                 after: int = 0, count: int | None = None, union: bool = True) -> None:
        self.from_block = from_block
        self.to_block = to_block
        self.from_addresses = frozenset(from_addresses)
        self.to_addresses = frozenset(to_addresses)
        self.after = after
        self.count = count
        self.union = union

    def matches(self, call: FlatCall) -> bool:
        sender, recipient = endpoints(call)
        froms, tos = self.from_addresses, self.to_addresses
        from_ok = not froms or sender in froms
        to_ok = not tos or (recipient in tos if recipient is not None else False)
        if self.union:
            if not froms:
                return to_ok
            if not tos:
                return from_ok
            return from_ok or to_ok
        return from_ok and to_ok


def endpoints(call: FlatCall) -> tuple[bytes, bytes | None]:
    """A trace's sender and recipient as trace_filter sees them: a creation's recipient is the
    new contract (None if it failed short of a revert), a SELFDESTRUCT's the beneficiary."""
    f = call.frame
    if f.kind in (CREATE, CREATE2) and f.error is not None and f.error != REVERTED:
        return f.sender, None
    return f.sender, f.to


def _replayed(kinds: frozenset) -> ParityConfig:
    """trace_replay*'s and trace_call's config: no calls to precompiles, as Anvil and reth."""
    return ParityConfig(kinds, precompiles=False)


class ParityTracing:
    """Needs Tracing and Queries."""

    def parity_transaction(self, tx_hash: bytes) -> FlatTrace | None:
        """trace_transaction; None for an unknown or pending transaction."""
        try:
            located = self._located(tx_hash)
        except NotTraceable:
            return None
        return self._replay(*located, ParityConfig())[0][1].trace

    def parity_block(self, ref) -> list[FlatTrace]:
        """trace_block: every transaction's trace (none for genesis or an unknown block)."""
        header = self.header_for(ref)
        if header is None or header.number == 0:
            return []
        return [r.trace for _, r in self._replay(header, None, ParityConfig())]

    def replay_transaction(self, tx_hash: bytes, kinds: frozenset) -> Replay:
        return self._replay(*self._located(tx_hash), _replayed(kinds))[0][1]

    def replay_block(self, ref, kinds: frozenset) -> list[Replay]:
        header = self.require_header(ref)
        if header.number == 0:
            return []
        return [r for _, r in self._replay(header, None, _replayed(kinds))]

    def replay_call(self, req: CallRequest, ref, kinds: frozenset, overrides=None) -> Replay:
        return self.trace_call(req, ref, _replayed(kinds), overrides)

    def _number(self, ref) -> int:
        """A block number, or a tag's (latest, pending, safe, finalized: the head)."""
        return ref if isinstance(ref, int) else self.header_for(ref).number

    def filter_traces(self, flt: TraceFilter) -> list[tuple[FlatTrace, FlatCall]]:
        """trace_filter: the matching traces of the range in order (each with its transaction's
        trace), `after` skipped, at most `count`."""
        head = self.chain.head.number
        first = 0 if flt.from_block is None else self._number(flt.from_block)
        to_block = head if flt.to_block is None else self._number(flt.to_block)
        last = min(to_block, head)
        if first > last and to_block >= first:
            return []  # starts past the head
        if first > last:
            raise InvalidRange("invalid block range, ensure that to block is greater than "
                               "from block")
        if last - first > MAX_TRACE_FILTER_BLOCKS:
            raise InvalidRange(f"block range is too large (more than {MAX_TRACE_FILTER_BLOCKS} "
                               "blocks)")
        out: list[tuple[FlatTrace, FlatCall]] = []
        skip = flt.after
        if flt.count == 0:
            return out
        for n in range(max(first, 1), last + 1):
            header = self.chain.header_by_number(n)
            if not self.chain.db.transactions(header.hash):
                continue
            for _, replay in self._replay(header, None, ParityConfig()):
                trace = replay.trace
                for call in trace.calls:
                    if not flt.matches(call):
                        continue
                    if skip:
                        skip -= 1
                        continue
                    out.append((trace, call))
                    if flt.count is not None and len(out) >= flt.count:
                        return out
        return out
