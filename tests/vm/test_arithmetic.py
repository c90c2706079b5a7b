"""Arithmetic opcodes ADD ... SIGNEXTEND (0x01-0x0b): 256-bit wrap-around, the signed cases of
SDIV and SMOD (including -2**255 / -1), ADDMOD/MULMOD without intermediate wrap and with a zero
modulus, EXP's EIP-160 per-byte gas and SIGNEXTEND at every byte position."""
import pytest

from tests.vm.asm import asm, run
from pydevnet.vm.errors import OutOfGas

M = 2**256 - 1
MIN = 2**255  # -2**255 in two's complement
PUSH = 3  # every operand is pushed with a PUSHn (G_verylow)


def neg(x: int) -> int:
    return (-x) & M


def evaluate(op: str, *args: int) -> tuple[int, int]:
    """(result, gas used) of `op` applied to args, args[0] on top of the stack."""
    f = run(asm(*reversed(args), op))
    assert f.error is None
    assert len(f.stack) == 1
    return f.stack[0], 1_000_000 - f.gas


@pytest.mark.parametrize(("op", "a", "b", "result"), [
    ("ADD", 1, 2, 3),
    ("ADD", M, 1, 0),
    ("ADD", M, M, M - 1),
    ("MUL", 3, 5, 15),
    ("MUL", MIN, 2, 0),
    ("MUL", M, M, 1),
    ("SUB", 5, 3, 2),
    ("SUB", 1, 2, M),
    ("SUB", 0, M, 1),
    ("DIV", 7, 2, 3),
    ("DIV", M, M, 1),
    ("DIV", 1, 0, 0),
    ("MOD", 7, 3, 1),
    ("MOD", M, 2**128, 2**128 - 1),
    ("MOD", 7, 0, 0),
])
def test_unsigned_binary_ops(op: str, a: int, b: int, result: int) -> None:
    assert evaluate(op, a, b)[0] == result


@pytest.mark.parametrize(("a", "b", "result"), [
    (neg(8), 3, neg(2)),       # rounds toward zero, not toward minus infinity
    (8, neg(3), neg(2)),
    (neg(8), neg(3), 2),
    (neg(1), 2, 0),
    (MIN, neg(1), MIN),        # the one overflow: -2**255 / -1 wraps to -2**255
    (MIN, 1, MIN),
    (neg(5), 0, 0),
])
def test_sdiv(a: int, b: int, result: int) -> None:
    assert evaluate("SDIV", a, b)[0] == result


@pytest.mark.parametrize(("a", "b", "result"), [
    (neg(8), 3, neg(2)),       # the result takes the dividend's sign
    (8, neg(3), 2),
    (neg(8), neg(3), neg(2)),
    (MIN, neg(1), 0),
    (MIN, 3, neg(2)),          # 2**255 % 3 == 2
    (neg(5), 0, 0),
])
def test_smod(a: int, b: int, result: int) -> None:
    assert evaluate("SMOD", a, b)[0] == result


def test_addmod_does_not_wrap_the_sum() -> None:
    # (2**256 - 1 + 2) % 10: 2**256 ends in ...6, so the true sum ends in 7; a wrapped sum gives 1
    assert evaluate("ADDMOD", M, 2, 10)[0] == 7


def test_mulmod_does_not_wrap_the_product() -> None:
    # 2**255 * 2 = 2**256 = 1 (mod 3); the wrapped product 0 would give 0
    assert evaluate("MULMOD", MIN, 2, 3)[0] == 1
    assert evaluate("MULMOD", M, M, 12)[0] == (M * M) % 12


@pytest.mark.parametrize("op", ["ADDMOD", "MULMOD"])
def test_modular_ops_with_zero_modulus_give_zero(op: str) -> None:
    assert evaluate(op, 5, 7, 0)[0] == 0


@pytest.mark.parametrize(("op", "gas"), [
    ("ADD", 3), ("MUL", 5), ("SUB", 3), ("DIV", 5), ("SDIV", 5), ("MOD", 5), ("SMOD", 5),
    ("SIGNEXTEND", 5),
])
def test_binary_op_gas(op: str, gas: int) -> None:
    assert evaluate(op, 6, 3)[1] == 2 * PUSH + gas


@pytest.mark.parametrize("op", ["ADDMOD", "MULMOD"])
def test_modular_op_gas_is_g_mid(op: str) -> None:
    assert evaluate(op, 6, 3, 5)[1] == 3 * PUSH + 8


@pytest.mark.parametrize(("base", "exponent", "result"), [
    (2, 10, 1024),
    (0, 0, 1),
    (5, 0, 1),
    (0, 5, 0),
    (2, 255, MIN),
    (2, 256, 0),
    (M, 2, 1),
    (3, M, pow(3, M, 2**256)),
])
def test_exp_values(base: int, exponent: int, result: int) -> None:
    assert evaluate("EXP", base, exponent)[0] == result


@pytest.mark.parametrize(("exponent", "exponent_bytes"), [
    (0, 0), (1, 1), (255, 1), (256, 2), (2**16 - 1, 2), (2**16, 3), (MIN, 32), (M, 32),
])
def test_exp_gas_is_10_plus_50_per_exponent_byte_eip160(exponent: int, exponent_bytes: int) -> None:
    assert evaluate("EXP", 3, exponent)[1] == 2 * PUSH + 10 + 50 * exponent_bytes


def test_exp_out_of_gas_on_the_byte_cost() -> None:
    code = asm(MIN, 3, "EXP")  # 6 for the pushes, 10 static, 1600 for 32 bytes
    assert run(code, gas=6 + 10 + 1600).error is None
    assert isinstance(run(code, gas=6 + 10 + 1599).error, OutOfGas)


@pytest.mark.parametrize(("b", "x", "result"), [
    (0, 0xFF, M),                         # byte 0 negative: every higher bit set
    (0, 0x7F, 0x7F),
    (0, 0x1FF, M),                        # bits above the sign byte are overwritten
    (0, 0x17F, 0x7F),                     # ... cleared when the sign bit is 0
    (1, 0x8000, M ^ 0x7FFF),
    (1, 0x12_7FFF, 0x7FFF),
    (30, 0x80 << 240, (M >> 248 << 248) | (0x80 << 240)),
    (31, MIN, MIN),                       # b >= 31: unchanged
    (31, 0x7F, 0x7F),
    (32, 0xFF, 0xFF),
    (M, 0xFF, 0xFF),
])
def test_signextend(b: int, x: int, result: int) -> None:
    assert evaluate("SIGNEXTEND", b, x)[0] == result
