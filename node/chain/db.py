"""The chain database on a key-value store (LevelDB under --datadir, memory with --memory).

Key layout (schema 3): every record kind has its own one-byte prefix, trie nodes and code
included, so a prefix scan (the pool restore) can only ever see its own kind:
  b"V"             schema version (b"3")     b"S"            digest of the genesis spec
  b"H"             head block hash         b"G"            genesis hash
  b"I"             chain id (8 bytes)      b"F"            the chain's fork (b"osaka", ...)
  b"t" + hash      trie node (state/trie.py)  b"c" + hash    contract code (state/statedb.py)
  b"n" + num(8)    canonical block hash    b"h" + hash     header RLP
  b"b" + hash      body RLP                b"r" + hash     receipt records RLP
  b"l" + txhash    rlp([block number, index]) (transaction lookup)
  b"p" + txhash    raw transaction waiting in the pool (so an acknowledged one survives a restart;
                   a blob transaction's network form, sidecar included)
  b"o" + hash      state override: the root dev setters (anvil_setBalance, ...) left on top of the
                   block's own state root while it was the head; 'latest' reads it and the next
                   block builds on it, while the header (and its hash) never changes
  b"i" + txhash    the impersonated sender of a pooled or mined transaction whose signature is a
                   placeholder (anvil_impersonateAccount); the signature does not recover to it
  b"a" + address + bucket(8), b"e" + topic + bucket(8)
                   the log index: bitmaps of the canonical blocks with logs of an address or a
                   topic (node/chain/log_index.py), for eth_getLogs
  b"R" + ...       a fork's records (node/fork/): the fork point, remote stateRoots' numbers and
                   the remote's JSON answers about its history before the fork point

A header is decoded whatever its fork (node/chain/blocks.py), so a data dir of Cancun headers
reads as before; one without the b"F" record (written before forks were recorded) is Cancun's.

Schema 1 (no b"V" record) kept trie nodes under their bare 32-byte hash, in the same key space as
the records, so a pool scan also returned every node whose hash began with b"p". Opening such a
data dir moves its nodes under b"t" (one pass, idempotent if interrupted) and then records
schema 2. Schema 3 adds the log index: opening a schema-2 data dir builds it from the canonical
blocks' receipts, then records schema 3. A data dir from a newer schema is refused.

A block, its receipts, its lookups, its state nodes, the pool entries it consumes and the new head
pointer are written in one atomic batch; so are a dev setter's state nodes and override. Whether a
batch waits for the disk is the store's policy (state/store.py: unsynced by default, which survives
a crash of the node process; devnet --fsync for a crash of the machine); the schema migration is
always synced.
"""
from typing import Iterator

from pydevnet.state.rlp import decode, decode_int, encode
from pydevnet.state.statedb import CODE_PREFIX, PREIMAGE_PREFIX
from pydevnet.state.store import KVStore
from pydevnet.state.trie import NODE_PREFIX
from pydevnet.state.trie_nodes import rlp_items, rlp_list
from pydevnet.node.chain.blocks import Block, Header, Receipt
from pydevnet.node.chain import log_index
from pydevnet.node.chain.log_index import P_LOG_ADDRESS, P_LOG_TOPIC, LogIndex
from pydevnet.node.tx.decode import decode_transaction
from pydevnet.node.tx.signing import PLACEHOLDER_S
from pydevnet.node.tx.types import Transaction

K_SCHEMA = b"V"
K_GENESIS_SPEC = b"S"
K_HEAD = b"H"
K_GENESIS = b"G"
K_CHAIN_ID = b"I"
K_FORK = b"F"
P_NUMBER = b"n"
P_HEADER = b"h"
P_BODY = b"b"
P_RECEIPTS = b"r"
P_LOOKUP = b"l"
P_POOL = b"p"
P_OVERRIDE = b"o"
P_IMPERSONATED = b"i"
P_REMOTE = b"R"
PREFIXES = (K_SCHEMA, K_GENESIS_SPEC, K_HEAD, K_GENESIS, K_CHAIN_ID, K_FORK, NODE_PREFIX,
            CODE_PREFIX, P_NUMBER, P_HEADER, P_BODY, P_RECEIPTS, P_LOOKUP, P_POOL, P_OVERRIDE,
            P_IMPERSONATED, PREIMAGE_PREFIX, P_REMOTE, P_LOG_ADDRESS, P_LOG_TOPIC)
