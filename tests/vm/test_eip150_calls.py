"""The CALL family under EIP-150: a call forwards at most all but one 64th of the gas left after
its own costs; a value transfer costs 9000 more, adds a 2300 stipend for the callee and, to an
account that is not alive (EIP-161), 25000 for the new account. Call depth is capped at 1024:
the frame at depth 1024 runs, its call fails without executing anything, and 1024 nested levels
fit when the VM runs on node.workers' big-stack thread. Also the context each variant gives
the callee (caller, address, value)."""
from pydevnet.node.workers import run_in_vm_thread
from tests.vm.asm import (CALLER, CONTRACT, as_int, address, asm, call_op, message_call,
                          new_state, ret_top, return_word, run, word)
from pydevnet.vm.gas import all_but_one_64th

B = address(0xB)
X = address(0x99)  # never deployed
PUSHES = 7 * 3  # a CALL's seven operands, each a PUSHn
REPORT_GAS = asm("GAS") + ret_top()  # the callee returns the gas it saw minus GAS's 2
REPORT_GAS_COST = 2 + 2 + 3 + 3 + 3 + 2  # GAS, PUSH0, MSTORE (+1 word), PUSH1, PUSH0


def returned(f) -> int:
    assert f.error is None, f.error
    return int.from_bytes(f.output, "big")


def test_all_but_one_64th() -> None:
    assert all_but_one_64th(6400) == 6300
    assert all_but_one_64th(63) == 63
    assert all_but_one_64th(64) == 63


def test_huge_request_is_capped_at_63_64ths() -> None:
    state = new_state({B: {"code": REPORT_GAS}})
    f = run(call_op("CALL", B, gas=2**256 - 1, ret=(0, 32)) + return_word(), state=state,
            gas=100_000)
    available = 100_000 - PUSHES - 100 - 2500 - 3  # warm cost, cold extra, output memory
    assert returned(f) == all_but_one_64th(available) - 2


def test_smaller_request_is_forwarded_exactly() -> None:
    state = new_state({B: {"code": REPORT_GAS}})
    f = run(call_op("CALL", B, gas=5000, ret=(0, 32)) + return_word(), state=state)
    assert returned(f) == 5000 - 2


def test_value_transfer_adds_the_2300_stipend_to_the_callee() -> None:
    state = new_state({B: {"code": REPORT_GAS}, CONTRACT: {"balance": 10}})
    f = run(call_op("CALL", B, value=1, gas=0, ret=(0, 32)) + return_word(), state=state)
    assert returned(f) == 2300 - 2
    # the stipend is not charged to the caller: 9000 for the value, the unused stipend comes back
    assert 1_000_000 - f.gas == PUSHES + 100 + 3 + 2500 + 9000 - 2300 + REPORT_GAS_COST + 6
    assert state.get_balance(B) == 1


def test_value_transfer_to_a_missing_account_costs_25000_more() -> None:
    state = new_state({CONTRACT: {"balance": 10}})
    f = run(call_op("CALL", X, value=1, gas=0), state=state)
    assert f.stack == [1]
    assert 1_000_000 - f.gas == PUSHES + 100 + 2500 + 9000 + 25000 - 2300
    assert state.get_balance(X) == 1


def test_value_transfer_to_an_existing_empty_account_costs_25000_more() -> None:
    state = new_state({CONTRACT: {"balance": 10}, X: {}})
    assert state.exists(X)
    f = run(call_op("CALL", X, value=1, gas=0), state=state)
    assert 1_000_000 - f.gas == PUSHES + 100 + 2500 + 9000 + 25000 - 2300


def test_call_without_value_to_a_missing_account_costs_only_access() -> None:
    f = run(call_op("CALL", X, gas=0))
    assert f.stack == [1]
    assert 1_000_000 - f.gas == PUSHES + 100 + 2500


def test_insufficient_balance_fails_the_call_and_returns_gas_and_stipend() -> None:
    state = new_state({B: {"code": REPORT_GAS}, CONTRACT: {"balance": 10}})
    f = run(call_op("CALL", B, value=11, gas=1000), state=state)
    assert f.stack == [0]
    assert 1_000_000 - f.gas == PUSHES + 100 + 2500 + 9000 - 2300
    assert state.get_balance(B) == 0


