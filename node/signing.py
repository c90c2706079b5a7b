"""Signing with the unlocked dev accounts: a digest signed as r ++ s ++ v (v = 27 or 28), and
the EIP-191 personal-message hash (eth_sign, personal_sign). EIP-712 typed data arrives as a JSON
document, so rpc/typed_data.py turns it into its digest, which Devnet.sign_typed_data signs.
"""
from pydevnet.node.tx.crypto import sign_hash
from pydevnet.state.hashing import keccak256


def signature(msg_hash: bytes, key: bytes) -> bytes:
    y_parity, r, s = sign_hash(msg_hash, key)
    return r.to_bytes(32, "big") + s.to_bytes(32, "big") + bytes((27 + y_parity,))


def personal_message_hash(data: bytes) -> bytes:
    """EIP-191 version 0x45: keccak256("\\x19Ethereum Signed Message:\\n" + len + data)."""
    return keccak256(b"\x19Ethereum Signed Message:\n" + str(len(data)).encode() + data)
