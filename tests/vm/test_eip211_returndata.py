"""EIP-211 RETURNDATASIZE (0x3d) and RETURNDATACOPY (0x3e): the output of the last call or
create of this frame (a REVERT's data included, nothing after an exceptional halt or a
successful create); copying past its end is an exceptional halt, even for zero bytes. Also how a
call writes its output into the caller's memory area."""
import pytest

from tests.vm.asm import address, asm, call_op, initcode, new_state, run
from pydevnet.vm.errors import ReturnDataOutOfBounds

B = address(0xB)
V = int.from_bytes(bytes(range(1, 33)), "big")
RETURN_32 = asm("PUSH32", V, "PUSH0 MSTORE", 32, 0, "RETURN")
REVERT_2 = asm("PUSH2 0xBEEF PUSH0 MSTORE", 2, 30, "REVERT")


def after_call(callee: bytes, then: bytes, op: str = "CALL", **state_extra):
    state = new_state({B: {"code": callee}, **state_extra})
    return run(call_op(op, B) + asm("POP") + then, state=state)


def test_returndatasize_is_zero_before_any_call() -> None:
    f = run(asm("RETURNDATASIZE"))
    assert f.stack == [0]
    assert 1_000_000 - f.gas == 2


def test_size_and_data_after_a_successful_call() -> None:
    f = after_call(RETURN_32, asm("RETURNDATASIZE", 32, 0, 0, "RETURNDATACOPY"))
    assert f.stack == [32]
    assert bytes(f.memory) == RETURN_32[1:33]


def test_revert_data_is_return_data() -> None:
    f = after_call(REVERT_2, asm("RETURNDATASIZE", 2, 0, 0, "RETURNDATACOPY"))
    assert f.stack == [2]
    assert bytes(f.memory[:2]) == b"\xbe\xef"


def test_exceptional_halt_leaves_no_return_data() -> None:
    f = after_call(asm("PUSH1 1 PUSH0 MSTORE", 32, 0, "INVALID"), asm("RETURNDATASIZE"))
    assert f.stack == [0]


def test_call_to_an_account_without_code_leaves_no_return_data() -> None:
    code = call_op("CALL", B) + call_op("CALL", address(0x77)) + asm("RETURNDATASIZE")
    f = run(code, state=new_state({B: {"code": RETURN_32}}))
    assert f.stack == [1, 1, 0]


def test_precompile_output_is_return_data() -> None:
    code = asm("PUSH2 0xABCD PUSH0 MSTORE") + call_op("STATICCALL", (4).to_bytes(20, "big"),
                                                       args=(30, 2)) + asm("RETURNDATASIZE")
    f = run(code)
    assert f.stack == [1, 2]
    assert f.return_data == b"\xab\xcd"


def test_successful_create_clears_return_data() -> None:
    init = initcode(b"\x00")
    create = asm("PUSH32", int.from_bytes(init.ljust(32, b"\0"), "big"), "PUSH0 MSTORE",
                 len(init), 0, 0, "CREATE POP RETURNDATASIZE")
    f = after_call(RETURN_32, create)
    assert f.stack == [0]


def test_call_failing_for_lack_of_balance_clears_return_data() -> None:
    f = after_call(RETURN_32, call_op("CALL", B, value=1) + asm("RETURNDATASIZE"))
    assert f.stack == [0, 0]


def test_return_data_of_the_last_call_replaces_the_previous() -> None:
    code = call_op("CALL", B) + call_op("CALL", address(0xC)) + asm("RETURNDATASIZE")
    state = new_state({B: {"code": RETURN_32}, address(0xC): {"code": REVERT_2}})
    assert run(code, state=state).stack == [1, 0, 2]


@pytest.mark.parametrize(("offset", "size"), [(0, 33), (32, 1), (33, 0), (2**256 - 1, 2)])
def test_copy_past_the_end_is_an_exceptional_halt(offset: int, size: int) -> None:
    f = after_call(RETURN_32, asm(size, offset, 0, "RETURNDATACOPY"))
    assert isinstance(f.error, ReturnDataOutOfBounds)
    assert f.gas == 0


@pytest.mark.parametrize(("offset", "size"), [(32, 0), (0, 32), (31, 1)])
def test_copy_up_to_the_end_is_fine(offset: int, size: int) -> None:
    assert after_call(RETURN_32, asm(size, offset, 0, "RETURNDATACOPY")).error is None


def test_returndatacopy_gas() -> None:
    base = after_call(RETURN_32, b"")
    f = after_call(RETURN_32, asm(32, 0, 64, "RETURNDATACOPY"))
    # three pushes, 3 static, 3 per word, memory grows from nothing to 3 words
    assert base.gas - f.gas == 3 * 3 + 3 + 3 + 9


def test_output_area_smaller_than_the_output_takes_a_prefix() -> None:
    state = new_state({B: {"code": RETURN_32}})
    f = run(call_op("CALL", B, ret=(0, 4)), state=state)
    assert bytes(f.memory) == bytes(range(1, 5)) + bytes(28)
    assert len(f.return_data) == 32


def test_output_area_larger_than_the_output_keeps_the_rest() -> None:
    state = new_state({B: {"code": REVERT_2}})
    fill = asm("PUSH32", 2**256 - 1, "PUSH0 MSTORE")
    f = run(fill + call_op("CALL", B, ret=(0, 32)), state=state)
    assert bytes(f.memory) == b"\xbe\xef" + b"\xff" * 30


def test_return_data_is_per_frame() -> None:
    # B calls C (which returns 32 bytes) and reports its own RETURNDATASIZE; ours is B's output
    c = address(0xC)
    b_code = call_op("CALL", c) + asm("RETURNDATASIZE PUSH0 MSTORE", 1, 31, "RETURN")
    state = new_state({B: {"code": b_code}, c: {"code": RETURN_32}})
    f = run(call_op("CALL", B, ret=(0, 1)) + asm("RETURNDATASIZE"), state=state)
    assert bytes(f.memory[:1]) == b"\x20"
    assert f.stack == [1, 1]
