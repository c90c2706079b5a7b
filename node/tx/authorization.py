"""EIP-7702 authorizations: the tuples `[chain_id, address, nonce, y_parity, r, s]` a set-code
transaction (type 4) carries, each an account's signed consent to have its code set to the
delegation designator `0xef0100 || address`.

The signed message is `keccak256(MAGIC || rlp([chain_id, address, nonce]))` with MAGIC 0x05. An
authorization's own validity (chain id, nonce, signature, the authority's code and nonce) is
judged when the transaction runs (node/chain/transition.py): an invalid one is skipped, it does
not make the transaction invalid. Only the field widths are the transaction's (EIP-7702: chain id
and r, s within 256 bits, nonce within 64, y_parity within 8).
"""
from typing import NamedTuple

from pydevnet.node.tx.crypto import recover_address, sign_hash
from pydevnet.node.tx.errors import IntegerOverflow
from pydevnet.state.hashing import keccak256
from pydevnet.state.rlp import encode

SET_CODE_MAGIC = b"\x05"  # EIP-7702 MAGIC: authorizations sign apart from transactions
_UINT8_LIMIT = 2**8
_UINT64_LIMIT = 2**64
_UINT256_LIMIT = 2**256


class Authorization(NamedTuple):
    """One authorization tuple, in wire order (so `list(auth)` is its RLP item)."""

    chain_id: int
    address: bytes
    nonce: int
    y_parity: int
    r: int
    s: int

    def signing_hash(self) -> bytes:
        return authorization_hash(self.chain_id, self.address, self.nonce)

    def authority(self) -> bytes:
        """The account that signed this authorization; InvalidSignature if none did (EIP-2's
        low s and a y_parity of 0 or 1 included)."""
        return recover_address(self.signing_hash(), self.y_parity, self.r, self.s)


def authorization_hash(chain_id: int, address: bytes, nonce: int) -> bytes:
    """What the authority signs: keccak256(0x05 || rlp([chain_id, address, nonce]))."""
    return keccak256(SET_CODE_MAGIC + encode([chain_id, address, nonce]))


def sign_authorization(chain_id: int, address: bytes, nonce: int,
                       private_key: bytes) -> Authorization:
    """The authorization of `address`'s code for the key's account (chain id 0: any chain)."""
    y_parity, r, s = sign_hash(authorization_hash(chain_id, address, nonce), private_key)
    return Authorization(chain_id, bytes(address), nonce, y_parity, r, s)


def check_authorization_widths(auth: Authorization) -> None:
    """IntegerOverflow unless every field fits its EIP-7702 bound."""
    if not 0 <= auth.chain_id < _UINT256_LIMIT:
        raise IntegerOverflow("authorization chain id exceeds 256 bits")
    if not 0 <= auth.nonce < _UINT64_LIMIT:
        raise IntegerOverflow("authorization nonce exceeds 64 bits")
    if not 0 <= auth.y_parity < _UINT8_LIMIT:
        raise IntegerOverflow("authorization y_parity exceeds 8 bits")
    if not (0 <= auth.r < _UINT256_LIMIT and 0 <= auth.s < _UINT256_LIMIT):
        raise IntegerOverflow("authorization signature value exceeds 256 bits")
