"""0x06 ecAdd and 0x07 ecMul on BN254 (alt_bn128), y^2 = x^3 + 3 (EIP-196, prices EIP-1108).

A point is encoded as x ++ y, two 32-byte big-endian integers; (0, 0) encodes the point at
infinity. A coordinate >= the field modulus or a point off the curve fails the call
(PrecompileError). Inputs are read as if right-padded with zeros (and extra bytes are ignored).

G1 has prime order (cofactor 1), so every point on the curve is in the group and the scalar can be
reduced modulo the group order. The arithmetic uses plain ints in Jacobian coordinates
(x = X/Z^2, y = Y/Z^3) with one inversion at the end: several times faster than py_ecc's generic
field classes. The pairing (0x08) lives in bn254_pairing.py.
"""
from pydevnet.vm.errors import PrecompileError
from pydevnet.vm.precompiles.pricing import BN254_ADD_GAS, BN254_MUL_GAS, WORD_SIZE, charge

FIELD_MODULUS = 0x30644E72E131A029B85045B68181585D97816A916871CA8D3C208C16D87CFD47
CURVE_ORDER = 0x30644E72E131A029B85045B68181585D2833E84879B9709143E1F593F0000001
CURVE_B = 3
POINT_SIZE = 2 * WORD_SIZE
ADD_INPUT_SIZE = 2 * POINT_SIZE
MUL_INPUT_SIZE = POINT_SIZE + WORD_SIZE

AffinePoint = tuple[int, int] | None  # None is the point at infinity
JacobianPoint = tuple[int, int, int]  # Z == 0 is the point at infinity


def decode_g1(encoded: bytes) -> AffinePoint:
    """Decode and validate a 64-byte G1 point (EIP-196); raise PrecompileError if invalid."""
    x = int.from_bytes(encoded[:WORD_SIZE], "big")
    y = int.from_bytes(encoded[WORD_SIZE:POINT_SIZE], "big")
    if x >= FIELD_MODULUS or y >= FIELD_MODULUS:
        raise PrecompileError("bn254: coordinate not below the field modulus")
    if x == 0 and y == 0:
        return None
    if (y * y - x * x * x - CURVE_B) % FIELD_MODULUS:
        raise PrecompileError("bn254: point not on curve")
    return x, y


def encode_g1(point: AffinePoint) -> bytes:
    """The 64-byte encoding of a point; infinity is 64 zero bytes (EIP-196)."""
    if point is None:
        return bytes(POINT_SIZE)
    return point[0].to_bytes(WORD_SIZE, "big") + point[1].to_bytes(WORD_SIZE, "big")


def add_affine(p1: AffinePoint, p2: AffinePoint) -> AffinePoint:
    """P1 + P2 with the chord-and-tangent rule (one inversion)."""
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    p = FIELD_MODULUS
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2:
        if (y1 + y2) % p == 0:
            return None
        slope = 3 * x1 * x1 * pow(2 * y1, -1, p) % p
    else:
        slope = (y2 - y1) * pow(x2 - x1, -1, p) % p
    x3 = (slope * slope - x1 - x2) % p
    return x3, (slope * (x1 - x3) - y1) % p


def _double(X: int, Y: int, Z: int) -> JacobianPoint:
    """2P in Jacobian coordinates, a = 0 (the dbl-2009-l formulas)."""
    p = FIELD_MODULUS
    A = X * X % p
    B = Y * Y % p
    C = B * B % p
    D = 2 * ((X + B) ** 2 - A - C) % p
    E = 3 * A
    X3 = (E * E - 2 * D) % p
    return X3, (E * (D - X3) - 8 * C) % p, 2 * Y * Z % p


def _add_mixed(X1: int, Y1: int, Z1: int, x2: int, y2: int) -> JacobianPoint:
    """P1 + P2 with P1 Jacobian and P2 affine (the madd-2007-bl formulas)."""
    p = FIELD_MODULUS
    if Z1 == 0:
        return x2, y2, 1
    Z1Z1 = Z1 * Z1 % p
    H = (x2 * Z1Z1 - X1) % p
    R = 2 * (y2 * Z1 * Z1Z1 - Y1) % p
    if H == 0:
        return _double(X1, Y1, Z1) if R == 0 else (1, 1, 0)
    HH = H * H % p
    I = 4 * HH
    J = H * I % p
    V = X1 * I % p
    X3 = (R * R - J - 2 * V) % p
    Y3 = (R * (V - X3) - 2 * Y1 * J) % p
    return X3, Y3, ((Z1 + H) ** 2 - Z1Z1 - HH) % p


def multiply(point: AffinePoint, scalar: int) -> AffinePoint:
    """scalar * P by left-to-right double-and-add, in Jacobian coordinates."""
    scalar %= CURVE_ORDER
    if point is None or scalar == 0:
        return None
    x, y = point
    X, Y, Z = x, y, 1
    for bit in bin(scalar)[3:]:
        X, Y, Z = _double(X, Y, Z)
        if bit == "1":
            X, Y, Z = _add_mixed(X, Y, Z, x, y)
    if Z == 0:
        return None
    p = FIELD_MODULUS
    z_inv = pow(Z, -1, p)
    z_inv2 = z_inv * z_inv % p
    return X * z_inv2 % p, Y * z_inv2 * z_inv % p


def bn254_add(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x06 ecAdd (EIP-196): the sum of two G1 points."""
    used = charge(BN254_ADD_GAS, gas)
    data = bytes(data[:ADD_INPUT_SIZE]).ljust(ADD_INPUT_SIZE, b"\x00")
    p1 = decode_g1(data[:POINT_SIZE])
    p2 = decode_g1(data[POINT_SIZE:])
    return used, encode_g1(add_affine(p1, p2))


def bn254_mul(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x07 ecMul (EIP-196): a G1 point times a 256-bit scalar."""
    used = charge(BN254_MUL_GAS, gas)
    data = bytes(data[:MUL_INPUT_SIZE]).ljust(MUL_INPUT_SIZE, b"\x00")
    point = decode_g1(data[:POINT_SIZE])
    scalar = int.from_bytes(data[POINT_SIZE:], "big")
    return used, encode_g1(multiply(point, scalar))
