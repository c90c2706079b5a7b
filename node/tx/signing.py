"""Signing transactions: with a private key (the dev accounts, eth_signTransaction), or with a
deterministic placeholder for an impersonated sender (anvil_impersonateAccount). EIP-7702
authorizations are signed by node/tx/authorization.py's sign_authorization.
"""
from typing import Any

from pydevnet.node.tx.crypto import SECP256K1N, sign_hash
from pydevnet.node.tx.types import (ACCESS_LIST_TX_TYPE, BLOB_TX_TYPE, DYNAMIC_FEE_TX_TYPE,
                                    LEGACY_TX_TYPE, SET_CODE_TX_TYPE, Transaction)
from pydevnet.state.hashing import keccak256


def _infer_type(fields: dict[str, Any]) -> int:
    if fields.get("authorization_list"):
        return SET_CODE_TX_TYPE
    if fields.get("blob_versioned_hashes") or fields.get("max_fee_per_blob_gas") is not None:
        return BLOB_TX_TYPE
    if fields.get("max_fee_per_gas") is not None:
        return DYNAMIC_FEE_TX_TYPE
    return ACCESS_LIST_TX_TYPE if fields.get("access_list") else LEGACY_TX_TYPE


def _signed(fields: dict[str, Any], sign) -> Transaction:
    """`fields` (type inferred when absent) with the signature `sign(signing hash)` gives as
    (y_parity, r, s). Legacy v is 27/28 without a chain id, else chain_id * 2 + 35 + parity
    (EIP-155); typed txs store the parity itself."""
    if fields.keys() & {"v", "r", "s"}:
        raise ValueError("fields to sign must not contain v, r or s")
    params = dict(fields)
    params.setdefault("type", _infer_type(params))
    params.setdefault("chain_id", None)
    unsigned = Transaction(**params)
    y_parity, r, s = sign(unsigned.signing_hash())
    v = y_parity
    if unsigned.type == LEGACY_TX_TYPE:
        v += 27 if unsigned.chain_id is None else 35 + 2 * unsigned.chain_id
    return Transaction(**params, v=v, r=r, s=s)


def sign_transaction(fields: dict[str, Any], private_key: bytes) -> Transaction:
    """Sign the transaction `fields` describe (Transaction's attribute names; `type` inferred
    from the fee fields when absent). ValueError for malformed fields or key; the result is not
    validated (call validate_stateless)."""
    return _signed(fields, lambda h: sign_hash(h, private_key))


# An impersonated transaction's placeholder signature has s = 1: a valid EIP-2 value that a real
# signer produces with negligible probability, so it marks which stored transactions may have a
# persisted impersonated sender (the persisted record, never the signature, is the authority).
PLACEHOLDER_S = 1


def impersonated_transaction(fields: dict[str, Any], sender: bytes) -> Transaction:
    """The transaction `fields` describe, sent by the impersonated `sender` (no key): its
    signature is a deterministic placeholder, r = keccak256(sender ++ signing hash) reduced into
    [1, n), s = PLACEHOLDER_S, parity 0, so equal fields from different senders hash apart and
    the same calls give the same hashes. The signature does not recover to `sender`; the
    sender is assumed (Transaction.assume_sender) and must be persisted alongside."""
    def placeholder(signing_hash: bytes) -> tuple[int, int, int]:
        digest = int.from_bytes(keccak256(b"impersonated" + sender + signing_hash), "big")
        return 0, digest % (SECP256K1N - 1) + 1, PLACEHOLDER_S
    return _signed(fields, placeholder).assume_sender(sender)