assert len({p[:1] for p in PREFIXES}) == len(PREFIXES), "two record kinds share a key prefix"

SCHEMA_VERSION = 3
LEGACY_NODE_KEY_LENGTH = 32  # schema 1: a trie node's key was its bare hash
MIGRATION_BATCH = 10_000
MAX_CACHED_HEADERS = 4096  # decoded headers kept; the cache starts over past this


class LayoutError(Exception):
    """The data dir's layout is one this version cannot read."""


def _num(n: int) -> bytes:
    return n.to_bytes(8, "big")


def receipts_rlp(receipts: list[Receipt]) -> bytes:
    """encode([r.to_record() for r in receipts]) without the generic encoder's dispatch for the
    records' ints and byte strings."""
    return rlp_list(b"".join([rlp_items(r.to_record()) for r in receipts]))


class ChainDB:
    def __init__(self, store: KVStore) -> None:
        self.store = store
        self._headers: dict[bytes, Header] = {}
        self.log_index = LogIndex(store)

    # -- layout --------------------------------------------------------------------------------
    def is_empty(self) -> bool:
        return self.store.get(K_GENESIS) is None

    def check_layout(self) -> int:
        """Bring an existing data dir to SCHEMA_VERSION (see the module docstring); returns the
        number of trie nodes moved (0 when it was current). A new store is left alone: its
        genesis batch records the version."""
        if self.is_empty():
            return 0
        raw = self.store.get(K_SCHEMA)
        version = 1 if raw is None else int(raw)
        if version > SCHEMA_VERSION:
            raise LayoutError(f"the data dir was written with storage schema {version}, newer "
                              f"than this pydevnet's ({SCHEMA_VERSION}): upgrade pydevnet or "
                              f"use another --datadir")
        moved = self._migrate_v1() if version == 1 else 0
        if version < 3:  # schema 2 -> 3: build the log index, then record the version
            log_index.build(self.store, P_NUMBER, P_RECEIPTS)
            self.store.write_batch({K_SCHEMA: b"3"}, sync=True)
        return moved

    def _migrate_v1(self) -> int:
        """Schema 1 -> 2: move every bare 32-byte key (only trie nodes had that length) under
        NODE_PREFIX, in batches; the version record comes last, so an interrupted migration
        simply runs again."""
        moved = 0
        puts: dict[bytes, bytes] = {}
        deletes: list[bytes] = []
        for key, value in self.store.iterate():
            if len(key) != LEGACY_NODE_KEY_LENGTH:
                continue
            puts[NODE_PREFIX + key] = value
            deletes.append(key)
            if len(deletes) >= MIGRATION_BATCH:
                self.store.write_batch(puts, deletes, sync=True)
                moved += len(deletes)
                puts, deletes = {}, []
        puts[K_SCHEMA] = b"2"
        self.store.write_batch(puts, deletes, sync=True)
        return moved + len(deletes)

    def genesis_spec(self) -> bytes | None:
        return self.store.get(K_GENESIS_SPEC)

    def fork(self) -> str | None:
        """The chain's fork as recorded, None in a data dir from before forks were recorded."""
        raw = self.store.get(K_FORK)
        return None if raw is None else raw.decode()

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
            self._remember(h)
        return h

    def transactions(self, block_hash: bytes) -> list[Transaction]:
        raw = self.store.get(P_BODY + block_hash)
        if raw is None:
            return []
        txs = decode(raw)[0]
        return [self.restore_sender(decode_transaction(encode(t) if isinstance(t, list) else t))
                for t in txs]

    def restore_sender(self, tx: Transaction) -> Transaction:
        """Give a decoded transaction its persisted impersonated sender, if it has one."""
        if tx.s == PLACEHOLDER_S:
            sender = self.store.get(P_IMPERSONATED + tx.hash)
            if sender is not None:
                tx.assume_sender(sender)
        return tx

    def state_override(self, block_hash: bytes) -> bytes | None:
        """The root dev setters left on top of the block's state root, if any."""
        return self.store.get(P_OVERRIDE + block_hash)

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

    def pool_transactions(self) -> Iterator[Transaction]:
        for _, raw in self.store.iterate(P_POOL):
            yield self.restore_sender(decode_transaction(raw))

    # -- writes --------------------------------------------------------------------------------
    def block_batch(self, block: Block, receipts: list[Receipt], batch: dict[bytes, bytes],
                    deletes: list[bytes]) -> None:
        """Add the block, its receipts, lookups and the new head to `batch`; the pool entries of
        its transactions to `deletes`."""
        h = block.hash
        batch[P_HEADER + h] = block.header.encode()
        batch[P_BODY + h] = block.body_encoding()
        batch[P_RECEIPTS + h] = receipts_rlp(receipts)
        batch[P_NUMBER + _num(block.number)] = h
        for i, tx in enumerate(block.transactions):
            batch[P_LOOKUP + tx.hash] = rlp_items((block.number, i))
            deletes.append(P_POOL + tx.hash)
            if tx.impersonated:
                batch[P_IMPERSONATED + tx.hash] = tx.sender
        deletes.append(P_OVERRIDE + h)  # a block re-mined after a rewind starts without one
        self.log_index.add_block(block.number, receipts, batch)
        batch[K_HEAD] = h

    def cache_header(self, header: Header) -> None:
        """Remember a header once its block is written (never before: a failed write must not
        leave a phantom block readable)."""
        self._remember(header)

    def _remember(self, header: Header) -> None:
        if len(self._headers) >= MAX_CACHED_HEADERS:
            self._headers.clear()
        self._headers[header.hash] = header

    def write(self, batch: dict[bytes, bytes], deletes: list[bytes] = ()) -> None:
        self.store.write_batch(batch, deletes)

    def override_batch(self, header: Header, root: bytes, batch: dict[bytes, bytes],
                       deletes: list[bytes]) -> None:
        """Record `root` as the state override of `header` (none if it is the header's own)."""
        if root == header.state_root:
            deletes.append(P_OVERRIDE + header.hash)
        else:
            batch[P_OVERRIDE + header.hash] = root

    def set_head(self, header: Header, root: bytes, drop_from: int | None = None) -> None:
        """Move the head (evm_revert-style rewinds) to `header` with the state `root`: canonical
        numbers above it are removed together with their transaction lookups, impersonated
        senders and state overrides, in one batch."""
        batch: dict[bytes, bytes] = {K_HEAD: header.hash}
        deletes: list[bytes] = []
        self.override_batch(header, root, batch, deletes)
        n = header.number + 1
        dropped = []
        while drop_from is not None:
            bh = self.hash_by_number(n)
            if bh is None:
                break
            deletes += [P_NUMBER + _num(n), P_OVERRIDE + bh]
            for tx in self.transactions(bh):
                deletes += [P_LOOKUP + tx.hash, P_IMPERSONATED + tx.hash]
            dropped.append((n, self.receipts(bh)))
            n += 1
        self.log_index.remove_blocks(dropped, batch, deletes)
        self.store.write_batch(batch, deletes)

    def add_pool_transaction(self, tx: Transaction, raw: bytes | None = None) -> None:
        """Persist a pooled transaction as `raw` (default tx.raw; a blob transaction's network
        form keeps its sidecar across a restart)."""
        batch = {P_POOL + tx.hash: raw or tx.raw}
        if tx.impersonated:
            batch[P_IMPERSONATED + tx.hash] = tx.sender
        self.store.write_batch(batch, ())

    def pool_deletes(self, hashes: list[bytes]) -> list[bytes]:
        """The keys of pooled transactions leaving the pool unmined."""
        return [P_POOL + h for h in hashes] + [P_IMPERSONATED + h for h in hashes]

    def remove_pool_transactions(self, hashes: list[bytes]) -> None:
        if hashes:
            self.store.write_batch({}, self.pool_deletes(hashes))
