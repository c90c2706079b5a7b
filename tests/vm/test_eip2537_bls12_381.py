"""EIP-2537: the BLS12-381 precompiles 0x0b-0x11 of Prague (G1ADD, G1MSM, G2ADD, G2MSM,
PAIRING_CHECK, MAP_FP_TO_G1, MAP_FP2_TO_G2).

The EIP's published vectors (data/eip2537_vectors.json) run at their exact price and one gas short;
its failure vectors must fail the call. Then the rules one by one: the prices (MSM discount tables,
the floor of k for lengths that are no multiple), the encoding (top 16 bytes, values >= p, exact
lengths, k >= 1), the curve and subgroup checks (none for the additions), and the fork tables.
"""
import json
from pathlib import Path

import pytest

from pydevnet.vm.errors import OutOfGas, PrecompileError
from pydevnet.vm.forks import CANCUN, OSAKA, PRAGUE
from pydevnet.vm.precompiles import address, loaded
from pydevnet.vm.precompiles import bls12_381 as bls
from pydevnet.vm.precompiles.pricing import (BLS12_G1MSM_DISCOUNTS, BLS12_G2MSM_DISCOUNTS,
                                             BLS12_PAIRING_BASE_GAS, BLS12_PAIRING_PER_PAIR_GAS)

VECTORS = json.loads((Path(__file__).parent / "data" / "eip2537_vectors.json").read_text())
FUNCTIONS = {
    "g1_add": bls.g1_add, "g1_msm": bls.g1_msm, "g2_add": bls.g2_add, "g2_msm": bls.g2_msm,
    "pairing_check": bls.pairing_check, "map_fp_to_g1": bls.map_fp_to_g1,
    "map_fp2_to_g2": bls.map_fp2_to_g2,
}
ADDRESSES = {"g1_add": 0x0B, "g1_msm": 0x0C, "g2_add": 0x0D, "g2_msm": 0x0E,
             "pairing_check": 0x0F, "map_fp_to_g1": 0x10, "map_fp2_to_g2": 0x11}
VALID = [pytest.param(FUNCTIONS[group], v, id=f"{group}-{v['name']}")
         for group in FUNCTIONS for v in VECTORS[group]["valid"]]
INVALID = [pytest.param(FUNCTIONS[group], v, id=f"{group}-{v['name']}")
           for group in FUNCTIONS for v in VECTORS[group]["invalid"]]
P = bls.FIELD_MODULUS
Q = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001  # the group order
LOTS = 10**9
ONE, ZERO = (1).to_bytes(32, "big"), bytes(32)


def _vector(group: str, name: str, kind: str = "valid") -> bytes:
    return bytes.fromhex(next(v["input"] for v in VECTORS[group][kind] if v["name"] == name))


def _fp(value: int) -> bytes:
    return value.to_bytes(64, "big")


def _scalar(value: int) -> bytes:
    return value.to_bytes(32, "big")


G1 = _vector("g1_msm", "bls_g1mul_(1*g1=g1)")[:128]
G2 = _vector("g2_msm", "bls_g2mul_(1*g2=g2)")[:256]
G1_OUTSIDE = _vector("g1_msm", "bls_g1msm_g1_not_in_correct_subgroup", "invalid")[:128]
G2_OUTSIDE = _vector("g2_msm", "bls_g2mul_g2_not_in_correct_subgroup", "invalid")[:256]
INF1, INF2 = bytes(128), bytes(256)


def _neg(point: bytes) -> bytes:
    """-P: y -> p - y on every coordinate of y (G1: one, G2: two)."""
    half = len(point) // 2
    ys = [int.from_bytes(point[i : i + 64], "big") for i in range(half, len(point), 64)]
    return point[:half] + b"".join(_fp((P - y) % P) for y in ys)


def _mul(point: bytes, k: int) -> bytes:
    msm = bls.g1_msm if len(point) == 128 else bls.g2_msm
    return msm(point + _scalar(k), LOTS)[1]


# ---- the EIP's vectors ----


@pytest.mark.parametrize(("fn", "vector"), VALID)
def test_vector_at_exact_price(fn, vector: dict) -> None:
    assert fn(bytes.fromhex(vector["input"]), vector["gas"]) == (
        vector["gas"], bytes.fromhex(vector["expected"]))


@pytest.mark.parametrize(("fn", "vector"), VALID)
def test_vector_one_gas_short_runs_out_of_gas(fn, vector: dict) -> None:
    with pytest.raises(OutOfGas):
        fn(bytes.fromhex(vector["input"]), vector["gas"] - 1)


@pytest.mark.parametrize(("fn", "vector"), INVALID)
def test_failure_vector_fails_the_call(fn, vector: dict) -> None:
    with pytest.raises(PrecompileError):
        fn(bytes.fromhex(vector["input"]), LOTS)


# ---- prices ----


