"""StateDB: the world state seen by the VM, over a secure Merkle Patricia trie.

Reads are cached per account (a StateObject) and per storage slot; writes go to those caches and
append an undo entry to the journal (state/journal.py), so `snapshot()` is an integer and `revert()`
replays entries backwards. Transaction-scoped data lives here too: the EIP-2929 warm sets, EIP-1153
transient storage, logs, the refund counter, the accounts created in the transaction (EIP-6780),
the accounts marked by SELFDESTRUCT and the touched accounts (EIP-158/161 empty-account removal).
`finalize_tx()` applies the end-of-transaction deletions; `commit()` writes every dirty account and
slot into the tries and returns the state root (state/commit.py does that work). Nothing is ever
deep-copied.

A forked chain's store carries a `state_source` (a StateSource: node/fork/state.py): the state
there starts as a remote block's root with none of its nodes, and a read that meets a MissingNode
asks the source to store the nodes of that key's path (self-verifying: a node is stored under its
own hash) and then reads again. Without a source a MissingNode propagates as before. The happy path
is unchanged: a cached read costs a try block that does not raise.
"""
from typing import Callable, Protocol

from pydevnet.state import journal as J
from pydevnet.state.account import decode_account, decode_storage_value
# CODE_PREFIX and PREIMAGE_PREFIX are imported from here by node/ (state/commit.py writes them)
from pydevnet.state.commit import CODE_PREFIX, PREIMAGE_PREFIX, commit_state  # noqa: F401
from pydevnet.state.hashing import EMPTY_CODE_HASH, EMPTY_TRIE_ROOT, keccak256
from pydevnet.state.store import KVStore
from pydevnet.state.trie import MissingNode, NodeCache, SecureTrie, Trie


class StateSource(Protocol):
    """Where a forked state's missing trie nodes and code come from. `root` is the root the
    StateDB was opened on (the source knows which remote block it belongs to); each method stores
    what it fetched (verified by its hash) or raises, never storing a failure."""

    def account(self, root: bytes, addr: bytes) -> None: ...

    def storage(self, root: bytes, addr: bytes, key: int) -> None: ...

    def code(self, root: bytes, addr: bytes) -> None: ...

    def node_at(self, root: bytes, addr: bytes | None, path: bytes) -> None:
        """The node at nibble `path` of the account trie (addr None) or of addr's storage."""


MAX_FETCH_ROUNDS = 8  # a key's path is complete after one proof; more rounds mean a bad remote


class StateObject:
    """One account's cached state. `storage` caches current slot values (loaded or written).
    `hkey` (keccak256 of the address) and `preimaged` (the slots whose key preimage is written)
    are set by a commit once it has put the preimages in its batch (state/commit.py)."""

    __slots__ = ("nonce", "balance", "code_hash", "code", "storage_root", "storage", "dirty_slots",
                 "trie", "hkey", "preimaged")

    def __init__(self, nonce: int = 0, balance: int = 0, code_hash: bytes = EMPTY_CODE_HASH,
                 storage_root: bytes = EMPTY_TRIE_ROOT, code: bytes | None = None) -> None:
        self.nonce = nonce
        self.balance = balance
        self.code_hash = code_hash
        self.code = b"" if code_hash == EMPTY_CODE_HASH else code
        self.storage_root = storage_root
        self.storage: dict[int, int] = {}
        self.dirty_slots: set[int] = set()
        self.trie: SecureTrie | None = None
        self.hkey: bytes | None = None
        self.preimaged: set[int] | None = None

    def is_empty(self) -> bool:
        """EIP-161: no nonce, no balance, no code."""
        return self.nonce == 0 and self.balance == 0 and self.code_hash == EMPTY_CODE_HASH


