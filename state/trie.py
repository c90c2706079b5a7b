"""The hexary Merkle Patricia trie (Yellow Paper appendix D) over a key-value store, and the secure
trie (keys hashed with keccak256) used for accounts and storage.

Nodes live in the store under NODE_PREFIX + keccak256 of their RLP (their own key range, so no
other record can be mistaken for a node or a node for a record), and every committed root stays
readable for as long as the store lives: a snapshot of the state is just a root hash. Nothing is
ever deleted from the store.

A `Trie` loads nodes lazily from its root and keeps updates in memory (see `state.trie_nodes` for
the node layout). Updates copy the path they change, so `copy()` is O(1) and the hashes cached in
untouched nodes stay valid: `root_hash()` after a few puts re-hashes only the changed paths.
`commit()` writes the new nodes (into a caller's batch, or to the store in one atomic write).
A trie is not thread-safe; the store under it is.

Also re-exported here: `verify_proof` (EIP-1186 proofs) and `trie_root` (one-shot roots).
"""
from __future__ import annotations


from collections.abc import Iterable, Iterator

from sha3 import keccak_256 as _keccak_256  # the hasher itself: one call less a node

from pydevnet.state.hashing import EMPTY_TRIE_ROOT, keccak256
from pydevnet.state.rlp import RLPError, decode
from pydevnet.state.store import KVStore
from pydevnet.state.trie_build import Sink, build_nodes, trie_root
from pydevnet.state.trie_nodes import (NodeCache, BRANCH, EXT, LEAF, REF, STORED, VALUE, BadNode,
                                       Child, MissingNode, Node, TrieError, common_prefix,
                                       encode_node, leaf_key_rlp, new_branch, new_ext, new_leaf,
                                       nibbles, node_from_rlp, node_ref, pack_nibbles, rlp_list,
                                       rlp_str)
from pydevnet.state.trie_proof import ProofError, verify_proof

NODE_PREFIX = b"t"  # a trie node is stored under NODE_PREFIX + keccak256(its RLP)

__all__ = ["Trie", "SecureTrie", "trie_root", "verify_proof", "TrieError", "MissingNode", "BadNode",
           "ProofError", "NODE_PREFIX"]


def _attach(branch: Node, rest: bytes, value: bytes) -> None:
    """Put `value` under a fresh branch at the nibble path `rest` (which may be empty)."""
    if rest:
        branch[1 + rest[0]] = new_leaf(rest[1:], value)
    else:
        branch[VALUE] = value


def _copy(node: Node) -> Node:
    new = node[:]
    new[REF] = None
    new[STORED] = False
    return new


def _merge(prefix: bytes, child: Node) -> Node:
    """The node for `prefix` followed by `child`, with no extension pointing at a leaf or extension."""
    kind = child[0]
    if kind == LEAF:
        return new_leaf(prefix + child[1], child[2])
    if kind == EXT:
        return new_ext(prefix + child[1], child[2])
    return new_ext(prefix, child)


def _commit_node(node: Node, out: dict[bytes, bytes]) -> bytes:
    """Commit the unstored children of `node`, then `node`; return its reference (what a parent
    embeds: its RLP if shorter than 32 bytes, else 0xa0 + its hash). One pass over a branch's
    slots both commits a new child and collects its reference (encode_node's work)."""
    kind = node[0]
    if kind == BRANCH:
        parts = [c if type(c) is bytes else b"\x80" if c is None
                 else (c[STORED] and c[REF]) or (node_ref(c) if c[STORED] else _commit_node(c, out))
                 for c in node[1:17]]
        value = node[VALUE]
        parts.append(rlp_str(value) if value else b"\x80")
        enc = rlp_list(b"".join(parts))
    elif kind == LEAF:
        enc = rlp_list(leaf_key_rlp(node[1]) + rlp_str(node[2]))
    else:
        c = node[2]
        if type(c) is list and not c[STORED]:
            _commit_node(c, out)
        enc = encode_node(node)
    node[STORED] = True
    if len(enc) < 32:
        node[REF] = enc
        return enc
    ref = node[REF]
    if ref is None:
        digest = _keccak_256(enc).digest()
        ref = node[REF] = b"\xa0" + digest
        out[NODE_PREFIX + digest] = enc
    else:
        out[NODE_PREFIX + ref[1:]] = enc
    return ref


