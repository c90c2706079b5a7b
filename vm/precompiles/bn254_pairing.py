"""0x08 ecPairing on BN254: the optimal-ate pairing product check (EIP-197, prices EIP-1108).

Input: k pairs (G1 point, G2 point), 192 bytes each; a length that is not a multiple of 192 fails
the call. A G2 point is four 32-byte words x_imag, x_real, y_imag, y_real (an element a*i + b of
F_p^2 is encoded as a ++ b); all zeros is the point at infinity. Every point is validated:
coordinates below the field modulus, on the curve (G1) or the twist (G2), and for G2 in the order-r
subgroup (the twist has a large cofactor, so on-twist points outside G2 exist). Output: the 32-byte
word 1 if the product of the pairings is 1 in F_p^12 (true for k = 0), else 0.

The pairing itself is py_ecc's (a reviewed implementation beats a hand-written one): the Miller
loops of the pairs are multiplied and ONE final exponentiation is done on the product; pairs with
a point at infinity contribute 1 and are skipped (after validation).
"""
from py_ecc.optimized_bn128 import FQ, FQ2, FQ12, b2, curve_order, final_exponentiate
from py_ecc.optimized_bn128 import is_inf, is_on_curve, multiply, pairing

from pydevnet.vm.errors import PrecompileError
from pydevnet.vm.precompiles.bn254 import FIELD_MODULUS, POINT_SIZE, AffinePoint, decode_g1
from pydevnet.vm.precompiles.pricing import (BN254_PAIRING_BASE_GAS, BN254_PAIRING_PER_PAIR_GAS,
                                             WORD_SIZE, charge)

G2_POINT_SIZE = 2 * POINT_SIZE
PAIR_SIZE = POINT_SIZE + G2_POINT_SIZE

G2Point = tuple[FQ2, FQ2, FQ2] | None  # py_ecc projective coordinates; None is infinity


def decode_g2(encoded: bytes) -> G2Point:
    """Decode and validate a 128-byte G2 point (EIP-197); raise PrecompileError if invalid."""
    x_imag, x_real, y_imag, y_real = (
        int.from_bytes(encoded[offset : offset + WORD_SIZE], "big")
        for offset in range(0, G2_POINT_SIZE, WORD_SIZE)
    )
    if max(x_imag, x_real, y_imag, y_real) >= FIELD_MODULUS:
        raise PrecompileError("bn254: G2 coordinate not below the field modulus")
    if x_imag == x_real == y_imag == y_real == 0:
        return None
    point = (FQ2([x_real, x_imag]), FQ2([y_real, y_imag]), FQ2.one())
    if not is_on_curve(point, b2):
        raise PrecompileError("bn254: G2 point not on the twist")
    if not is_inf(multiply(point, curve_order)):
        raise PrecompileError("bn254: G2 point not in the order-r subgroup")
    return point


def _decode_pairs(data: bytes) -> list[tuple[AffinePoint, G2Point]]:
    """Validate every pair of the input, in order."""
    pairs = []
    for offset in range(0, len(data), PAIR_SIZE):
        p = decode_g1(data[offset : offset + POINT_SIZE])
        q = decode_g2(data[offset + POINT_SIZE : offset + PAIR_SIZE])
        pairs.append((p, q))
    return pairs


def pairing_check(pairs: list[tuple[AffinePoint, G2Point]]) -> bool:
    """True if the product of e(P, Q) over the pairs is 1 (validated points only)."""
    product = None
    for p, q in pairs:
        if p is None or q is None:
            continue
        miller = pairing(q, (FQ(p[0]), FQ(p[1]), FQ.one()), final_exponentiate=False)
        product = miller if product is None else product * miller
    # Nothing to exponentiate: an empty product is 1 (and saves the costly final exponentiation).
    return product is None or final_exponentiate(product) == FQ12.one()


def bn254_pairing(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x08 ecPairing (EIP-197): 1 if the pairing product of the pairs is 1, else 0."""
    if len(data) % PAIR_SIZE:
        raise PrecompileError("bn254: pairing input length not a multiple of 192")
    pair_count = len(data) // PAIR_SIZE
    used = charge(BN254_PAIRING_BASE_GAS + BN254_PAIRING_PER_PAIR_GAS * pair_count, gas)
    pairs = _decode_pairs(bytes(data))
    return used, int(pairing_check(pairs)).to_bytes(WORD_SIZE, "big")
