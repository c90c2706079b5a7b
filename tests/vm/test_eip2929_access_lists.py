"""EIP-2929 cold and warm access (2600/2100 cold, 100 warm) for SLOAD, BALANCE, EXTCODESIZE,
EXTCODEHASH, EXTCODECOPY and CALL; the warm start of a transaction (sender, recipient,
precompiles, EIP-3651 coinbase); EIP-2930 access lists pre-warming addresses and slots; and the
warm set journaled so that a reverted sub-call forgets what it warmed."""
import pytest

from pydevnet.state.statedb import StateDB
from tests.vm.asm import (COINBASE, CONTRACT, SENDER, address, as_int, asm, call_op,
                          message_call, new_state, run, transact)

X = address(0x99)
B = address(0xB)
PUSH = 3


def cost(code: bytes, **kw) -> int:
    f = run(code, **kw)
    assert f.error is None, f.error
    return 1_000_000 - f.gas


def test_sload_cold_then_warm() -> None:
    assert cost(asm("PUSH1 1 SLOAD")) == PUSH + 2100
    assert cost(asm("PUSH1 1 SLOAD PUSH1 1 SLOAD")) == 2 * PUSH + 2100 + 100


def test_sload_warmth_is_per_slot() -> None:
    assert cost(asm("PUSH1 1 SLOAD PUSH1 2 SLOAD")) == 2 * PUSH + 2 * 2100


@pytest.mark.parametrize("op", ["BALANCE", "EXTCODESIZE", "EXTCODEHASH"])
def test_account_read_cold_then_warm(op: str) -> None:
    code = asm("PUSH20", as_int(X), op, "PUSH20", as_int(X), op)
    assert cost(code) == 2 * PUSH + 2600 + 100


def test_extcodecopy_cold_then_warm() -> None:
    state = new_state({X: {"code": b"\x01" * 40}})
    copy = asm(40, 0, 0, "PUSH20", as_int(X), "EXTCODECOPY")
    # 4 pushes, access, 3 per word (2 words), memory expansion to 2 words (6) only once
    assert cost(copy, state=state) == 4 * PUSH + 2600 + 6 + 6
    assert cost(copy + copy, state=new_state({X: {"code": b"\x01" * 40}})) \
        == 8 * PUSH + 2600 + 100 + 2 * 6 + 6


def test_balance_of_self_and_caller_is_warm() -> None:
    assert cost(asm("ADDRESS BALANCE")) == 2 + 100
    assert cost(asm("CALLER BALANCE")) == 2 + 100


@pytest.mark.parametrize("index", range(1, 11))
def test_precompiles_start_warm(index: int) -> None:
    assert cost(asm(index, "BALANCE")) == PUSH + 100


def test_0x0b_is_not_a_cancun_precompile_and_starts_cold() -> None:
    assert cost(asm(0x0B, "BALANCE")) == PUSH + 2600


def test_call_cold_then_warm() -> None:
    call = call_op("CALL", X, gas=0)  # 7 pushes; X has no code, so no gas comes back
    assert cost(call) == 7 * PUSH + 2600
    assert cost(call + asm("POP") + call) == 14 * PUSH + 2600 + 2 + 100


def test_account_warmed_by_one_opcode_is_warm_for_another() -> None:
    code = asm("PUSH20", as_int(X), "EXTCODESIZE") + call_op("STATICCALL", X, gas=0)
    assert cost(code) == PUSH + 2600 + 6 * PUSH + 100


def test_warm_slot_does_not_warm_the_account_and_vice_versa() -> None:
    f = run(asm("PUSH1 1 SLOAD"))
    assert (CONTRACT, 1) in f.state.warm_slots
    assert (X, 1) not in f.state.warm_slots
    assert X not in f.state.warm_addresses


def _gas_of(code: bytes) -> bytes:
    """Code measuring the gas `code` costs (plus 2 for the closing GAS), left on the stack."""
    return asm("GAS") + code + asm("GAS SWAP1 SUB")


def test_reverted_subcall_unwarms_what_it_warmed() -> None:
    touch_then_revert = asm("PUSH20", as_int(X), "BALANCE PUSH1 7 SLOAD PUSH0 PUSH0 REVERT")
    state = new_state({B: {"code": touch_then_revert}})
    code = call_op("CALL", B) + _gas_of(asm("PUSH20", as_int(X), "BALANCE POP"))
    f = run(code, state=state)
    assert f.stack == [0, PUSH + 2600 + 2 + 2]
    assert (B, 7) not in state.warm_slots


def test_successful_subcall_keeps_what_it_warmed() -> None:
    state = new_state({B: {"code": asm("PUSH20", as_int(X), "BALANCE STOP")}})
    code = call_op("CALL", B) + _gas_of(asm("PUSH20", as_int(X), "BALANCE POP"))
    f = run(code, state=state)
    assert f.stack == [1, PUSH + 100 + 2 + 2]


def test_the_callee_address_stays_warm_after_its_call_fails() -> None:
    state = new_state({B: {"code": asm("INVALID")}})
    code = call_op("CALL", B, gas=100) + _gas_of(asm("PUSH20", as_int(B), "BALANCE POP"))
    f = run(code, state=state)
    assert f.stack == [0, PUSH + 100 + 2 + 2]


def _funded(accounts: dict) -> StateDB:
    return new_state({SENDER: {"balance": 10**18}, **accounts})


def test_transaction_starts_with_sender_recipient_and_coinbase_warm_eip3651() -> None:
    code = asm("ORIGIN BALANCE POP ADDRESS BALANCE POP COINBASE BALANCE POP")
    state = _funded({CONTRACT: {"code": code}})
    result = transact(state, to=CONTRACT)
    assert result.gas_used == 21000 + 3 * (2 + 100 + 2)


def test_access_list_prewarms_slots_eip2930() -> None:
    state = _funded({CONTRACT: {"code": asm("PUSH1 1 SLOAD")}})
    assert transact(state, to=CONTRACT).gas_used == 21000 + PUSH + 2100
    with_list = transact(state, to=CONTRACT, nonce=1, access_list=[(CONTRACT, (1,))])
    assert with_list.gas_used == 21000 + 2400 + 1900 + PUSH + 100


def test_access_list_prewarms_addresses_eip2930() -> None:
    state = _funded({CONTRACT: {"code": asm("PUSH20", as_int(X), "BALANCE")}})
    assert transact(state, to=CONTRACT).gas_used == 21000 + PUSH + 2600
    with_list = transact(state, to=CONTRACT, nonce=1, access_list=[(X, ())])
    assert with_list.gas_used == 21000 + 2400 + PUSH + 100


def test_warm_sets_do_not_survive_the_transaction() -> None:
    state = _funded({CONTRACT: {"code": asm("PUSH20", as_int(X), "BALANCE")}})
    first = transact(state, to=CONTRACT)
    second = transact(state, to=CONTRACT, nonce=1)
    assert first.gas_used == second.gas_used == 21000 + PUSH + 2600
    assert state.warm_addresses == set()


def test_message_call_reverts_its_own_warming() -> None:
    state = new_state({B: {"code": asm("PUSH20", as_int(X), "BALANCE INVALID")}})
    assert not message_call(state, B).ok
    assert X not in state.warm_addresses
    assert COINBASE in state.warm_addresses  # warmed before the call by the helper