@pytest.mark.parametrize("k", [1, 2, 3, 64, 127, 128, 129, 500])
def test_msm_price_follows_the_discount_tables(k: int) -> None:
    g1_discount = BLS12_G1MSM_DISCOUNTS[min(k, 128) - 1]
    g2_discount = BLS12_G2MSM_DISCOUNTS[min(k, 128) - 1]
    assert bls.msm_gas(160 * k, 160, BLS12_G1MSM_DISCOUNTS, 12000) == k * 12000 * g1_discount // 1000
    assert bls.msm_gas(288 * k, 288, BLS12_G2MSM_DISCOUNTS, 22500) == k * 22500 * g2_discount // 1000


def test_msm_max_discounts() -> None:
    assert BLS12_G1MSM_DISCOUNTS[-1] == 519 and BLS12_G2MSM_DISCOUNTS[-1] == 524
    assert len(BLS12_G1MSM_DISCOUNTS) == len(BLS12_G2MSM_DISCOUNTS) == 128


def test_msm_price_rounds_k_down_and_still_fails() -> None:
    """A length that is no multiple pays for the whole pairs in it, then fails."""
    data = G1 + _scalar(5) + b"\x00" * 159
    with pytest.raises(OutOfGas):
        bls.g1_msm(data, 11999)
    with pytest.raises(PrecompileError):
        bls.g1_msm(data, 12000)
    assert bls.msm_gas(159, 160, BLS12_G1MSM_DISCOUNTS, 12000) == 0
    with pytest.raises(PrecompileError):  # k = 0: free, and an error
        bls.g1_msm(b"\x01" * 159, 0)
    with pytest.raises(PrecompileError):
        bls.g2_msm(b"", 0)


def test_pairing_price_counts_whole_pairs() -> None:
    data = (G1 + G2) * 2
    price = BLS12_PAIRING_BASE_GAS + 2 * BLS12_PAIRING_PER_PAIR_GAS
    assert price == 37700 + 2 * 32600
    assert bls.pairing_check(data, price) == (price, ZERO)
    with pytest.raises(OutOfGas):
        bls.pairing_check(data, price - 1)
    with pytest.raises(OutOfGas):  # empty input: the base price is charged first
        bls.pairing_check(b"", BLS12_PAIRING_BASE_GAS - 1)
    with pytest.raises(PrecompileError):
        bls.pairing_check(b"", BLS12_PAIRING_BASE_GAS)


@pytest.mark.parametrize(("fn", "price", "data"), [
    (bls.g1_add, 375, G1 + G1), (bls.g2_add, 600, G2 + G2),
    (bls.map_fp_to_g1, 5500, _fp(7)), (bls.map_fp2_to_g2, 23800, _fp(7) + _fp(8)),
], ids=["g1_add", "g2_add", "map_fp", "map_fp2"])
def test_fixed_prices(fn, price: int, data: bytes) -> None:
    assert fn(data, price)[0] == price
    with pytest.raises(OutOfGas):
        fn(data, price - 1)


# ---- encoding ----


@pytest.mark.parametrize(("fn", "data"), [
    (bls.g1_add, G1 + G1), (bls.g2_add, G2 + G2), (bls.g1_msm, G1 + ONE),
    (bls.g2_msm, G2 + ONE), (bls.pairing_check, G1 + G2), (bls.map_fp_to_g1, _fp(7)),
    (bls.map_fp2_to_g2, _fp(7) + _fp(8)),
], ids=list(FUNCTIONS))
def test_lengths_are_exact(fn, data: bytes) -> None:
    fn(data, LOTS)
    for bad in (data[:-1], data + b"\x00", b""):
        with pytest.raises(PrecompileError):
            fn(bad, LOTS)


