"""JUMP (0x56), JUMPI (0x57), JUMPDEST (0x5b) and PC (0x58): a destination must be a JUMPDEST
byte that is an instruction, not PUSH data; JUMPI only checks the destination when it jumps.
Gas: JUMP 8, JUMPI 10, JUMPDEST 1, PC 2."""
import pytest

from tests.vm.asm import asm, run
from pydevnet.vm.analysis import jumpdests
from pydevnet.vm.errors import InvalidJump


def test_jump_to_a_jumpdest() -> None:
    f = run(asm("@dest JUMP INVALID dest: JUMPDEST PUSH1 7"))
    assert f.error is None
    assert f.stack == [7]
    assert 1_000_000 - f.gas == 3 + 8 + 1 + 3


def test_jump_to_a_byte_that_is_not_a_jumpdest() -> None:
    f = run(asm("PUSH1 3 JUMP PUSH0"))  # offset 3 is PUSH0
    assert isinstance(f.error, InvalidJump)
    assert f.gas == 0


def test_jumpdest_inside_push_data_is_not_a_destination() -> None:
    code = asm("PUSH1 4 JUMP PUSH1 0x5b STOP")  # offset 4 is the 0x5b immediate
    assert code[4] == 0x5B
    assert isinstance(run(code).error, InvalidJump)


def test_jumpdest_inside_push32_data_and_right_after_it() -> None:
    code = asm("PUSH32", int.from_bytes(b"\x5b" * 32, "big"), "JUMPDEST")
    assert jumpdests(code) == frozenset({33})


def test_truncated_push_at_the_end_hides_nothing_after_it() -> None:
    assert jumpdests(bytes.fromhex("5b" "61" "5b")) == frozenset({0})


@pytest.mark.parametrize("dest", [100, 2**64, 2**256 - 1])
def test_jump_outside_the_code(dest: int) -> None:
    assert isinstance(run(asm(dest, "JUMP JUMPDEST")).error, InvalidJump)


def test_jumpi_taken() -> None:
    f = run(asm("PUSH1 1 @dest JUMPI INVALID dest: JUMPDEST"))
    assert f.error is None
    assert 1_000_000 - f.gas == 3 + 3 + 10 + 1


def test_jumpi_not_taken_ignores_an_invalid_destination() -> None:
    f = run(asm("PUSH0 PUSH1 0xff JUMPI PUSH1 9"))
    assert f.error is None
    assert f.stack == [9]
    assert 1_000_000 - f.gas == 2 + 3 + 10 + 3


def test_jumpi_taken_to_an_invalid_destination() -> None:
    assert isinstance(run(asm("PUSH1 1 PUSH1 0xff JUMPI")).error, InvalidJump)


def test_jumpi_condition_is_any_nonzero_word() -> None:
    f = run(asm("PUSH", 2**255, "@dest JUMPI INVALID dest: JUMPDEST"))
    assert f.error is None


def test_pc_is_the_offset_of_the_pc_instruction() -> None:
    f = run(asm("PUSH2 0x1234 PC JUMPDEST PC"))
    assert f.stack == [0x1234, 3, 5]


def test_a_counting_loop() -> None:
    # counter = 5; do { counter -= 1 } while counter != 0; each loop body runs 5 times
    code = asm("PUSH1 5 loop: JUMPDEST PUSH1 1 SWAP1 SUB DUP1 @loop JUMPI")
    f = run(code)
    assert f.stack == [0]
    assert 1_000_000 - f.gas == 3 + 5 * (1 + 3 + 3 + 3 + 3 + 3 + 10)
