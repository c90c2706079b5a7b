"""Nodes of the hexary Merkle Patricia trie (Yellow Paper appendix D): layout, nibbles,
hex-prefix encoding, RLP encoding with cached references, decoding from the store, and the
NodeCache of decoded nodes that tries on one store share.

In memory a node is a plain list, tagged by its first element, with two cache slots at the end:

    leaf       [LEAF, path, value, ref, stored]
    extension  [EXT, path, child, ref, stored]
    branch     [BRANCH, child0, ..., child15, value, ref, stored]

`path` is a `bytes` of nibbles (one nibble per byte, values 0..15). A child slot holds None (empty),
a list (a node in memory) or a 33-byte `bytes`: the reference 0xa0 + hash of a stored node not
loaded yet, as its parent's RLP embeds it (so encoding the parent takes it as it is).

Nodes are immutable once built: an update copies the path from the root down (so a copied trie is
O(1) and cached encodings never go stale). The exceptions are invisible to readers: a hash child is
swapped for the node it names when loaded, and the cache slots are filled in. `ref` is what a parent
embeds for this node: its RLP if shorter than 32 bytes, else RLP(keccak256(its RLP)) (0xa0 + hash).
`stored` is True once the node is in the store (or embedded in a stored parent).
"""
from __future__ import annotations

import threading
from binascii import hexlify, unhexlify
from collections import OrderedDict
from typing import Union

from pydevnet.state.hashing import keccak256
from pydevnet.state.rlp import encode, int_to_be

LEAF, EXT, BRANCH = 0, 1, 2
VALUE = 17  # a branch's value slot; children are slots 1..16
REF, STORED = -2, -1

Node = list
Child = Union[None, bytes, list]

_TO_NIBBLES = bytes.maketrans(b"0123456789abcdef", bytes(range(16)))
_FROM_NIBBLES = bytes.maketrans(bytes(range(16)), b"0123456789abcdef")
_EMPTY_BRANCH: list = [BRANCH] + [None] * 16 + [b"", None, False]


class TrieError(Exception):
    """Base of the trie's errors."""


class MissingNode(TrieError):
    """A node the trie needs is not in the store: an unknown root, or a store missing data."""

    def __init__(self, node_hash: bytes) -> None:
        super().__init__(f"trie node 0x{node_hash.hex()} is not in the store "
                         "(unknown state root, or the database is incomplete)")
        self.node_hash = node_hash


class BadNode(TrieError):
    """Bytes that do not decode to a trie node."""


def nibbles(key: bytes) -> bytes:
    """The key as nibbles, most significant first: b"\\x12" -> b"\\x01\\x02"."""
    return hexlify(key).translate(_TO_NIBBLES)


def pack_nibbles(nibs: bytes) -> bytes:
    """The inverse of `nibbles` (an even number of nibbles)."""
    return unhexlify(nibs.translate(_FROM_NIBBLES))


