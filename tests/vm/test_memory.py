"""Memory: MLOAD, MSTORE, MSTORE8, MSIZE, KECCAK256 and the expansion cost of the Yellow Paper,
C_mem(a) = 3a + a**2 // 512 for a words, charged as the difference when memory grows to the next
32-byte word. Huge offsets are out of gas before anything is allocated; zero-length accesses at
any offset expand nothing."""
import pytest

from tests.vm.asm import asm, run
from pydevnet.vm.errors import OutOfGas
from pydevnet.vm.gas import memory_cost

M = 2**256 - 1
KECCAK_EMPTY = 0xC5D2460186F7233C927E7DB2DCC703C0E500B653CA82273B7BFAD8045D85A470


def used(code: bytes, gas: int = 1_000_000) -> int:
    f = run(code, gas=gas)
    assert f.error is None, f.error
    return gas - f.gas


@pytest.mark.parametrize(("words", "cost"), [
    (1, 3), (2, 6), (22, 66), (23, 70), (32, 98), (512, 2048), (1024, 5120), (4096, 45056),
])
def test_expansion_cost_formula(words: int, cost: int) -> None:
    assert memory_cost(words) == cost
    # MLOAD of the last word: one push, MLOAD's 3, and the expansion from nothing
    assert used(asm("PUSH", (words - 1) * 32, "MLOAD")) == 3 + 3 + cost


def test_expansion_charges_only_the_difference() -> None:
    one = asm("PUSH1 1 PUSH0 MSTORE")
    two = asm("PUSH1 2 PUSH1 32 MSTORE")
    assert used(one) == 3 + 2 + 3 + 3
    assert used(one + two) - used(one) == 3 + 3 + 3 + 3
    assert used(one + one) - used(one) == 3 + 2 + 3


@pytest.mark.parametrize(("code", "size"), [
    (asm("PUSH1 1 PUSH1 31 MSTORE8 MSIZE"), 32),
    (asm("PUSH1 1 PUSH1 32 MSTORE8 MSIZE"), 64),
    (asm("PUSH1 1 MLOAD POP MSIZE"), 64),        # bytes 1..32 span two words
    (asm("PUSH1 0 PUSH2 0x0400 MSTORE MSIZE"), 1056),
    (asm("MSIZE"), 0),
])
def test_msize_is_rounded_up_to_words(code: bytes, size: int) -> None:
    assert run(code).stack[-1] == size


def test_mstore_is_big_endian_and_mstore8_stores_the_low_byte() -> None:
    f = run(asm("PUSH2 0x1234 PUSH0 MSTORE PUSH2 0xABCD PUSH1 32 MSTORE8 PUSH1 1 MLOAD"))
    assert bytes(f.memory[:33]) == bytes(30) + b"\x12\x34" + b"\xcd"
    assert f.stack == [int.from_bytes(bytes(29) + b"\x12\x34\xcd", "big")]


def test_exact_gas_for_an_expansion_succeeds_and_one_less_fails() -> None:
    code = asm("PUSH2 0x03e0 MLOAD")  # the 32nd word: 3 + 3 + C_mem(32) = 104
    assert run(code, gas=104).error is None
    f = run(code, gas=103)
    assert isinstance(f.error, OutOfGas)
    assert len(f.memory) == 0


@pytest.mark.parametrize("code", [
    asm("PUSH", 2**32, "MLOAD"),
    asm("PUSH", 2**64, "MLOAD"),
    asm("PUSH", M, "MLOAD"),
    asm("PUSH1 1", "PUSH", 2**255, "MSTORE"),
    asm("PUSH1 1", "PUSH", 2**64, "MSTORE8"),
    asm("PUSH1 1", "PUSH", 2**64, "RETURN"),
    asm("PUSH", 2**64, "PUSH0 REVERT"),
    asm("PUSH", 2**64, "PUSH0 KECCAK256"),
    asm("PUSH", 2**64, "PUSH0 PUSH0 CALLDATACOPY"),
    asm("PUSH", 2**40, "PUSH0 PUSH0 CODECOPY"),
])
def test_huge_offsets_and_sizes_are_out_of_gas_without_allocating(code: bytes) -> None:
    f = run(code, gas=10**12)
    assert isinstance(f.error, OutOfGas)
    assert f.gas == 0
    assert len(f.memory) == 0


def test_zero_length_return_at_a_huge_offset_expands_nothing() -> None:
    f = run(asm("PUSH0", "PUSH", M, "RETURN"))
    assert f.error is None
    assert f.output == b""
    assert len(f.memory) == 0


def test_keccak256_of_nothing_at_a_huge_offset() -> None:
    f = run(asm("PUSH0", "PUSH", M, "KECCAK256"))
    assert f.stack == [KECCAK_EMPTY]
    assert 1_000_000 - f.gas == 2 + 3 + 30


def test_keccak256_gas_is_30_plus_6_per_word_plus_expansion() -> None:
    # 33 bytes at 0: 2 words hashed, memory grows to 2 words
    assert used(asm("PUSH1 33 PUSH0 KECCAK256")) == 3 + 2 + 30 + 2 * 6 + 6


def test_keccak256_hashes_memory() -> None:
    f = run(asm("PUSH0 PUSH1 32 PUSH0 KECCAK256"))  # keccak256 of 32 zero bytes
    assert f.stack == [0, 0x290DECD9548B62A8D60345A988386FC84BA6BC95484008F6362F93160EF3E563]
