"""EIP-7823 (each MODEXP length at most 1024 bytes) and EIP-7883 (MODEXP repriced), both from Osaka;
Cancun and Prague keep EIP-2565's price and no bound.

Prices are checked against numbers worked out by hand from the EIP's formula: max(500,
complexity * iterations), complexity 16 up to 32 bytes and 2 * ceil(len / 8)**2 past them,
iterations as EIP-2565's with 16 (not 8) per exponent byte past the first 32.
"""
import pytest

from pydevnet.vm.errors import OutOfGas, PrecompileError
from pydevnet.vm.forks import CANCUN, OSAKA, PRAGUE
from pydevnet.vm.precompiles import address, loaded
from pydevnet.vm.precompiles.modexp import modexp, modexp_gas, modexp_gas_osaka, modexp_osaka

LOTS = 10**12


def _encode(base: bytes, exponent: bytes, modulus: bytes) -> bytes:
    lengths = b"".join(len(x).to_bytes(32, "big") for x in (base, exponent, modulus))
    return lengths + base + exponent + modulus


def _header(base_len: int, exp_len: int, mod_len: int) -> bytes:
    return b"".join(n.to_bytes(32, "big") for n in (base_len, exp_len, mod_len))


# (base_len, exponent, mod_len) -> EIP-7883 price, by hand
PRICES = [
    (0, b"", 0, 500),  # complexity 16, 1 iteration: the minimum
    (32, b"\x03", 32, 500),  # 16 * 1
    (32, b"\xff" * 32, 32, 16 * 255),  # 4080: head bits 255
    (33, b"\xff" * 32, 0, 2 * 5**2 * 255),  # 33 bytes: 5 limbs, doubled
    (0, b"\xff" * 32, 64, 2 * 8**2 * 255),
    (64, b"\x00" * 40, 64, 2 * 8**2 * 16 * 8),  # zero head, 8 tail bytes at 16 each
    (64, b"\x01" + b"\x00" * 39, 64, 2 * 8**2 * (16 * 8 + 248)),  # head 2**248
    (1024, b"\xff" * 1024, 1024, 2 * 128**2 * (16 * 992 + 255)),  # the largest allowed
    (8, b"", 8, 500),  # exponent 0: one iteration
]


@pytest.mark.parametrize(("base_len", "exponent", "mod_len", "price"), PRICES)
def test_eip7883_price(base_len: int, exponent: bytes, mod_len: int, price: int) -> None:
    data = _encode(b"\x02" * base_len, exponent, b"\x07" * mod_len)
    assert modexp_gas_osaka(data) == price
    assert modexp_osaka(data, price)[0] == price
    with pytest.raises(OutOfGas):
        modexp_osaka(data, price - 1)


def test_eip7883_is_dearer_than_eip2565() -> None:
    data = _encode(b"\x02" * 64, b"\xff" * 64, b"\x07" * 64)
    assert modexp_gas(data) == 8**2 * (8 * 32 + 255) // 3
    assert modexp_gas_osaka(data) == 2 * 8**2 * (16 * 32 + 255)
    assert modexp_gas(b"") == 200 and modexp_gas_osaka(b"") == 500


@pytest.mark.parametrize("which", range(3))
def test_eip7823_length_over_1024_fails(which: int) -> None:
    lengths = [1, 1, 1]
    lengths[which] = 1025
    data = _header(*lengths) + b"\x03" * 3000
    with pytest.raises(PrecompileError, match="1024"):
        modexp_osaka(data, LOTS)
    modexp(data, LOTS)  # Prague and before: no bound


@pytest.mark.parametrize("length", [2**32, 2**64, 2**256 - 1])
def test_eip7823_huge_declared_length_fails_not_runs_out_of_gas(length: int) -> None:
    """A halt either way, but the bound is what the EIP names; nothing is read or allocated."""
    with pytest.raises(PrecompileError):
        modexp_osaka(_header(0, length, 1), LOTS)
    with pytest.raises(PrecompileError):
        modexp_osaka(_header(length, 0, 0), 0)


def test_eip7823_exactly_1024_bytes_runs() -> None:
    base = (2).to_bytes(1024, "big")
    modulus = (2**8192 - 1).to_bytes(1024, "big")
    data = _encode(base, b"\x05", modulus)
    used, output = modexp_osaka(data, LOTS)
    assert used == 2 * 128**2 * 2
    assert output == (32).to_bytes(1024, "big")


@pytest.mark.parametrize(("base", "exponent", "modulus", "expected"), [
    ("", "", "", ""),
    ("", "", "00", "00"),
    ("02", "02", "05", "04"),
    ("03", "ff", "0100", "00ab"),
    ("ff" * 32, "ff" * 32, "00" * 31 + "01", "00" * 32),
])
def test_osaka_results_match_pow(base: str, exponent: str, modulus: str, expected: str) -> None:
    data = _encode(bytes.fromhex(base), bytes.fromhex(exponent), bytes.fromhex(modulus))
    assert modexp_osaka(data, LOTS)[1] == bytes.fromhex(expected)


def test_forks_pick_the_pricing() -> None:
    assert loaded(CANCUN.precompiles[address(5)]) is modexp
    assert loaded(PRAGUE.precompiles[address(5)]) is modexp
    assert loaded(OSAKA.precompiles[address(5)]) is modexp_osaka
