"""Read-side queries over the chain: resolving block references, blocks, transactions, receipts,
logs, account state, Merkle proofs (EIP-1186) and fee history. The Devnet facade inherits these;
they run on the VM worker like everything else that touches the chain.
"""
from pydevnet.state.hashing import EMPTY_TRIE_ROOT
from pydevnet.state.statedb import StateDB
from pydevnet.state.trie import SecureTrie
from pydevnet.node.chain.blocks import Block, Header, Receipt
from pydevnet.node.filters import LogEntry, LogFilter, block_logs
from pydevnet.node.tx.types import Transaction

LATEST, EARLIEST, PENDING, SAFE, FINALIZED = "latest", "earliest", "pending", "safe", "finalized"
MAX_LOG_RANGE = 100_000


class BlockNotFound(Exception):
    pass


class InvalidRange(ValueError):
    """A log query whose range is reversed, beyond the head, or too large."""


class BlockRef:
    """An EIP-1898 reference by hash (optionally required to be canonical)."""

    __slots__ = ("hash", "require_canonical")

    def __init__(self, block_hash: bytes, require_canonical: bool = False) -> None:
        self.hash = block_hash
        self.require_canonical = require_canonical


class TxLocation:
    __slots__ = ("tx", "header", "index")

    def __init__(self, tx: Transaction, header: Header | None, index: int | None) -> None:
        self.tx = tx
        self.header = header  # None while pending
        self.index = index


class ReceiptView:
    __slots__ = ("receipt", "tx", "header", "index", "first_log_index", "blob_gas_price")

    def __init__(self, receipt: Receipt, tx: Transaction, header: Header, index: int,
                 first_log_index: int, blob_gas_price: int) -> None:
        self.receipt = receipt
        self.tx = tx
        self.header = header
        self.index = index
        self.first_log_index = first_log_index
        self.blob_gas_price = blob_gas_price  # the block's blob base fee (EIP-4844)


