"""SELFDESTRUCT (0xff) under EIP-6780: it always moves the balance to the beneficiary, but the
account is deleted only when it was created in the same transaction; with the beneficiary equal
to the contract, the ether is burned in that case and untouched otherwise. Gas: 5000, 2600 for a
cold beneficiary (EIP-2929), 25000 when value goes to an account that is not alive; no refund
(EIP-3529); forbidden in a static context (EIP-214)."""
from pydevnet.state.statedb import StateDB
from tests.vm.asm import (CALLER, CONTRACT, SENDER, address, as_int, asm, initcode, new_state,
                          run, transact)
from pydevnet.vm.errors import WriteProtection
from pydevnet.vm.opcodes.system import create_address

X = address(0x99)
DESTRUCT_TO_X = asm("PUSH20", as_int(X), "SELFDESTRUCT")
DESTRUCT_TO_SELF = asm("ADDRESS SELFDESTRUCT")


def funded(accounts: dict) -> StateDB:
    return new_state({SENDER: {"balance": 10**18}, **accounts})


def test_gas_cold_beneficiary_that_is_not_alive() -> None:
    state = new_state({CONTRACT: {"balance": 10}})
    f = run(DESTRUCT_TO_X, state=state)
    assert f.error is None
    assert 1_000_000 - f.gas == 3 + 5000 + 2600 + 25000


def test_gas_without_balance_has_no_new_account_charge() -> None:
    f = run(DESTRUCT_TO_X)
    assert 1_000_000 - f.gas == 3 + 5000 + 2600
    assert not f.state.exists(X)


def test_gas_warm_beneficiary_that_is_alive() -> None:
    state = new_state({CONTRACT: {"balance": 10}, CALLER: {"balance": 1}})
    f = run(asm("CALLER SELFDESTRUCT"), state=state)
    assert 1_000_000 - f.gas == 2 + 5000
    assert state.get_balance(CALLER) == 11


def test_no_refund_eip3529() -> None:
    f = run(DESTRUCT_TO_X)
    assert f.state.refund == 0


def test_write_protected_in_a_static_context() -> None:
    f = run(DESTRUCT_TO_X, static=True)
    assert isinstance(f.error, WriteProtection)


def test_existing_contract_keeps_code_storage_and_nonce() -> None:
    state = funded({CONTRACT: {"code": DESTRUCT_TO_X, "balance": 50, "storage": {1: 2}}})
    assert transact(state, to=CONTRACT).success
    assert state.get_code(CONTRACT) == DESTRUCT_TO_X
    assert state.get_storage(CONTRACT, 1) == 2
    assert state.get_nonce(CONTRACT) == 1
    assert state.get_balance(CONTRACT) == 0
    assert state.get_balance(X) == 50


def test_existing_contract_with_itself_as_beneficiary_keeps_its_balance() -> None:
    state = funded({CONTRACT: {"code": DESTRUCT_TO_SELF, "balance": 50}})
    assert transact(state, to=CONTRACT).success
    assert state.get_balance(CONTRACT) == 50
    assert state.get_code(CONTRACT) == DESTRUCT_TO_SELF


def test_contract_created_in_the_same_transaction_is_deleted() -> None:
    state = funded({})
    result = transact(state, to=None, data=DESTRUCT_TO_X, value=1000)
    assert result.success
    created = create_address(SENDER, 0)
    assert not state.exists(created)
    assert state.get_balance(X) == 1000


def test_same_transaction_with_itself_as_beneficiary_burns_the_ether() -> None:
    state = funded({})
    before = state.get_balance(SENDER)
    result = transact(state, to=None, data=DESTRUCT_TO_SELF, value=1000)
    assert result.success
    assert not state.exists(create_address(SENDER, 0))
    assert state.get_balance(SENDER) == before - 1000 - result.gas_used * result.gas_price


# A factory that creates a child running DESTRUCT_TO_X, calls it, then returns the child's
# code size as seen after the self-destruct, still inside the same transaction.
FACTORY = (asm("CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY CALLDATASIZE PUSH0 PUSH0 CREATE")
           + asm(0, 0, 0, 0, 0, "DUP6 GAS CALL POP EXTCODESIZE PUSH0 SSTORE"))


def test_created_then_called_in_one_transaction_is_deleted_at_its_end() -> None:
    state = funded({CONTRACT: {"code": FACTORY, "balance": 0}})
    assert transact(state, to=CONTRACT, data=initcode(DESTRUCT_TO_X), gas_limit=200_000).success
    child = create_address(CONTRACT, 1)
    assert state.get_storage(CONTRACT, 0) == len(DESTRUCT_TO_X)  # code still there mid-tx
    assert not state.exists(child)


def test_contract_destructed_in_a_later_transaction_keeps_working() -> None:
    state = funded({X: {"code": DESTRUCT_TO_SELF, "balance": 3}})
    assert transact(state, to=X).success
    assert transact(state, to=X, nonce=1).success
    assert state.get_code(X) == DESTRUCT_TO_SELF
    assert state.get_balance(X) == 3
