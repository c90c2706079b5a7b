"""The chain: genesis, the head, the state at any block, and block production.

Blocks are deterministic: timestamp = parent timestamp + block period (unless a dev method set the
next timestamp, or --wallclock is on) and mixHash (PREVRANDAO) = keccak256(parent hash); every
block's base fee is the unit price. Blob gas follows EIP-4844 and the fork's blob schedule: a
block carries at most the fork's most blobs (a blob transaction that does not fit waits in the
pool for the next block), blobGasUsed counts them and excessBlobGas comes from the parent (under
EIP-7918 from Osaka), which sets the blob base fee.

The chain has one fork (genesis.json's config.fork or --hardfork), recorded in the data dir. From
Prague its genesis holds the system contracts (node/chain/system.py) as geth's dev mode does, and
every block makes their system calls: first EIP-4788 with parentBeaconBlockRoot (keccak256 of
the parent hash; a Cancun chain keeps the zero root and the genesis it always had) and EIP-2935
with the parent hash, then the transactions, then the EIP-7002 and EIP-7251 calls whose requests
the header commits to in requestsHash (EIP-7685). As in geth's dev mode, no deposit contract is
configured, so there are no EIP-6110 deposit requests. From Osaka a block stays within EIP-7934's
RLP size (a transaction that would pass it waits for the next block).

Mining applies transactions through the one state transition (node/chain/transition.py) with the
fixed-unit-price fee policy, then writes the state nodes, the block, its receipts and lookups and
the head pointer in one atomic, synced batch.

Dev setters (anvil_setBalance, ...) change the state on top of the head without touching its
header: the changed root is the head's state override (persisted in node/chain/db.py), which
every read of that block's state and the next block's execution use. A header's hash thus stays keccak(rlp) of
what was mined, and the next header's stateRoot includes the change.

A forked chain (node/fork/) starts at the remote block N instead of a genesis: N's header is its
first block and N's stateRoot its state, read lazily from the remote; headers before N are the
remote's, fetched once into the data dir.
"""
import logging
import time
from typing import Callable

from pydevnet.state.hashing import keccak256
from pydevnet.state.statedb import StateDB
from pydevnet.state.store import KVStore
from pydevnet.state.trie import NodeCache
from pydevnet.node.chain import system
from pydevnet.node.chain.blocks import (ZERO_HASH, Block, Header, Receipt, logs_bloom,
                                        receipts_root, transactions_root)
from pydevnet.node.chain.db import (K_CHAIN_ID, K_FORK, K_GENESIS, K_GENESIS_SPEC, K_SCHEMA,
                                    SCHEMA_VERSION, ChainDB)
from pydevnet.node.chain.errors import InvalidBlock
from pydevnet.node.chain.genesis import genesis_digest, genesis_header, genesis_state
from pydevnet.node.chain.headers import MAX_RLP_BLOCK_SIZE, next_excess_blob_gas
from pydevnet.node.chain.requests import requests_hash
from pydevnet.node.config import Genesis, fork_title
from pydevnet.node.tx.errors import BlobGasLimitReached, InvalidTransaction
from pydevnet.node.chain.fees import UnitPriceFees
from pydevnet.node.chain.transition import apply_transaction
from pydevnet.vm.forks import spec_for
from pydevnet.vm.frame import BlockEnv
from pydevnet.vm.spec import Spec


log = logging.getLogger("devnet")
MAX_CACHED_ACCOUNTS = 100_000  # the mining state's account cache is reopened past this
MAX_TIMESTAMP = 2 ** 64 - 1  # a header's timestamp is a uint64


class InvalidTimestamp(ValueError):
    """A dev method asked for a block timestamp that does not move forward."""


class TimestampLimit(Exception):
    """The next block's timestamp would not fit a header's uint64: nothing can be mined."""


class GenesisMismatch(Exception):
    """The data dir holds a chain started from another genesis (or of another fork)."""


# A bound on a block's RLP besides its transactions (the header, at most ~700 bytes, and the
# list prefixes), and on what a transaction adds beyond its own bytes (a typed one's string
# prefix), so a block filled against EIP-7934's cap with them stays within it.
BLOCK_RLP_OVERHEAD = 1024
TX_RLP_OVERHEAD = 8


