"""EIP-7702 in execution (Prague): a set-code transaction's authorizations (applied after the
sender's nonce, each checked and skipped if invalid, refunding 12500 for an authority that
exists, never undone by a failed call), the delegation designator 0xef0100 || address that
CALL, CALLCODE, DELEGATECALL, STATICCALL and the transaction itself follow one step (paying for
the delegate's access, warm or cold), the code-reading opcodes that see the designator itself,
and EIP-3607 letting a delegated account send."""
import pytest

from pydevnet.node.tx import errors
from pydevnet.node.tx.authorization import sign_authorization
from pydevnet.node.tx.crypto import private_key_to_address
from pydevnet.state.hashing import EMPTY_CODE_HASH, keccak256
from pydevnet.vm.errors import InvalidOpcode
from pydevnet.vm.forks import PRAGUE
from pydevnet.vm.tracing import Tracer
from tests.vm.asm import (CHAIN_ID, CONTRACT, KEY, SENDER, address, as_int, asm, block_env,
                          call_op, new_state, ret_top, run, transact, tx_env)

AUTHORITY_KEY = b"\x33" * 32
AUTHORITY = private_key_to_address(AUTHORITY_KEY)
OTHER_KEY = b"\x44" * 32
OTHER = private_key_to_address(OTHER_KEY)
DELEGATE = address(0x7702)
FUNDS = 10**18
# The delegate's code stores ADDRESS at slot 1 and CALLER at slot 2, then returns CODESIZE.
DELEGATE_CODE = asm("ADDRESS PUSH1 1 SSTORE CALLER PUSH1 2 SSTORE CODESIZE") + ret_top()


def designator(to: bytes) -> bytes:
    return b"\xef\x01\x00" + to


def prague(**overrides):
    return block_env(spec=PRAGUE, **overrides)


def auth(nonce: int = 0, to: bytes = DELEGATE, chain_id: int = CHAIN_ID,
         key: bytes = AUTHORITY_KEY, **changes):
    return sign_authorization(chain_id, to, nonce, key)._replace(**changes)


def state(accounts: dict | None = None):
    return new_state({SENDER: {"balance": FUNDS}, DELEGATE: {"code": DELEGATE_CODE},
                      **(accounts or {})})


def set_code(st, *auths, to: bytes = CONTRACT, **fields):
    return transact(st, block=prague(), to=to, authorization_list=auths, **fields)


# -- authorizations -------------------------------------------------------------------------------

def test_an_authorization_sets_the_designator_and_raises_the_nonce() -> None:
    st = state()
    result = set_code(st, auth())
    assert result.success
    assert st.get_code(AUTHORITY) == designator(DELEGATE)
    assert st.get_nonce(AUTHORITY) == 1
    assert st.get_nonce(SENDER) == 1


def test_chain_id_zero_is_valid_on_any_chain() -> None:
    st = state()
    set_code(st, auth(chain_id=0))
    assert st.get_code(AUTHORITY) == designator(DELEGATE)


@pytest.mark.parametrize("bad", [
    dict(chain_id=CHAIN_ID + 1), dict(nonce=1), dict(nonce=2**64 - 1),
    dict(s=2**255), dict(y_parity=2), dict(r=0),
], ids=["other-chain", "nonce-ahead", "nonce-max", "high-s", "parity-2", "zero-r"])
def test_an_invalid_authorization_is_skipped_not_fatal(bad: dict) -> None:
    st = state()
    sig_fields = {k: v for k, v in bad.items() if k in ("s", "y_parity", "r")}
    result = set_code(st, auth(**{k: v for k, v in bad.items() if k not in sig_fields},
                               **sig_fields))
    assert result.success
    assert st.get_code(AUTHORITY) == b"" and st.get_nonce(AUTHORITY) == 0
    assert result.gas_used == 21000 + 25000  # paid for, valid or not


def test_an_authority_with_contract_code_is_skipped() -> None:
    st = state({AUTHORITY: {"code": b"\x00", "nonce": 0}})
    set_code(st, auth())
    assert st.get_code(AUTHORITY) == b"\x00" and st.get_nonce(AUTHORITY) == 0


def test_an_existing_delegation_is_replaced() -> None:
    st = state({AUTHORITY: {"code": designator(OTHER), "nonce": 4}})
    set_code(st, auth(nonce=4))
    assert st.get_code(AUTHORITY) == designator(DELEGATE) and st.get_nonce(AUTHORITY) == 5


def test_the_zero_address_clears_the_code() -> None:
    st = state({AUTHORITY: {"code": designator(DELEGATE), "nonce": 1}})
    set_code(st, auth(nonce=1, to=bytes(20)))
    assert st.get_code(AUTHORITY) == b""
    assert st.get_code_hash(AUTHORITY) == EMPTY_CODE_HASH
    assert st.get_nonce(AUTHORITY) == 2


