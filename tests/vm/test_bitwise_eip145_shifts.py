"""Comparison and bitwise opcodes LT ... SAR (0x10-0x1d): the EIP-145 test vectors for SHL, SHR
and SAR, BYTE's indexing from the most significant byte, and the signed comparisons SLT/SGT."""
import pytest

from tests.vm.asm import asm, run

M = 2**256 - 1
MIN = 2**255


def evaluate(op: str, *args: int) -> tuple[int, int]:
    """(result, gas used) of `op` applied to args, args[0] on top of the stack."""
    f = run(asm(*reversed(args), op))
    assert f.error is None
    assert len(f.stack) == 1
    return f.stack[0], 1_000_000 - f.gas


# EIP-145's vectors as (value, shift, result); the shift is on top of the stack.
SHL = [
    (1, 0x00, 1), (1, 0x01, 2), (1, 0xFF, MIN), (1, 0x100, 0), (1, 0x101, 0),
    (M, 0x00, M), (M, 0x01, M - 1), (M, 0xFF, MIN), (M, 0x100, 0),
    (0, 0x01, 0), (M >> 1, 0x01, M - 1),
]
SHR = [
    (1, 0x00, 1), (1, 0x01, 0), (MIN, 0x01, MIN >> 1), (MIN, 0xFF, 1), (MIN, 0x100, 0),
    (MIN, 0x101, 0), (M, 0x00, M), (M, 0x01, M >> 1), (M, 0xFF, 1), (M, 0x100, 0), (0, 0x01, 0),
]
SAR = [
    (1, 0x00, 1), (1, 0x01, 0), (MIN, 0x01, MIN | MIN >> 1), (MIN, 0xFF, M), (MIN, 0x100, M),
    (MIN, 0x101, M), (M, 0x00, M), (M, 0x01, M), (M, 0xFF, M), (M, 0x100, M), (0, 0x01, 0),
    (MIN >> 1, 0xFE, 1), (M >> 1, 0xF8, 0x7F), (M >> 1, 0xFE, 1), (M >> 1, 0xFF, 0),
    (M >> 1, 0x100, 0),
]


@pytest.mark.parametrize(("value", "shift", "result"), SHL)
def test_shl_eip145_vectors(value: int, shift: int, result: int) -> None:
    assert evaluate("SHL", shift, value) == (result, 9)


@pytest.mark.parametrize(("value", "shift", "result"), SHR)
def test_shr_eip145_vectors(value: int, shift: int, result: int) -> None:
    assert evaluate("SHR", shift, value) == (result, 9)


@pytest.mark.parametrize(("value", "shift", "result"), SAR)
def test_sar_eip145_vectors(value: int, shift: int, result: int) -> None:
    assert evaluate("SAR", shift, value) == (result, 9)


@pytest.mark.parametrize("op", ["SHL", "SHR"])
def test_shift_by_a_huge_amount_clears_the_word(op: str) -> None:
    assert evaluate(op, M, M)[0] == 0


X = int.from_bytes(bytes(range(1, 33)), "big")  # bytes 0x01 ... 0x20, most significant first


@pytest.mark.parametrize(("index", "result"), [
    (0, 0x01), (1, 0x02), (31, 0x20), (32, 0), (2**64, 0), (M, 0),
])
def test_byte_counts_from_the_most_significant_byte(index: int, result: int) -> None:
    assert evaluate("BYTE", index, X) == (result, 9)


@pytest.mark.parametrize(("op", "a", "b", "result"), [
    ("LT", 1, 2, 1), ("LT", 2, 1, 0), ("LT", 2, 2, 0), ("LT", M, 0, 0),
    ("GT", 2, 1, 1), ("GT", 1, 2, 0), ("GT", M, 0, 1),
    ("SLT", M, 0, 1),          # -1 < 0
    ("SLT", 0, M, 0),
    ("SLT", MIN, M >> 1, 1),   # the most negative is below the most positive
    ("SLT", M, M, 0),
    ("SGT", 0, M, 1),
    ("SGT", MIN, 0, 0),
    ("SGT", M >> 1, MIN, 1),
    ("EQ", M, M, 1), ("EQ", M, 0, 0),
    ("AND", 0xF0F0, 0xFF00, 0xF000), ("OR", 0xF0F0, 0xFF00, 0xFFF0),
    ("XOR", 0xF0F0, 0xFF00, 0x0FF0), ("XOR", M, M, 0),
])
def test_comparison_and_logic(op: str, a: int, b: int, result: int) -> None:
    assert evaluate(op, a, b) == (result, 9)


@pytest.mark.parametrize(("op", "a", "result"), [
    ("ISZERO", 0, 1), ("ISZERO", 7, 0), ("ISZERO", MIN, 0),
    ("NOT", 0, M), ("NOT", M, 0), ("NOT", 0xFF, M - 0xFF),
])
def test_unary_ops(op: str, a: int, result: int) -> None:
    assert evaluate(op, a) == (result, 6)
