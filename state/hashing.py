"""Hashing helpers shared by every layer: keccak256 (pycryptodome, C-backed) and the constants
derived from it (the empty-code hash and the root of the empty trie)."""
from Crypto.Hash import keccak as _keccak

_new = _keccak.new


def keccak256(data: bytes) -> bytes:
    """Ethereum's Keccak-256 (the pre-standard SHA-3 padding)."""
    return _new(data=data, digest_bits=256).digest()


EMPTY_CODE_HASH = keccak256(b"")
# keccak256(rlp(b"")): the root of a trie with no entries
EMPTY_TRIE_ROOT = keccak256(b"\x80")
