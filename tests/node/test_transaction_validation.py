"""Each way a transaction is invalid without state, and the distinct error it raises: strict
decoding (EIP-2718 envelope, canonical RLP, field sizes), EIP-155 chain ids, EIP-2 signature
values, EIP-2681 nonce limit, EIP-1559 fee rules, EIP-3860 initcode limit, intrinsic gas
(EIP-2028/2930) and the EIP-4844 blob rules."""
import pytest

from pydevnet.node.tx import errors
from pydevnet.node.tx.crypto import SECP256K1N, check_signature_values, recover_address
from pydevnet.node.tx.types import FIELD_LAYOUTS
from pydevnet.node.tx.decode import decode_transaction
from pydevnet.node.tx.signing import sign_transaction
from pydevnet.node.tx.types import Transaction
from pydevnet.node.tx.validation import validate_stateless
from pydevnet.vm.gas import MAX_INITCODE_SIZE
from pydevnet.state.rlp import decode, encode, int_to_be

KEY = b"\x42" * 32
TO = b"\x11" * 20
CHAIN_ID = 31337
SECP256K1P = 2**256 - 2**32 - 977


def _fields(tx_type: int, **changes) -> dict:
    base = {"type": tx_type, "chain_id": CHAIN_ID, "nonce": 0, "gas_limit": 30000, "to": TO,
            "value": 1, "data": b""}
    if tx_type in (0, 1):
        base["gas_price"] = 10
    else:
        base.update(max_fee_per_gas=10, max_priority_fee_per_gas=1)
    if tx_type == 3:
        base.update(max_fee_per_blob_gas=1, blob_versioned_hashes=[b"\x01" + b"\xaa" * 31])
    base.update(changes)
    return base


def _signed(tx_type: int = 2, **changes) -> Transaction:
    return sign_transaction(_fields(tx_type, **changes), KEY)


def _check(tx: Transaction, error: type) -> None:
    """The error must come from validating the value and from decoding + validating its bytes."""
    with pytest.raises(error):
        validate_stateless(tx, CHAIN_ID)
    with pytest.raises(error):
        validate_stateless(decode_transaction(tx.raw), CHAIN_ID)


def _reencode(tx: Transaction, edit) -> bytes:
    """tx's bytes with its RLP field list passed through `edit` (to build malformed input)."""
    if tx.type == 0:
        return encode(edit(decode(tx.raw)))
    return bytes((tx.type,)) + encode(edit(decode(tx.raw[1:])))


def _with_field(tx: Transaction, name: str, item) -> bytes:
    """tx's bytes with the RLP item of field `name` replaced by `item`."""
    index = FIELD_LAYOUTS[tx.type].index(name)
    return _reencode(tx, lambda f: f[:index] + [item] + f[index + 1:])


@pytest.mark.parametrize("tx_type", [0, 1, 2, 3])
def test_valid_baseline(tx_type: int) -> None:
    validate_stateless(decode_transaction(_signed(tx_type).raw), CHAIN_ID)


# decoding ----------------------------------------------------------------------------------


def test_empty_input_is_a_decode_error() -> None:
    with pytest.raises(errors.DecodeError):
        decode_transaction(b"")


@pytest.mark.parametrize("type_byte", [0x00, 0x05, 0x7F])  # 0x04 is EIP-7702's (Prague)
def test_unknown_type_byte_is_unsupported(type_byte: int) -> None:
    payload = _signed(2).raw[1:]
    with pytest.raises(errors.UnsupportedType):
        decode_transaction(bytes((type_byte,)) + payload)


def test_rlp_string_instead_of_envelope_is_a_decode_error() -> None:
    with pytest.raises(errors.DecodeError):
        decode_transaction(encode(_signed(0).raw))


def test_typed_payload_must_be_a_list() -> None:
    with pytest.raises(errors.DecodeError):
        decode_transaction(b"\x02" + encode(b"\x01\x02\x03"))


