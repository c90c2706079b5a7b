"""0x05 modexp: arbitrary-precision modular exponentiation (EIP-198), priced by EIP-2565 until
Prague (`modexp`) and by EIP-7883, with EIP-7823's length bound, from Osaka (`modexp_osaka`).

Input: three 32-byte big-endian lengths (base, exponent, modulus), then the three numbers; the
input is read as if right-padded with zeros to any length. The output is `mod_len` bytes.

EIP-2565: declared lengths may be as large as 2**256 - 1. The price is computed from the lengths
and the exponent's first 32 bytes only, and charged before anything else is read: a huge base or
modulus runs out of gas without allocating. The one exception is a zero modulus length with a zero
base length: complexity 0, so the price is the 200 minimum whatever the exponent length, and the
output is empty without reading the exponent.

Osaka: a length over 1024 bytes fails the call (EIP-7823: an exceptional halt, all gas burnt, so
it is the same whether it is found before or after the price); the price (EIP-7883) has a minimum
of 500, no divisor, a complexity of at least 16 (doubled past 32 bytes) and 16 iterations for each
exponent byte past the first 32.

The exponentiation is GMP's (gmpy2.powmod), 8 to 16 times CPython's pow on these sizes: with pow,
30M gas of 32-byte modexp calls took about 4 s under EIP-2565's price (bench/precompiles.py).
"""
import gmpy2

from pydevnet.vm.errors import PrecompileError
from pydevnet.vm.precompiles.pricing import (MODEXP_COMPLEXITY_WORD_SIZE, MODEXP_EXPONENT_BYTE_BITS,
                                             MODEXP_EXPONENT_HEAD_SIZE, MODEXP_GAS_DIVISOR,
                                             MODEXP_MAX_INPUT_LENGTH, MODEXP_MIN_GAS,
                                             MODEXP_OSAKA_COMPLEXITY_FACTOR,
                                             MODEXP_OSAKA_COMPLEXITY_THRESHOLD,
                                             MODEXP_OSAKA_EXPONENT_BYTE_BITS,
                                             MODEXP_OSAKA_MIN_COMPLEXITY, MODEXP_OSAKA_MIN_GAS,
                                             WORD_SIZE, charge)

HEADER_SIZE = 3 * WORD_SIZE


def _read(data: bytes, start: int, length: int) -> bytes:
    """`length` bytes of `data` from `start`, zero-padded past its end (EIP-198 input rule).

    `length` must already be bounded (by the gas charged); `start` may be arbitrarily large.
    """
    chunk = data[start : start + length] if start < len(data) else b""
    return bytes(chunk).ljust(length, b"\x00")


def _limbs(base_len: int, mod_len: int) -> int:
    """The number of 64-bit limbs of the longer of base and modulus."""
    longest = max(base_len, mod_len)
    return (longest + MODEXP_COMPLEXITY_WORD_SIZE - 1) // MODEXP_COMPLEXITY_WORD_SIZE


def _iteration_count(exp_len: int, exp_head: int, byte_bits: int) -> int:
    """EIP-198's adjusted exponent length, at least 1 (EIP-2565, EIP-7883).

    `exp_head` is the exponent's first min(exp_len, 32) bytes as an integer; for a longer
    exponent each further byte counts `byte_bits` iterations (8, 16 from EIP-7883), whatever its
    value.
    """
    head_bits = max(exp_head.bit_length() - 1, 0)
    if exp_len <= MODEXP_EXPONENT_HEAD_SIZE:
        return max(head_bits, 1)
    tail_bits = byte_bits * (exp_len - MODEXP_EXPONENT_HEAD_SIZE)
    return max(tail_bits + head_bits, 1)


def _lengths(data: bytes) -> tuple[int, int, int]:
    """The declared base, exponent and modulus lengths (each up to 2**256 - 1)."""
    return (
        int.from_bytes(_read(data, 0, WORD_SIZE), "big"),
        int.from_bytes(_read(data, WORD_SIZE, WORD_SIZE), "big"),
        int.from_bytes(_read(data, 2 * WORD_SIZE, WORD_SIZE), "big"),
    )


def _exponent_head(data: bytes, base_len: int, exp_len: int) -> int:
    head_len = min(exp_len, MODEXP_EXPONENT_HEAD_SIZE)
    return int.from_bytes(_read(data, HEADER_SIZE + base_len, head_len), "big")


def modexp_gas(data: bytes) -> int:
    """The EIP-2565 price of a modexp call with this input (reads at most 128 bytes of it)."""
    base_len, exp_len, mod_len = _lengths(data)
    complexity = _limbs(base_len, mod_len) ** 2
    iterations = _iteration_count(exp_len, _exponent_head(data, base_len, exp_len),
                                  MODEXP_EXPONENT_BYTE_BITS)
    return max(MODEXP_MIN_GAS, complexity * iterations // MODEXP_GAS_DIVISOR)


def modexp_gas_osaka(data: bytes) -> int:
    """The EIP-7883 price of a modexp call with this input (reads at most 128 bytes of it)."""
    base_len, exp_len, mod_len = _lengths(data)
    complexity = MODEXP_OSAKA_MIN_COMPLEXITY
    if max(base_len, mod_len) > MODEXP_OSAKA_COMPLEXITY_THRESHOLD:
        complexity = MODEXP_OSAKA_COMPLEXITY_FACTOR * _limbs(base_len, mod_len) ** 2
    iterations = _iteration_count(exp_len, _exponent_head(data, base_len, exp_len),
                                  MODEXP_OSAKA_EXPONENT_BYTE_BITS)
    return max(MODEXP_OSAKA_MIN_GAS, complexity * iterations)


def _compute(data: bytes) -> bytes:
    """base**exp % mod, as `mod_len` big-endian bytes (all zeros when mod is 0 or 1).

    Called once the price is paid: base_len and mod_len are then bounded by the gas, and so is
    exp_len unless mod_len is 0, when nothing is read.
    """
    base_len, exp_len, mod_len = _lengths(data)
    if mod_len == 0:
        return b""
    modulus = int.from_bytes(_read(data, HEADER_SIZE + base_len + exp_len, mod_len), "big")
    if modulus <= 1:
        return bytes(mod_len)
    base = int.from_bytes(_read(data, HEADER_SIZE, base_len), "big")
    exponent = int.from_bytes(_read(data, HEADER_SIZE + base_len, exp_len), "big")
    return int(gmpy2.powmod(base, exponent, modulus)).to_bytes(mod_len, "big")


def modexp(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x05 until Prague (EIP-198, EIP-2565)."""
    used = charge(modexp_gas(data), gas)
    return used, _compute(data)


def modexp_osaka(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x05 from Osaka: EIP-7823's 1024-byte bound on each length, EIP-7883's price."""
    if max(_lengths(data)) > MODEXP_MAX_INPUT_LENGTH:
        raise PrecompileError("modexp: a length is over 1024 bytes (EIP-7823)")
    used = charge(modexp_gas_osaka(data), gas)
    return used, _compute(data)
