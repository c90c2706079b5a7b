"""Signed transactions: sign -> encode -> decode round trips for legacy (EIP-155), EIP-2930,
EIP-1559 and EIP-4844 transactions, cross-checked against eth_account (test-only), plus intrinsic
gas (EIP-2028, EIP-2930, EIP-3860), fee helpers (EIP-1559) and the EIP-4844 network form."""
import hashlib

import pytest
from eth_account import Account
from eth_account._utils.legacy_transactions import serializable_unsigned_transaction_from_dict
from eth_account.typed_transactions import TypedTransaction
from eth_utils import to_checksum_address
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pydevnet.node.tx.errors import BlobTxInvalid, DecodeError
from pydevnet.node.tx.crypto import SECP256K1N
from pydevnet.node.tx.crypto import private_key_to_address
from pydevnet.node.tx.decode import decode_transaction
from pydevnet.node.tx.signing import sign_transaction
from pydevnet.node.tx.types import Transaction
from pydevnet.node.tx.validation import intrinsic_gas, tx_intrinsic_gas, validate_stateless
from pydevnet.state.rlp import decode, encode

KEY = bytes.fromhex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
ADDRESS = bytes.fromhex("2c7536e3605d9c16a7a3d7b1898e529396a65c23")  # eth_account docs' key
ATTRIBUTES = ("type", "chain_id", "nonce", "gas_limit", "to", "value", "data", "gas_price",
              "max_priority_fee_per_gas", "max_fee_per_gas", "access_list",
              "max_fee_per_blob_gas", "blob_versioned_hashes", "v", "r", "s")

uint64 = st.integers(0, 2**64 - 1)
uint256 = st.integers(0, 2**256 - 1)
address = st.binary(min_size=20, max_size=20)
keys = st.integers(1, SECP256K1N - 1).map(lambda k: k.to_bytes(32, "big"))
access_lists = st.lists(st.tuples(address, st.lists(uint256, max_size=3).map(tuple)), max_size=3)
blob_hashes = st.lists(st.binary(min_size=31, max_size=31).map(lambda h: b"\x01" + h),
                       min_size=1, max_size=6)
common = {"nonce": uint64, "gas_limit": uint64, "value": uint256, "data": st.binary(max_size=100)}
FIELD_STRATEGIES = {
    0: st.fixed_dictionaries({**common, "to": st.none() | address, "gas_price": uint256,
                              "chain_id": st.none() | st.integers(0, 2**64)}),
    1: st.fixed_dictionaries({**common, "to": st.none() | address, "gas_price": uint256,
                              "chain_id": uint256, "access_list": access_lists}),
    2: st.fixed_dictionaries({**common, "to": st.none() | address, "chain_id": uint256,
                              "max_priority_fee_per_gas": uint256, "max_fee_per_gas": uint256,
                              "access_list": access_lists}),
    3: st.fixed_dictionaries({**common, "to": address, "chain_id": uint256,
                              "max_priority_fee_per_gas": uint256, "max_fee_per_gas": uint256,
                              "access_list": access_lists, "max_fee_per_blob_gas": uint256,
                              "blob_versioned_hashes": blob_hashes}),
}


def test_private_key_to_address() -> None:
    assert private_key_to_address(KEY) == ADDRESS


@pytest.mark.parametrize("tx_type", [0, 1, 2, 3])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), key=keys)
def test_sign_encode_decode_round_trip(tx_type: int, data: st.DataObject, key: bytes) -> None:
    fields = data.draw(FIELD_STRATEGIES[tx_type])
    tx = sign_transaction({"type": tx_type, **fields}, key)
    decoded = decode_transaction(tx.raw)
    for name in ATTRIBUTES:
        assert getattr(decoded, name) == getattr(tx, name), name
    assert decoded == tx and decoded.raw == tx.raw and decoded.hash == tx.hash
    assert decoded.signing_hash() == tx.signing_hash()
    assert decoded.sender == tx.sender == private_key_to_address(key)
    assert tx.raw[0] == tx_type if tx_type else tx.raw[0] >= 0xC0


# eth_account cross-check ------------------------------------------------------------------


def _eth_account_dict(tx_type: int, fields: dict) -> dict:
    d = {"nonce": fields["nonce"], "gas": fields["gas_limit"], "value": fields["value"],
         "data": fields["data"]}
    if fields["to"] is not None:
        d["to"] = to_checksum_address(fields["to"])
    if fields.get("chain_id") is not None:
        d["chainId"] = fields["chain_id"]
    if tx_type in (0, 1):
        d["gasPrice"] = fields["gas_price"]
    else:
        d["maxFeePerGas"] = fields["max_fee_per_gas"]
        d["maxPriorityFeePerGas"] = fields["max_priority_fee_per_gas"]
    if tx_type:
        d["type"] = tx_type
        d["accessList"] = [{"address": to_checksum_address(a),
                            "storageKeys": ["0x" + k.to_bytes(32, "big").hex() for k in ks]}
                           for a, ks in fields["access_list"]]
    return d


