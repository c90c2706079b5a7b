"""The root of an in-memory set of pairs, built in one pass (transactions and receipts tries,
withdrawals, state-test roots).

Rather than inserting keys one by one, the keys are sorted once and the trie is built bottom-up:
all keys under a node are a contiguous run of the sorted list, their common prefix is the common
prefix of the run's first and last keys, and each branch child is found by bisection. Nodes are
never materialized: each call returns its node's RLP directly.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

from pydevnet.state.hashing import EMPTY_TRIE_ROOT, keccak256
from pydevnet.state.trie_nodes import hp_encode, nibbles, rlp_list, rlp_str


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
    keys = [nibbles(k) for k in ordered]
    values = [data[k] for k in ordered]
    return keccak256(_node(keys, values, 0, len(keys), 0))


def _ref(enc: bytes) -> bytes:
    return enc if len(enc) < 32 else b"\xa0" + keccak256(enc)


def _node(keys: list[bytes], values: list[bytes], lo: int, hi: int, depth: int) -> bytes:
    """RLP of the node holding keys[lo:hi], which all share their first `depth` nibbles."""
    first = keys[lo]
    if hi - lo == 1:
        return rlp_list(rlp_str(hp_encode(first[depth:], True)) + rlp_str(values[lo]))
    last = keys[hi - 1]
    end = depth
    limit = min(len(first), len(last))
    while end < limit and first[end] == last[end]:
        end += 1
    if end == depth:
        return _branch(keys, values, lo, hi, depth)
    child = _branch(keys, values, lo, hi, end)
    return rlp_list(rlp_str(hp_encode(first[depth:end], False)) + _ref(child))


def _branch(keys: list[bytes], values: list[bytes], lo: int, hi: int, depth: int) -> bytes:
    """RLP of the branch at `depth` over keys[lo:hi] (at least two keys)."""
    value = b""
    if len(keys[lo]) == depth:  # sorted first, the key that ends here is the branch's value
        value = values[lo]
        lo += 1
    prefix = keys[lo][:depth]
    slots = [b"\x80"] * 16
    i = lo
    while i < hi:
        nib = keys[i][depth]
        j = bisect_left(keys, prefix + bytes((nib + 1,)), i + 1, hi) if nib < 15 else hi
        slots[nib] = _ref(_node(keys, values, i, j, depth + 1))
        i = j
    slots.append(rlp_str(value))
    return rlp_list(b"".join(slots))
