"""0x100 P256VERIFY (EIP-7951, Osaka): ECDSA signature verification on secp256r1 (NIST P-256).

Input, exactly 160 bytes: message hash h, r, s, public key x and y (32-byte big-endian words).
Output: the 32-byte word 1 if the signature verifies, else empty. Every failure (wrong length, r or
s outside [1, n), a coordinate not below p, a key off the curve or at infinity, a signature that
does not verify) returns empty output and still charges the full price: the call never halts
exceptionally except by running out of gas.

The verification is OpenSSL's, through the `cryptography` package: h is passed as an already
hashed 32-byte digest, so OpenSSL computes u1 = h/s, u2 = r/s, R' = u1*G + u2*Q and accepts when
R' is not infinity and R'.x = r (mod n), as the EIP specifies. The range checks are done here
first, since OpenSSL's own rules for r, s and the key are not the EIP's to rely on.
"""
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ec import (ECDSA, SECP256R1,
                                                          EllipticCurvePublicNumbers)
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, encode_dss_signature
from cryptography.hazmat.primitives.hashes import SHA256

from pydevnet.vm.precompiles.pricing import P256VERIFY_GAS, WORD_SIZE, charge

P256_P = 0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
INPUT_SIZE = 5 * WORD_SIZE
SUCCESS = (1).to_bytes(WORD_SIZE, "big")

_CURVE = SECP256R1()
_PREHASHED = ECDSA(Prehashed(SHA256()))  # a 32-byte digest given as is


def verify(digest: bytes, r: int, s: int, x: int, y: int) -> bool:
    """True if (r, s) is a valid P-256 signature of `digest` by the key (x, y)."""
    if not (0 < r < P256_N and 0 < s < P256_N and x < P256_P and y < P256_P):
        return False
    try:  # rejects a point off the curve, (0, 0) included
        key = EllipticCurvePublicNumbers(x, y, _CURVE).public_key()
        key.verify(encode_dss_signature(r, s), digest, _PREHASHED)
    except (ValueError, InvalidSignature):
        return False
    return True


def p256verify(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x100 P256VERIFY (EIP-7951): the word 1 for a valid signature, else empty output."""
    used = charge(P256VERIFY_GAS, gas)
    if len(data) != INPUT_SIZE:
        return used, b""
    data = bytes(data)
    r, s, x, y = (int.from_bytes(data[i : i + WORD_SIZE], "big")
                  for i in range(WORD_SIZE, INPUT_SIZE, WORD_SIZE))
    return used, SUCCESS if verify(data[:WORD_SIZE], r, s, x, y) else b""
