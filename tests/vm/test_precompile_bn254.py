"""0x06 ecAdd, 0x07 ecMul, 0x08 ecPairing on BN254 (EIP-196, EIP-197, prices EIP-1108).

The add/mul results are checked against py_ecc (an independent implementation); the pairing
against bilinearity and the point-validation rules (field range, curve, twist, subgroup). The
precompiles run on mcl (C).
"""
import time

import py_ecc.optimized_bn128 as ref
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pydevnet.vm.errors import OutOfGas, PrecompileError
from pydevnet.vm.precompiles.bn254 import CURVE_ORDER, FIELD_MODULUS, bn254_add, bn254_mul
from pydevnet.vm.precompiles.bn254_pairing import bn254_pairing
from pydevnet.vm.precompiles.pricing import BN254_ADD_GAS, BN254_MUL_GAS

P = FIELD_MODULUS
G1 = (1, 2)
ONE = (1).to_bytes(32, "big")
ZERO = bytes(32)


def _word(n: int) -> bytes:
    return n.to_bytes(32, "big")


def _g1(point: tuple[int, int] | None) -> bytes:
    return bytes(64) if point is None else _word(point[0]) + _word(point[1])


def _ref_g1(k: int) -> tuple[int, int] | None:
    """k * G1 by py_ecc, affine."""
    point = ref.multiply(ref.G1, k % CURVE_ORDER)
    if ref.is_inf(point):
        return None
    x, y = ref.normalize(point)
    return x.n, y.n


def _g2_bytes(point: tuple) -> bytes:
    """EIP-197 encoding of a py_ecc G2 point: x_imag, x_real, y_imag, y_real."""
    x, y = ref.normalize(point)
    return _word(x.coeffs[1]) + _word(x.coeffs[0]) + _word(y.coeffs[1]) + _word(y.coeffs[0])


G2 = _g2_bytes(ref.G2)


# ---- ecAdd ----


def test_add_generator_plus_itself_doubles() -> None:
    assert bn254_add(_g1(G1) + _g1(G1), BN254_ADD_GAS) == (BN254_ADD_GAS, _g1(_ref_g1(2)))


def test_add_point_and_its_negation_is_infinity() -> None:
    assert bn254_add(_g1(G1) + _g1((1, P - 2)), BN254_ADD_GAS)[1] == bytes(64)


def test_add_infinity_is_neutral_and_short_input_is_padded() -> None:
    assert bn254_add(_g1(G1), BN254_ADD_GAS)[1] == _g1(G1)  # second point padded to (0, 0)
    assert bn254_add(b"", BN254_ADD_GAS)[1] == bytes(64)
    assert bn254_add(bytes(64) + _g1(G1) + b"\xff" * 10, BN254_ADD_GAS)[1] == _g1(G1)


@pytest.mark.parametrize(
    "bad_point",
    [(1, 3), (0, 1), (1, 2 + P), (1 + P, 2), (P, 0), (0, P)],
    ids=["off-curve", "zero-x-off-curve", "y-plus-p", "x-plus-p", "x-is-p", "y-is-p"],
)
def test_add_rejects_invalid_points(bad_point: tuple[int, int]) -> None:
    with pytest.raises(PrecompileError):
        bn254_add(_g1(G1) + _g1(bad_point), BN254_ADD_GAS)
    with pytest.raises(PrecompileError):
        bn254_add(_g1(bad_point) + bytes(64), BN254_ADD_GAS)


def test_add_out_of_gas_boundary() -> None:
    with pytest.raises(OutOfGas):
        bn254_add(_g1(G1) * 2, BN254_ADD_GAS - 1)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, CURVE_ORDER - 1), st.integers(1, CURVE_ORDER - 1))
def test_add_matches_py_ecc(a: int, b: int) -> None:
    assert bn254_add(_g1(_ref_g1(a)) + _g1(_ref_g1(b)), BN254_ADD_GAS)[1] == _g1(_ref_g1(a + b))


# ---- ecMul ----


@pytest.mark.parametrize(
    "scalar", [0, 1, 2, CURVE_ORDER - 1, CURVE_ORDER, CURVE_ORDER + 1, 2**256 - 1]
)
def test_mul_edge_scalars(scalar: int) -> None:
    expected = (BN254_MUL_GAS, _g1(_ref_g1(scalar)))
    assert bn254_mul(_g1(G1) + _word(scalar), BN254_MUL_GAS) == expected


def test_mul_infinity_and_short_input() -> None:
    assert bn254_mul(bytes(64) + _word(5), BN254_MUL_GAS)[1] == bytes(64)
    assert bn254_mul(_g1(G1), BN254_MUL_GAS)[1] == bytes(64)  # scalar padded to 0
    assert bn254_mul(_g1(G1) + b"\x02", BN254_MUL_GAS)[1] == _g1(_ref_g1(2 << 248))


def test_mul_rejects_invalid_point_even_with_zero_scalar() -> None:
    with pytest.raises(PrecompileError):
        bn254_mul(_g1((1, 3)) + ZERO, BN254_MUL_GAS)


