"""Accounts as stored in the state trie: rlp([nonce, balance, storageRoot, codeHash])."""
from typing import NamedTuple

from pydevnet.state.hashing import EMPTY_CODE_HASH, EMPTY_TRIE_ROOT
from pydevnet.state.rlp import decode, decode_int, encode


class Account(NamedTuple):
    nonce: int = 0
    balance: int = 0
    storage_root: bytes = EMPTY_TRIE_ROOT
    code_hash: bytes = EMPTY_CODE_HASH


def encode_account(nonce: int, balance: int, storage_root: bytes, code_hash: bytes) -> bytes:
    return encode([nonce, balance, storage_root, code_hash])


def decode_account(data: bytes) -> Account:
    nonce, balance, root, code_hash = decode(data)
    return Account(decode_int(nonce), decode_int(balance), root, code_hash)


def encode_storage_value(value: int) -> bytes:
    """Storage trie values are the RLP of the minimal big-endian value."""
    return encode(value)


def decode_storage_value(data: bytes) -> int:
    return decode_int(decode(data))