class Queries:
    """Mixed into Devnet: needs self.chain, self.pool and self.read_cache."""

    # -- block references ----------------------------------------------------------------------
    def header_for(self, ref) -> Header | None:
        """ref: a block number, a tag, or a BlockRef. 'pending' gives the head (callers that care
        about the pending block check for PENDING themselves); safe and finalized are the head,
        as on every instant-finality devnet."""
        chain = self.chain
        if isinstance(ref, int):
            return chain.header_by_number(ref)
        if isinstance(ref, BlockRef):
            h = chain.db.header(ref.hash)
            if h is None or h.number > chain.head.number:
                return None  # unknown, or rewound by evm_revert/anvil_rollback
            if chain.db.hash_by_number(h.number) != h.hash:
                return None  # left behind by anvil_reorg or debug_setHead, gone as in Anvil
            return h
        if ref == EARLIEST:
            return chain.header_by_number(0)
        return chain.head

    def require_header(self, ref) -> Header:
        h = self.header_for(ref)
        if h is None:
            raise BlockNotFound("header not found")
        return h

    def head_number(self) -> int:
        return self.chain.head.number

    # -- blocks and transactions ---------------------------------------------------------------
    def block(self, ref) -> Block | None:
        h = self.header_for(ref)
        return None if h is None else Block(h, self.chain.db.transactions(h.hash))

    def transaction(self, tx_hash: bytes) -> TxLocation | None:
        tx = self.pool.get(tx_hash)
        if tx is not None:
            return TxLocation(tx, None, None)
        loc = self.chain.db.lookup(tx_hash)
        if loc is None or loc[0] > self.chain.head.number:
            return None
        header = self.chain.header_by_number(loc[0])
        txs = self.chain.db.transactions(header.hash)
        return TxLocation(txs[loc[1]], header, loc[1])

    def receipt(self, tx_hash: bytes) -> ReceiptView | None:
        loc = self.chain.db.lookup(tx_hash)
        if loc is None or loc[0] > self.chain.head.number:
            return None
        header = self.chain.header_by_number(loc[0])
        views = self.block_receipts(header)
        return views[loc[1]] if loc[1] < len(views) else None

    def block_receipts(self, header: Header) -> list[ReceiptView]:
        txs = self.chain.db.transactions(header.hash)
        receipts = self.chain.db.receipts(header.hash)
        out, n = [], 0
        blob_price = self.chain.blob_base_fee_of(header)
        for i, (tx, r) in enumerate(zip(txs, receipts)):
            out.append(ReceiptView(r, tx, header, i, n, blob_price))
            n += len(r.logs)
        return out

    # -- logs ----------------------------------------------------------------------------------
    def logs(self, flt: LogFilter) -> list[LogEntry]:
        """Logs matching `flt`, its block tags resolved against the head now."""
        chain = self.chain
        flt = flt.resolve(chain.head.number)
        if flt.block_hash is not None:
            h = self.header_for(BlockRef(flt.block_hash))
            if h is None:
                raise BlockNotFound("unknown block")
            return self._block_entries(h, flt)
        head = chain.head.number
        to = flt.to_block
        if flt.from_block > to:
            raise InvalidRange("invalid block range params")
        if to > head:
            raise InvalidRange("block range extends beyond current head block")
        if to - flt.from_block > MAX_LOG_RANGE:
            raise InvalidRange(f"block range is too large (more than {MAX_LOG_RANGE} blocks)")
        out: list[LogEntry] = []
        # an address or topic filter reads only the blocks the log index marks
        # (node/chain/log_index.py); the receipts still decide
        indexed = chain.db.log_index.blocks(flt, flt.from_block, to)
        for n in range(flt.from_block, to + 1) if indexed is None else indexed:
            h = chain.header_by_number(n)
            if h.gas_used and flt.may_match_bloom(h.logs_bloom):
                out.extend(self._block_entries(h, flt))
        return out

    def filter_criteria(self, fid: int) -> LogFilter | None:
        """eth_getFilterLogs: the criteria of an installed log filter (None if there is none);
        `logs(criteria)` then resolves its range against the head."""
        f = self.filters.get(fid)
        return f.criteria if f is not None and f.kind == "logs" else None

    def _block_entries(self, h: Header, flt: LogFilter | None) -> list[LogEntry]:
        db = self.chain.db
        return block_logs(h, [t.hash for t in db.transactions(h.hash)], db.receipts(h.hash), flt)

    # -- state ---------------------------------------------------------------------------------
    def state_view(self, header: Header) -> StateDB:
        """A disposable view of the state after `header` for reads and calls, sharing decoded
        accounts, slots and code with the others (node/read_cache.py; self.read_cache)."""
        chain = self.chain
        return self.read_cache.view(chain.store, chain.state_root_of(header), chain.node_cache)

    def balance(self, addr: bytes, ref) -> int:
        return self.state_view(self.require_header(ref)).get_balance(addr)

    def code(self, addr: bytes, ref) -> bytes:
        return self.state_view(self.require_header(ref)).get_code(addr)

    def storage(self, addr: bytes, slot: int, ref) -> int:
        return self.state_view(self.require_header(ref)).get_storage(addr, slot)

    def nonce(self, addr: bytes, ref) -> int:
        n = self.state_view(self.require_header(ref)).get_nonce(addr)
        if ref == PENDING:
            n = self.pool.pending_nonce(addr, n)
        return n

    def proof(self, addr: bytes, slots: list[int], ref) -> tuple:
        """EIP-1186: (account, account proof, [(slot, value, proof)])."""
        header = self.require_header(ref)
        st = self.state_view(header)
        acct = st.account(addr)
        account_proof = SecureTrie(self.chain.store, self.chain.state_root_of(header),
                                   self.chain.node_cache).prove(addr)
        root = acct.storage_root if acct is not None else EMPTY_TRIE_ROOT
        storage_trie = SecureTrie(self.chain.store, root, self.chain.node_cache)
        storage = [(s, st.get_storage(addr, s), storage_trie.prove(s.to_bytes(32, "big")))
                   for s in slots]
        return acct, account_proof, storage

    # -- fees ----------------------------------------------------------------------------------
    def next_blob_base_fee(self) -> int:
        """eth_blobBaseFee: the blob base fee of the block after the head (EIP-4844)."""
        return self.chain.next_blob_base_fee()

    def fee_history(self, count: int, newest_ref, percentiles: list[float]) -> tuple:
        """(oldest block, base fees [count+1], gas used ratios, rewards, blob base fees
        [count+1], blob gas ratios). Every block's base fee is the unit price and every
        transaction pays exactly it, so priority-fee rewards are all zero; blob base fees follow
        EIP-4844 from each block's excess blob gas (the last one: the next block's)."""
        newest = self.require_header(newest_ref)
        count = max(0, min(count, newest.number + 1, 1024))
        oldest = newest.number - count + 1
        headers = [self.chain.header_by_number(n) for n in range(oldest, newest.number + 1)]
        base = [h.base_fee for h in headers] + [self.chain.genesis.unit_price]
        ratios = [h.gas_used / h.gas_limit for h in headers]
        rewards = [[0] * len(percentiles) for _ in headers] if percentiles else None
        chain = self.chain
        blob_base = [chain.blob_base_fee_of(h) for h in headers]
        blob_base.append(chain.spec.blob.base_fee(chain.next_excess_blob_gas(newest)))
        blob_ratios = [h.blob_gas_used / chain.spec.blob.max_gas for h in headers]
        return oldest, base, ratios, rewards, blob_base, blob_ratios

