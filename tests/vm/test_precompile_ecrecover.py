"""0x01 ecrecover (Frontier): recovery, the whole-word v rule, r/s ranges, padding and gas."""
import pytest
from coincurve import PrivateKey
from eth_account import Account

from pydevnet.state.hashing import keccak256
from pydevnet.vm.errors import OutOfGas
from pydevnet.vm.precompiles.ecrecover import SECP256K1N, ecrecover
from pydevnet.vm.precompiles.pricing import ECRECOVER_GAS

PRIVATE_KEY = bytes.fromhex("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318")
MSG_HASH = keccak256(b"pydevnet ecrecover")


def _signature(msg_hash: bytes = MSG_HASH) -> tuple[int, int, int]:
    """(v, r, s) with v in {27, 28}."""
    sig = PrivateKey(PRIVATE_KEY).sign_recoverable(msg_hash, hasher=None)
    return 27 + sig[64], int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:64], "big")


def _input(msg_hash: bytes, v: int, r: int, s: int) -> bytes:
    return msg_hash + b"".join(n.to_bytes(32, "big") for n in (v, r, s))


def _expected_address() -> bytes:
    return bytes(12) + bytes.fromhex(Account.from_key(PRIVATE_KEY).address[2:])


def test_recovers_the_signer_address_left_padded() -> None:
    v, r, s = _signature()
    expected = (ECRECOVER_GAS, _expected_address())
    assert ecrecover(_input(MSG_HASH, v, r, s), ECRECOVER_GAS) == expected


def test_high_s_is_accepted_unlike_transactions() -> None:
    # (r, n - s) with the other parity is the same signature's malleated twin: same signer.
    v, r, s = _signature()
    twin = _input(MSG_HASH, 55 - v, r, SECP256K1N - s)
    assert ecrecover(twin, ECRECOVER_GAS)[1] == _expected_address()


@pytest.mark.parametrize("v", [0, 1, 26, 29, 27 + 2**8, 28 + 2**255, 2**256 - 1])
def test_v_must_be_exactly_27_or_28(v: int) -> None:
    _, r, s = _signature()
    assert ecrecover(_input(MSG_HASH, v, r, s), ECRECOVER_GAS) == (ECRECOVER_GAS, b"")


@pytest.mark.parametrize(
    ("r", "s"), [(0, 1), (1, 0), (SECP256K1N, 1), (1, SECP256K1N), (2**256 - 1, 1), (1, 2**256 - 1)]
)
def test_r_and_s_out_of_range_return_empty(r: int, s: int) -> None:
    assert ecrecover(_input(MSG_HASH, 27, r, s), ECRECOVER_GAS) == (ECRECOVER_GAS, b"")


def test_r_not_an_x_coordinate_returns_empty() -> None:
    # x = 5: 5**3 + 7 = 132 is not a square mod p, so no point has this x.
    assert ecrecover(_input(MSG_HASH, 27, 5, 1), ECRECOVER_GAS) == (ECRECOVER_GAS, b"")


def test_short_input_is_right_padded() -> None:
    # hash and v only: r = s = 0 after padding, a failure, not an error
    assert ecrecover(MSG_HASH + (27).to_bytes(32, "big"), ECRECOVER_GAS) == (ECRECOVER_GAS, b"")
    assert ecrecover(b"", ECRECOVER_GAS) == (ECRECOVER_GAS, b"")


def test_bytes_after_128_are_ignored() -> None:
    v, r, s = _signature()
    data = _input(MSG_HASH, v, r, s) + b"\xff" * 40
    assert ecrecover(data, ECRECOVER_GAS)[1] == _expected_address()


def test_out_of_gas_at_the_price_boundary() -> None:
    v, r, s = _signature()
    with pytest.raises(OutOfGas):
        ecrecover(_input(MSG_HASH, v, r, s), ECRECOVER_GAS - 1)
    with pytest.raises(OutOfGas):
        ecrecover(b"", 0)  # failure inputs are charged too


def test_accepts_bytearray_and_memoryview() -> None:
    v, r, s = _signature()
    data = _input(MSG_HASH, v, r, s)
    assert ecrecover(bytearray(data), ECRECOVER_GAS)[1] == _expected_address()
    assert ecrecover(memoryview(data), ECRECOVER_GAS)[1] == _expected_address()
