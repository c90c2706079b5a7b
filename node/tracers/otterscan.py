"""Otterscan's ots_* API (level 8) over the devnet's chain, as Erigon defines it and Anvil answers
it: internal operations and the calls of a transaction, its revert data, block fees and paged
block transactions, address history searches, a contract's creator and a transaction by sender
and nonce. Mixed into Devnet beside Tracing; rpc/ writes the JSON.

There are no indexes: a search replays the blocks it scans (those with transactions), one page
at a time (at most MAX_PAGE_SIZE results, more only to finish the last block found), on a reader
thread under --rpc-timeout. A contract's creator and a transaction by nonce are found by binary
search over the state of past blocks (code appears, the nonce passes), then one block's replay.
"""
from pydevnet.node.chain.blocks import Block, Header
from pydevnet.node.queries import ReceiptView
from pydevnet.node.tracers.call import CALLS, CallFrame, CallTracerConfig
from pydevnet.node.tracers.replay import NotTraceable
from pydevnet.node.tracers.session import ParityConfig
from pydevnet.vm.opcodes.system import CALL, CREATE, CREATE2, SELFDESTRUCT

MAX_PAGE_SIZE = 100
OP_TRANSFER, OP_SELF_DESTRUCT, OP_CREATE, OP_CREATE2 = 0, 1, 2, 3
_OPERATIONS = {CREATE: OP_CREATE, CREATE2: OP_CREATE2, SELFDESTRUCT: OP_SELF_DESTRUCT}


class PageTooLarge(ValueError):
    def __init__(self) -> None:
        super().__init__(f"max allowed page size: {MAX_PAGE_SIZE}")


class SearchPage:
    """A page of address history, most recent first."""

    __slots__ = ("views", "first_page", "last_page")

    def __init__(self, views: list[ReceiptView], first_page: bool, last_page: bool) -> None:
        self.views = views
        self.first_page = first_page
        self.last_page = last_page


def _walk(frame: CallFrame, depth: int = 0):
    """(frame, depth) in execution order."""
    stack = [(frame, depth)]
    while stack:
        f, d = stack.pop()
        yield f, d
        stack.extend((c, d + 1) for c in reversed(f.calls))


def _touches(frame: CallFrame, address: bytes) -> bool:
    return any(f.sender == address or f.to == address for f, _ in _walk(frame))


