"""Stateless validation and intrinsic gas: everything that can be said about a transaction
without looking at the state or the block:
EIP-155 (chain id in legacy v), EIP-2 (low s), EIP-2718 (typed envelope), EIP-2930 (access
lists), EIP-1559 (fee caps), EIP-2028 (calldata gas), EIP-2681 (nonce limit), EIP-3860 (initcode
limit and gas), EIP-4844 (blob transaction rules, the fork's blobs per transaction), and from
Prague EIP-7702 (set-code transactions: a destination, authorizations, their intrinsic gas) and
EIP-7623 (the calldata floor), from Osaka EIP-7825 (the transaction gas cap). Which rules apply is
the fork's (a vm Spec). Checks that need state (nonce, balance, sender code) or the block (base
fee, blob base fee, block gas limit) belong to the pool and the state transition.
"""
from typing import Iterable

from pydevnet.node.tx.crypto import check_signature_values
from pydevnet.node.tx.errors import (BlobHashVersion, BlobTxCreate, EmptyAuthorizationList,
                                     FeeOverflow, FloorDataGasTooLow, InitcodeTooLarge,
                                     IntrinsicGasTooLow, MissingBlobHashes, NonceMax,
                                     SetCodeTxCreate, TipAboveFeeCap, TooManyBlobs,
                                     TxGasLimitTooHigh, UnsupportedType, WrongChainId)
from pydevnet.node.tx.types import (BLOB_TX_TYPE, SET_CODE_TX_TYPE, UINT256_LIMIT, Transaction,
                                    check_field_widths)
from pydevnet.vm.gas import (GAS_ACCESS_LIST_ADDRESS, GAS_ACCESS_LIST_STORAGE_KEY,
                             GAS_INITCODE_WORD, GAS_TX, GAS_TX_CREATE, GAS_TX_DATA_NONZERO,
                             GAS_TX_DATA_ZERO, GAS_TX_FLOOR_PER_TOKEN, MAX_INITCODE_SIZE,
                             MAX_TX_GAS, MAX_TX_NONCE, PER_EMPTY_ACCOUNT_COST,
                             TOKENS_PER_NONZERO_BYTE, VERSIONED_HASH_VERSION_KZG)
from pydevnet.vm.spec import Spec
from pydevnet.vm.table import CANCUN


