"""The BLS12-381 precompiles of Prague, 0x0b-0x11 (EIP-2537): G1ADD, G1MSM, G2ADD, G2MSM,
PAIRING_CHECK, MAP_FP_TO_G1 and MAP_FP2_TO_G2.

Encoding: a base-field element takes 64 bytes, big-endian, whose top 16 bytes must be zero and whose
value must be below p; an F_p^2 element c0 + c1*v is c0 ++ c1 (128 bytes); a point is x ++ y (128
bytes in G1, 256 in G2), all zeros being the point at infinity; a scalar is 32 bytes, big-endian,
any value (reduced modulo the group order q; the points it multiplies are in the subgroup). Every
input has an exact length (k pairs for the MSMs and the pairing, k >= 1) and every violation fails
the call (PrecompileError, all gas burnt). Points must be on their curve; the MSMs and the pairing
also require the order-q subgroup, the additions do not.

Prices are charged before any decoding: fixed for the additions and maps, the discounted
k * cost * discount(k) // 1000 for the MSMs (k from the length rounded down), 32600 k + 37700 for
the pairing.

The arithmetic is arkworks' (py-arkworks-bls12381, Rust): it reads big-endian x ++ y with an on-curve
check, and with a subgroup check unless asked not to; it has the MSM, the multi-pairing check and
the SSWU maps with cofactor clearing that the EIP specifies. Only the 64-byte padding and the range
check are done here, before arkworks sees the 48-byte values.
"""
from py_arkworks_bls12381 import GT, G1Point, G2Point, Scalar

from pydevnet.vm.errors import PrecompileError
from pydevnet.vm.precompiles.pricing import (BLS12_G1ADD_GAS, BLS12_G1MSM_DISCOUNTS,
                                             BLS12_G1MUL_GAS, BLS12_G2ADD_GAS,
                                             BLS12_G2MSM_DISCOUNTS, BLS12_G2MUL_GAS,
                                             BLS12_MAP_FP2_TO_G2_GAS, BLS12_MAP_FP_TO_G1_GAS,
                                             BLS12_MSM_MULTIPLIER, BLS12_PAIRING_BASE_GAS,
                                             BLS12_PAIRING_PER_PAIR_GAS, charge)

FIELD_MODULUS = 0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFAAAB  # noqa: E501
FP_SIZE = 64  # EIP-2537's padded encoding
FP_VALUE_SIZE = 48  # the value's bytes: p has 381 bits, so the first 16 of the 64 must be zero
FP_PADDING = FP_SIZE - FP_VALUE_SIZE
G1_SIZE = 2 * FP_SIZE
G2_SIZE = 4 * FP_SIZE
SCALAR_SIZE = 32
G1_MSM_PAIR_SIZE = G1_SIZE + SCALAR_SIZE
G2_MSM_PAIR_SIZE = G2_SIZE + SCALAR_SIZE
PAIRING_PAIR_SIZE = G1_SIZE + G2_SIZE
_ZERO_PADDING = bytes(FP_PADDING)


def decode_fp(data: bytes, count: int) -> bytes:
    """`count` 64-byte field elements as arkworks' 48-byte big-endian values, concatenated;
    raise PrecompileError on non-zero padding or a value not below p."""
    values = []
    for offset in range(0, count * FP_SIZE, FP_SIZE):
        if data[offset : offset + FP_PADDING] != _ZERO_PADDING:
            raise PrecompileError("bls12-381: field element with non-zero top 16 bytes")
        value = data[offset + FP_PADDING : offset + FP_SIZE]
        if int.from_bytes(value, "big") >= FIELD_MODULUS:
            raise PrecompileError("bls12-381: field element not below the modulus")
        values.append(value)
    return b"".join(values)


def _point(group: type, coordinates: bytes, subgroup: bool) -> G1Point | G2Point:
    if not any(coordinates):
        return group.identity()
    try:
        if subgroup:
            return group.from_xy_bytes_be(coordinates)
        return group.from_xy_bytes_unchecked_be(coordinates)  # the curve is still checked
    except ValueError as error:  # not on the curve, or not in the subgroup
        raise PrecompileError(f"bls12-381: {error}") from error


def decode_g1(data: bytes, subgroup: bool) -> G1Point:
    """A 128-byte G1 point: on the curve or infinity, in the subgroup if `subgroup`."""
    return _point(G1Point, decode_fp(data, 2), subgroup)


def decode_g2(data: bytes, subgroup: bool) -> G2Point:
    """A 256-byte G2 point: on the twist or infinity, in the subgroup if `subgroup`."""
    return _point(G2Point, decode_fp(data, 4), subgroup)


def encode(point: G1Point | G2Point) -> bytes:
    """EIP-2537's encoding of a point: each coordinate padded to 64 bytes; infinity all zeros."""
    values = point.to_xy_bytes_be()  # 48-byte coordinates, infinity all zeros
    return b"".join(_ZERO_PADDING + values[i : i + FP_VALUE_SIZE]
                    for i in range(0, len(values), FP_VALUE_SIZE))


