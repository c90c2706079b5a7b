"""Merkle proofs (the eth_getProof format, EIP-1186): verification against a root hash.

A proof is the list of RLP-encoded nodes on a key's path from the root down, where only nodes
referenced by hash appear as entries (the root always does; shorter nodes are embedded in their
parent). The same list proves inclusion (the walk ends at the key's value) or exclusion (the walk
ends at an empty slot or a diverging path). Building a proof is `Trie.prove`.
"""
from __future__ import annotations

from pydevnet.state.hashing import EMPTY_TRIE_ROOT, keccak256
from pydevnet.state.rlp import RLPError, decode
from pydevnet.state.trie_nodes import (BRANCH, LEAF, VALUE, BadNode, Child, Node, TrieError,
                                       nibbles, node_from_rlp)


class ProofError(TrieError):
    """The proof does not connect the key to the root (a node is missing, altered or malformed)."""


def _load(db: dict[bytes, bytes], node_hash: bytes) -> Node:
    enc = db.get(node_hash)
    if enc is None:
        raise ProofError(f"the proof lacks node 0x{node_hash.hex()}")
    try:
        return node_from_rlp(decode(enc), None)
    except (RLPError, BadNode) as exc:
        raise ProofError(f"malformed node 0x{node_hash.hex()}: {exc}") from exc


def _resolve(db: dict[bytes, bytes], child: Child) -> Node:
    return _load(db, child[1:]) if type(child) is bytes else child  # 0xa0 + hash


def verify_proof(root: bytes, key: bytes, proof: list[bytes]) -> bytes | None:
    """The value `proof` shows for `key` under `root`, or None if it shows the key is absent.

    Raises ProofError when the proof does not hash-link the key's path to `root`.
    """
    if root == EMPTY_TRIE_ROOT:
        return None
    db = {keccak256(bytes(enc)): bytes(enc) for enc in proof}
    node = _load(db, root)
    path = nibbles(key)
    pos = 0
    while True:
        kind = node[0]
        if kind == BRANCH:
            if pos == len(path):
                return node[VALUE] or None
            child = node[1 + path[pos]]
            pos += 1
        elif kind == LEAF:
            return (node[2] or None) if path[pos:] == node[1] else None
        else:
            if not path.startswith(node[1], pos):
                return None
            pos += len(node[1])
            child = node[2]
        if child is None:
            return None
        node = _resolve(db, child)
