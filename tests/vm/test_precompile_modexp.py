"""0x05 modexp (EIP-198 semantics, EIP-2565 pricing): lengths, padding, zero cases, huge lengths."""
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pydevnet.vm.errors import OutOfGas
from pydevnet.vm.precompiles.modexp import modexp, modexp_gas
from pydevnet.vm.precompiles.pricing import MODEXP_MIN_GAS

BLOCK_GAS = 30_000_000
MAX_WORD = 2**256 - 1


def _encode(base: bytes, exponent: bytes, modulus: bytes) -> bytes:
    lengths = b"".join(len(x).to_bytes(32, "big") for x in (base, exponent, modulus))
    return lengths + base + exponent + modulus


def _header(base_len: int, exp_len: int, mod_len: int) -> bytes:
    return b"".join(n.to_bytes(32, "big") for n in (base_len, exp_len, mod_len))


# From execution-spec-tests test_modexp (ModExpInput cases): (base, exponent, modulus) -> output
SPEC_CASES = [
    ("", "", "", ""),
    ("", "", "00", "00"),
    ("", "", "0001", "0000"),
    ("", "", "0002", "0001"),
    ("", "", "01", "00"),
    ("", "", "02", "01"),
    ("", "01", "02", "00"),
    ("00", "00", "02", "01"),
    ("01", "01", "02", "01"),
    ("02", "01", "03", "02"),
    ("02", "02", "05", "04"),
]


@pytest.mark.parametrize(("base", "exponent", "modulus", "expected"), SPEC_CASES)
def test_spec_cases(base: str, exponent: str, modulus: str, expected: str) -> None:
    data = _encode(bytes.fromhex(base), bytes.fromhex(exponent), bytes.fromhex(modulus))
    assert modexp(data, MODEXP_MIN_GAS) == (MODEXP_MIN_GAS, bytes.fromhex(expected))


def test_empty_input_costs_the_minimum_and_returns_nothing() -> None:
    assert modexp(b"", MODEXP_MIN_GAS) == (MODEXP_MIN_GAS, b"")
    with pytest.raises(OutOfGas):
        modexp(b"", MODEXP_MIN_GAS - 1)


def test_zero_modulus_gives_mod_len_zero_bytes() -> None:
    assert modexp(_encode(b"\x05", b"\x03", bytes(3)), MODEXP_MIN_GAS)[1] == bytes(3)


def test_output_is_left_padded_to_mod_len() -> None:
    data = _encode(b"\x02", b"\x03", b"\x00\x00\x00\x64")
    assert modexp(data, MODEXP_MIN_GAS)[1] == b"\x00\x00\x00\x08"


def test_truncated_input_is_right_padded_with_zeros() -> None:
    # execution-spec-tests case5 raw input: base_len 1, exp_len 2, mod_len 32, then 03 ffff 80:
    # the modulus is 0x80 followed by 31 padding zero bytes.
    data = _header(1, 2, 32) + bytes.fromhex("03ffff80")
    expected = pow(3, 0xFFFF, 0x80 << 248).to_bytes(32, "big")
    assert modexp(data, 10**6)[1] == expected


def test_extra_trailing_bytes_are_ignored() -> None:
    data = _header(1, 2, 32) + bytes.fromhex("03ffff80") + bytes(31) + b"\x07"
    assert modexp(data, 10**6)[1] == pow(3, 0xFFFF, 0x80 << 248).to_bytes(32, "big")


@pytest.mark.parametrize(
    ("exp_len", "exponent_head", "mod_len", "price"),
    [
        (0, 0, 256, 341),  # 32 limbs -> complexity 1024, iterations max(0, 1) = 1
        (1, 1, 256, 341),  # exponent 1: bit index 0 -> still 1 iteration
        (1, 0xFF, 256, 2389),  # bit index 7: 1024 * 7 // 3
        (33, 0, 256, 2730),  # 8 * (33 - 32) iterations, zero head adds nothing
        (64, 1, 256, 87381),  # 8 * 32 + 0
        (64, 2**255, 256, 174421),  # 8 * 32 + 255
    ],
)
def test_eip2565_price(exp_len: int, exponent_head: int, mod_len: int, price: int) -> None:
    head_len = min(exp_len, 32)
    exponent = exponent_head.to_bytes(head_len, "big") + bytes(exp_len - head_len)
    data = _encode(b"", exponent, b"\x01" * mod_len)
    assert modexp_gas(data) == price
    assert modexp(data, price)[0] == price
    with pytest.raises(OutOfGas):
        modexp(data, price - 1)


def test_exponent_head_is_read_past_the_base() -> None:
    # Only the exponent's first 32 bytes are priced; here they start after a 40-byte base.
    base, exponent = b"\x01" * 40, b"\xff" + bytes(40)
    data = _encode(base, exponent, b"\x01" * 8)
    # complexity ceil(40 / 8)**2 = 25; iterations 8 * (41 - 32) + 255 = 327
    assert modexp_gas(data) == 25 * 327 // 3


@pytest.mark.parametrize(
    "header",
    [
        _header(2**255, 1, 1),  # huge base
        _header(1, 1, MAX_WORD),  # huge modulus
        _header(1, MAX_WORD, 1),  # huge exponent
        _header(MAX_WORD, MAX_WORD, MAX_WORD),
        _header(2**255, 0, 0),  # huge base, empty output: still priced (and unaffordable)
        _header(0, 32, MAX_WORD) + b"\xff" * 64,  # execution-spec-tests case3 (out of gas)
    ],
)
def test_huge_lengths_run_out_of_gas_without_allocating(header: bytes) -> None:
    start = time.perf_counter()
    with pytest.raises(OutOfGas):
        modexp(header, BLOCK_GAS)
    assert time.perf_counter() - start < 0.1


def test_huge_exponent_with_empty_base_and_modulus_costs_the_minimum() -> None:
    # complexity 0 makes the price the minimum; the exponent is never read
    start = time.perf_counter()
    assert modexp(_header(0, MAX_WORD, 0), MODEXP_MIN_GAS) == (MODEXP_MIN_GAS, b"")
    assert time.perf_counter() - start < 0.1


def test_modulus_one_with_long_exponent_is_zero() -> None:
    data = _encode(b"\x07", b"\xff" * 64, b"\x00\x01")
    assert modexp(data, modexp_gas(data))[1] == b"\x00\x00"


@given(
    base=st.binary(max_size=40),
    exponent=st.binary(max_size=40),
    modulus=st.binary(min_size=1, max_size=40),
)
def test_matches_python_pow(base: bytes, exponent: bytes, modulus: bytes) -> None:
    data = _encode(base, exponent, modulus)
    m = int.from_bytes(modulus, "big")
    b, e = int.from_bytes(base, "big"), int.from_bytes(exponent, "big")
    expected = (pow(b, e, m) if m else 0).to_bytes(len(modulus), "big")
    gas_used, output = modexp(data, BLOCK_GAS)
    assert output == expected
    assert gas_used == modexp_gas(data) >= MODEXP_MIN_GAS