def test_the_last_valid_tuple_of_an_authority_wins() -> None:
    st = state()
    set_code(st, auth(nonce=0, to=OTHER), auth(nonce=1), auth(nonce=7, to=CONTRACT))
    assert st.get_code(AUTHORITY) == designator(DELEGATE) and st.get_nonce(AUTHORITY) == 2


def test_self_sponsored_authorization_counts_the_raised_sender_nonce() -> None:
    st = state()
    result = set_code(st, auth(nonce=1, key=KEY), to=SENDER)
    assert result.success
    assert st.get_code(SENDER) == designator(DELEGATE) and st.get_nonce(SENDER) == 2
    assert st.get_storage(SENDER, 1) == as_int(SENDER)  # the transaction ran the delegate


def test_refund_for_an_authority_that_exists() -> None:
    """PER_EMPTY_ACCOUNT_COST - PER_AUTH_BASE_COST (12500), capped at a fifth of the gas used."""
    fresh = state()
    assert set_code(fresh, auth()).gas_used == 46000
    existing = state({AUTHORITY: {"balance": 1}})
    assert set_code(existing, auth()).gas_used == 46000 - 46000 // 5
    many = state({AUTHORITY: {"balance": 1}, OTHER: {"balance": 1}})
    # 21000 + 2 * 25000 used, 2 * 12500 refundable, at most 71000 // 5
    assert set_code(many, auth(), auth(key=OTHER_KEY)).gas_used == 71000 - 71000 // 5


def test_a_failed_call_keeps_the_delegation() -> None:
    st = state({CONTRACT: {"code": asm("PUSH0 PUSH0 REVERT")}})
    result = set_code(st, auth())
    assert not result.success
    assert st.get_code(AUTHORITY) == designator(DELEGATE) and st.get_nonce(AUTHORITY) == 1


def test_the_authority_is_warm_after_its_authorization() -> None:
    probe = asm("PUSH20", as_int(AUTHORITY), "BALANCE POP")
    cold = set_code(state({CONTRACT: {"code": probe}}), auth(chain_id=99))  # skipped, cold
    warm = set_code(state({CONTRACT: {"code": probe}}), auth())
    assert cold.gas_used - warm.gas_used == 2500


# -- the designator in execution ------------------------------------------------------------------

def test_a_transaction_to_a_delegated_account_runs_the_delegate() -> None:
    st = state({AUTHORITY: {"code": designator(DELEGATE), "nonce": 1}})
    result = transact(st, block=prague(), to=AUTHORITY)
    assert result.success
    assert int.from_bytes(result.output, "big") == len(DELEGATE_CODE)  # CODESIZE: the delegate's
    assert st.get_storage(AUTHORITY, 1) == as_int(AUTHORITY)
    assert st.get_storage(AUTHORITY, 2) == as_int(SENDER)
    assert st.get_storage(DELEGATE, 1) == 0


def test_the_transaction_warms_the_delegate_for_free() -> None:
    probe = asm("PUSH20", as_int(address(1)), "BALANCE POP STOP")
    st = state({AUTHORITY: {"code": designator(address(1)), "nonce": 1},
                address(1): {"code": probe}})
    assert transact(st, block=prague(), to=AUTHORITY).gas_used == 21000 + 3 + 100 + 2


@pytest.mark.parametrize("op", ["CALL", "CALLCODE", "DELEGATECALL", "STATICCALL"])
def test_calls_follow_the_delegation_and_pay_for_the_delegate(op: str) -> None:
    delegate = address(0x51)
    code = call_op(op, AUTHORITY, gas=0)  # no gas for the child: only the access is paid
    plain = run(code, state=new_state({AUTHORITY: {"nonce": 1}}), block=prague())
    cold = run(code, state=new_state({AUTHORITY: {"code": designator(delegate)}}),
               block=prague())
    st = new_state({AUTHORITY: {"code": designator(delegate)}})
    st.warm_address(delegate)
    warm = run(code, state=st, block=prague())
    used = [1_000_000 - f.gas for f in (plain, cold, warm)]
    assert used[1] - used[0] == 2600
    assert used[2] - used[0] == 100


@pytest.mark.parametrize("op", ["CALL", "CALLCODE", "DELEGATECALL", "STATICCALL"])
def test_calls_run_the_delegate_code(op: str) -> None:
    code = asm(call_op(op, AUTHORITY, ret=(0, 32)), "POP") + asm("PUSH0 MLOAD") + ret_top()
    delegate_code = asm("CODESIZE") + ret_top()
    st = new_state({AUTHORITY: {"code": designator(DELEGATE)}, DELEGATE: {"code":
                                                                       delegate_code}})
    f = run(code, state=st, block=prague())
    assert f.error is None
    assert int.from_bytes(f.output, "big") == len(delegate_code)