@pytest.mark.parametrize("tx_type", [0, 2])
def test_trailing_bytes_are_rejected(tx_type: int) -> None:
    with pytest.raises(errors.DecodeError):
        decode_transaction(_signed(tx_type).raw + b"\x00")


def _long_form_last_field(tx: Transaction) -> bytes:
    """tx's bytes with s behind a long-form string header (non-canonical RLP below 56 bytes)."""
    fields = decode(tx.raw if tx.type == 0 else tx.raw[1:])
    s = fields[-1]
    payload = b"".join(encode(x) for x in fields[:-1]) + b"\xb8" + bytes([len(s)]) + s
    size = int_to_be(len(payload))  # >= 56 bytes here, so a long list header
    envelope = b"" if tx.type == 0 else bytes((tx.type,))
    return envelope + bytes((0xF7 + len(size),)) + size + payload


MALFORMED = {
    "too few fields": lambda tx: _reencode(tx, lambda f: f[:-1]),
    "too many fields": lambda tx: _reencode(tx, lambda f: f + [b""]),
    "leading zero in nonce": lambda tx: _with_field(tx, "nonce", b"\x00\x01"),
    "leading zero in value": lambda tx: _with_field(tx, "value", b"\x00\x01"),
    "zero as 0x00": lambda tx: _with_field(tx, "nonce", b"\x00"),
    "leading zero in r": lambda tx: _with_field(tx, "r", b"\x00" + tx.r.to_bytes(32, "big")),
    "int given as list": lambda tx: _with_field(tx, "gas_limit", []),
    "to of 19 bytes": lambda tx: _with_field(tx, "to", TO[1:]),
    "to of 21 bytes": lambda tx: _with_field(tx, "to", b"\x00" + TO),
    "to given as list": lambda tx: _with_field(tx, "to", [TO]),
    "data given as list": lambda tx: _with_field(tx, "data", []),
    "long-form string header": lambda tx: _long_form_last_field(tx),
}


