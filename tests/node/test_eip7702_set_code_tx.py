"""EIP-7702 set-code transactions as transactions (node/tx): the type-4 layout, the signing
hashes of the transaction and of an authorization, strict decoding, the authorization bounds and
the stateless rules (Prague only, no create, at least one authorization, 25000 intrinsic gas
each). What the authorizations do to the state is tests/vm/test_eip7702_set_code.py's."""
import pytest

from pydevnet.node.tx import errors
from pydevnet.node.tx.authorization import Authorization, authorization_hash, sign_authorization
from pydevnet.node.tx.crypto import private_key_to_address
from pydevnet.node.tx.decode import decode_transaction
from pydevnet.node.tx.signing import sign_transaction
from pydevnet.node.tx.types import SET_CODE_TX_TYPE, Transaction
from pydevnet.node.tx.validation import intrinsic_gas, tx_intrinsic_gas, validate_stateless
from pydevnet.state.hashing import keccak256
from pydevnet.state.rlp import decode, encode
from pydevnet.vm.forks import OSAKA, PRAGUE
from pydevnet.vm.table import CANCUN

KEY = b"\x11" * 32
AUTHORITY_KEY = b"\x22" * 32
AUTHORITY = private_key_to_address(AUTHORITY_KEY)
CHAIN_ID = 7
TARGET = bytes.fromhex("12" * 20)
DELEGATE = bytes.fromhex("de1e" * 10)


def _auth(**changes) -> Authorization:
    return sign_authorization(changes.pop("chain_id", CHAIN_ID), changes.pop("address", DELEGATE),
                              changes.pop("nonce", 0), AUTHORITY_KEY)._replace(**changes)


def _fields(**changes) -> dict:
    fields = dict(chain_id=CHAIN_ID, nonce=0, max_priority_fee_per_gas=1, max_fee_per_gas=10,
                  gas_limit=100_000, to=TARGET, value=0, data=b"",
                  authorization_list=(_auth(),))
    fields.update(changes)
    return fields


def _signed(**changes) -> Transaction:
    return sign_transaction(_fields(**changes), KEY)


def _payload(tx: Transaction) -> list:
    return decode(tx.raw[1:])


def _raw(items: list) -> bytes:
    return bytes((SET_CODE_TX_TYPE,)) + encode(items)


def test_type_is_inferred_from_the_authorization_list_and_round_trips() -> None:
    tx = _signed()
    assert tx.type == SET_CODE_TX_TYPE
    assert tx.raw[0] == 4
    back = decode_transaction(tx.raw)
    assert back == tx and back.authorization_list == tx.authorization_list
    assert back.sender == private_key_to_address(KEY)


def test_field_layout_puts_the_authorizations_after_the_access_list() -> None:
    tx = _signed(access_list=((TARGET, (1,)),))
    items = _payload(tx)
    assert len(items) == 13
    assert items[8] == [[TARGET, [(1).to_bytes(32, "big")]]]
    auth = tx.authorization_list[0]
    assert items[9] == [[b"\x07", DELEGATE, b"", bytes((auth.y_parity,)) if auth.y_parity
                         else b"", auth.r.to_bytes(32, "big").lstrip(b"\x00"),
                         auth.s.to_bytes(32, "big").lstrip(b"\x00")]]


def test_signing_hash_is_over_the_type_and_the_unsigned_payload() -> None:
    tx = _signed()
    assert tx.signing_hash() == keccak256(b"\x04" + encode(_payload(tx)[:-3]))


def test_authorization_signs_magic_5_and_recovers_its_authority() -> None:
    assert authorization_hash(1, DELEGATE, 3) == keccak256(b"\x05" + encode([1, DELEGATE, 3]))
    auth = sign_authorization(0, DELEGATE, 9, AUTHORITY_KEY)
    assert (auth.chain_id, auth.address, auth.nonce) == (0, DELEGATE, 9)
    assert auth.authority() == AUTHORITY
    assert auth._replace(nonce=10).authority() != AUTHORITY