class MinedBlock:
    __slots__ = ("block", "receipts", "rejected", "results")

    def __init__(self, block: Block, receipts: list[Receipt], rejected: list, results: list):
        self.block = block
        self.receipts = receipts
        self.rejected = rejected  # [(tx, InvalidTransaction)] left out of the block
        self.results = results  # TxResult per included transaction


def beacon_root(spec: Spec, parent_hash: bytes) -> bytes:
    """The parentBeaconBlockRoot of the node's blocks (there is no beacon chain): keccak256 of
    the parent hash from Prague, zero in a Cancun chain (as its blocks always had)."""
    return keccak256(parent_hash) if spec.has(2935) else ZERO_HASH


class Chain:
    def __init__(self, store: KVStore, genesis: Genesis, wallclock: bool = False,
                 fork=None) -> None:
        self.store = store
        self.fork = fork  # node.fork.point.Fork of a forked chain, else None
        self.genesis = genesis
        self.db = ChainDB(store)
        self.fees = UnitPriceFees(genesis.unit_price)
        self.wallclock = wallclock
        self.next_timestamp: int | None = None  # set by dev methods
        self.time_offset = 0  # a one-time jump added to the next block's timestamp
        self.timestamp_interval: int | None = None  # anvil_setBlockTimestampInterval
        self.next_prevrandao: bytes | None = None  # anvil_setNextBlockPrevRandao: one block
        self.console = None  # told of calls to empty accounts while mining (console.log)
        moved = self.db.check_layout()
        if moved:
            log.info("data dir moved to storage schema %d (%d trie nodes re-keyed)",
                     SCHEMA_VERSION, moved)
        self._check_fork()
        self.spec = spec_for(genesis.fork)
        header = self._open_genesis()
        self.genesis_hash = header.hash
        head = self.db.header(self.db.head_hash())
        # (head header, state root after it): one attribute, replaced whole, so a reader on
        # another thread never pairs a head with another block's root
        self._tip: tuple[Header, bytes] = (head, self.db.state_override(head.hash)
                                           or head.state_root)
        self.node_cache = NodeCache()  # decoded trie nodes, shared by every state view below
        self._state: StateDB | None = None

    def _check_fork(self) -> None:
        """An existing data dir keeps its fork: taken when the genesis names none, an error when
        it names another (a data dir from before forks were recorded is Cancun's)."""
        if self.db.is_empty():
            return
        stored = self.db.fork() or "cancun"
        if not self.genesis.fork_chosen:
            self.genesis.fork = stored
        elif self.genesis.fork != stored:
            raise GenesisMismatch(
                f"the data dir holds a {fork_title(stored)} chain, but config.fork (or "
                f"--hardfork) says {fork_title(self.genesis.fork)}: use another --datadir or "
                f"--hardfork {stored}")

    def _open_genesis(self) -> Header:
        """Write the genesis block into a new store, or check that the store's chain started
        from this genesis. The genesis state is built again only when the spec digest differs
        (or was never recorded): a large alloc costs its trie once, not at every start."""
        genesis, db = self.genesis, self.db
        if self.fork is not None:
            return self._open_fork()
        spec = genesis_digest(genesis)
        stored = db.genesis_hash()
        if stored is None:
            batch: dict[bytes, bytes] = {}
            header = genesis_header(genesis, genesis_state(self.store, genesis, batch))
            batch[K_GENESIS] = header.hash
            batch[K_CHAIN_ID] = genesis.chain_id.to_bytes(8, "big")
            batch[K_SCHEMA] = str(SCHEMA_VERSION).encode()
            batch[K_GENESIS_SPEC] = spec
            batch[K_FORK] = genesis.fork.encode()
            db.block_batch(Block(header, []), [], batch, [])
            db.write(batch)
            return header
        if db.genesis_spec() == spec:
            header = genesis_header(genesis, db.header(stored).state_root)
        else:
            header = genesis_header(genesis, genesis_state(self.store, genesis, {}))
        if stored != header.hash:
            raise GenesisMismatch(
                f"the data dir holds a chain with genesis 0x{stored.hex()}, but this genesis "
                f"hashes to 0x{header.hash.hex()}: use another --datadir or the original genesis")
        chain_id = int.from_bytes(self.store.get(K_CHAIN_ID) or b"", "big")
        if chain_id != genesis.chain_id:
            raise GenesisMismatch(f"the data dir holds chain id {chain_id}, but this genesis "
                                  f"says {genesis.chain_id}")
        if db.genesis_spec() != spec or db.fork() is None:
            db.write({K_GENESIS_SPEC: spec, K_FORK: genesis.fork.encode()})
        return header

    def _open_fork(self) -> Header:
        """Write the remote block N as the first block of a new store, or check that the store
        was forked there (same block, same chain id)."""
        fork, db, genesis = self.fork, self.db, self.genesis
        header = fork.header
        stored = db.genesis_hash()
        if stored is None:
            batch = fork.first_block_batch()
            batch.update({K_GENESIS: header.hash, K_CHAIN_ID: genesis.chain_id.to_bytes(8, "big"),
                          K_SCHEMA: str(SCHEMA_VERSION).encode(), K_GENESIS_SPEC: b"fork",
                          K_FORK: genesis.fork.encode()})
            db.block_batch(Block(header, []), [], batch, [])
            self._fund_accounts(header, batch)
            db.write(batch)
        elif stored != header.hash:
            raise GenesisMismatch(f"the data dir holds a chain starting at 0x{stored.hex()}, "
                                  f"not the fork block 0x{header.hash.hex()}: use another "
                                  f"--datadir")
        chain_id = int.from_bytes(self.store.get(K_CHAIN_ID) or b"", "big")
        if chain_id != genesis.chain_id:
            raise GenesisMismatch(f"the data dir holds chain id {chain_id}, but the fork says "
                                  f"{genesis.chain_id}")
        return header

    def _fund_accounts(self, header: Header, batch: dict) -> None:
        """genesis.json's alloc (the dev accounts) gets its balances on the forked state, as
        Anvil funds its dev accounts on a fork: the fork block's state override."""
        st = StateDB(self.store, header.state_root)
        for addr, acct in self.genesis.alloc.items():
            st.set_balance(addr, acct.balance)
        st.begin_tx()
        self.db.override_batch(header, st.commit(batch), batch, [])

    # -- reads ---------------------------------------------------------------------------------
    @property
    def head(self) -> Header:
        return self._tip[0]

    @property
    def head_root(self) -> bytes:
        return self._tip[1]

    def header_by_number(self, n: int) -> Header | None:
        if n > self.head.number:
            return None
        h = self.db.hash_by_number(n)
        if h is None and self.fork is not None:
            return self.fork.remote_header(n)
        return None if h is None else self.db.header(h)

    def state_root_of(self, header: Header) -> bytes:
        """The root of the state after `header`: its stateRoot, or the override dev setters
        left on it while it was the head (what the next block was built on)."""
        head, root = self._tip
        if header.hash == head.hash:
            return root
        return self.db.state_override(header.hash) or header.state_root

    def state_at(self, header: Header) -> StateDB:
        """A fresh, disposable view of the state after `header` (reads only, or throw away)."""
        return StateDB(self.store, self.state_root_of(header), self.node_cache)

    def head_state(self) -> StateDB:
        """The head state used for mining; its caches survive from block to block."""
        if self._state is None:
            self._state = StateDB(self.store, self.head_root, self.node_cache)
        return self._state

    def modify_head_state(self, change: Callable[[StateDB], None]) -> bytes:
        """Apply a dev setter's `change` to the state at the head and persist the new root as
        the head's state override, with its trie nodes, in one synced batch; returns the root.
        The head header is left as it was mined."""
        st = self.state_at(self.head)
        change(st)
        st.begin_tx()
        batch: dict[bytes, bytes] = {}
        deletes: list[bytes] = []
        root = st.commit(batch)
        self.db.override_batch(self.head, root, batch, deletes)
        self.db.write(batch, deletes)
        self._tip = (self.head, root)
        self._state = st  # committed and clean: the next block builds on it
        return root

    def block_hash(self, n: int) -> bytes | None:
        if not 0 <= n <= self.head.number:
            return None
        h = self.db.hash_by_number(n)
        if h is None and self.fork is not None:
            header = self.fork.remote_header(n)
            return None if header is None else header.hash
        return h

    def env_for(self, parent: Header, timestamp: int | None = None) -> BlockEnv:
        """The environment of a new block on top of `parent`."""
        ts = self._timestamp(parent) if timestamp is None else timestamp
        return BlockEnv(spec=self.spec, coinbase=self.genesis.coinbase,
                        number=parent.number + 1, timestamp=ts,
                        gas_limit=self.genesis.gas_limit,
                        prevrandao=int.from_bytes(self.next_prevrandao
                                                  or keccak256(parent.hash), "big"),
                        base_fee=self.genesis.unit_price, chain_id=self.genesis.chain_id,
                        excess_blob_gas=self.next_excess_blob_gas(parent),
                        block_hash=self.block_hash)

    def next_excess_blob_gas(self, parent: Header) -> int:
        """EIP-4844: the excess blob gas of the block after `parent` (EIP-7918 from Osaka)."""
        return next_excess_blob_gas(self.spec, parent)

    def next_blob_base_fee(self) -> int:
        """The blob base fee of the block after the head (EIP-4844)."""
        return self.spec.blob.base_fee(self.next_excess_blob_gas(self.head))

    def blob_base_fee_of(self, header: Header) -> int:
        """The blob base fee block `header` charged."""
        return self.spec.blob.base_fee(header.excess_blob_gas)

    def env_of(self, header: Header) -> BlockEnv:
        """The environment block `header` itself ran in (for eth_call at that block)."""
        return BlockEnv(spec=self.spec, coinbase=header.coinbase, number=header.number,
                        timestamp=header.timestamp, gas_limit=header.gas_limit,
                        prevrandao=int.from_bytes(header.mix_hash, "big"),
                        base_fee=header.base_fee, chain_id=self.genesis.chain_id,
                        excess_blob_gas=header.excess_blob_gas, block_hash=self.block_hash)

    def begin_block(self, state: StateDB, env: BlockEnv, header: Header) -> None:
        """Redo the system calls `header`'s block made before its transactions (EIP-4788,
        EIP-2935), on its parent's state: a replay of its transactions starts from there."""
        system.begin_block(state, env, header.parent_hash, header.parent_beacon_block_root)

    def _timestamp(self, parent: Header) -> int:
        if self.next_timestamp is not None:
            return self.next_timestamp
        step = self.genesis.block_period if self.timestamp_interval is None \
            else self.timestamp_interval
        ts = parent.timestamp + step + self.time_offset
        if self.wallclock:
            ts = max(parent.timestamp + 1, int(time.time()) + self.time_offset)
        return ts

    # -- mining --------------------------------------------------------------------------------
    def _build(self, state: StateDB, env: BlockEnv, txs: list, batch: dict) -> MinedBlock:
        """Apply as many of `txs` as are valid to `state` and assemble the block on the head,
        with the fork's system calls before and after them; the new state nodes go into
        `batch`."""
        parent = self.head
        root_of_beacon = beacon_root(self.spec, parent.hash)
        system.begin_block(state, env, parent.hash, root_of_beacon)
        included, receipts, rejected, results = self._apply(state, env, txs)
        requests = self._requests(state, env) if self.spec.has(7685) else None
        root = state.commit(batch)
        header = Header(
            parent_hash=parent.hash, coinbase=env.coinbase, state_root=root,
            transactions_root=transactions_root([t.raw for t in included]),
            receipts_root=receipts_root(receipts),
            logs_bloom=logs_bloom([x for r in receipts for x in r.logs]), number=env.number,
            gas_limit=env.gas_limit, gas_used=receipts[-1].cumulative_gas_used if receipts else 0,
            timestamp=env.timestamp, extra_data=b"", mix_hash=env.prevrandao.to_bytes(32, "big"),
            base_fee=env.base_fee, blob_gas_used=sum(r.blob_gas_used for r in receipts),
            excess_blob_gas=env.excess_blob_gas, parent_beacon_block_root=root_of_beacon,
            requests_hash=None if requests is None else requests_hash(requests))
        return MinedBlock(Block(header, included), receipts, rejected, results)

    def _apply(self, state: StateDB, env: BlockEnv, txs: list) -> tuple[list, list, list, list]:
        """(included, receipts, rejected, results): every valid one of `txs` that fits. A blob
        transaction the block has no blob gas left for, or one that would take the block past
        EIP-7934's size, is left out, not rejected, and so are its sender's later ones (their nonces would not follow): they stay in the pool for the next
        block."""
        included, receipts, rejected, results = [], [], [], []
        gas_used = blob_gas_used = 0
        size_left = MAX_RLP_BLOCK_SIZE - BLOCK_RLP_OVERHEAD if self.spec.has(7934) else None
        deferred: set[bytes] = set()
        for tx in txs:
            if tx.sender in deferred:
                continue
            if size_left is not None and len(tx.raw) + TX_RLP_OVERHEAD > size_left:
                deferred.add(tx.sender)
                continue
            try:
                r = apply_transaction(state, env, tx, tx.sender, self.fees, gas_used,
                                      blob_gas_used)
            except BlobGasLimitReached:
                deferred.add(tx.sender)
                continue
            except InvalidTransaction as e:
                rejected.append((tx, e))
                continue
            gas_used += r.gas_used
            blob_gas_used += r.blob_gas_used
            if size_left is not None:
                size_left -= len(tx.raw) + TX_RLP_OVERHEAD
            included.append(tx)
            results.append(r)
            receipts.append(Receipt(tx.type, 1 if r.success else 0, gas_used, r.logs,
                                    r.gas_used, r.gas_price, r.contract_address,
                                    r.blob_gas_used))
        return included, receipts, rejected, results

    def _requests(self, state: StateDB, env: BlockEnv) -> list[bytes]:
        """EIP-7685: the block's requests, from the EIP-7002 and EIP-7251 system calls (no
        deposit contract is configured). A request contract that a dev method broke (its code
        removed, or code that fails) contributes nothing and is logged: the devnet keeps mining
        where Ethereum would call the block invalid."""
        def broken(e: InvalidBlock) -> None:
            log.warning("%s: this block carries no requests from it", e)
        return system.dequeue_requests(state, env, on_error=broken)

    def mine(self, txs: list, timestamp: int | None = None) -> MinedBlock:
        """Build, commit and persist the next block with as many of `txs` as are valid."""
        env = self.env_for(self.head, timestamp)
        env.console = self.console
        if env.timestamp > MAX_TIMESTAMP:
            raise TimestampLimit(f"the next block's timestamp {env.timestamp} would pass "
                                 f"2**64 - 1: no block can be mined on this chain")
        batch: dict[bytes, bytes] = {}
        deletes: list[bytes] = []
        try:
            m = self._build(self.head_state(), env, txs, batch)
            self.db.block_batch(m.block, m.receipts, batch, deletes)
            deletes += self.db.pool_deletes([tx.hash for tx, _ in m.rejected])
            self.db.write(batch, deletes)
        except BaseException:
            # The cached state may hold half a block, or a whole one whose write failed (its
            # trie nodes marked stored though they never reached the disk): rebuild it from
            # the last committed root, so nothing of this block leaks into the next.
            self._state = None
            raise
        self.db.cache_header(m.block.header)
        self._tip = (m.block.header, m.block.header.state_root)
        self.next_timestamp = None
        self.next_prevrandao = None  # as the timestamp: set for one block only
        self.time_offset = 0  # an evm_increaseTime jump applies once
        if self._state is not None and self._state.cached_accounts() > MAX_CACHED_ACCOUNTS:
            self._state = None  # committed and clean: reopening loses nothing but cache
        return m

    def preview(self, txs: list) -> MinedBlock:
        """The block `txs` would make next, executed on a throwaway state (the pending block)."""
        return self._build(self.state_at(self.head), self.env_for(self.head), txs, {})

    def check_timestamp(self, ts: int) -> None:
        if ts <= self.head.timestamp:
            raise InvalidTimestamp(f"timestamp {ts} is lower than or equal to the previous "
                                   f"block's timestamp {self.head.timestamp}")

    def rewind(self, header: Header, root: bytes) -> None:
        """Make `header` (the head or an ancestor) the head again with the state `root`, its
        state as it was when evm_snapshot was taken (dev setters included)."""
        self.db.set_head(header, root, drop_from=header.number + 1)
        self._tip = (header, root)
        self._state = None
