"""The Frontier data precompiles: 0x02 SHA2-256, 0x03 RIPEMD-160 and 0x04 identity.

All three are priced per 32-byte word of input (Yellow Paper appendix E) and never fail except by
running out of gas.
"""
import hashlib

from Crypto.Hash import RIPEMD160

from pydevnet.vm.precompiles.pricing import (IDENTITY_BASE_GAS, IDENTITY_WORD_GAS,
                                             RIPEMD160_BASE_GAS, RIPEMD160_WORD_GAS,
                                             SHA256_BASE_GAS, SHA256_WORD_GAS, WORD_SIZE, charge,
                                             words)


def sha256(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x02: the SHA2-256 digest of the input (32 bytes)."""
    used = charge(SHA256_BASE_GAS + SHA256_WORD_GAS * words(len(data)), gas)
    return used, hashlib.sha256(data).digest()


def ripemd160(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x03: the RIPEMD-160 digest of the input, left-padded with zeros to 32 bytes."""
    used = charge(RIPEMD160_BASE_GAS + RIPEMD160_WORD_GAS * words(len(data)), gas)
    return used, RIPEMD160.new(data).digest().rjust(WORD_SIZE, b"\x00")


def identity(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x04: returns its input unchanged."""
    used = charge(IDENTITY_BASE_GAS + IDENTITY_WORD_GAS * words(len(data)), gas)
    return used, bytes(data)