class Otterscan:
    """Needs Tracing and Queries."""

    def _call_tree(self, tx_hash: bytes) -> CallFrame | None:
        try:
            return self.trace_transaction(tx_hash, CallTracerConfig())
        except NotTraceable:
            return None

    def ots_internal_operations(self, tx_hash: bytes) -> list[tuple] | None:
        """(type, from, to, value) of each value transfer by CALL, creation and SELFDESTRUCT in
        execution order, the transaction's own call or creation included (as Anvil lists them);
        None if the transaction is unknown."""
        root = self._call_tree(tx_hash)
        if root is None:
            return None
        out = []
        for f, _ in _walk(root):
            if f.kind == CALL and f.value:
                out.append((OP_TRANSFER, f.sender, f.to, f.value))
            elif f.kind in _OPERATIONS:
                out.append((_OPERATIONS[f.kind], f.sender, f.to, f.value))
        return out

    def ots_trace(self, tx_hash: bytes) -> list[tuple] | None:
        """(kind, depth, from, to, value, input, output) of every message of the CALL family in
        execution order, calls to precompiles included, as Anvil answers (its entries come from
        the Parity trace's calls: creations and SELFDESTRUCTs are left out, the depth still
        counts them); a STATICCALL's value is 0, a DELEGATECALL's its context's."""
        root = self._call_tree(tx_hash)
        if root is None:
            return None
        return [(f.kind, depth, f.sender, f.to, f.value or 0, f.input, f.output)
                for f, depth in _walk(root) if f.kind in CALLS]

    def ots_transaction_error(self, tx_hash: bytes) -> bytes:
        """A failed transaction's output (its revert data); empty otherwise."""
        view = self.receipt(tx_hash)
        if view is None or view.receipt.status:
            return b""
        return self._replay(view.header, view.index, ParityConfig(()))[0][1].output

    def ots_block_fees(self, header: Header) -> int:
        """What the block's senders paid for gas (base fee and tips)."""
        return sum(v.receipt.gas_used * v.receipt.effective_gas_price
                   for v in self.block_receipts(header))

    def ots_block_page(self, ref, page: int, size: int) -> tuple | None:
        """(block, receipt views) of one page of the block's transactions, counted from its
        start as Anvil pages them: page 0 holds the first `size`."""
        header = self.header_for(ref)
        if header is None:
            return None
        views = self.block_receipts(header)
        return (Block(header, self.chain.db.transactions(header.hash)),
                views[page * size:(page + 1) * size])

    def ots_search(self, address: bytes, block_number: int, page_size: int,
                   before: bool) -> SearchPage:
        """Transactions touching `address` (as sender, recipient or anywhere in their calls)
        before or after `block_number`, exclusive (0: from the head, or from genesis), at least
        `page_size` of them when there are, whole blocks at a time."""
        if page_size > MAX_PAGE_SIZE:
            raise PageTooLarge()
        head = self.chain.head.number
        if before:
            start = head if block_number == 0 else min(block_number - 1, head)
            blocks, first_page = range(start, 0, -1), start >= head
        else:
            start = 1 if block_number == 0 else block_number + 1
            blocks, first_page = range(start, head + 1), start > head
        found: list[ReceiptView] = []
        complete = True
        for n in blocks:
            if len(found) >= page_size:
                complete = False
                break
            found.extend(self._block_matches(n, address, newest_first=before))
        if before:
            return SearchPage(found, first_page, complete)
        found.reverse()
        return SearchPage(found, first_page or complete, block_number == 0)

    def _block_matches(self, number: int, address: bytes, newest_first: bool) -> list:
        header = self.chain.header_by_number(number)
        if not self.chain.db.transactions(header.hash):
            return []
        views = self.block_receipts(header)
        hits = [views[i] for i, (_, r) in enumerate(self._replay(header, None, ParityConfig()))
                if _touches(r.trace.calls[0].frame, address)]
        return hits[::-1] if newest_first else hits

    def ots_contract_creator(self, address: bytes) -> tuple[bytes, bytes] | None:
        """(transaction hash, creator) of the contract at `address`: the block where its code
        appeared, replayed; None for an account without code, genesis code or code set by a dev
        method."""
        n = self._first_block_where(lambda st: bool(st.get_code(address)))
        if not n:
            return None
        header = self.chain.header_by_number(n)
        for tx_hash, replay in self._replay(header, None, ParityConfig()):
            for call in replay.trace.calls:
                f = call.frame
                if f.kind in (CREATE, CREATE2) and f.error is None and f.to == address:
                    return tx_hash, f.sender
        return None

    def ots_transaction_by_nonce(self, sender: bytes, nonce: int) -> bytes | None:
        """The hash of `sender`'s mined transaction with `nonce`, or None."""
        n = self._first_block_where(lambda st: st.get_nonce(sender) > nonce)
        if not n:
            return None
        for tx in self.chain.db.transactions(self.chain.header_by_number(n).hash):
            if tx.sender == sender and tx.nonce == nonce:
                return tx.hash
        return None

    def _first_block_where(self, holds) -> int | None:
        """The first block after whose state `holds` is true, assuming it stays true once it is
        (code is never removed, nonces only grow); None if it is not true at the head."""
        chain = self.chain

        def at(n: int) -> bool:
            return holds(chain.state_at(chain.header_by_number(n)))
        lo, hi = 0, chain.head.number
        if not at(hi):
            return None
        if at(lo):
            return 0
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if at(mid) else (mid, hi)
        return hi