def test_a_delegate_in_the_caller_context_writes_the_authority_storage() -> None:
    st = state({AUTHORITY: {"code": designator(DELEGATE), "nonce": 1}})
    f = run(asm(call_op("CALL", AUTHORITY), "POP"), state=st, block=prague())
    assert f.error is None
    assert st.get_storage(AUTHORITY, 1) == as_int(AUTHORITY)
    assert st.get_storage(AUTHORITY, 2) == as_int(CONTRACT)


def test_a_chain_of_delegations_is_not_followed() -> None:
    """AUTHORITY -> OTHER -> DELEGATE: OTHER's designator runs as code, 0xef is invalid."""
    st = state({AUTHORITY: {"code": designator(OTHER)}, OTHER: {"code": designator(DELEGATE)}})
    f = run(asm(call_op("CALL", AUTHORITY)) + ret_top(), state=st, block=prague())
    assert int.from_bytes(f.output, "big") == 0  # the call failed
    assert st.get_storage(AUTHORITY, 1) == 0


def test_a_precompile_delegate_runs_as_empty_code() -> None:
    identity = (4).to_bytes(20, "big")
    st = new_state({AUTHORITY: {"code": designator(identity)}})
    code = asm("PUSH1 0xAA PUSH0 MSTORE", call_op("CALL", AUTHORITY, args=(0, 32), ret=(0, 32)),
               "RETURNDATASIZE") + ret_top()
    f = run(code, state=st, block=prague())
    assert f.error is None
    assert int.from_bytes(f.output, "big") == 0  # identity would have returned 32 bytes


def test_code_reading_opcodes_see_the_designator() -> None:
    st = new_state({AUTHORITY: {"code": designator(DELEGATE)}, DELEGATE: {"code":
                                                                       DELEGATE_CODE}})
    size = run(asm("PUSH20", as_int(AUTHORITY), "EXTCODESIZE") + ret_top(), state=st,
               block=prague())
    assert int.from_bytes(size.output, "big") == 23
    h = run(asm("PUSH20", as_int(AUTHORITY), "EXTCODEHASH") + ret_top(), state=st,
            block=prague())
    assert h.output == keccak256(designator(DELEGATE))
    copy = run(asm("PUSH1 23 PUSH0 PUSH0 PUSH20", as_int(AUTHORITY), "EXTCODECOPY PUSH0 MLOAD")
               + ret_top(), state=st, block=prague())
    assert copy.output == designator(DELEGATE) + bytes(9)


def test_before_prague_a_designator_is_plain_code() -> None:
    st = state({AUTHORITY: {"code": designator(DELEGATE)}})
    f = run(asm(call_op("CALL", AUTHORITY)) + ret_top(), state=st)  # Cancun
    assert int.from_bytes(f.output, "big") == 0
    assert st.get_storage(AUTHORITY, 1) == 0


def test_traced_calls_follow_the_delegation_too() -> None:
    st = state({AUTHORITY: {"code": designator(DELEGATE)}})
    f = run(asm(call_op("CALL", AUTHORITY), "POP"), state=st, block=prague(),
            tx=tx_env(tracer=Tracer()))
    assert f.error is None
    assert st.get_storage(AUTHORITY, 1) == as_int(AUTHORITY)


def test_the_delegate_code_runs_invalid_opcodes_as_such() -> None:
    st = new_state({AUTHORITY: {"code": designator(DELEGATE)}, DELEGATE: {"code": b"\xef"}})
    from pydevnet.vm import message
    ok, _, _, err = message.call(st, prague(), tx_env(), SENDER, AUTHORITY, AUTHORITY, 0, b"",
                                 10_000, 0, False, True, message.delegated_code(st, PRAGUE,
                                                                                AUTHORITY))
    assert not ok and isinstance(err, InvalidOpcode)


# -- EIP-3607 as amended ----------------------------------------------------------------------------

def test_a_delegated_account_may_send() -> None:
    st = state({SENDER: {"balance": FUNDS, "code": designator(DELEGATE), "nonce": 0}})
    assert transact(st, block=prague(), to=address(9), value=1).success


def test_an_account_with_other_code_may_not_send() -> None:
    st = state({SENDER: {"balance": FUNDS, "code": b"\x00", "nonce": 0}})
    with pytest.raises(errors.SenderNotEOA):
        transact(st, block=prague(), to=address(9))


def test_before_prague_a_designator_is_code_that_may_not_send() -> None:
    st = state({SENDER: {"balance": FUNDS, "code": designator(DELEGATE), "nonce": 0}})
    with pytest.raises(errors.SenderNotEOA):
        transact(st, to=address(9))
