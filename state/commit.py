"""StateDB's commit path: the journal's dirty accounts, storage slots and new code turned into
trie updates, node hashes and store entries (state/statedb.py keeps the reading/writing API and
calls `commit_state`).

What a commit adds to the batch: each new contract code under CODE_PREFIX + keccak256(code); the
preimage of a changed secure-trie key (an address, a 32-byte slot) under PREIMAGE_PREFIX +
keccak256(key), as geth's preimage store, so a state dump (anvil_dumpState) can name what it
finds; and every new trie node (state/trie.py), storage tries first, their roots then written
into the accounts. A preimage goes into the batch the first time its StateObject is committed
(the object then keeps the hashed address, `hkey`, and the slots done, `preimaged`), not at every
block: the records are content-addressed and never deleted. That holds only because a state
whose batch was not written is thrown away with its objects (node/chain/chain.py drops its head
state on a failed write, as it must for the trie nodes marked stored). Accounts and slot values
are RLP-encoded here directly (state/account.py's encoders without the generic encoder's
dispatch: the same bytes).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pydevnet.state.hashing import keccak256
from pydevnet.state.trie import MissingNode, SecureTrie, Trie

if TYPE_CHECKING:
    from pydevnet.state.statedb import StateDB, StateObject

CODE_PREFIX = b"c"  # code is stored under b"c" + keccak256(code); trie nodes under trie.NODE_PREFIX
# The preimages of the secure tries' keys (addresses, slots) under b"k" + keccak256(key), as
# geth's preimage store: a state dump (anvil_dumpState) needs them to name what it finds.
PREIMAGE_PREFIX = b"k"


def int_rlp(n: int) -> bytes:
    """RLP of a non-negative int below 2**256 (a storage value: state/account.py's
    encode_storage_value, without the generic encoder's dispatch)."""
    if n < 0x80:
        return bytes((n,)) if n else b"\x80"
    b = n.to_bytes((n.bit_length() + 7) >> 3, "big")
    return bytes((0x80 + len(b),)) + b


def account_rlp(nonce: int, balance: int, storage_root: bytes, code_hash: bytes) -> bytes:
    """state/account.py's encode_account for the commit loop: the two ints and two 32-byte
    hashes give a payload of 68 to 130 bytes, so the list header is always 0xf8 and one byte."""
    payload = b"".join((int_rlp(nonce), int_rlp(balance), b"\xa0", storage_root, b"\xa0",
                        code_hash))
    return bytes((0xF8, len(payload))) + payload


def commit_state(st: StateDB, batch: dict[bytes, bytes]) -> bytes:
    """Write `st`'s dirty accounts, slots and new code into its tries, the new nodes, code and
    preimages into `batch`; return the new state root."""
    for h, code in st._new_code.items():
        batch[CODE_PREFIX + h] = code
    st._new_code.clear()
    trie = st._trie
    objs = st._objs
    for addr in st._dirty:
        obj = objs.get(addr)
        if obj is None:
            delete_key(st, trie, addr, None)
            continue
        hkey = obj.hkey
        if hkey is None:  # the preimage's key and the secure trie's path, hashed once
            hkey = obj.hkey = keccak256(addr)
            batch[PREIMAGE_PREFIX + hkey] = addr
        if obj.dirty_slots:
            _commit_storage(st, obj, batch, addr)
        Trie.put(trie, hkey, account_rlp(obj.nonce, obj.balance, obj.storage_root, obj.code_hash))
    st._dirty.clear()
    return trie.commit(batch)


def _commit_storage(st: StateDB, obj: StateObject, batch: dict[bytes, bytes],
                    addr: bytes) -> None:
    t = obj.trie
    if t is None:
        t = obj.trie = SecureTrie(st.store, obj.storage_root, st._node_cache)
    storage = obj.storage
    known = obj.preimaged
    if known is None:
        known = obj.preimaged = set()
    for key in obj.dirty_slots:
        value = storage[key]
        k = key.to_bytes(32, "big")
        hkey = keccak256(k)
        if key not in known:
            batch[PREIMAGE_PREFIX + hkey] = k
            known.add(key)
        if value:
            Trie.put(t, hkey, int_rlp(value))
        else:
            delete_key(st, t, k, addr)
    obj.dirty_slots.clear()
    obj.storage_root = t.commit(batch)


def delete_key(st: StateDB, trie: SecureTrie, key: bytes, addr: bytes | None) -> None:
    """Delete `key` from `trie` (the account trie if `addr` is None, else addr's storage); a
    fork may need the remote sibling a collapsing branch keeps."""
    try:
        trie.delete(key)
    except MissingNode as miss:
        path = trie.path_to(miss.node_hash, keccak256(key))
        if path is None:
            raise
        st._fetch(miss, lambda: trie.delete(key), "node_at", addr, path)
