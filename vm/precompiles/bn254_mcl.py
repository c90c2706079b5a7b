"""BN254 (alt_bn128) group arithmetic and pairings in C: herumi's mcl, as built and shipped by the
`mclbn256` package, called through ctypes with plain byte/int values at the boundary.

The mclbn256 package initialises the process's one mcl instance for mcl's own BN254 curve
(Fp254BNb), which is not Ethereum's; this module initialises it again, on import, for
MCL_BN_SNARK1, the curve of EIP-196/197 (y^2 = x^3 + 3 over the alt_bn128 field, its twist and
the optimal-ate pairing). mclbn256's Python classes are not used (their string and memoisation
layers are slower than the calls below). mcl's functions are pure and reentrant after that init.

Points cross as Python ints already checked to be below the field modulus. A G1 point is written
into mcl's struct directly (its setStr would also check the order, 50 us, needless with cofactor
1), so the caller checks the curve equation; a G2 point is read by setStr, which rejects a point
off the twist, and its order-r check is a separate call so the caller can say which rule failed.
"""
import ctypes

from mclbn256 import mclbn256 as _mclbn256

MCL_BN_SNARK1 = 4  # mcl's curve id for Ethereum's alt_bn128 (mcl/curve_type.h)
# mcl's ABI check at init: MCLBN_FR_UNIT_SIZE * 10 + MCLBN_FP_UNIT_SIZE, both 4 64-bit limbs
MCLBN_COMPILED_TIME_VAR = 44
IO_HEX = 16  # mcl's ioMode for "1 <x> <y>" affine points in hexadecimal, "0" for infinity
_LIMBS = 4  # 64-bit limbs of an Fp or Fr element
_FP_SIZE = 8 * _LIMBS  # bytes of an Fp element, in mcl's structs and in big-endian encoding
_STR_BUFFER = 512

G1 = ctypes.c_uint64 * (_LIMBS * 3)  # Jacobian x, y, z
G2 = ctypes.c_uint64 * (_LIMBS * 2 * 3)  # the same over F_p^2
GT = ctypes.c_uint64 * (_LIMBS * 12)  # an element of F_p^12
FR = ctypes.c_uint64 * _LIMBS

_lib = _mclbn256.lib
if _lib.mclBn_init(MCL_BN_SNARK1, MCLBN_COMPILED_TIME_VAR) != 0:
    raise ImportError("mcl could not be initialised for BN254 (MCL_BN_SNARK1)")
_lib.mclBn_verifyOrderG2(0)  # setStr checks the twist only; g2_in_subgroup checks the order


class NotOnCurve(ValueError):
    """mcl refused the coordinates: the point is not on the twist."""


def g1(x: int, y: int) -> G1:
    """The G1 point (x, y), which the caller has checked is on the curve; (0, 0) is infinity."""
    point = G1()
    if x or y:  # Jacobian (x, y, 1); mcl converts each coordinate to its Montgomery form
        _lib.mclBnFp_setBigEndianMod(point, x.to_bytes(_FP_SIZE, "big"), _FP_SIZE)
        _lib.mclBnFp_setBigEndianMod(ctypes.byref(point, _FP_SIZE), y.to_bytes(_FP_SIZE, "big"),
                                     _FP_SIZE)
        _lib.mclBnFp_setInt32(ctypes.byref(point, 2 * _FP_SIZE), 1)
    return point


def g2(x_real: int, x_imag: int, y_real: int, y_imag: int) -> G2:
    """The twist point with x = x_real + x_imag*i (y likewise); all zeros is infinity."""
    point = G2()
    if x_real or x_imag or y_real or y_imag:
        text = b"1 %x %x %x %x" % (x_real, x_imag, y_real, y_imag)
        if _lib.mclBnG2_setStr(point, text, len(text), IO_HEX) != 0:
            raise NotOnCurve("point not on the twist")
    return point


def g2_in_subgroup(point: G2) -> bool:
    """True if the twist point lies in the order-r subgroup G2 (infinity does)."""
    return bool(_lib.mclBnG2_isValidOrder(point))


def is_zero_g1(point: G1) -> bool:
    return bool(_lib.mclBnG1_isZero(point))


def is_zero_g2(point: G2) -> bool:
    return bool(_lib.mclBnG2_isZero(point))


def affine(point: G1) -> tuple[int, int] | None:
    """The affine coordinates of a G1 point, or None for infinity."""
    _lib.mclBnG1_normalize(point, point)
    buffer = ctypes.create_string_buffer(_STR_BUFFER)
    size = _lib.mclBnG1_getStr(buffer, _STR_BUFFER, point, IO_HEX)
    fields = buffer.raw[:size].split()
    if fields[0] == b"0":
        return None
    return int(fields[1], 16), int(fields[2], 16)


def add(p1: G1, p2: G1) -> G1:
    """p1 + p2 (doubling and inverse points included)."""
    result = G1()
    _lib.mclBnG1_add(result, p1, p2)
    return result


def mul(point: G1, scalar: bytes) -> G1:
    """scalar * point for a 32-byte big-endian scalar, reduced modulo the group order."""
    fr = FR()
    _lib.mclBnFr_setBigEndianMod(fr, scalar, len(scalar))
    result = G1()
    _lib.mclBnG1_mul(result, point, fr)
    return result


def pairing_is_one(g1_points: list[G1], g2_points: list[G2]) -> bool:
    """True if the product of e(P_i, Q_i) is 1: one multi-Miller loop, one final exponentiation."""
    count = len(g1_points)
    if count == 0:
        return True
    product = GT()
    _lib.mclBn_millerLoopVec(product, (G1 * count)(*g1_points), (G2 * count)(*g2_points), count)
    _lib.mclBn_finalExp(product, product)
    return bool(_lib.mclBnGT_isOne(product))