def test_failing_callee_consumes_only_the_forwarded_gas() -> None:
    state = new_state({B: {"code": asm("INVALID")}})
    f = run(call_op("CALL", B, gas=1000), state=state)
    assert f.stack == [0]
    assert 1_000_000 - f.gas == PUSHES + 100 + 2500 + 1000


def test_call_from_depth_1024_fails_without_running_the_callee() -> None:
    state = new_state({B: {"code": asm("PUSH1 1 PUSH0 SSTORE")}})
    f = run(call_op("CALL", B, gas=50_000), state=state, depth=1024)
    assert f.stack == [0]
    assert 1_000_000 - f.gas == PUSHES + 100 + 2500  # the forwarded gas comes back
    assert state.get_storage(B, 0) == 0


def test_call_from_depth_1023_still_runs_the_callee() -> None:
    state = new_state({B: {"code": asm("PUSH1 1 PUSH0 SSTORE")}})
    f = run(call_op("CALL", B, gas=50_000), state=state, depth=1023)
    assert f.stack == [1]
    assert state.get_storage(B, 0) == 1


# slot 0 := depth (calldata word); call self with depth + 1; slot 0x1000 + depth := success + 1
RECURSE = asm("PUSH0 CALLDATALOAD DUP1 PUSH0 SSTORE PUSH1 1 ADD PUSH0 MSTORE",
              0, 0, 32, 0, 0, "ADDRESS GAS CALL",
              "PUSH1 1 ADD PUSH0 CALLDATALOAD PUSH2 0x1000 ADD SSTORE")


def test_1024_nested_calls_run_and_the_1025th_fails_gracefully() -> None:
    state = new_state({B: {"code": RECURSE}})
    result = run_in_vm_thread(lambda: message_call(state, B, data=word(0), gas=10**13))
    assert result.ok
    assert state.get_storage(B, 0) == 1024          # the deepest frame ran at depth 1024
    assert state.get_storage(B, 0x1000 + 1024) == 1  # ... and its call failed
    assert state.get_storage(B, 0x1000 + 1023) == 2
    assert state.get_storage(B, 0x1000) == 2


# The callee reports CALLER, ADDRESS and CALLVALUE as three words.
CONTEXT = asm("CALLER PUSH0 MSTORE ADDRESS PUSH1 32 MSTORE CALLVALUE PUSH1 64 MSTORE",
              96, 0, "RETURN")


def context_seen(op: str, value: int = 0) -> tuple[int, int, int]:
    state = new_state({B: {"code": CONTEXT}, CONTRACT: {"balance": 100}})
    f = run(call_op(op, B, value=value, ret=(0, 96)) + asm(96, 0, "RETURN"), state=state,
            value=7)
    assert f.error is None
    out = f.output
    return tuple(int.from_bytes(out[i:i + 32], "big") for i in (0, 32, 64))


def test_call_context() -> None:
    assert context_seen("CALL", 5) == (as_int(CONTRACT), as_int(B), 5)


def test_callcode_runs_the_code_in_the_callers_account() -> None:
    assert context_seen("CALLCODE", 5) == (as_int(CONTRACT), as_int(CONTRACT), 5)


def test_delegatecall_keeps_caller_and_value_eip7() -> None:
    assert context_seen("DELEGATECALL") == (as_int(CALLER), as_int(CONTRACT), 7)


def test_staticcall_has_no_value_eip214() -> None:
    assert context_seen("STATICCALL") == (as_int(CONTRACT), as_int(B), 0)


def test_callcode_writes_the_callers_storage() -> None:
    state = new_state({B: {"code": asm("PUSH1 9 PUSH0 SSTORE")}})
    f = run(call_op("CALLCODE", B), state=state)
    assert f.stack == [1]
    assert state.get_storage(CONTRACT, 0) == 9
    assert state.get_storage(B, 0) == 0