def _eth_account_signing_hash(tx_type: int, d: dict) -> bytes:
    if tx_type == 0:
        return bytes(serializable_unsigned_transaction_from_dict(d).hash())
    return bytes(TypedTransaction.from_dict(d).hash())


# eth_account validates its inputs as JSON-RPC quantities, so keep values in ranges it accepts.
cross_common = {"nonce": st.integers(0, 2**32), "gas_limit": st.integers(21000, 2**32),
                "value": st.integers(0, 2**128), "data": st.binary(max_size=64),
                "to": st.none() | address}
CROSS_STRATEGIES = {
    0: st.fixed_dictionaries({**cross_common, "gas_price": st.integers(0, 2**64),
                              "chain_id": st.none() | st.integers(1, 2**32)}),
    1: st.fixed_dictionaries({**cross_common, "gas_price": st.integers(0, 2**64),
                              "chain_id": st.integers(1, 2**32), "access_list": access_lists}),
    2: st.fixed_dictionaries({**cross_common, "max_priority_fee_per_gas": st.integers(0, 2**64),
                              "max_fee_per_gas": st.integers(0, 2**64),
                              "chain_id": st.integers(1, 2**32), "access_list": access_lists}),
}


@pytest.mark.parametrize("tx_type", [0, 1, 2])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), key=keys)
def test_matches_eth_account(tx_type: int, data: st.DataObject, key: bytes) -> None:
    fields = data.draw(CROSS_STRATEGIES[tx_type])
    ours = sign_transaction({"type": tx_type, **fields}, key)
    reference = _eth_account_dict(tx_type, fields)
    signed = Account.sign_transaction(reference, key)
    # both sign deterministically (RFC 6979), so the bytes match exactly
    assert ours.signing_hash() == _eth_account_signing_hash(tx_type, reference)
    assert ours.raw == bytes(signed.raw_transaction)
    assert ours.hash == bytes(signed.hash)
    assert (ours.v, ours.r, ours.s) == (signed.v, signed.r, signed.s)
    decoded = decode_transaction(bytes(signed.raw_transaction))
    assert decoded.sender == bytes.fromhex(Account.from_key(key).address[2:])


# EIP-155 -----------------------------------------------------------------------------------


def _legacy(**changes) -> dict:
    return {"type": 0, "nonce": 0, "gas_price": 1, "gas_limit": 21000, "to": b"\x11" * 20,
            "value": 1, **changes}


@pytest.mark.parametrize("chain_id", [1, 31337, 2**40])
def test_eip155_v_encodes_chain_id(chain_id: int) -> None:
    tx = sign_transaction(_legacy(chain_id=chain_id), KEY)
    assert tx.v in (chain_id * 2 + 35, chain_id * 2 + 36)
    decoded = decode_transaction(tx.raw)
    assert decoded.chain_id == chain_id and decoded.y_parity == tx.v - 35 - 2 * chain_id
    assert decoded.sender == ADDRESS
    validate_stateless(decoded, chain_id)


def test_pre_eip155_legacy_has_no_chain_id_and_stays_valid() -> None:
    tx = sign_transaction(_legacy(chain_id=None), KEY)
    assert tx.v in (27, 28)
    decoded = decode_transaction(tx.raw)
    assert decoded.chain_id is None and decoded.sender == ADDRESS
    validate_stateless(decoded, chain_id=31337)


def test_eip155_signing_hash_differs_from_unprotected() -> None:
    assert sign_transaction(_legacy(chain_id=1), KEY).signing_hash() != \
        sign_transaction(_legacy(chain_id=None), KEY).signing_hash()


def test_type_inferred_from_fee_fields() -> None:
    base = {"nonce": 0, "gas_limit": 21000, "to": b"\x11" * 20, "chain_id": 1}
    assert sign_transaction({**base, "gas_price": 1}, KEY).type == 0
    access_list = [(b"\x22" * 20, [1])]
    assert sign_transaction({**base, "gas_price": 1, "access_list": access_list}, KEY).type == 1
    eip1559 = {**base, "max_fee_per_gas": 2, "max_priority_fee_per_gas": 1}
    assert sign_transaction(eip1559, KEY).type == 2
    blob = {**base, "max_fee_per_gas": 2, "max_priority_fee_per_gas": 1, "max_fee_per_blob_gas": 1,
            "blob_versioned_hashes": [b"\x01" * 32]}
    assert sign_transaction(blob, KEY).type == 3


