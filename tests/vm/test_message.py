"""Message processing (vm/message.py): a call touches its target (EIP-158/161: an empty account
it leaves behind is removed at the end of the transaction), moves the value, runs code or a
precompile, and on failure reverts everything it did - except the touch of the RIPEMD-160
precompile 0x03, which mainnet history made survive a failed call."""
from tests.vm.asm import (CALLER, CONTRACT, address, asm, call_op, execute, message_call,
                          new_state, run)
from pydevnet.vm.errors import OutOfGas, Revert

B = address(0xB)
X = address(0x99)
RIPEMD = (3).to_bytes(20, "big")


def test_call_to_a_missing_account_touches_it_and_it_is_removed() -> None:
    state = new_state()
    result = message_call(state, X)
    assert result == (True, 0, b"", None)
    assert X in state.touched
    state.finalize_tx()
    assert not state.exists(X)


def test_value_call_moves_the_value() -> None:
    state = new_state({CALLER: {"balance": 10}})
    assert message_call(state, X, value=4).ok
    state.finalize_tx()
    assert (state.get_balance(CALLER), state.get_balance(X)) == (6, 4)


STORE_LOG_RETURN = asm("PUSH1 1 PUSH0 SSTORE PUSH1 7 PUSH0 PUSH0 LOG1 PUSH2 0xBEEF PUSH0 MSTORE",
                       2, 30)
STORE_LOG_RETURN_GAS = 3 + 2 + 2100 + 20000 + 3 + 2 + 2 + 375 + 375 + 3 + 2 + 3 + 3 + 3 + 3


def test_success_keeps_storage_logs_output_and_value() -> None:
    result = execute(STORE_LOG_RETURN + asm("RETURN"), accounts={CALLER: {"balance": 10}},
                     value=4)
    assert (result.ok, result.output, result.error) == (True, b"\xbe\xef", None)
    assert result.gas_used == STORE_LOG_RETURN_GAS
    assert result.storage == {0: 1}
    assert result.logs == [(CONTRACT, [7], b"")]
    assert result.state.get_balance(CONTRACT) == 4


def test_revert_keeps_gas_and_output_but_undoes_everything_else() -> None:
    result = execute(STORE_LOG_RETURN + asm("REVERT"), accounts={CALLER: {"balance": 10}},
                     value=4)
    assert (result.ok, result.output) == (False, b"\xbe\xef")
    assert isinstance(result.error, Revert)
    assert result.gas_used == STORE_LOG_RETURN_GAS
    assert (result.storage, result.logs) == ({}, [])
    assert (result.state.get_balance(CALLER), result.state.get_balance(CONTRACT)) == (10, 0)


def test_exceptional_halt_burns_all_gas() -> None:
    state = new_state({B: {"code": asm("PUSH1 1 PUSH0 SSTORE INVALID")}})
    result = message_call(state, B, gas=100_000)
    assert (result.ok, result.gas_used, result.output) == (False, 100_000, b"")
    assert state.get_storage(B, 0) == 0


def test_precompile_out_of_gas_burns_all_gas() -> None:
    state = new_state()
    result = message_call(state, (2).to_bytes(20, "big"), data=b"abc", gas=71)  # sha256 needs 72
    assert (result.ok, result.gas_used) == (False, 71)
    assert isinstance(result.error, OutOfGas)


def test_precompile_returns_unused_gas() -> None:
    result = message_call(new_state(), (4).to_bytes(20, "big"), data=b"abc", gas=1000)
    assert (result.ok, result.gas_used, result.output) == (True, 18, b"abc")


def test_touch_of_a_failed_call_is_reverted() -> None:
    state = new_state({X: {}, B: {"code": call_op("CALL", X, gas=0) + asm("INVALID")}})
    assert not message_call(state, B).ok
    assert X not in state.touched
    state.finalize_tx()
    assert state.exists(X)  # an existing empty account stays until something touches it


def test_ripemd160_touch_survives_an_out_of_gas_call() -> None:
    state = new_state({RIPEMD: {}})  # the empty 0x03 account of mainnet block 2675119
    f = run(call_op("CALL", RIPEMD, gas=10), state=state)  # RIPEMD-160 needs 600
    assert f.stack == [0]
    assert RIPEMD in state.touched
    state.finalize_tx()
    assert not state.exists(RIPEMD)


def test_other_precompile_touch_is_reverted_with_its_call() -> None:
    sha256 = (2).to_bytes(20, "big")
    state = new_state({sha256: {}})
    f = run(call_op("CALL", sha256, gas=10), state=state)
    assert f.stack == [0]
    state.finalize_tx()
    assert state.exists(sha256)