def _expect_length(data: bytes, size: int, name: str) -> None:
    if len(data) != size:
        raise PrecompileError(f"bls12-381 {name}: input must be {size} bytes")


def _pair_count(data: bytes, pair_size: int, name: str) -> int:
    """k for an input of k whole pairs, k >= 1 (called after the price is charged)."""
    if not data or len(data) % pair_size:
        raise PrecompileError(f"bls12-381 {name}: input must be k >= 1 pairs of {pair_size} bytes")
    return len(data) // pair_size


def msm_gas(length: int, pair_size: int, discounts: tuple[int, ...], mul_gas: int) -> int:
    """EIP-2537's MSM price for an input of `length` bytes (k rounded down; 0 for k = 0)."""
    k = length // pair_size
    if k == 0:
        return 0
    discount = discounts[min(k, len(discounts)) - 1]
    return k * mul_gas * discount // BLS12_MSM_MULTIPLIER


def g1_add(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x0b G1ADD: the sum of two G1 points (no subgroup check)."""
    used = charge(BLS12_G1ADD_GAS, gas)
    _expect_length(data, 2 * G1_SIZE, "G1ADD")
    return used, encode(decode_g1(data[:G1_SIZE], False) + decode_g1(data[G1_SIZE:], False))


def g2_add(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x0d G2ADD: the sum of two G2 points (no subgroup check)."""
    used = charge(BLS12_G2ADD_GAS, gas)
    _expect_length(data, 2 * G2_SIZE, "G2ADD")
    return used, encode(decode_g2(data[:G2_SIZE], False) + decode_g2(data[G2_SIZE:], False))


def _msm(group: type, decode, data: bytes, pair_size: int, name: str) -> bytes:
    k = _pair_count(data, pair_size, name)
    point_size = pair_size - SCALAR_SIZE
    points, scalars = [], []
    for offset in range(0, k * pair_size, pair_size):
        points.append(decode(data[offset : offset + point_size], True))
        scalar = data[offset + point_size : offset + pair_size]
        scalars.append(Scalar.from_be_bytes_mod_order(scalar))
    if k == 1:  # the EIP's advice: one pair is a plain multiplication
        return encode(points[0] * scalars[0])
    return encode(group.multiexp_unchecked(points, scalars))


def g1_msm(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x0c G1MSM: sum of s_i * P_i over k pairs of a G1 point (in the subgroup) and a scalar."""
    price = msm_gas(len(data), G1_MSM_PAIR_SIZE, BLS12_G1MSM_DISCOUNTS, BLS12_G1MUL_GAS)
    used = charge(price, gas)
    return used, _msm(G1Point, decode_g1, bytes(data), G1_MSM_PAIR_SIZE, "G1MSM")


def g2_msm(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x0e G2MSM: sum of s_i * Q_i over k pairs of a G2 point (in the subgroup) and a scalar."""
    price = msm_gas(len(data), G2_MSM_PAIR_SIZE, BLS12_G2MSM_DISCOUNTS, BLS12_G2MUL_GAS)
    used = charge(price, gas)
    return used, _msm(G2Point, decode_g2, bytes(data), G2_MSM_PAIR_SIZE, "G2MSM")


def pairing_check(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x0f PAIRING_CHECK: 1 if the product of e(P_i, Q_i) over k >= 1 pairs is 1, else 0.

    Every point is validated (curve and subgroup); pairs with a point at infinity contribute 1.
    """
    k = len(data) // PAIRING_PAIR_SIZE
    used = charge(BLS12_PAIRING_BASE_GAS + BLS12_PAIRING_PER_PAIR_GAS * k, gas)
    data = bytes(data)
    _pair_count(data, PAIRING_PAIR_SIZE, "PAIRING_CHECK")
    g1_points, g2_points = [], []
    identity1, identity2 = G1Point.identity(), G2Point.identity()
    for offset in range(0, len(data), PAIRING_PAIR_SIZE):
        p = decode_g1(data[offset : offset + G1_SIZE], True)
        q = decode_g2(data[offset + G1_SIZE : offset + PAIRING_PAIR_SIZE], True)
        if p != identity1 and q != identity2:
            g1_points.append(p)
            g2_points.append(q)
    is_one = not g1_points or GT.pairing_check(g1_points, g2_points)
    return used, int(is_one).to_bytes(SCALAR_SIZE, "big")


def map_fp_to_g1(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x10 MAP_FP_TO_G1: the simplified SWU map of a field element to G1, cofactor cleared."""
    used = charge(BLS12_MAP_FP_TO_G1_GAS, gas)
    _expect_length(data, FP_SIZE, "MAP_FP_TO_G1")
    return used, encode(G1Point.map_from_fp_be(decode_fp(data, 1)))


def map_fp2_to_g2(data: bytes, gas: int) -> tuple[int, bytes]:
    """0x11 MAP_FP2_TO_G2: the simplified SWU map of an F_p^2 element to G2, cofactor cleared."""
    used = charge(BLS12_MAP_FP2_TO_G2_GAS, gas)
    _expect_length(data, 2 * FP_SIZE, "MAP_FP2_TO_G2")
    return used, encode(G2Point.map_from_fp2_be(decode_fp(data, 2)))