def intrinsic_gas(data: bytes, is_create: bool, access_list: Iterable = (),
                  authorizations: int = 0) -> int:
    """Gas charged before execution: 21000 (53000 for a create), 4 per zero and 16 per non-zero
    data byte (EIP-2028), 2 per initcode word for creates (EIP-3860), 2400 per access-list
    address plus 1900 per storage key (EIP-2930), and 25000 per authorization (EIP-7702)."""
    zeros = data.count(0)
    gas = (GAS_TX_CREATE if is_create else GAS_TX) + zeros * GAS_TX_DATA_ZERO \
        + (len(data) - zeros) * GAS_TX_DATA_NONZERO
    if is_create:
        gas += GAS_INITCODE_WORD * ((len(data) + 31) // 32)
    for _address, keys in access_list:
        gas += GAS_ACCESS_LIST_ADDRESS + GAS_ACCESS_LIST_STORAGE_KEY * len(keys)
    return gas + PER_EMPTY_ACCOUNT_COST * authorizations


def floor_gas(data: bytes, spec: Spec) -> int:
    """EIP-7623's least gas a transaction uses: 21000 + 10 per calldata token (a zero byte is
    one token, another byte four); 0 before Prague. Creates pay no more floor than calls."""
    if not spec.has(7623):
        return 0
    zeros = data.count(0)
    return GAS_TX + GAS_TX_FLOOR_PER_TOKEN * (zeros + (len(data) - zeros) * TOKENS_PER_NONZERO_BYTE)


def tx_intrinsic_gas(tx: Transaction) -> int:
    """intrinsic_gas of a transaction's own data, create flag, access list and authorizations."""
    return intrinsic_gas(tx.data, tx.to is None, tx.access_list, len(tx.authorization_list))


def _check_fees(tx: Transaction) -> None:
    """EIP-1559: tip cap <= fee cap, and gas_limit * fee cap fits 256 bits."""
    if tx.max_fee_per_gas is not None and tx.max_priority_fee_per_gas > tx.max_fee_per_gas:
        raise TipAboveFeeCap(
            f"max priority fee {tx.max_priority_fee_per_gas} > max fee {tx.max_fee_per_gas}")
    if tx.gas_limit * tx.fee_cap() >= UINT256_LIMIT:
        raise FeeOverflow("gas limit * fee cap overflows 256 bits")


def _check_blob_rules(tx: Transaction, max_blobs: int) -> None:
    """EIP-4844: a blob tx calls an address and carries 1..max_blobs (the fork's) versioned
    hashes of version 0x01."""
    if tx.type != BLOB_TX_TYPE:
        return
    if tx.to is None:
        raise BlobTxCreate()
    count = len(tx.blob_versioned_hashes)
    if count == 0:
        raise MissingBlobHashes()
    if count > max_blobs:
        raise TooManyBlobs(f"have {count}, permitted {max_blobs}")
    for i, versioned_hash in enumerate(tx.blob_versioned_hashes):
        if versioned_hash[0] != VERSIONED_HASH_VERSION_KZG:
            raise BlobHashVersion(f"blob {i} has version {versioned_hash[0]}, supported "
                                  f"{VERSIONED_HASH_VERSION_KZG}")


def _check_set_code_rules(tx: Transaction, spec: Spec) -> None:
    """EIP-7702: type 4 from Prague on, calling an address, with at least one authorization."""
    if tx.type != SET_CODE_TX_TYPE:
        return
    if not spec.has(7702):
        raise UnsupportedType(f"type 0x04 (EIP-7702) is not in {spec.name.capitalize()}")
    if tx.to is None:
        raise SetCodeTxCreate()
    if not tx.authorization_list:
        raise EmptyAuthorizationList()


def _check_gas(tx: Transaction, spec: Spec) -> None:
    """The gas limit within EIP-7825's cap (Osaka), and at least the intrinsic gas and EIP-7623's
    floor (Prague)."""
    if spec.has(7825) and tx.gas_limit > MAX_TX_GAS:
        raise TxGasLimitTooHigh(f"cap: {MAX_TX_GAS}, tx: {tx.gas_limit}")
    gas = tx_intrinsic_gas(tx)
    if gas > tx.gas_limit:
        raise IntrinsicGasTooLow(f"gas limit {tx.gas_limit} < intrinsic gas {gas}")
    floor = floor_gas(tx.data, spec)
    if floor > tx.gas_limit:
        raise FloorDataGasTooLow(f"gas limit {tx.gas_limit} < floor data gas {floor}")


def validate_stateless(tx: Transaction, chain_id: int | None = None, spec: Spec = CANCUN) -> None:
    """Every check that needs neither state nor block, under the fork `spec`; raises the distinct
    InvalidTransaction.

    `chain_id` None skips the chain id check; otherwise a typed or EIP-155 tx must carry it.
    Unprotected legacy transactions (v = 27/28) stay valid, as on geth's and anvil's devnets.
    The sender is recovered last (the costly step) and is cached on the transaction."""
    check_field_widths(tx)
    _check_set_code_rules(tx, spec)
    if chain_id is not None and tx.chain_id is not None and tx.chain_id != chain_id:
        raise WrongChainId(f"transaction chain id {tx.chain_id}, expected {chain_id}")
    check_signature_values(tx.y_parity, tx.r, tx.s)
    if tx.nonce >= MAX_TX_NONCE:
        raise NonceMax(f"nonce {tx.nonce} (EIP-2681)")
    _check_fees(tx)
    if tx.to is None and len(tx.data) > MAX_INITCODE_SIZE:
        raise InitcodeTooLarge(f"{len(tx.data)} bytes > {MAX_INITCODE_SIZE}")
    _check_blob_rules(tx, spec.blob.max_per_tx)
    _check_gas(tx, spec)
    tx.sender  # noqa: B018 -- recovers (and caches) the sender, or raises InvalidSignature