def test_sign_rejects_signature_fields_and_shape_mismatch() -> None:
    with pytest.raises(ValueError):
        sign_transaction(_legacy(v=27), KEY)
    with pytest.raises(ValueError):
        sign_transaction(_legacy(max_fee_per_gas=1), KEY)
    with pytest.raises(ValueError):
        sign_transaction({**_legacy(), "type": 2}, KEY)
    with pytest.raises(ValueError):
        sign_transaction(_legacy(), b"\x00" * 32)


# the value type ----------------------------------------------------------------------------


def test_transaction_is_immutable() -> None:
    tx = sign_transaction(_legacy(chain_id=1), KEY)
    with pytest.raises(AttributeError):
        tx.nonce = 5
    with pytest.raises(AttributeError):
        del tx.value
    changed = tx.replace(nonce=5)
    assert (tx.nonce, changed.nonce) == (0, 5) and changed.hash != tx.hash


def test_fee_helpers_eip1559() -> None:
    legacy = sign_transaction(_legacy(gas_price=7), KEY)
    assert (legacy.fee_cap(), legacy.tip_cap(), legacy.effective_gas_price(100)) == (7, 7, 7)
    tx = sign_transaction({"type": 2, "chain_id": 1, "nonce": 0, "gas_limit": 21000,
                           "max_fee_per_gas": 100, "max_priority_fee_per_gas": 3}, KEY)
    assert (tx.fee_cap(), tx.tip_cap()) == (100, 3)
    assert tx.effective_gas_price(10) == 13
    assert tx.effective_gas_price(99) == 100


# intrinsic gas -----------------------------------------------------------------------------


@pytest.mark.parametrize("data, is_create, access_list, expected", [
    (b"", False, (), 21000),
    (b"", True, (), 53000),
    (b"\x00\x01", False, (), 21000 + 4 + 16),  # EIP-2028
    (b"\x01" * 33, True, (), 53000 + 33 * 16 + 2 * 2),  # EIP-3860: two initcode words
    (b"", False, ((b"\x11" * 20, (1, 2)), (b"\x22" * 20, ())), 21000 + 2 * 2400 + 2 * 1900),
])
def test_intrinsic_gas(data: bytes, is_create: bool, access_list: tuple, expected: int) -> None:
    assert intrinsic_gas(data, is_create, access_list) == expected


def test_tx_intrinsic_gas_counts_create_and_access_list() -> None:
    tx = sign_transaction({"type": 1, "chain_id": 1, "nonce": 0, "gas_limit": 100000,
                           "gas_price": 1, "data": b"\x00" * 32,
                           "access_list": [(b"\x33" * 20, [5])]}, KEY)
    assert tx_intrinsic_gas(tx) == 53000 + 32 * 4 + 2 + 2400 + 1900


# EIP-4844 network form ---------------------------------------------------------------------


def _blob_tx_with_sidecar(count: int) -> tuple[Transaction, list]:
    commitments = [bytes([0xC0 + i]) + bytes(47) for i in range(count)]
    hashes = [b"\x01" + hashlib.sha256(c).digest()[1:] for c in commitments]
    tx = sign_transaction({"type": 3, "chain_id": 1, "nonce": 0, "gas_limit": 21000,
                           "to": b"\x44" * 20, "max_fee_per_gas": 10,
                           "max_priority_fee_per_gas": 1, "max_fee_per_blob_gas": 1,
                           "blob_versioned_hashes": hashes}, KEY)
    blobs = [bytes(131072)] * count
    proofs = [bytes(48)] * count
    return tx, [blobs, commitments, proofs]


def _network_form(tx: Transaction, sidecar: list) -> bytes:
    return b"\x03" + encode([decode(tx.raw[1:])] + sidecar)


def test_blob_network_form_is_unwrapped() -> None:
    tx, sidecar = _blob_tx_with_sidecar(2)
    decoded = decode_transaction(_network_form(tx, sidecar))
    assert decoded == tx and decoded.raw == tx.raw and decoded.hash == tx.hash
    assert decoded.sender == ADDRESS
    validate_stateless(decoded, 1)


def test_blob_network_form_commitment_must_match_hash() -> None:
    tx, (blobs, commitments, proofs) = _blob_tx_with_sidecar(1)
    with pytest.raises(BlobTxInvalid):
        decode_transaction(_network_form(tx, [blobs, [b"\x99" * 48], proofs]))
    with pytest.raises(BlobTxInvalid):
        decode_transaction(_network_form(tx, [blobs * 2, commitments, proofs]))
    with pytest.raises(DecodeError):
        decode_transaction(_network_form(tx, [[b"\x00" * 10], commitments, proofs]))
    with pytest.raises(DecodeError):
        decode_transaction(_network_form(tx, [blobs, commitments]))