def common_prefix(a: bytes, b: bytes) -> int:
    """Length of the longest common prefix of two nibble paths."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def hp_encode(path: bytes, leaf: bool) -> bytes:
    """Hex-prefix encoding: flag nibble (2 if leaf, +1 if odd length), padded to whole bytes."""
    flag = 0x20 if leaf else 0
    if len(path) & 1:
        return bytes((flag | 0x10 | path[0],)) + unhexlify(path[1:].translate(_FROM_NIBBLES))
    return bytes((flag,)) + unhexlify(path.translate(_FROM_NIBBLES))


def hp_decode(data: bytes) -> tuple[bytes, bool]:
    """(nibble path, is_leaf) from hex-prefix bytes; rejects unknown flags and bad padding."""
    if type(data) is not bytes or not data:
        raise BadNode("hex-prefix path must be a non-empty string")
    nibs = nibbles(data)
    flag = nibs[0]
    if flag > 3:
        raise BadNode(f"bad hex-prefix flag {flag}")
    if flag & 1:
        return nibs[1:], flag >= 2
    if nibs[1]:
        raise BadNode("hex-prefix padding nibble is not zero")
    return nibs[2:], flag >= 2


# rlp(hex-prefix(path)) of recently encoded leaf paths: a changed account or slot keeps its path
# while its value changes, so each commit would encode the same paths again. Bounded: cleared
# when full (a leaf path is at most 65 bytes and its entry about 200 bytes with the dict's share).
# Small enough to be full within the first blocks: at 20,000 it kept growing for 15,000 automined
# blocks (the system contracts' ring buffers' slots), 3-4 MiB past any warm-up, and the paths
# written often (the accounts of a block's transactions) stay in it anyway.
_LEAF_KEYS: dict[bytes, bytes] = {}
_LEAF_KEYS_MAX = 4_096


def leaf_key_rlp(path: bytes) -> bytes:
    """rlp_str(hp_encode(path, leaf=True)), remembered for the paths seen recently."""
    enc = _LEAF_KEYS.get(path)
    if enc is None:
        if len(_LEAF_KEYS) >= _LEAF_KEYS_MAX:
            _LEAF_KEYS.clear()
        enc = _LEAF_KEYS[path] = rlp_str(hp_encode(path, True))
    return enc


def rlp_str(b: bytes) -> bytes:
    """RLP of a byte string (the hot path of node encoding)."""
    n = len(b)
    if n == 1 and b[0] < 0x80:
        return b
    if n < 56:
        return bytes((0x80 + n,)) + b
    if n < 256:
        return bytes((0xB8, n)) + b
    ln = n.to_bytes((n.bit_length() + 7) >> 3, "big")
    return bytes((0xB7 + len(ln),)) + ln + b


def rlp_list(payload: bytes) -> bytes:
    """Wrap already-encoded items in an RLP list header."""
    n = len(payload)
    if n < 56:
        return bytes((0xC0 + n,)) + payload
    if n < 65536:  # a branch node's payload is at most 16 * 33 + a value
        return (bytes((0xF8, n)) if n < 256 else bytes((0xF9, n >> 8, n & 0xFF))) + payload
    ln = n.to_bytes((n.bit_length() + 7) >> 3, "big")
    return bytes((0xF7 + len(ln),)) + ln + payload


def rlp_items(values) -> bytes:
    """RLP of a list of ints and byte strings, each encoded directly (the mining path's
    headers, receipt records and lookups); an item of another kind goes to the generic encoder."""
    return rlp_list(b"".join([rlp_str(int_to_be(v)) if type(v) is int else
                              rlp_str(v) if type(v) is bytes else encode(v) for v in values]))


def new_leaf(path: bytes, value: bytes) -> Node:
    return [LEAF, path, value, None, False]


def new_ext(path: bytes, child: Child) -> Node:
    return [EXT, path, child, None, False]


def new_branch() -> Node:
    return _EMPTY_BRANCH[:]


def child_ref(c: Child) -> bytes:
    """What a parent embeds for child slot `c`."""
    if c is None:
        return b"\x80"
    if type(c) is bytes:
        return c
    return c[REF] or node_ref(c)


def encode_node(node: Node) -> bytes:
    """The node's RLP; children contribute their (cached) references."""
    kind = node[0]
    if kind == BRANCH:
        parts = [c if type(c) is bytes else b"\x80" if c is None else c[REF] or node_ref(c)
                 for c in node[1:17]]
        parts.append(rlp_str(node[VALUE]))
        return rlp_list(b"".join(parts))
    if kind == LEAF:
        return rlp_list(leaf_key_rlp(node[1]) + rlp_str(node[2]))
    return rlp_list(rlp_str(hp_encode(node[1], False)) + child_ref(node[2]))


def node_ref(node: Node) -> bytes:
    """The node's reference, computed once and cached in the node."""
    ref = node[REF]
    if ref is None:
        enc = encode_node(node)
        ref = enc if len(enc) < 32 else b"\xa0" + keccak256(enc)
        node[REF] = ref
    return ref


def _child_from_rlp(item: bytes | list) -> Child:
    if type(item) is list:
        return node_from_rlp(item, None)
    if not item:
        return None
    if len(item) == 32:
        return b"\xa0" + item
    raise BadNode(f"child reference of {len(item)} bytes")


def node_from_rlp(item: bytes | list, ref: bytes | None) -> Node:
    """An in-memory node (marked stored) from a decoded RLP structure; embedded children included."""
    if type(item) is not list:
        raise BadNode("a trie node must be an RLP list")
    if len(item) == 17:
        value = item[16]
        if type(value) is not bytes:
            raise BadNode("branch value must be a string")
        node = [BRANCH]
        node.extend([_child_from_rlp(c) for c in item[:16]])
        node.extend((value, ref, True))
        return node
    if len(item) != 2:
        raise BadNode(f"a trie node has 2 or 17 items, not {len(item)}")
    path, leaf = hp_decode(item[0])
    if leaf:
        if type(item[1]) is not bytes:
            raise BadNode("leaf value must be a string")
        return [LEAF, path, item[1], ref, True]
    child = _child_from_rlp(item[1])
    if child is None:
        raise BadNode("extension without a child")
    return [EXT, path, child, ref, True]


class NodeCache:
    """Decoded nodes by hash, shared by every trie opened on one store (least recently used
    evicted). Sharing is safe because a loaded node is never changed: updates copy the path they
    touch, and loading a child only replaces its hash by the identical node. Several threads may
    read through one cache (eth_call runs beside mining): a lock keeps the LRU order intact."""

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self._nodes: OrderedDict[bytes, Node] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, node_hash: bytes) -> Node | None:
        with self._lock:
            node = self._nodes.get(node_hash)
            if node is not None:
                self._nodes.move_to_end(node_hash)
            return node

    def put(self, node_hash: bytes, node: Node) -> None:
        with self._lock:
            self._nodes[node_hash] = node
            if len(self._nodes) > self.size:
                self._nodes.popitem(last=False)