class StateDB:
    """The mutable world state on top of a committed root in `store`."""

    def __init__(self, store: KVStore, root: bytes = EMPTY_TRIE_ROOT,
                 node_cache: NodeCache | None = None) -> None:
        self.store = store
        self._node_cache = node_cache
        self._trie = SecureTrie(store, root, node_cache)
        self._base_root = root
        self.source: StateSource | None = getattr(store, "state_source", None)
        self._objs: dict[bytes, StateObject | None] = {}
        self._dirty: set[bytes] = set()
        self._new_code: dict[bytes, bytes] = {}
        self.begin_tx()

    # -- transaction scope ---------------------------------------------------------------------
    def begin_tx(self) -> None:
        """Reset everything that lives for one transaction."""
        self.journal: list[tuple] = []
        self.warm_addresses: set[bytes] = set()
        self.warm_slots: set[tuple[bytes, int]] = set()
        self.transient: dict[tuple[bytes, int], int] = {}
        self.logs: list[tuple[bytes, list[int], bytes]] = []
        self.refund = 0
        self.touched: set[bytes] = set()
        self.created: set[bytes] = set()
        self.destructed: set[bytes] = set()
        self._originals: dict[tuple[bytes, int], int] = {}

    def finalize_tx(self) -> None:
        """End of transaction: delete self-destructed accounts (EIP-6780: only those created in
        this transaction are ever marked) and touched accounts left empty (EIP-158)."""
        for addr in self.destructed:
            self._delete(addr)
        for addr in self.touched:
            obj = self._objs.get(addr)
            if obj is not None and obj.is_empty():
                self._delete(addr)
        self.begin_tx()

    def snapshot(self) -> int:
        return len(self.journal)

    def revert(self, snap: int) -> None:
        j = self.journal
        while len(j) > snap:
            e = j.pop()
            e[0](self, e)

    # -- accounts ------------------------------------------------------------------------------
    def _obj(self, addr: bytes) -> StateObject | None:
        try:
            return self._objs[addr]
        except KeyError:
            pass
        try:
            raw = self._trie.get(addr)
        except MissingNode as miss:
            raw = self._fetch(miss, lambda: self._trie.get(addr), "account", addr)
        obj = None
        if raw is not None:
            a = decode_account(raw)
            obj = StateObject(a.nonce, a.balance, a.code_hash, a.storage_root)
        self._objs[addr] = obj
        return obj

    def _writable(self, addr: bytes) -> StateObject:
        obj = self._obj(addr)
        if obj is None:
            obj = StateObject()
            self.journal.append((J.undo_object, addr, None))
            self._objs[addr] = obj
        self._dirty.add(addr)
        return obj

    def _delete(self, addr: bytes) -> None:
        self._objs[addr] = None
        self._dirty.add(addr)

    def exists(self, addr: bytes) -> bool:
        return self._obj(addr) is not None

    def is_alive(self, addr: bytes) -> bool:
        """Exists and is not empty (EIP-161's 'dead' is the negation)."""
        obj = self._obj(addr)
        return obj is not None and not obj.is_empty()

    def account(self, addr: bytes) -> StateObject | None:
        """Read-only view of an account (do not mutate the returned object)."""
        return self._obj(addr)

    def get_balance(self, addr: bytes) -> int:
        obj = self._obj(addr)
        return obj.balance if obj is not None else 0

    def set_balance(self, addr: bytes, value: int) -> None:
        obj = self._writable(addr)
        self.journal.append((J.undo_balance, obj, obj.balance))
        obj.balance = value

    def add_balance(self, addr: bytes, amount: int) -> None:
        obj = self._writable(addr)
        self.journal.append((J.undo_balance, obj, obj.balance))
        obj.balance += amount

    def sub_balance(self, addr: bytes, amount: int) -> None:
        obj = self._writable(addr)
        self.journal.append((J.undo_balance, obj, obj.balance))
        obj.balance -= amount

    def transfer(self, src: bytes, dst: bytes, amount: int) -> None:
        self.sub_balance(src, amount)
        self.add_balance(dst, amount)

    def get_nonce(self, addr: bytes) -> int:
        obj = self._obj(addr)
        return obj.nonce if obj is not None else 0

    def set_nonce(self, addr: bytes, nonce: int) -> None:
        obj = self._writable(addr)
        self.journal.append((J.undo_nonce, obj, obj.nonce))
        obj.nonce = nonce

    def increment_nonce(self, addr: bytes) -> None:
        obj = self._writable(addr)
        self.journal.append((J.undo_nonce, obj, obj.nonce))
        obj.nonce += 1

    def touch(self, addr: bytes) -> None:
        """A message call reached `addr`: it exists from now on, and if it ends the transaction
        empty it is removed (EIP-158)."""
        if self._obj(addr) is None:
            self._writable(addr)
        if addr not in self.touched:
            self.touched.add(addr)
            self.journal.append((J.undo_touch, addr))

    def create_account(self, addr: bytes) -> None:
        """CREATE/CREATE2 or a creation transaction: a fresh account with no code or storage that
        keeps any balance already sent to the address; remembered as created in this transaction."""
        old = self._obj(addr)
        new = StateObject(balance=old.balance if old is not None else 0)
        self.journal.append((J.undo_object, addr, old))
        self._objs[addr] = new
        self._dirty.add(addr)
        if addr not in self.created:
            self.created.add(addr)
            self.journal.append((J.undo_created, addr))

    def clear_storage(self, addr: bytes) -> None:
        """Replace the account by one with the same nonce, balance and code but no storage
        (eth_call's `state` override)."""
        old = self._writable(addr)
        new = StateObject(old.nonce, old.balance, old.code_hash, code=old.code)
        self.journal.append((J.undo_object, addr, old))
        self._objs[addr] = new

    def mark_destructed(self, addr: bytes) -> None:
        if addr not in self.destructed:
            self.destructed.add(addr)
            self.journal.append((J.undo_destructed, addr))

    def _fetch(self, miss: MissingNode, retry: Callable, kind: str, *args):
        """Have the source store what `retry` lacks, then retry; re-raise without a source."""
        if self.source is None:
            raise miss
        for _ in range(MAX_FETCH_ROUNDS):
            getattr(self.source, kind)(self._base_root, *args)
            try:
                return retry()
            except MissingNode as again:
                if again.node_hash == miss.node_hash:
                    raise  # the source answered without the node: it does not lead to our root
                miss = again
        raise miss

    # -- code ----------------------------------------------------------------------------------
    def get_code(self, addr: bytes) -> bytes:
        obj = self._obj(addr)
        if obj is None:
            return b""
        code = obj.code
        if code is None:
            code = self.store.get(CODE_PREFIX + obj.code_hash)
            if code is None and self.source is not None:
                self.source.code(self._base_root, addr)
                code = self.store.get(CODE_PREFIX + obj.code_hash)
            if code is None:
                raise KeyError(f"code {obj.code_hash.hex()} missing from the store")
            obj.code = code
        return code

    def get_code_hash(self, addr: bytes) -> bytes:
        obj = self._obj(addr)
        return obj.code_hash if obj is not None else EMPTY_CODE_HASH

    def set_code(self, addr: bytes, code: bytes) -> None:
        obj = self._writable(addr)
        self.journal.append((J.undo_code, obj, obj.code, obj.code_hash))
        obj.code = code
        obj.code_hash = h = keccak256(code)
        if code:
            self._new_code[h] = code

    # -- storage -------------------------------------------------------------------------------
    def get_storage(self, addr: bytes, key: int) -> int:
        obj = self._obj(addr)
        if obj is None:
            return 0
        try:
            return obj.storage[key]
        except KeyError:
            return self._load_slot(obj, key, addr)

    def _load_slot(self, obj: StateObject, key: int, addr: bytes) -> int:
        value = 0
        if obj.storage_root != EMPTY_TRIE_ROOT:
            if obj.trie is None:
                obj.trie = SecureTrie(self.store, obj.storage_root, self._node_cache)
            k = key.to_bytes(32, "big")
            try:
                raw = obj.trie.get(k)
            except MissingNode as miss:
                raw = self._fetch(miss, lambda: obj.trie.get(k), "storage", addr, key)
            if raw is not None:
                value = decode_storage_value(raw)
        obj.storage[key] = value
        return value

    def get_original_storage(self, addr: bytes, key: int) -> int:
        """The slot's value when the transaction began (EIP-2200 'original value')."""
        try:
            return self._originals[(addr, key)]
        except KeyError:
            return self.get_storage(addr, key)

    def set_storage(self, addr: bytes, key: int, value: int) -> None:
        obj = self._writable(addr)
        try:
            current = obj.storage[key]
        except KeyError:
            current = self._load_slot(obj, key, addr)
        okey = (addr, key)
        if okey not in self._originals:
            self._originals[okey] = current
        self.journal.append((J.undo_storage, obj, key, current))
        obj.storage[key] = value
        obj.dirty_slots.add(key)

    def has_storage(self, addr: bytes) -> bool:
        """Any non-zero slot (EIP-7610 treats such an address as a creation collision)."""
        obj = self._obj(addr)
        if obj is None:
            return False
        if any(obj.storage.values()):
            return True
        if obj.storage_root == EMPTY_TRIE_ROOT:
            return False
        # The committed storage is non-empty; it only counts if some slot was not zeroed since.
        zeroed = {keccak256(k.to_bytes(32, "big")) for k, v in obj.storage.items() if v == 0}
        if not zeroed:
            return True
        if obj.trie is None:
            obj.trie = SecureTrie(self.store, obj.storage_root, self._node_cache)
        try:
            return any(hkey not in zeroed for hkey, _ in Trie.items(obj.trie))
        except MissingNode:
            # a fork's remote storage not all fetched: slots beyond the ones zeroed here exist
            return True

    # -- EIP-2929 warm sets, EIP-1153 transient storage, logs, refunds ---------------------------
    def warm_address(self, addr: bytes) -> bool:
        """Mark `addr` warm; True if it was cold."""
        if addr in self.warm_addresses:
            return False
        self.warm_addresses.add(addr)
        self.journal.append((J.undo_warm_address, addr))
        return True

    def warm_slot(self, addr: bytes, key: int) -> bool:
        k = (addr, key)
        if k in self.warm_slots:
            return False
        self.warm_slots.add(k)
        self.journal.append((J.undo_warm_slot, k))
        return True

    def get_transient(self, addr: bytes, key: int) -> int:
        return self.transient.get((addr, key), 0)

    def set_transient(self, addr: bytes, key: int, value: int) -> None:
        k = (addr, key)
        self.journal.append((J.undo_transient, k, self.transient.get(k, 0)))
        if value:
            self.transient[k] = value
        else:
            self.transient.pop(k, None)

    def add_log(self, address: bytes, topics: list[int], data: bytes) -> None:
        self.logs.append((address, topics, data))
        self.journal.append((J.undo_log,))

    def add_refund(self, amount: int) -> None:
        self.journal.append((J.undo_refund, self.refund))
        self.refund += amount

    # -- commit --------------------------------------------------------------------------------
    def commit(self, batch: dict[bytes, bytes] | None = None) -> bytes:
        """Write dirty accounts, slots and code into the tries; return the new state root.
        With `batch`, new nodes go into it (the caller writes it atomically); else to the store.
        The work is state/commit.py's."""
        if batch is not None:
            return commit_state(self, batch)
        batch = {}
        root = commit_state(self, batch)
        self.store.write_batch(batch)
        return root

    def root(self) -> bytes:
        """The state root of the committed state (call commit() first to include pending writes)."""
        return self._trie.root_hash()

    def cached_accounts(self) -> int:
        return len(self._objs)

