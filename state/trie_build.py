"""The root of an in-memory set of pairs, built in one pass (transactions and receipts tries,
withdrawals, state-test roots), and the same build writing its nodes out (`build_nodes`: a large
genesis state, whose million accounts by insertion would copy a path per key).

Rather than inserting keys one by one, the keys are sorted once and the trie is built bottom-up:
all keys under a node are a contiguous run of the sorted list, their common prefix is the common
prefix of the run's first and last keys, and each branch child is found by bisection. Nodes are
never materialized: each call returns its node's RLP directly, and hands every node a parent
refers to by hash (RLP of 32 bytes or more) to the sink. About 8 us a key in CPython.
"""
from __future__ import annotations

from binascii import hexlify, unhexlify
from bisect import bisect_left
from collections.abc import Callable, Iterable

from sha3 import keccak_256  # the hasher itself: one call less a node than hashing.keccak256

from pydevnet.state.hashing import EMPTY_TRIE_ROOT, keccak256
from pydevnet.state.trie_nodes import rlp_list, rlp_str

# Keys are handled as lowercase hex (one ASCII digit a nibble: the same order as the nibbles),
# so a hex-prefix path is one unhexlify of its flag digits and the path's digits (YP appendix C).
_LEAF_FLAG = (b"20", b"3")  # a leaf's flag digits for a path of even, odd length
_EXT_FLAG = (b"00", b"1")   # an extension's
_NIBBLE = {c: i for i, c in enumerate(b"0123456789abcdef")}
_NEXT = {c: bytes((c + 1,)) for c in b"0123456789abcde"}  # sorts after every key with digit c
_LAST_DIGIT = ord("f")


def trie_root(pairs: Iterable[tuple[bytes, bytes]]) -> bytes:
    """Root hash of the trie holding `pairs` (a later pair wins; an empty value deletes)."""
    data: dict[bytes, bytes] = {}
    for key, value in pairs:
        if value:
            data[key] = value
        else:
            data.pop(key, None)
    if not data:
        return EMPTY_TRIE_ROOT
    ordered = sorted(data)
    keys = [hexlify(k) for k in ordered]
    values = [data[k] for k in ordered]
    return keccak256(_node(keys, values, 0, len(keys), 0, _no_sink))


def _no_sink(node_hash: bytes, enc: bytes) -> None:
    pass


class Sink:
    """Where `build_nodes` puts the nodes: out[prefix + keccak256(RLP)] = RLP. Once `out` holds
    `limit` records, `full(out)` takes them and returns the dict to go on with (a large build
    writes its nodes in chunks while it runs)."""

    __slots__ = ("out", "prefix", "limit", "full")

    def __init__(self, out: dict[bytes, bytes], prefix: bytes, limit: int = 0,
                 full: Callable[[dict[bytes, bytes]], dict[bytes, bytes]] | None = None) -> None:
        self.out = out
        self.prefix = prefix
        self.limit = limit if full is not None else 0
        self.full = full

    def __call__(self, node_hash: bytes, enc: bytes) -> None:
        out = self.out
        out[self.prefix + node_hash] = enc
        if self.limit and len(out) >= self.limit:
            self.out = self.full(out)


def build_nodes(keys: list[bytes], values: list[bytes], sink: Sink) -> bytes:
    """Build the trie of keys[i] -> values[i] (keys distinct and sorted, values non-empty) and
    put each node a parent refers to by hash into `sink`, and the root always (even when its RLP
    is shorter than 32 bytes, as a committed trie stores it); returns the root hash."""
    if not keys:
        return EMPTY_TRIE_ROOT
    enc = _node([hexlify(k) for k in keys], values, 0, len(keys), 0, sink)
    root = keccak256(enc)
    sink(root, enc)
    return root


def _ref(enc: bytes, sink: Callable[[bytes, bytes], None]) -> bytes:
    if len(enc) < 32:
        return enc
    h = keccak256(enc)
    sink(h, enc)
    return b"\xa0" + h


def _leaf(key: bytes, depth: int, value: bytes) -> bytes:
    return rlp_list(rlp_str(unhexlify(_LEAF_FLAG[(len(key) - depth) & 1] + key[depth:]))
                    + rlp_str(value))


def _node(keys: list[bytes], values: list[bytes], lo: int, hi: int, depth: int,
          sink: Callable[[bytes, bytes], None]) -> bytes:
    """RLP of the node holding keys[lo:hi], which all share their first `depth` nibbles."""
    first = keys[lo]
    if hi - lo == 1:
        return _leaf(first, depth, values[lo])
    last = keys[hi - 1]
    end = depth
    limit = min(len(first), len(last))
    while end < limit and first[end] == last[end]:
        end += 1
    if end == depth:
        return _branch(keys, values, lo, hi, depth, sink)
    child = _branch(keys, values, lo, hi, end, sink)
    return rlp_list(rlp_str(unhexlify(_EXT_FLAG[(end - depth) & 1] + first[depth:end]))
                    + _ref(child, sink))


def _branch(keys: list[bytes], values: list[bytes], lo: int, hi: int, depth: int,
            sink: Callable[[bytes, bytes], None]) -> bytes:
    """RLP of the branch at `depth` over keys[lo:hi] (at least two keys)."""
    value = b""
    if len(keys[lo]) == depth:  # sorted first, the key that ends here is the branch's value
        value = values[lo]
        lo += 1
    prefix = keys[lo][:depth]
    slots = [b"\x80"] * 16
    i = lo
    while i < hi:  # _leaf and _ref written out: this loop runs once a key
        digit = keys[i][depth]
        j = hi if digit == _LAST_DIGIT else bisect_left(keys, prefix + _NEXT[digit], i + 1, hi)
        if j == i + 1:
            key = keys[i]
            enc = rlp_list(rlp_str(unhexlify(_LEAF_FLAG[(len(key) - depth - 1) & 1]
                                             + key[depth + 1:])) + rlp_str(values[i]))
        else:
            enc = _node(keys, values, i, j, depth + 1, sink)
        if len(enc) < 32:
            slots[_NIBBLE[digit]] = enc
        else:
            h = keccak_256(enc).digest()
            sink(h, enc)
            slots[_NIBBLE[digit]] = b"\xa0" + h
        i = j
    slots.append(rlp_str(value))
    return rlp_list(b"".join(slots))
