"""The chain database on a key-value store (LevelDB under --datadir, memory with --memory).

Key layout (trie nodes live under their bare 32-byte hash and code under b"c" + hash, so every
other key has a one-byte prefix and a length other than 32):
  b"H"             head block hash         b"G"            genesis hash
  b"I"             chain id (8 bytes)
  b"n" + num(8)    canonical block hash    b"h" + hash     header RLP
  b"b" + hash      body RLP                b"r" + hash     receipt records RLP
  b"l" + txhash    rlp([block number, index]) (transaction lookup)
  b"p" + txhash    raw transaction waiting in the pool (so an acknowledged one survives a restart)

A block, its receipts, its lookups, its state nodes, the pool entries it consumes and the new head
pointer are written in one atomic, synced batch.
"""
from typing import Iterator

from state.rlp import decode, decode_int, encode
from state.store import KVStore
from node.blocks import Block, Header, Receipt
from node.transactions import Transaction, decode_transaction

K_HEAD = b"H"
K_GENESIS = b"G"
K_CHAIN_ID = b"I"
P_NUMBER = b"n"
P_HEADER = b"h"
P_BODY = b"b"
P_RECEIPTS = b"r"
P_LOOKUP = b"l"
P_POOL = b"p"


def _num(n: int) -> bytes:
    return n.to_bytes(8, "big")


class ChainDB:
    def __init__(self, store: KVStore) -> None:
        self.store = store
        self._headers: dict[bytes, Header] = {}

    # -- reads ---------------------------------------------------------------------------------
    def head_hash(self) -> bytes | None:
        return self.store.get(K_HEAD)

    def genesis_hash(self) -> bytes | None:
        return self.store.get(K_GENESIS)

    def hash_by_number(self, n: int) -> bytes | None:
        return self.store.get(P_NUMBER + _num(n))

    def header(self, block_hash: bytes) -> Header | None:
        h = self._headers.get(block_hash)
        if h is None:
            raw = self.store.get(P_HEADER + block_hash)
            if raw is None:
                return None
            h = Header.decode(raw)
            if len(self._headers) > 4096:
                self._headers.clear()
            self._headers[block_hash] = h
        return h

    def transactions(self, block_hash: bytes) -> list[Transaction]:
        raw = self.store.get(P_BODY + block_hash)
        if raw is None:
            return []
        txs = decode(raw)[0]
        return [decode_transaction(encode(t) if isinstance(t, list) else t) for t in txs]

    def block(self, block_hash: bytes) -> Block | None:
        h = self.header(block_hash)
        return None if h is None else Block(h, self.transactions(block_hash))

    def receipts(self, block_hash: bytes) -> list[Receipt]:
        raw = self.store.get(P_RECEIPTS + block_hash)
        return [] if raw is None else [Receipt.from_record(r) for r in decode(raw)]

    def lookup(self, tx_hash: bytes) -> tuple[int, int] | None:
        raw = self.store.get(P_LOOKUP + tx_hash)
        if raw is None:
            return None
        n, i = decode(raw)
        return decode_int(n), decode_int(i)

    def pool_transactions(self) -> Iterator[bytes]:
        for _, raw in self.store.iterate(P_POOL):
            yield raw

    # -- writes --------------------------------------------------------------------------------
    def block_batch(self, block: Block, receipts: list[Receipt], batch: dict[bytes, bytes],
                    deletes: list[bytes]) -> None:
        """Add the block, its receipts, lookups and the new head to `batch`; the pool entries of
        its transactions to `deletes`."""
        h = block.hash
        batch[P_HEADER + h] = block.header.encode()
        batch[P_BODY + h] = block.body_encoding()
        batch[P_RECEIPTS + h] = encode([r.to_record() for r in receipts])
        batch[P_NUMBER + _num(block.number)] = h
        for i, tx in enumerate(block.transactions):
            batch[P_LOOKUP + tx.hash] = encode([block.number, i])
            deletes.append(P_POOL + tx.hash)
        batch[K_HEAD] = h
        self._headers[h] = block.header

    def write(self, batch: dict[bytes, bytes], deletes: list[bytes] = ()) -> None:
        self.store.write_batch(batch, deletes, sync=True)

    def set_head(self, block_hash: bytes, number: int, drop_from: int | None = None) -> None:
        """Move the head (evm_revert-style rewinds): canonical numbers above `number` are
        removed together with their transaction lookups, in one synced batch."""
        deletes = []
        n = number + 1
        while drop_from is not None:
            bh = self.hash_by_number(n)
            if bh is None:
                break
            deletes.append(P_NUMBER + _num(n))
            deletes.extend(P_LOOKUP + tx.hash for tx in self.transactions(bh))
            n += 1
        self.store.write_batch({K_HEAD: block_hash}, deletes, sync=True)

    def add_pool_transaction(self, tx: Transaction) -> None:
        self.store.write_batch({P_POOL + tx.hash: tx.raw}, (), sync=True)

    def remove_pool_transactions(self, hashes: list[bytes]) -> None:
        if hashes:
            self.store.write_batch({}, [P_POOL + h for h in hashes], sync=True)
