"""The genesis state of a new chain, built in one pass.

A genesis alloc can hold a million accounts. Putting them into a trie one by one copies a path
per key and keeps every node in memory until the commit; instead the account trie (and each
account's storage trie) is built bottom-up from its sorted hashed keys (`Trie.build`), which
gives the same root and the same nodes as the insertion path (StateDB) did.

The records (trie nodes, code, and the preimages of storage slots that state/statedb.py keeps
under b"k" so a state dump can name them) of a small genesis join the caller's batch, written
synced with the genesis block. The accounts' preimages are not written: the genesis alloc, which
every start loads, names them (node/dev/state_dump.py falls back on it), and for a million accounts
they were a third of the records. A large one's go out while the build runs: every FLUSH_RECORDS of them are handed
to a writer thread that writes them unsynced (LevelDB's write leaves the GIL, so the store's work
overlaps the hashing); the genesis block's batch comes after the last of them. A build that dies
half-way leaves only content-addressed records that nothing points to (no b"G" record), so the
next start simply builds the genesis again.

Measured (`make bench-scale`): 1,000,000 funded accounts build and write in about 15 s here.
"""
import queue
import threading

from pydevnet.state.account import encode_account, encode_storage_value
from pydevnet.state.hashing import EMPTY_CODE_HASH, EMPTY_TRIE_ROOT, keccak256
from pydevnet.state.statedb import CODE_PREFIX, PREIMAGE_PREFIX
from pydevnet.state.store import KVStore
from pydevnet.state.trie import NODE_PREFIX, SecureTrie
from pydevnet.state.trie_build import Sink, build_nodes
from pydevnet.state.trie_nodes import rlp_list, rlp_str
from pydevnet.node.config import AllocAccount

FLUSH_RECORDS = 100_000  # records a chunk: a larger genesis writes them while it builds
WRITES_AHEAD = 4  # chunks the build may run ahead of the writer (bounds the memory they hold)
# the tail of a plain account's RLP: its empty storage root and empty code hash
_PLAIN_TAIL = rlp_str(EMPTY_TRIE_ROOT) + rlp_str(EMPTY_CODE_HASH)


def _uint(n: int) -> bytes:
    return rlp_str(n.to_bytes((n.bit_length() + 7) >> 3, "big"))


class _Records:
    """The records of a genesis build: a dict to fill, and past FLUSH_RECORDS a writer thread
    that takes full dicts (`full`) and writes them to the store."""

    def __init__(self, store: KVStore) -> None:
        self.store = store
        self.out: dict[bytes, bytes] = {}
        self._queue: queue.Queue | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def full(self, out: dict[bytes, bytes]) -> dict[bytes, bytes]:
        if self._queue is None:
            self._queue = queue.Queue(maxsize=WRITES_AHEAD)
            self._thread = threading.Thread(target=self._write, name="genesis-writer",
                                            daemon=True)
            self._thread.start()
        self._queue.put(out)
        return {}

    def check(self) -> None:
        if len(self.out) >= FLUSH_RECORDS:
            self.out = self.full(self.out)

    def _write(self) -> None:
        while (chunk := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self.store.write_batch(chunk, sync=False)
                except BaseException as exc:  # re-raised by finish(), on the building thread
                    self._error = exc

    def finish(self, batch: dict[bytes, bytes]) -> None:
        """Wait for the writer; the records still held join `batch`."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            if self._error is not None:
                raise self._error
        batch.update(self.out)
        self.out = {}


def _storage_root(store: KVStore, storage: dict[int, int], out: dict[bytes, bytes]) -> bytes:
    slots = []
    for slot, value in storage.items():
        if value:
            key = slot.to_bytes(32, "big")
            out[PREIMAGE_PREFIX + keccak256(key)] = key
            slots.append((key, encode_storage_value(value)))
    return SecureTrie.build(store, slots, out).root_hash() if slots else EMPTY_TRIE_ROOT


def _account(store: KVStore, acct: AllocAccount, out: dict[bytes, bytes]) -> bytes:
    """The account's RLP (its code and storage trie into `out`)."""
    if not acct.code and not acct.storage:  # a funded account: most of a large alloc
        return rlp_list(_uint(acct.nonce) + _uint(acct.balance) + _PLAIN_TAIL)
    code_hash = EMPTY_CODE_HASH
    if acct.code:
        code_hash = keccak256(acct.code)
        out[CODE_PREFIX + code_hash] = acct.code
    storage_root = _storage_root(store, acct.storage, out) if acct.storage else EMPTY_TRIE_ROOT
    return encode_account(acct.nonce, acct.balance, storage_root, code_hash)


def build_genesis_state(store: KVStore, alloc: dict[bytes, AllocAccount],
                        batch: dict[bytes, bytes]) -> bytes:
    """Write the state of `alloc` (see the module docstring) and return its root."""
    records = _Records(store)
    accounts: dict[bytes, bytes] = {}
    for addr, acct in alloc.items():
        if acct.code or acct.storage:
            accounts[keccak256(addr)] = _account(store, acct, records.out)
            records.check()
        else:  # a funded account, most of a large alloc: _account's first branch written out
            nonce, balance = acct.nonce, acct.balance
            accounts[keccak256(addr)] = rlp_list(
                rlp_str(nonce.to_bytes((nonce.bit_length() + 7) >> 3, "big"))
                + rlp_str(balance.to_bytes((balance.bit_length() + 7) >> 3, "big"))
                + _PLAIN_TAIL)
    keys = sorted(accounts)
    sink = Sink(records.out, NODE_PREFIX, FLUSH_RECORDS, records.full)
    root = build_nodes(keys, [accounts[k] for k in keys], sink)
    records.out = sink.out
    records.finish(batch)
    return root