@pytest.mark.parametrize("change", [{"s": 2**255}, {"r": 0}, {"y_parity": 2}],
                         ids=["high-s", "zero-r", "parity-2"])
def test_an_unrecoverable_authorization_raises_invalid_signature(change: dict) -> None:
    with pytest.raises(errors.InvalidSignature):
        _auth(**change).authority()


def test_a_create_does_not_decode() -> None:
    items = _payload(_signed())
    items[5] = b""
    with pytest.raises(errors.DecodeError):
        decode_transaction(_raw(items))


@pytest.mark.parametrize("bad", [
    [[1, DELEGATE, 0, 0, 1]],  # five items
    [[1, DELEGATE[:19], 0, 0, 1, 1]],  # a 19-byte address
    [[b"\x00\x01", DELEGATE, 0, 0, 1, 1]],  # a leading zero
    [[1, [DELEGATE], 0, 0, 1, 1]],  # a list for the address
    [b"not a list"],
], ids=["five-items", "short-address", "leading-zero", "list-address", "string-entry"])
def test_malformed_authorizations_do_not_decode(bad: list) -> None:
    items = _payload(_signed())
    items[9] = bad
    with pytest.raises(errors.DecodeError):
        decode_transaction(_raw(items))


@pytest.mark.parametrize("index,value", [(0, 2**256), (2, 2**64), (3, 2**8), (4, 2**256),
                                         (5, 2**256)],
                         ids=["chain-id", "nonce", "y-parity", "r", "s"])
def test_authorization_fields_beyond_their_bounds_are_invalid(index: int, value: int) -> None:
    items = _payload(_signed())
    entry = list(items[9][0])
    entry[index] = value
    items[9] = [entry]
    with pytest.raises(errors.IntegerOverflow):
        decode_transaction(_raw(items))


def test_an_authorization_at_its_bounds_decodes() -> None:
    """Odd but in-bounds values make the tuple invalid when it runs, not the transaction."""
    items = _payload(_signed())
    items[9] = [[2**256 - 1, DELEGATE, 2**64 - 1, 255, 2**256 - 1, 2**256 - 1]]
    tx = decode_transaction(_raw(items))
    validate_stateless(tx, CHAIN_ID, PRAGUE)


def test_set_code_transactions_are_prague_and_later() -> None:
    tx = _signed()
    with pytest.raises(errors.UnsupportedType, match="not in Cancun"):
        validate_stateless(tx, CHAIN_ID, CANCUN)
    validate_stateless(tx, CHAIN_ID, PRAGUE)
    validate_stateless(tx, CHAIN_ID, OSAKA)


def test_an_empty_authorization_list_is_invalid() -> None:
    tx = sign_transaction({**_fields(authorization_list=()), "type": SET_CODE_TX_TYPE}, KEY)
    with pytest.raises(errors.EmptyAuthorizationList, match="empty auth list"):
        validate_stateless(tx, CHAIN_ID, PRAGUE)


def test_a_set_code_create_is_invalid() -> None:
    tx = _signed(to=None)
    with pytest.raises(errors.SetCodeTxCreate, match="cannot be used to create contract"):
        validate_stateless(tx, CHAIN_ID, PRAGUE)


def test_other_types_carry_no_authorizations() -> None:
    with pytest.raises(ValueError, match="no authorization_list"):
        Transaction(**_fields(), type=2)


def test_intrinsic_gas_is_25000_per_authorization_valid_or_not() -> None:
    auths = (_auth(), _auth(nonce=5), _auth(chain_id=99))
    tx = _signed(authorization_list=auths)
    assert tx_intrinsic_gas(tx) == 21000 + 3 * 25000
    assert intrinsic_gas(b"\x01", False, (), 2) == 21000 + 16 + 50000
    with pytest.raises(errors.IntrinsicGasTooLow):
        validate_stateless(_signed(authorization_list=auths, gas_limit=21000 + 74999), CHAIN_ID,
                           PRAGUE)