class Trie:
    """A Merkle Patricia trie rooted at `root` in `store`. Keys and values are bytes; an empty
    value is the same as no value. Tries sharing a NodeCache decode each stored node once."""

    def __init__(self, store: KVStore, root: bytes = EMPTY_TRIE_ROOT,
                 cache: NodeCache | None = None) -> None:
        if not isinstance(root, (bytes, bytearray)) or len(root) != 32:
            raise ValueError(f"a trie root is 32 bytes, got {root!r}")
        self._store = store
        self._cache = cache
        # None (empty), a 32-byte hash (not loaded yet) or a node
        self._root: Child = None if root == EMPTY_TRIE_ROOT else bytes(root)

    @property
    def store(self) -> KVStore:
        return self._store

    @classmethod
    def build(cls, store: KVStore, pairs: Iterable[tuple[bytes, bytes]],
              batch: dict[bytes, bytes], cache: NodeCache | None = None) -> Trie:
        """A trie holding `pairs` (a later pair wins; an empty value deletes), built in one pass
        from the sorted keys rather than by insertion: the same root, and the same nodes added
        to `batch` (for the caller to write), as put() one by one and commit(batch)."""
        data: dict[bytes, bytes] = {}
        trie_key = cls._trie_key
        for key, value in pairs:
            if value:
                data[trie_key(key)] = value
            else:
                data.pop(trie_key(key), None)
        ordered = sorted(data)
        root = build_nodes(ordered, [data[k] for k in ordered], Sink(batch, NODE_PREFIX))
        return cls(store, root, cache)

    @staticmethod
    def _trie_key(key: bytes) -> bytes:
        return key

    def copy(self) -> Trie:
        """An independent trie sharing this one's (immutable) nodes and store: O(1)."""
        clone = type(self).__new__(type(self))
        clone._store = self._store
        clone._cache = self._cache
        clone._root = self._root
        return clone

    # --- loading -------------------------------------------------------------------------

    def _load(self, node_hash: bytes) -> Node:
        cache = self._cache
        if cache is not None:
            node = cache.get(node_hash)
            if node is None:
                node = self._decode_stored(node_hash)
                cache.put(node_hash, node)
            return node
        return self._decode_stored(node_hash)

    def _decode_stored(self, node_hash: bytes) -> Node:
        enc = self._store.get(NODE_PREFIX + node_hash)
        if enc is None:
            raise MissingNode(node_hash)
        try:
            item = decode(enc)
        except RLPError as exc:
            raise BadNode(f"node 0x{node_hash.hex()} is not valid RLP: {exc}") from exc
        # a stored node's reference is known without hashing (only a root can be short)
        return node_from_rlp(item, enc if len(enc) < 32 else b"\xa0" + node_hash)

    def _child(self, node: Node, slot: int) -> Child:
        """Child `slot` of `node`, loading it (once: the node keeps it) if it is still a
        reference (0xa0 + its hash)."""
        c = node[slot]
        if type(c) is bytes:
            c = node[slot] = self._load(c[1:])
        return c

    def _loaded_root(self) -> Node | None:
        root = self._root
        if type(root) is bytes:
            root = self._root = self._load(root)
        return root

    # --- reads ---------------------------------------------------------------------------

    def get(self, key: bytes) -> bytes | None:
        """The value at `key`, or None."""
        path = nibbles(key)
        node = self._loaded_root()
        pos = 0
        while node is not None:
            kind = node[0]
            if kind == BRANCH:
                if pos == len(path):
                    return node[VALUE] or None
                node = self._child(node, 1 + path[pos])
                pos += 1
            elif kind == LEAF:
                return node[2] if path[pos:] == node[1] else None
            else:
                if not path.startswith(node[1], pos):
                    return None
                pos += len(node[1])
                node = self._child(node, 2)
        return None

    def items(self) -> Iterator[tuple[bytes, bytes]]:
        """Every (key, value) pair in key order (loads the whole trie: for debugging and dumps)."""
        root = self._loaded_root()
        if root is not None:
            yield from self._items(root, b"")

    def _items(self, node: Node, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
        kind = node[0]
        if kind == LEAF:
            yield pack_nibbles(prefix + node[1]), node[2]
        elif kind == EXT:
            yield from self._items(self._child(node, 2), prefix + node[1])
        else:
            if node[VALUE]:
                yield pack_nibbles(prefix), node[VALUE]
            for nib in range(16):
                if node[1 + nib] is not None:
                    yield from self._items(self._child(node, 1 + nib), prefix + bytes((nib,)))

    # --- writes --------------------------------------------------------------------------

    def put(self, key: bytes, value: bytes) -> None:
        """Set `key` to `value`; an empty value deletes the key."""
        if value:
            self._root = self._put(self._loaded_root(), nibbles(key), value)
        else:
            self._delete_key(key)

    def delete(self, key: bytes) -> None:
        """Remove `key` (a no-op if it is absent)."""
        self._delete_key(key)

    def _delete_key(self, key: bytes) -> None:
        root = self._loaded_root()
        if root is not None:
            self._root = self._delete(root, nibbles(key))

    def _put(self, node: Node | None, path: bytes, value: bytes) -> Node:
        """The node that results from putting `value` at `path` below `node`."""
        if node is None:
            return new_leaf(path, value)
        kind = node[0]
        if kind == BRANCH:
            if not path:
                if node[VALUE] == value:
                    return node
                new = _copy(node)
                new[VALUE] = value
                return new
            slot = 1 + path[0]
            child = self._child(node, slot)
            new_child = self._put(child, path[1:], value)
            if new_child is child:
                return node
            new = _copy(node)
            new[slot] = new_child
            return new
        if kind == LEAF:
            return self._put_leaf(node, path, value)
        return self._put_ext(node, path, value)

    def _put_leaf(self, node: Node, path: bytes, value: bytes) -> Node:
        old_path = node[1]
        if old_path == path:
            return node if node[2] == value else new_leaf(path, value)
        p = common_prefix(old_path, path)
        branch = new_branch()
        _attach(branch, old_path[p:], node[2])
        _attach(branch, path[p:], value)
        return new_ext(path[:p], branch) if p else branch

    def _put_ext(self, node: Node, path: bytes, value: bytes) -> Node:
        ext_path = node[1]
        p = common_prefix(ext_path, path)
        if p == len(ext_path):
            child = self._child(node, 2)
            new_child = self._put(child, path[p:], value)
            return node if new_child is child else new_ext(ext_path, new_child)
        branch = new_branch()
        rest = ext_path[p + 1:]
        branch[1 + ext_path[p]] = new_ext(rest, node[2]) if rest else node[2]
        _attach(branch, path[p:], value)
        return new_ext(path[:p], branch) if p else branch

    def _delete(self, node: Node, path: bytes) -> Node | None:
        """The node that results from deleting `path` below `node` (`node` itself if absent)."""
        kind = node[0]
        if kind == LEAF:
            return None if node[1] == path else node
        if kind == EXT:
            ext_path = node[1]
            if not path.startswith(ext_path):
                return node
            child = self._child(node, 2)
            new_child = self._delete(child, path[len(ext_path):])
            if new_child is child:
                return node
            return None if new_child is None else _merge(ext_path, new_child)
        if not path:
            if not node[VALUE]:
                return node
            new = _copy(node)
            new[VALUE] = b""
            return self._collapse(new)
        slot = 1 + path[0]
        child = self._child(node, slot)
        if child is None:
            return node
        new_child = self._delete(child, path[1:])
        if new_child is child:
            return node
        new = _copy(node)
        new[slot] = new_child
        return self._collapse(new)

    def _collapse(self, branch: Node) -> Node | None:
        """A branch left with a single entry becomes a leaf or joins its only child."""
        children = 16 - branch[1:17].count(None)
        if children + (1 if branch[VALUE] else 0) > 1:
            return branch
        if children == 0:
            return new_leaf(b"", branch[VALUE]) if branch[VALUE] else None
        slot = next(i for i in range(1, 17) if branch[i] is not None)
        return _merge(bytes((slot - 1,)), self._child(branch, slot))

    # --- hashing, committing, proving ----------------------------------------------------

    def root_hash(self) -> bytes:
        """The root hash of the current contents; writes nothing."""
        root = self._root
        if root is None:
            return EMPTY_TRIE_ROOT
        if type(root) is bytes:
            return root
        ref = node_ref(root)
        return ref[1:] if len(ref) == 33 else keccak256(ref)

    def commit(self, batch: dict[bytes, bytes] | None = None) -> bytes:
        """Write every new node (keyed by its hash) and return the root hash.

        With `batch`, the nodes are added to it and the caller must write it atomically; if that
        write fails, discard this trie and reopen the last committed root. Without `batch`, the
        nodes go to the store in one atomic write.
        """
        out: dict[bytes, bytes] = {} if batch is None else batch
        root = self._root
        if root is None:
            return EMPTY_TRIE_ROOT
        if type(root) is bytes:
            return root
        if root[STORED]:
            ref = node_ref(root)
            if len(ref) == 33:  # unchanged since it was loaded or committed
                return ref[1:]
        else:
            ref = _commit_node(root, out)
        if len(ref) == 33:  # a hash reference: _commit_node stored the node under it
            root_hash = ref[1:]
        else:  # the root is always hashed and stored, even when short (ref is its RLP)
            root_hash = keccak256(ref)
            out[NODE_PREFIX + root_hash] = ref
        if batch is None:
            self._store.write_batch(out)
        return root_hash

    def prove(self, key: bytes) -> list[bytes]:
        """The RLP nodes on `key`'s path from the root (eth_getProof format); works for absent
        keys too (a proof of exclusion). Includes uncommitted changes."""
        node = self._loaded_root()
        if node is None:
            return []
        path = nibbles(key)
        proof = [encode_node(node)]
        pos = 0
        while True:
            kind = node[0]
            if kind == LEAF or (kind == BRANCH and pos == len(path)):
                return proof
            if kind == BRANCH:
                slot = 1 + path[pos]
                pos += 1
            else:
                if not path.startswith(node[1], pos):
                    return proof
                slot = 2
                pos += len(node[1])
            node = self._child(node, slot)
            if node is None:
                return proof
            if len(node_ref(node)) == 33:
                proof.append(encode_node(node))

    def path_to(self, node_hash: bytes, key: bytes) -> bytes | None:
        """The nibble path of the unloaded node `node_hash` if it is a child of a loaded branch
        on `key`'s path (the sibling a deletion's collapse needs), else None. `key` is raw:
        a SecureTrie's caller passes the hashed key."""
        path, node, pos = nibbles(key), self._root, 0
        ref = b"\xa0" + node_hash  # how a parent holds a child not loaded yet
        while type(node) is list:
            kind = node[0]
            if kind == BRANCH:
                for nib in range(16):
                    if node[1 + nib] == ref:
                        return path[:pos] + bytes((nib,))
                if pos == len(path):
                    return None
                node, pos = node[1 + path[pos]], pos + 1
            elif kind == EXT:
                if node[2] == ref:
                    return path[:pos] + node[1]
                pos += len(node[1])
                node = node[2]
            else:
                return None
        return None

    verify_proof = staticmethod(verify_proof)


class SecureTrie(Trie):
    """A trie keyed by keccak256(key), as the account and storage tries are. `items()` yields the
    hashed keys (preimages are not kept)."""

    _trie_key = staticmethod(keccak256)

    def get(self, key: bytes) -> bytes | None:
        return Trie.get(self, keccak256(key))

    def put(self, key: bytes, value: bytes) -> None:
        Trie.put(self, keccak256(key), value)

    def delete(self, key: bytes) -> None:
        self._delete_key(keccak256(key))

    def prove(self, key: bytes) -> list[bytes]:
        return Trie.prove(self, keccak256(key))

    @staticmethod
    def verify_proof(root: bytes, key: bytes, proof: list[bytes]) -> bytes | None:
        """`verify_proof` for an unhashed key of a secure trie."""
        return verify_proof(root, keccak256(key), proof)
