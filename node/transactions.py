"""Signed transactions: the public API (decode, sign, intrinsic gas, stateless validation).

Everything that can be said about a transaction without looking at the state or the block:
EIP-155 (chain id in legacy v), EIP-2 (low s), EIP-2718 (typed envelope), EIP-2930 (access
lists), EIP-1559 (fee caps), EIP-2028 (calldata gas), EIP-2681 (nonce limit), EIP-3860 (initcode
limit and gas) and EIP-4844 (blob transaction rules). Checks that need state (nonce, balance,
sender code) or the block (base fee, blob base fee, block gas limit) belong to the executor/pool.

The value type lives in tx_types.py, the wire decoder in tx_decode.py and the secp256k1 helpers
in tx_crypto.py; this module re-exports what callers need.
"""
from typing import Any, Iterable

from pydevnet.node.errors import (BlobHashVersion, BlobTxCreate, FeeOverflow, InitcodeTooLarge,
                                  IntrinsicGasTooLow, MissingBlobHashes, NonceMax, TipAboveFeeCap,
                                  TooManyBlobs, WrongChainId)
from pydevnet.node.tx_crypto import (SECP256K1N, check_signature_values, private_key_to_address,
                                     sign_hash)
from pydevnet.node.tx_decode import decode_transaction
from pydevnet.vm.gas import (GAS_ACCESS_LIST_ADDRESS, GAS_ACCESS_LIST_STORAGE_KEY,
                             GAS_INITCODE_WORD, GAS_TX, GAS_TX_CREATE, GAS_TX_DATA_NONZERO,
                             GAS_TX_DATA_ZERO, MAX_BLOBS_PER_TX, MAX_INITCODE_SIZE, MAX_TX_NONCE,
                             VERSIONED_HASH_VERSION_KZG)
from pydevnet.state.hashing import keccak256
from pydevnet.node.tx_types import (ACCESS_LIST_TX_TYPE, BLOB_TX_TYPE, DYNAMIC_FEE_TX_TYPE,
                                    LEGACY_TX_TYPE, UINT256_LIMIT, AccessList, Transaction,
                                    check_field_widths)

__all__ = [
    "Transaction", "decode_transaction", "sign_transaction", "impersonated_transaction",
    "PLACEHOLDER_S", "intrinsic_gas", "tx_intrinsic_gas",
    "validate_stateless", "private_key_to_address", "LEGACY_TX_TYPE", "ACCESS_LIST_TX_TYPE",
    "DYNAMIC_FEE_TX_TYPE", "BLOB_TX_TYPE", "AccessList",
]


def intrinsic_gas(data: bytes, is_create: bool, access_list: Iterable = ()) -> int:
    """Gas charged before execution: 21000 (53000 for a create), 4 per zero and 16 per non-zero
    data byte (EIP-2028), 2 per initcode word for creates (EIP-3860), and 2400 per access-list
    address plus 1900 per storage key (EIP-2930)."""
    zeros = data.count(0)
    gas = (GAS_TX_CREATE if is_create else GAS_TX) + zeros * GAS_TX_DATA_ZERO \
        + (len(data) - zeros) * GAS_TX_DATA_NONZERO
    if is_create:
        gas += GAS_INITCODE_WORD * ((len(data) + 31) // 32)
    for _address, keys in access_list:
        gas += GAS_ACCESS_LIST_ADDRESS + GAS_ACCESS_LIST_STORAGE_KEY * len(keys)
    return gas


def tx_intrinsic_gas(tx: Transaction) -> int:
    """intrinsic_gas of a transaction's own data, create flag and access list."""
    return intrinsic_gas(tx.data, tx.to is None, tx.access_list)


def _check_fees(tx: Transaction) -> None:
    """EIP-1559: tip cap <= fee cap, and gas_limit * fee cap fits 256 bits."""
    if tx.max_fee_per_gas is not None and tx.max_priority_fee_per_gas > tx.max_fee_per_gas:
        raise TipAboveFeeCap(
            f"max priority fee {tx.max_priority_fee_per_gas} > max fee {tx.max_fee_per_gas}")
    if tx.gas_limit * tx.fee_cap() >= UINT256_LIMIT:
        raise FeeOverflow("gas limit * fee cap overflows 256 bits")


def _check_blob_rules(tx: Transaction) -> None:
    """EIP-4844: a blob tx calls an address and carries 1..6 versioned hashes of version 0x01."""
    if tx.type != BLOB_TX_TYPE:
        return
    if tx.to is None:
        raise BlobTxCreate()
    count = len(tx.blob_versioned_hashes)
    if count == 0:
        raise MissingBlobHashes()
    if count > MAX_BLOBS_PER_TX:
        raise TooManyBlobs(f"have {count}, permitted {MAX_BLOBS_PER_TX}")
    for i, versioned_hash in enumerate(tx.blob_versioned_hashes):
        if versioned_hash[0] != VERSIONED_HASH_VERSION_KZG:
            raise BlobHashVersion(f"blob {i} has version {versioned_hash[0]}, supported "
                                  f"{VERSIONED_HASH_VERSION_KZG}")


def validate_stateless(tx: Transaction, chain_id: int | None = None) -> None:
    """Every check that needs neither state nor block; raises the distinct InvalidTransaction.

    `chain_id` None skips the chain id check; otherwise a typed or EIP-155 tx must carry it.
    Unprotected legacy transactions (v = 27/28) stay valid, as on geth's and anvil's devnets.
    The sender is recovered last (the costly step) and is cached on the transaction."""
    check_field_widths(tx)
    if chain_id is not None and tx.chain_id is not None and tx.chain_id != chain_id:
        raise WrongChainId(f"transaction chain id {tx.chain_id}, expected {chain_id}")
    check_signature_values(tx.y_parity, tx.r, tx.s)
    if tx.nonce >= MAX_TX_NONCE:
        raise NonceMax(f"nonce {tx.nonce} (EIP-2681)")
    _check_fees(tx)
    if tx.to is None and len(tx.data) > MAX_INITCODE_SIZE:
        raise InitcodeTooLarge(f"{len(tx.data)} bytes > {MAX_INITCODE_SIZE}")
    _check_blob_rules(tx)
    gas = tx_intrinsic_gas(tx)
    if gas > tx.gas_limit:
        raise IntrinsicGasTooLow(f"gas limit {tx.gas_limit} < intrinsic gas {gas}")
    tx.sender  # noqa: B018 -- recovers (and caches) the sender, or raises InvalidSignature


def _infer_type(fields: dict[str, Any]) -> int:
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
