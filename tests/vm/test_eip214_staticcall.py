"""EIP-214 STATICCALL (0xfa): the callee and everything it calls run read-only; SSTORE, LOG0-4,
CREATE, CREATE2, CALL with value, SELFDESTRUCT and TSTORE (EIP-1153) halt exceptionally, which
fails the STATICCALL and consumes the gas it forwarded. Reads and value-less calls still work."""
import pytest

from tests.vm.asm import CONTRACT, address, as_int, asm, call_op, new_state, run
from pydevnet.vm.errors import WriteProtection

B = address(0xB)
C = address(0xC)

WRITES = {
    "SSTORE": asm("PUSH1 1 PUSH0 SSTORE"),
    "LOG0": asm("PUSH0 PUSH0 LOG0"),
    "LOG1": asm("PUSH0 PUSH0 PUSH0 LOG1"),
    "LOG2": asm("PUSH0 PUSH0 PUSH0 PUSH0 LOG2"),
    "LOG3": asm("PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 LOG3"),
    "LOG4": asm("PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 LOG4"),
    "CREATE": asm("PUSH0 PUSH0 PUSH0 CREATE"),
    "CREATE2": asm("PUSH0 PUSH0 PUSH0 PUSH0 CREATE2"),
    "CALL with value": call_op("CALL", C, value=1),
    "SELFDESTRUCT": asm("PUSH20", as_int(C), "SELFDESTRUCT"),
    "TSTORE": asm("PUSH1 1 PUSH0 TSTORE"),
}

READS = {
    "SLOAD": asm("PUSH0 SLOAD"),
    "TLOAD": asm("PUSH0 TLOAD"),
    "BALANCE": asm("ADDRESS BALANCE"),
    "CALL without value": call_op("CALL", C),
    "CALLCODE with value": call_op("CALLCODE", C, value=1),  # moves value to itself only
    "DELEGATECALL": call_op("DELEGATECALL", C),
    "STATICCALL": call_op("STATICCALL", C),
    "KECCAK256": asm("PUSH1 32 PUSH0 KECCAK256"),
}


@pytest.mark.parametrize("code", WRITES.values(), ids=WRITES.keys())
def test_state_changes_are_write_protected(code: bytes) -> None:
    state = new_state({CONTRACT: {"balance": 10}})
    f = run(code, state=state, static=True)
    assert isinstance(f.error, WriteProtection)
    assert f.gas == 0


@pytest.mark.parametrize("code", READS.values(), ids=READS.keys())
def test_reads_are_allowed(code: bytes) -> None:
    state = new_state({CONTRACT: {"balance": 10}})
    f = run(code, state=state, static=True)
    assert f.error is None


def test_staticcall_fails_when_the_callee_writes_and_consumes_its_gas() -> None:
    state = new_state({B: {"code": WRITES["SSTORE"]}})
    f = run(call_op("STATICCALL", B, gas=10_000), state=state)
    assert f.stack == [0]
    assert 1_000_000 - f.gas == 6 * 3 + 100 + 2500 + 10_000
    assert state.get_storage(B, 0) == 0


def test_static_mode_is_inherited_by_nested_calls() -> None:
    # B makes a plain CALL to C, which writes: C fails, B itself succeeds
    state = new_state({B: {"code": call_op("CALL", C) + asm("PUSH0 MSTORE", 32, 0, "RETURN")},
                       C: {"code": WRITES["SSTORE"]}})
    f = run(call_op("STATICCALL", B, ret=(0, 32)) + asm("PUSH0 MLOAD"), state=state)
    assert f.stack == [1, 0]
    assert state.get_storage(C, 0) == 0


def test_staticcall_returns_the_callee_output() -> None:
    state = new_state({B: {"code": asm("PUSH1 42 PUSH0 MSTORE", 32, 0, "RETURN")}})
    f = run(call_op("STATICCALL", B, ret=(0, 32)) + asm("PUSH0 MLOAD"), state=state)
    assert f.stack == [1, 42]


def test_sstore_of_the_same_value_is_still_write_protected() -> None:
    f = run(asm("PUSH0 PUSH0 SSTORE"), static=True)
    assert isinstance(f.error, WriteProtection)
