"""0x08 ecPairing on BN254: the optimal-ate pairing product check (EIP-197, prices EIP-1108).

Input: k pairs (G1 point, G2 point), 192 bytes each; a length that is not a multiple of 192 fails
the call. A G2 point is four 32-byte words x_imag, x_real, y_imag, y_real (an element a*i + b of
F_p^2 is encoded as a ++ b); all zeros is the point at infinity. Every point is validated:
coordinates below the field modulus, on the curve (G1) or the twist (G2), and for G2 in the order-r
subgroup (the twist has a large cofactor, so on-twist points outside G2 exist). Output: the 32-byte
word 1 if the product of the pairings is 1 in F_p^12 (true for k = 0), else 0.

The pairing is mcl's, in C (bn254_mcl.py): one multi-Miller loop over the pairs and ONE final
exponentiation; pairs with a point at infinity contribute 1 and are left out (after validation).
py_ecc's pure Python took about 0.2 s a pair, minutes for a 30M-gas call; mcl takes well under
a millisecond.
"""
import pydevnet.vm.precompiles.bn254_mcl as mcl
from pydevnet.vm.errors import PrecompileError
from pydevnet.vm.precompiles.bn254 import POINT_SIZE, decode_g1, field_elements
from pydevnet.vm.precompiles.pricing import (BN254_PAIRING_BASE_GAS, BN254_PAIRING_PER_PAIR_GAS,
                                             WORD_SIZE, charge)

G2_POINT_SIZE = 2 * POINT_SIZE
PAIR_SIZE = POINT_SIZE + G2_POINT_SIZE


def decode_g2(encoded: bytes) -> mcl.G2:
    """Decode and validate a 128-byte G2 point (EIP-197); raise PrecompileError if invalid."""
    x_imag, x_real, y_imag, y_real = field_elements(encoded, 4)
    try:
        point = mcl.g2(x_real, x_imag, y_real, y_imag)
    except mcl.NotOnCurve as error:
        raise PrecompileError(f"bn254: G2 {error}") from error
    if not mcl.g2_in_subgroup(point):
        raise PrecompileError("bn254: G2 point not in the order-r subgroup")
    return point


def pairing_check(data: bytes) -> bool:
    """Validate every pair, in order; True if the product of e(P, Q) over them is 1."""
    g1_points, g2_points = [], []
    for offset in range(0, len(data), PAIR_SIZE):
        p = decode_g1(data[offset : offset + POINT_SIZE])
        q = decode_g2(data[offset + POINT_SIZE : offset + PAIR_SIZE])
        if not (mcl.is_zero_g1(p) or mcl.is_zero_g2(q)):
            g1_points.append(p)
            g2_points.append(q)
    return mcl.pairing_is_one(g1_points, g2_points)


def bn254_pairing(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x08 ecPairing (EIP-197): 1 if the pairing product of the pairs is 1, else 0."""
    if len(data) % PAIR_SIZE:
        raise PrecompileError("bn254: pairing input length not a multiple of 192")
    pair_count = len(data) // PAIR_SIZE
    used = charge(BN254_PAIRING_BASE_GAS + BN254_PAIRING_PER_PAIR_GAS * pair_count, gas)
    return used, int(pairing_check(bytes(data))).to_bytes(WORD_SIZE, "big")
