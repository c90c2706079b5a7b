"""EIP-1153 transient storage, TLOAD (0x5c) and TSTORE (0x5d): 100 gas each with no cold/warm
distinction, keyed by the executing contract (so DELEGATECALL shares the caller's), undone when
a call frame reverts, cleared at the end of every transaction, and TSTORE forbidden in a static
context."""
from tests.vm.asm import (CONTRACT, SENDER, address, asm, call_op, message_call, new_state,
                          ret_top, return_word, run, transact)
from pydevnet.vm.errors import WriteProtection

B = address(0xB)


def test_tstore_then_tload_in_one_frame() -> None:
    f = run(asm("PUSH1 5 PUSH1 1 TSTORE PUSH1 1 TLOAD"))
    assert f.error is None
    assert f.stack == [5]
    assert 1_000_000 - f.gas == 3 + 3 + 100 + 3 + 100


def test_tload_of_an_unset_key_is_zero_and_always_costs_100() -> None:
    f = run(asm("PUSH1 1 TLOAD PUSH1 1 TLOAD"))
    assert f.stack == [0, 0]
    assert 1_000_000 - f.gas == 2 * (3 + 100)


def test_tstore_does_not_touch_persistent_storage() -> None:
    f = run(asm("PUSH1 5 PUSH1 1 TSTORE PUSH1 1 SLOAD"))
    assert f.stack == [0]
    assert f.state.get_transient(CONTRACT, 1) == 5
    assert f.state.get_storage(CONTRACT, 1) == 0


def test_tstore_zero_deletes_the_entry() -> None:
    f = run(asm("PUSH1 5 PUSH1 1 TSTORE PUSH0 PUSH1 1 TSTORE"))
    assert f.error is None
    assert f.state.transient == {}


def test_transient_storage_is_per_contract() -> None:
    state = new_state({B: {"code": asm("PUSH1 1 TLOAD") + ret_top()}})
    caller = asm("PUSH1 5 PUSH1 1 TSTORE") + call_op("CALL", B, ret=(0, 32)) + return_word()
    f = run(caller, state=state)
    assert f.output == bytes(32)
    assert state.get_transient(CONTRACT, 1) == 5


def test_delegatecall_uses_the_callers_transient_storage() -> None:
    state = new_state({B: {"code": asm("PUSH1 1 TLOAD PUSH1 6 PUSH1 1 TSTORE") + ret_top()}})
    caller = asm("PUSH1 5 PUSH1 1 TSTORE") + call_op("DELEGATECALL", B, ret=(0, 32)) \
        + return_word()
    f = run(caller, state=state)
    assert int.from_bytes(f.output, "big") == 5
    assert state.get_transient(CONTRACT, 1) == 6
    assert state.get_transient(B, 1) == 0


def test_a_reverting_call_undoes_its_tstore() -> None:
    state = new_state({B: {"code": asm("PUSH1 9 PUSH1 1 TSTORE PUSH0 PUSH0 REVERT")}})
    state.set_transient(B, 1, 3)
    result = message_call(state, B)
    assert not result.ok
    assert state.get_transient(B, 1) == 3


def test_an_exceptional_halt_undoes_its_tstore() -> None:
    state = new_state({B: {"code": asm("PUSH1 9 PUSH1 1 TSTORE INVALID")}})
    assert not message_call(state, B).ok
    assert state.get_transient(B, 1) == 0


def test_a_failed_subcall_keeps_the_callers_own_tstore() -> None:
    state = new_state({B: {"code": asm("PUSH1 9 PUSH1 1 TSTORE PUSH0 PUSH0 REVERT")}})
    caller = asm("PUSH1 5 PUSH1 1 TSTORE") + call_op("CALL", B) + asm("PUSH1 1 TLOAD")
    f = run(caller, state=state)
    assert f.stack == [0, 5]  # CALL pushed 0 (failure), then our own value
    assert state.get_transient(B, 1) == 0


def test_transient_storage_lives_for_the_whole_transaction_only() -> None:
    # slot 0 := TLOAD(1) + 1, then TSTORE(1, 7): a second call in the same transaction sees 7
    counter = asm("PUSH1 1 TLOAD PUSH1 1 ADD PUSH0 SSTORE PUSH1 7 PUSH1 1 TSTORE")
    twice = call_op("CALL", B) + asm("POP") + call_op("CALL", B)
    state = new_state({B: {"code": counter}, CONTRACT: {"code": twice},
                       SENDER: {"balance": 10**18}})
    assert transact(state, to=CONTRACT).success
    assert state.get_storage(B, 0) == 8
    assert transact(state, to=B, nonce=1).success
    assert state.get_storage(B, 0) == 1
    assert state.transient == {}


def test_tstore_in_a_static_context_is_write_protected() -> None:
    f = run(asm("PUSH1 5 PUSH1 1 TSTORE"), static=True)
    assert isinstance(f.error, WriteProtection)
    assert f.gas == 0
    assert f.state.transient == {}


def test_tload_in_a_static_context_is_allowed() -> None:
    f = run(asm("PUSH1 1 TLOAD"), static=True)
    assert f.error is None
    assert f.stack == [0]


def test_staticcall_to_a_tstore_fails_the_call() -> None:
    state = new_state({B: {"code": asm("PUSH1 5 PUSH1 1 TSTORE")}})
    f = run(call_op("STATICCALL", B, gas=50_000), state=state)
    assert f.error is None
    assert f.stack == [0]
    assert state.get_transient(B, 1) == 0
