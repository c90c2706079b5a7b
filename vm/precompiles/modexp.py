"""0x05 modexp: arbitrary-precision modular exponentiation (EIP-198), priced by EIP-2565.

Input: three 32-byte big-endian lengths (base, exponent, modulus), then the three numbers; the
input is read as if right-padded with zeros to any length. The output is `mod_len` bytes.

Declared lengths may be as large as 2**256 - 1. The price is computed from the lengths and the
exponent's first 32 bytes only, and charged before anything else is read: a huge base or modulus
runs out of gas without allocating. The one exception is a zero modulus length with a zero base
length: complexity 0, so the price is the 200 minimum whatever the exponent length, and the output
is empty without reading the exponent.
"""
from pydevnet.vm.precompiles.pricing import (MODEXP_COMPLEXITY_WORD_SIZE, MODEXP_EXPONENT_BYTE_BITS,
                                             MODEXP_EXPONENT_HEAD_SIZE, MODEXP_GAS_DIVISOR,
                                             MODEXP_MIN_GAS, WORD_SIZE, charge)

HEADER_SIZE = 3 * WORD_SIZE


def _read(data: bytes, start: int, length: int) -> bytes:
    """`length` bytes of `data` from `start`, zero-padded past its end (EIP-198 input rule).

    `length` must already be bounded (by the gas charged); `start` may be arbitrarily large.
    """
    chunk = data[start : start + length] if start < len(data) else b""
    return bytes(chunk).ljust(length, b"\x00")


def _multiplication_complexity(base_len: int, mod_len: int) -> int:
    """EIP-2565: the square of the number of 64-bit limbs of the larger operand."""
    longest = max(base_len, mod_len)
    limbs = (longest + MODEXP_COMPLEXITY_WORD_SIZE - 1) // MODEXP_COMPLEXITY_WORD_SIZE
    return limbs * limbs


def _iteration_count(exp_len: int, exp_head: int) -> int:
    """EIP-198's adjusted exponent length, at least 1 (EIP-2565).

    `exp_head` is the exponent's first min(exp_len, 32) bytes as an integer; for a longer
    exponent each further byte counts 8 iterations, whatever its value.
    """
    head_bits = max(exp_head.bit_length() - 1, 0)
    if exp_len <= MODEXP_EXPONENT_HEAD_SIZE:
        return max(head_bits, 1)
    tail_bits = MODEXP_EXPONENT_BYTE_BITS * (exp_len - MODEXP_EXPONENT_HEAD_SIZE)
    return max(tail_bits + head_bits, 1)


def _lengths(data: bytes) -> tuple[int, int, int]:
    """The declared base, exponent and modulus lengths (each up to 2**256 - 1)."""
    return (
        int.from_bytes(_read(data, 0, WORD_SIZE), "big"),
        int.from_bytes(_read(data, WORD_SIZE, WORD_SIZE), "big"),
        int.from_bytes(_read(data, 2 * WORD_SIZE, WORD_SIZE), "big"),
    )


def modexp_gas(data: bytes) -> int:
    """The EIP-2565 price of a modexp call with this input (reads at most 128 bytes of it)."""
    base_len, exp_len, mod_len = _lengths(data)
    head_len = min(exp_len, MODEXP_EXPONENT_HEAD_SIZE)
    exp_head = int.from_bytes(_read(data, HEADER_SIZE + base_len, head_len), "big")
    complexity = _multiplication_complexity(base_len, mod_len)
    iterations = _iteration_count(exp_len, exp_head)
    return max(MODEXP_MIN_GAS, complexity * iterations // MODEXP_GAS_DIVISOR)


def modexp(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x05: base**exp % mod, as `mod_len` big-endian bytes (all zeros when mod is 0 or 1)."""
    used = charge(modexp_gas(data), gas)
    base_len, exp_len, mod_len = _lengths(data)
    if mod_len == 0:
        return used, b""
    # Paid for: base_len and mod_len are now bounded by the gas, and so is exp_len since
    # mod_len > 0 makes the complexity at least 1.
    modulus = int.from_bytes(_read(data, HEADER_SIZE + base_len + exp_len, mod_len), "big")
    if modulus <= 1:
        return used, bytes(mod_len)
    base = int.from_bytes(_read(data, HEADER_SIZE, base_len), "big")
    exponent = int.from_bytes(_read(data, HEADER_SIZE + base_len, exp_len), "big")
    return used, pow(base, exponent, modulus).to_bytes(mod_len, "big")