@pytest.mark.parametrize("tx_type", [0, 1, 2, 3])
@pytest.mark.parametrize("make", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_fields_are_decode_errors(tx_type: int, make) -> None:
    with pytest.raises(errors.DecodeError):
        decode_transaction(make(_signed(tx_type)))


@pytest.mark.parametrize("access_list", [
    [[b"\x22" * 19, []]],  # EIP-2930: address must be 20 bytes
    [[b"\x22" * 21, []]],
    [[b"\x22" * 20, [b"\x01" * 31]]],  # storage keys must be 32 bytes
    [[b"\x22" * 20, [b"\x01" * 33]]],
    [[b"\x22" * 20]],  # an entry is exactly [address, keys]
    [[b"\x22" * 20, [], []]],
    [[b"\x22" * 20, b"\x01" * 32]],
    [b"\x22" * 20],
    b"",
])
@pytest.mark.parametrize("tx_type", [1, 2, 3])
def test_malformed_access_list_is_a_decode_error(tx_type: int, access_list) -> None:
    tx = _signed(tx_type, access_list=[(b"\x22" * 20, [1])])
    with pytest.raises(errors.DecodeError):
        decode_transaction(_with_field(tx, "access_list", access_list))


@pytest.mark.parametrize("hashes", [[b"\x01" * 31], [b"\x01" * 33], b"\x01" * 32, [[b"\x01" * 32]]])
def test_malformed_blob_hashes_are_decode_errors(hashes) -> None:
    with pytest.raises(errors.DecodeError):
        decode_transaction(_with_field(_signed(3), "blob_versioned_hashes", hashes))


# integer widths ----------------------------------------------------------------------------


@pytest.mark.parametrize("tx_type, changes, error", [
    (0, {"nonce": 2**64}, errors.IntegerOverflow),
    (2, {"value": 2**256}, errors.IntegerOverflow),
    (2, {"chain_id": 2**256}, errors.IntegerOverflow),
    (2, {"gas_limit": 2**64}, errors.GasLimitTooHigh),
    (0, {"gas_price": 2**256}, errors.FeeOverflow),
    (2, {"max_fee_per_gas": 2**256}, errors.FeeOverflow),
    (2, {"max_priority_fee_per_gas": 2**256, "max_fee_per_gas": 2**256}, errors.FeeOverflow),
    (3, {"max_fee_per_blob_gas": 2**256}, errors.FeeOverflow),
])
def test_integer_wider_than_its_type(tx_type: int, changes: dict, error: type) -> None:
    tx = _signed(tx_type, **changes)
    for attempt in (lambda: decode_transaction(tx.raw), lambda: validate_stateless(tx)):
        with pytest.raises(error):
            attempt()


def test_integer_overflow_is_a_decode_error() -> None:
    assert issubclass(errors.IntegerOverflow, errors.DecodeError)


# stateless rules ---------------------------------------------------------------------------


def test_nonce_max_eip2681() -> None:
    _check(_signed(2, nonce=2**64 - 1), errors.NonceMax)
    validate_stateless(_signed(2, nonce=2**64 - 2), CHAIN_ID)


@pytest.mark.parametrize("tx_type", [0, 1, 2, 3])
def test_wrong_chain_id(tx_type: int) -> None:
    _check(_signed(tx_type, chain_id=CHAIN_ID + 1), errors.WrongChainId)
    validate_stateless(_signed(tx_type, chain_id=CHAIN_ID + 1))  # no chain id to compare with


def test_tip_above_fee_cap_eip1559() -> None:
    _check(_signed(2, max_priority_fee_per_gas=11, max_fee_per_gas=10), errors.TipAboveFeeCap)
    validate_stateless(_signed(2, max_priority_fee_per_gas=10, max_fee_per_gas=10), CHAIN_ID)


@pytest.mark.parametrize("tx_type, fee", [(0, {"gas_price": 2**240}),
                                          (2, {"max_fee_per_gas": 2**240})])
def test_gas_limit_times_fee_cap_overflow(tx_type: int, fee: dict) -> None:
    _check(_signed(tx_type, gas_limit=2**16, **fee), errors.FeeOverflow)
    validate_stateless(_signed(tx_type, gas_limit=2**16 - 1, **fee), CHAIN_ID)


def test_initcode_too_large_eip3860() -> None:
    gas = 53000 + 16 * (MAX_INITCODE_SIZE + 1) + 2 * 1537
    _check(_signed(2, to=None, data=b"\x01" * (MAX_INITCODE_SIZE + 1), gas_limit=gas),
           errors.InitcodeTooLarge)
    at_limit = _signed(2, to=None, data=b"\x01" * MAX_INITCODE_SIZE, gas_limit=gas)
    validate_stateless(at_limit, CHAIN_ID)
    # the limit is for creates only
    validate_stateless(_signed(2, data=b"\x01" * (MAX_INITCODE_SIZE + 1), gas_limit=gas), CHAIN_ID)


@pytest.mark.parametrize("changes, needed", [
    ({}, 21000),
    ({"data": b"\x00\x05"}, 21000 + 4 + 16),
    ({"to": None, "data": b"\x05"}, 53000 + 16 + 2),
    ({"access_list": [(b"\x22" * 20, [1, 2])]}, 21000 + 2400 + 2 * 1900),
])
def test_intrinsic_gas_too_low(changes: dict, needed: int) -> None:
    _check(_signed(2, gas_limit=needed - 1, **changes), errors.IntrinsicGasTooLow)
    validate_stateless(_signed(2, gas_limit=needed, **changes), CHAIN_ID)


@pytest.mark.parametrize("changes", [
    {"blob_versioned_hashes": []},
    {"blob_versioned_hashes": [b"\x02" + b"\xaa" * 31]},
    {"blob_versioned_hashes": [b"\x01" + b"\xaa" * 31, b"\x00" * 32]},
    {"blob_versioned_hashes": [b"\x01" + bytes([i]) * 31 for i in range(7)]},
    {"to": None},
])
def test_blob_rules_eip4844(changes: dict) -> None:
    _check(_signed(3, **changes), errors.BlobTxInvalid)


def test_six_blobs_are_allowed() -> None:
    hashes = [b"\x01" + bytes([i]) * 31 for i in range(6)]
    validate_stateless(_signed(3, blob_versioned_hashes=hashes), CHAIN_ID)


# signatures --------------------------------------------------------------------------------


def _flip_parity(tx: Transaction) -> int:
    return tx.v + 1 if tx.y_parity == 0 else tx.v - 1


@pytest.mark.parametrize("tx_type", [0, 2])
def test_high_s_is_rejected_eip2(tx_type: int) -> None:
    tx = _signed(tx_type)
    # (r, n - s) with the other parity is the same signer's signature: a malleated copy
    malleated = tx.replace(s=SECP256K1N - tx.s, v=_flip_parity(tx))
    assert malleated.hash != tx.hash
    _check(malleated, errors.InvalidSignature)
    with pytest.raises(errors.InvalidSignature):
        malleated.sender  # noqa: B018


def test_s_bound_is_half_the_order_eip2() -> None:
    check_signature_values(0, 1, SECP256K1N // 2)
    with pytest.raises(errors.InvalidSignature):
        check_signature_values(0, 1, SECP256K1N // 2 + 1)


def test_recovery_failure_is_invalid_signature() -> None:
    with pytest.raises(errors.InvalidSignature, match="recovery failed"):
        recover_address(b"\x01" * 32, 0, _no_curve_point_x(), 1)


def _no_curve_point_x() -> int:
    """An x with no point on secp256k1 (x**3 + 7 is not a square mod p)."""
    x = 1
    while pow(x**3 + 7, (SECP256K1P - 1) // 2, SECP256K1P) == 1:
        x += 1
    return x


@pytest.mark.parametrize("changes", [
    {"r": 0}, {"s": 0}, {"r": SECP256K1N}, {"s": SECP256K1N // 2 + 1}, {"r": 2**256},
    {"r": _no_curve_point_x()},
])
@pytest.mark.parametrize("tx_type", [0, 1, 2, 3])
def test_bad_signature_values(tx_type: int, changes: dict) -> None:
    _check(_signed(tx_type).replace(**changes), errors.InvalidSignature)


@pytest.mark.parametrize("v", [0, 1, 26, 29, 30, 34])
def test_legacy_v_outside_eip155_is_invalid_signature(v: int) -> None:
    with pytest.raises(errors.InvalidSignature):
        decode_transaction(_with_field(_signed(0), "v", v.to_bytes(1, "big") if v else b""))


@pytest.mark.parametrize("v", [37, 38])
def test_legacy_v_of_another_chain_is_wrong_chain_id(v: int) -> None:
    tx = decode_transaction(_with_field(_signed(0), "v", bytes([v])))
    assert tx.chain_id == 1
    with pytest.raises(errors.WrongChainId):
        validate_stateless(tx, CHAIN_ID)


def test_legacy_v_must_match_chain_id() -> None:
    tx = _signed(0)
    with pytest.raises(errors.InvalidSignature):
        validate_stateless(tx.replace(chain_id=CHAIN_ID + 1), CHAIN_ID + 1)


@pytest.mark.parametrize("tx_type", [1, 2, 3])
def test_typed_y_parity_must_be_0_or_1(tx_type: int) -> None:
    with pytest.raises(errors.InvalidSignature):
        decode_transaction(_with_field(_signed(tx_type), "v", b"\x02"))


def test_same_signature_over_other_fields_recovers_another_sender() -> None:
    tx = _signed(2)
    assert tx.replace(nonce=1).sender != tx.sender
