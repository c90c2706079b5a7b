"""Decoded state shared by the disposable views that calls run on (eth_call, eth_estimateGas).

Every call opens a fresh StateDB on a committed state root and loads the same few accounts,
slots and code again: trie walks, RLP decoding and a store read for the code. What it loads
depends only on content hashes, so it can be kept across views without any invalidation:

- accounts by (state root, address): the fields of the account in that state. Only the most
  recent root's accounts are kept (calls at `latest` share them until the head moves; a view
  at another root starts that root's table over);
- storage values by (storage root, slot): a storage root names its slots' values forever;
- code by code hash.

Besides, `env_of` keeps the block environment of the last header a call ran at (the head,
mostly): chain.env_of derives it anew (a BlockEnv, EIP-4844's blob base fee) and calls only
read it.

A view builds its own StateObject from the shared fields, so what a call writes (its nonce and
fee, state overrides, SSTOREs) stays in its view. The tables are bounded: past their size they
start over. Dict reads and writes are atomic under the GIL, so readers and the loop share them.
"""
from __future__ import annotations

from pydevnet.state.statedb import StateDB, StateObject
from pydevnet.state.store import KVStore
from pydevnet.vm.frame import BlockEnv

MAX_SLOTS = 200_000  # storage values kept
MAX_CODES = 2_048  # contract codes kept
_UNKNOWN = object()


class ReadCache:
    """The shared tables (see the module's docstring); `view` opens a call's state on them."""

    def __init__(self) -> None:
        self._accounts: tuple[bytes | None, dict] = (None, {})
        self.slots: dict[tuple[bytes, int], int] = {}
        self.codes: dict[bytes, bytes] = {}
        self._env: tuple = (None, None, None, None)  # (chain, header, chain id, its BlockEnv)

    def env_of(self, chain, header) -> BlockEnv:
        """chain.env_of(header), the same object again while the chain, the header object (a
        mined header is never changed) and the chain id are the ones it was made for. Callers
        must not change it (a simulation that overrides block fields builds its own)."""
        known_chain, known_header, chain_id, env = self._env
        if known_header is header and known_chain is chain \
                and chain_id == chain.genesis.chain_id and env.spec is chain.spec:
            return env
        env = chain.env_of(header)
        self._env = (chain, header, env.chain_id, env)  # one assignment: readers share it
        return env

    def accounts_at(self, root: bytes) -> dict[bytes, tuple | None]:
        known, table = self._accounts
        if known != root:
            table = {}
            self._accounts = (root, table)  # one assignment: never a root with another's table
        return table

    def view(self, store: KVStore, root: bytes, node_cache=None) -> CachedView:
        """A fresh, disposable StateDB on `root` reading through the shared tables."""
        return CachedView(store, root, node_cache, self)


class CachedView(StateDB):
    """A StateDB whose loads of committed accounts, slots and code go through a ReadCache."""

    def __init__(self, store: KVStore, root: bytes, node_cache, cache: ReadCache) -> None:
        super().__init__(store, root, node_cache)
        self._shared = cache.accounts_at(root)
        self._cache = cache

    def _obj(self, addr: bytes) -> StateObject | None:
        if addr in self._objs:  # loaded or written by this view
            return self._objs[addr]
        fields = self._shared.get(addr, _UNKNOWN)
        if fields is _UNKNOWN:  # a fresh load: the committed account, not yet written to
            obj = super()._obj(addr)
            self._shared[addr] = None if obj is None else \
                (obj.nonce, obj.balance, obj.code_hash, obj.storage_root)
            return obj
        obj = self._objs[addr] = None if fields is None else StateObject(*fields)
        return obj

    def get_storage(self, addr: bytes, key: int) -> int:
        """StateDB.get_storage without raising KeyError for a slot this view has not read yet
        (most of a call's reads: ~0.5 us each). Slot values are ints, never None."""
        obj = self._obj(addr)
        if obj is None:
            return 0
        value = obj.storage.get(key)
        return self._load_slot(obj, key, addr) if value is None else value

    def _load_slot(self, obj: StateObject, key: int, addr: bytes) -> int:
        slots = self._cache.slots
        k = (obj.storage_root, key)
        value = slots.get(k)
        if value is None:
            value = super()._load_slot(obj, key, addr)
            if len(slots) >= MAX_SLOTS:
                slots.clear()
            slots[k] = value
            return value
        obj.storage[key] = value
        return value

    def get_code(self, addr: bytes) -> bytes:
        obj = self._obj(addr)
        if obj is None or obj.code is not None:
            return b"" if obj is None else obj.code
        codes = self._cache.codes
        code = codes.get(obj.code_hash)
        if code is None:
            code = super().get_code(addr)
            if len(codes) >= MAX_CODES:
                codes.clear()
            codes[obj.code_hash] = code
        obj.code = code
        return code