def test_mul_out_of_gas_boundary() -> None:
    with pytest.raises(OutOfGas):
        bn254_mul(_g1(G1) + _word(7), BN254_MUL_GAS - 1)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, CURVE_ORDER - 1), st.integers(0, 2**256 - 1))
def test_mul_matches_py_ecc(k: int, scalar: int) -> None:
    assert bn254_mul(_g1(_ref_g1(k)) + _word(scalar), BN254_MUL_GAS)[1] == _g1(_ref_g1(k * scalar))


# ---- ecPairing ----


def _fp2_sqrt(a: ref.FQ2) -> ref.FQ2 | None:
    """A square root in F_p[i]/(i^2 + 1), p = 3 mod 4 (via the norm), or None."""
    re, im = (int(c) for c in a.coeffs)
    norm_root = pow(re * re + im * im, (P + 1) // 4, P)
    for candidate in (re + norm_root, re - norm_root):
        half = candidate * pow(2, -1, P) % P
        x0 = pow(half, (P + 1) // 4, P)
        if x0 and x0 * x0 % P == half:
            root = ref.FQ2([x0, im * pow(2 * x0, -1, P)])
            return root if root * root == a else None
    return None


def _twist_point_outside_g2() -> tuple:
    """A point on the twist curve that is not in the order-r subgroup (the cofactor is large)."""
    for k in range(1, 100):
        x = ref.FQ2([k, 1])
        y = _fp2_sqrt(x**3 + ref.b2)
        if y is not None:
            point = (x, y, ref.FQ2.one())
            assert ref.is_on_curve(point, ref.b2)
            if not ref.is_inf(ref.multiply(point, CURVE_ORDER)):
                return point
    raise AssertionError("no point found")


def _pairing(data: bytes) -> bytes:
    return bn254_pairing(data, 10**7)[1]


def test_pairing_empty_input_is_one() -> None:
    assert bn254_pairing(b"", 45000) == (45000, ONE)


def test_pairing_bilinearity() -> None:
    a, b = 1234567, 7654321
    g1_ab = _g1(_ref_g1(a * b))
    neg_g1 = _g1((1, P - 2))
    g2_ab = _g2_bytes(ref.multiply(ref.G2, a * b))
    assert _pairing(g1_ab + G2 + neg_g1 + g2_ab) == ONE  # e(abP, Q) * e(-P, abQ) = 1
    assert _pairing(g1_ab + G2 + _g1(G1) + g2_ab) == ZERO


def test_pairing_single_generator_pair_is_not_one() -> None:
    assert bn254_pairing(_g1(G1) + G2, 79000) == (79000, ZERO)


def test_pairing_pairs_with_infinity_contribute_one() -> None:
    assert _pairing(bytes(64) + G2) == ONE
    assert _pairing(_g1(G1) + bytes(128)) == ONE
    assert _pairing(_g1(G1) + bytes(128) + bytes(64) + G2) == ONE


@pytest.mark.parametrize("length", [1, 191, 193, 383])
def test_pairing_rejects_bad_length(length: int) -> None:
    with pytest.raises(PrecompileError):
        bn254_pairing(((_g1(G1) + G2) * 2)[:length], 10**7)


def test_pairing_rejects_g2_not_in_subgroup() -> None:
    with pytest.raises(PrecompileError, match="subgroup"):
        _pairing(_g1(G1) + _g2_bytes(_twist_point_outside_g2()))
    with pytest.raises(PrecompileError, match="subgroup"):  # checked even next to a G1 infinity
        _pairing(bytes(64) + _g2_bytes(_twist_point_outside_g2()))


@pytest.mark.parametrize("word", range(4))
def test_pairing_rejects_g2_perturbed(word: int) -> None:
    words = [G2[i : i + 32] for i in range(0, 128, 32)]
    value = int.from_bytes(words[word], "big")
    for bad in (value + 1, value + P):  # off the twist, then a coordinate >= the modulus
        perturbed = words.copy()
        perturbed[word] = _word(bad)
        with pytest.raises(PrecompileError):
            _pairing(_g1(G1) + b"".join(perturbed))


def test_pairing_rejects_invalid_g1_next_to_infinite_g2() -> None:
    with pytest.raises(PrecompileError):
        _pairing(_g1((1, 3)) + bytes(128))


def test_pairing_out_of_gas_boundary() -> None:
    with pytest.raises(OutOfGas):
        bn254_pairing(_g1(G1) + G2, 78999)
    with pytest.raises(OutOfGas):
        bn254_pairing(b"", 44999)


def test_pairing_of_many_pairs_is_fast() -> None:
    """A 30M-gas call holds about 880 pairs: C speed, not the minutes py_ecc needed."""
    pairs = (_g1(G1) + G2 + _g1((1, P - 2)) + G2) * 100
    start = time.perf_counter()
    assert _pairing(pairs) == ONE
    assert time.perf_counter() - start < 2.0
