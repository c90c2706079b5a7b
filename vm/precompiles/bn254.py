"""0x06 ecAdd and 0x07 ecMul on BN254 (alt_bn128), y^2 = x^3 + 3 (EIP-196, prices EIP-1108).

A point is encoded as x ++ y, two 32-byte big-endian integers; (0, 0) encodes the point at
infinity. A coordinate >= the field modulus or a point off the curve fails the call
(PrecompileError). Inputs are read as if right-padded with zeros (and extra bytes are ignored).

G1 has prime order (cofactor 1), so every point on the curve is in the group and the scalar is
reduced modulo the group order. The arithmetic is mcl's, in C (bn254_mcl.py): the pure-Python
version took 1.4 ms a multiplication, 7 s for 30M gas of ecMul. The pairing (0x08) lives in
bn254_pairing.py.
"""
import pydevnet.vm.precompiles.bn254_mcl as mcl
from pydevnet.vm.errors import PrecompileError
from pydevnet.vm.precompiles.pricing import BN254_ADD_GAS, BN254_MUL_GAS, WORD_SIZE, charge

FIELD_MODULUS = 0x30644E72E131A029B85045B68181585D97816A916871CA8D3C208C16D87CFD47
CURVE_ORDER = 0x30644E72E131A029B85045B68181585D2833E84879B9709143E1F593F0000001
CURVE_B = 3
POINT_SIZE = 2 * WORD_SIZE
ADD_INPUT_SIZE = 2 * POINT_SIZE
MUL_INPUT_SIZE = POINT_SIZE + WORD_SIZE


def field_elements(encoded: bytes, count: int) -> list[int]:
    """`count` 32-byte big-endian field elements; raise PrecompileError if one is >= p."""
    values = [int.from_bytes(encoded[i : i + WORD_SIZE], "big")
              for i in range(0, count * WORD_SIZE, WORD_SIZE)]
    if max(values) >= FIELD_MODULUS:
        raise PrecompileError("bn254: coordinate not below the field modulus")
    return values


def decode_g1(encoded: bytes) -> mcl.G1:
    """Decode and validate a 64-byte G1 point (EIP-196); raise PrecompileError if invalid."""
    x, y = field_elements(encoded, 2)
    if (x or y) and (y * y - x * x * x - CURVE_B) % FIELD_MODULUS:
        raise PrecompileError("bn254: point not on curve")
    return mcl.g1(x, y)


def encode_g1(point: mcl.G1) -> bytes:
    """The 64-byte encoding of a point; infinity is 64 zero bytes (EIP-196)."""
    coordinates = mcl.affine(point)
    if coordinates is None:
        return bytes(POINT_SIZE)
    return coordinates[0].to_bytes(WORD_SIZE, "big") + coordinates[1].to_bytes(WORD_SIZE, "big")


def bn254_add(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x06 ecAdd (EIP-196): the sum of two G1 points."""
    used = charge(BN254_ADD_GAS, gas)
    data = bytes(data[:ADD_INPUT_SIZE]).ljust(ADD_INPUT_SIZE, b"\x00")
    p1 = decode_g1(data[:POINT_SIZE])
    p2 = decode_g1(data[POINT_SIZE:])
    return used, encode_g1(mcl.add(p1, p2))


def bn254_mul(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x07 ecMul (EIP-196): a G1 point times a 256-bit scalar."""
    used = charge(BN254_MUL_GAS, gas)
    data = bytes(data[:MUL_INPUT_SIZE]).ljust(MUL_INPUT_SIZE, b"\x00")
    point = decode_g1(data[:POINT_SIZE])
    return used, encode_g1(mcl.mul(point, data[POINT_SIZE:]))
