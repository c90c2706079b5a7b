"""Hashing helpers shared by every layer: keccak256 and the constants derived from it (the
empty-code hash and the root of the empty trie).

Keccak-256 comes from safe-pysha3, a C extension: about 0.8 us a hash, where pycryptodome's
ctypes wrapper costs about 4 us of call overhead. Hashing dominates trie commits and KECCAK256
loops, so this is the one place the difference matters.
"""
from sha3 import keccak_256 as _keccak_256


def keccak256(data: bytes) -> bytes:
    """Ethereum's Keccak-256 (the pre-standard SHA-3 padding)."""
    return _keccak_256(data).digest()


EMPTY_CODE_HASH = keccak256(b"")
# keccak256(rlp(b"")): the root of a trie with no entries
EMPTY_TRIE_ROOT = keccak256(b"\x80")