@pytest.mark.parametrize("offset", [0, 15, 64, 79])
def test_top_16_bytes_of_a_field_element_must_be_zero(offset: int) -> None:
    bad = bytearray(INF1)
    bad[offset] = 1
    with pytest.raises(PrecompileError, match="top 16 bytes"):
        bls.g1_add(bytes(bad) + INF1, LOTS)
    with pytest.raises(PrecompileError, match="top 16 bytes"):
        bls.map_fp_to_g1(bytes(bad[offset // 64 * 64 :][:64]), LOTS)


@pytest.mark.parametrize("value", [P, P + 1, 2**381 - 1, 2**384 - 1])
def test_field_elements_must_be_below_p(value: int) -> None:
    """Values of up to 48 bytes (the padding is zero) that are >= p."""
    with pytest.raises(PrecompileError, match="modulus"):
        bls.map_fp_to_g1(_fp(value), LOTS)
    with pytest.raises(PrecompileError):
        bls.map_fp2_to_g2(_fp(1) + _fp(value), LOTS)
    x_plus_p = _fp(int.from_bytes(G1[:64], "big") + P) + G1[64:]
    with pytest.raises(PrecompileError):
        bls.g1_add(x_plus_p + G1, LOTS)


def test_p_minus_one_is_a_field_element() -> None:
    assert len(bls.map_fp_to_g1(_fp(P - 1), LOTS)[1]) == 128
    assert len(bls.map_fp2_to_g2(_fp(P - 1) + _fp(P - 1), LOTS)[1]) == 256


# ---- curve and subgroup ----


def test_points_off_the_curve_fail_everywhere() -> None:
    off1 = G1[:127] + bytes([G1[127] ^ 1])
    off2 = G2[:255] + bytes([G2[255] ^ 1])
    for fn, data in ((bls.g1_add, off1 + G1), (bls.g1_msm, off1 + ZERO),
                     (bls.g2_add, G2 + off2), (bls.g2_msm, off2 + ZERO),
                     (bls.pairing_check, off1 + G2), (bls.pairing_check, G1 + off2)):
        with pytest.raises(PrecompileError, match="curve"):
            fn(data, LOTS)


def test_zero_x_with_nonzero_y_is_no_infinity() -> None:
    """(0, 2) is on y^2 = x^3 + 4 but outside G1; only all zeros is infinity."""
    point = _fp(0) + _fp(2)
    assert bls.g1_add(point + INF1, LOTS)[1] == point
    with pytest.raises(PrecompileError, match="subgroup"):
        bls.g1_msm(point + ONE, LOTS)


def test_additions_take_points_outside_the_subgroup() -> None:
    assert bls.g1_add(G1_OUTSIDE + INF1, LOTS)[1] == G1_OUTSIDE
    assert bls.g2_add(INF2 + G2_OUTSIDE, LOTS)[1] == G2_OUTSIDE
    assert bls.g1_add(G1_OUTSIDE + _neg(G1_OUTSIDE), LOTS)[1] == INF1


@pytest.mark.parametrize(("fn", "data"), [
    (bls.g1_msm, G1_OUTSIDE + ZERO), (bls.g2_msm, G2_OUTSIDE + ZERO),
    (bls.g1_msm, G1 + ONE + G1_OUTSIDE + ONE), (bls.pairing_check, G1_OUTSIDE + G2),
    (bls.pairing_check, G1 + G2_OUTSIDE), (bls.pairing_check, INF1 + G2_OUTSIDE),
    (bls.pairing_check, G1_OUTSIDE + INF2),
], ids=["g1msm", "g2msm", "g1msm-second", "pairing-g1", "pairing-g2", "next-to-inf1",
        "next-to-inf2"])
def test_msm_and_pairing_check_the_subgroup(fn, data: bytes) -> None:
    """Even with a zero scalar and even beside a point at infinity."""
    with pytest.raises(PrecompileError, match="subgroup"):
        fn(data, LOTS)


# ---- arithmetic ----


def test_msm_identities() -> None:
    assert _mul(G1, 0) == INF1 and _mul(G2, Q) == INF2
    assert _mul(G1, Q + 5) == _mul(G1, 5)
    assert _mul(G1, 2**256 - 1) == _mul(G1, (2**256 - 1) % Q)
    assert bls.g1_msm(G1 + _scalar(3) + G1 + _scalar(4), LOTS)[1] == _mul(G1, 7)
    assert bls.g2_msm(G2 + _scalar(3) + INF2 + _scalar(9), LOTS)[1] == _mul(G2, 3)
    assert bls.g1_add(G1 + G1, LOTS)[1] == _mul(G1, 2)
    assert bls.g2_add(G2 + _neg(G2), LOTS)[1] == INF2


def test_pairing_bilinearity() -> None:
    a, b = 0x1234567, 0x7654321
    pairs = _mul(G1, a) + _mul(G2, b) + _neg(_mul(G1, a * b)) + G2
    assert bls.pairing_check(pairs, LOTS)[1] == ONE
    assert bls.pairing_check(_mul(G1, a) + _mul(G2, b) + _mul(G1, a * b) + G2, LOTS)[1] == ZERO


def test_pairing_with_infinity_is_one() -> None:
    assert bls.pairing_check(INF1 + G2, LOTS)[1] == ONE
    assert bls.pairing_check(G1 + INF2 + INF1 + INF2, LOTS)[1] == ONE
    assert bls.pairing_check(G1 + G2, LOTS)[1] == ZERO


def test_maps_land_in_the_subgroup() -> None:
    g1 = bls.map_fp_to_g1(_fp(12345), LOTS)[1]
    g2 = bls.map_fp2_to_g2(_fp(12345) + _fp(678), LOTS)[1]
    assert _mul(g1, Q) == INF1 and _mul(g2, Q) == INF2  # the MSM's own subgroup check passed too


# ---- forks ----


def test_prague_adds_0x0b_to_0x11_and_cancun_has_none() -> None:
    for name, index in ADDRESSES.items():
        assert loaded(PRAGUE.precompiles[address(index)]) is FUNCTIONS[name]
        assert loaded(OSAKA.precompiles[address(index)]) is FUNCTIONS[name]
        assert address(index) not in CANCUN.precompiles
    assert len(PRAGUE.precompiles) == 17
