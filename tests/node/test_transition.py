"""The transaction-level state transition (node/chain/transition.py apply_transaction): the outcome of
successful, reverted and out-of-gas transactions (TxResult), intrinsic gas (EIP-2028, EIP-2930,
EIP-3860), the coinbase touch (EIP-158) and every validity error, each raised before the state
changes at all (the committed root stays the same)."""
from types import SimpleNamespace
from typing import Any

import pytest

from pydevnet.node.tx import errors
from pydevnet.node.chain.fees import EthereumFees
from pydevnet.node.chain.transition import apply_transaction, warm_up
from pydevnet.state.statedb import StateDB
from tests.vm.asm import (CHAIN_ID, COINBASE, CONTRACT, SENDER, address, asm, block_env,
                          new_state, sign, transact)
from pydevnet.vm.forks import spec_for
from pydevnet.vm.opcodes.system import create_address

TO = address(0x70)
FUNDS = 10**18
REVERT_BEEF = asm("PUSH2 0xBEEF PUSH0 MSTORE", 2, 30, "REVERT")


def funded(accounts: dict | None = None) -> StateDB:
    return new_state({SENDER: {"balance": FUNDS}, **(accounts or {})})


def test_plain_transfer() -> None:
    st = funded()
    result = transact(st, to=TO, value=12345)
    assert (result.success, result.gas_used, result.output, result.logs, result.error,
            result.contract_address) == (True, 21000, b"", [], None, None)
    assert result.gas_price == 8  # base fee 7 + tip 1
    assert st.get_balance(TO) == 12345
    assert st.get_nonce(SENDER) == 1
    assert st.get_balance(SENDER) == FUNDS - 12345 - 21000 * 8


def test_reverted_call_keeps_nonce_and_fee_but_not_value() -> None:
    st = funded({CONTRACT: {"code": REVERT_BEEF}})
    result = transact(st, to=CONTRACT, value=5)
    execution = 3 + 2 + 3 + 3 + 3 + 3  # PUSH2 PUSH0 MSTORE(+word) PUSH1 PUSH1 REVERT
    assert (result.success, result.error, result.output) == (False, "execution reverted",
                                                              b"\xbe\xef")
    assert result.gas_used == 21000 + execution
    assert st.get_balance(CONTRACT) == 0
    assert st.get_nonce(SENDER) == 1
    assert st.get_balance(SENDER) == FUNDS - result.gas_used * 8


def test_out_of_gas_uses_the_whole_gas_limit() -> None:
    st = funded({CONTRACT: {"code": asm("loop: JUMPDEST @loop JUMP")}})
    result = transact(st, to=CONTRACT, gas_limit=50_000)
    assert (result.success, result.error, result.gas_used) == (False, "out of gas", 50_000)


def test_logs_are_returned_in_order() -> None:
    st = funded({CONTRACT: {"code": asm("PUSH1 1 PUSH0 PUSH0 LOG1 PUSH1 2 PUSH0 PUSH0 LOG1")}})
    result = transact(st, to=CONTRACT)
    assert result.logs == [(CONTRACT, [1], b""), (CONTRACT, [2], b"")]
    assert st.logs == []  # the state's log list belongs to the next transaction now


@pytest.mark.parametrize(("data", "access_list", "intrinsic"), [
    (b"", [], 21000),
    (b"\x00\x00\x01", [], 21000 + 2 * 4 + 16),
    (b"", [(TO, ())], 21000 + 2400),
    (b"", [(TO, (1, 2)), (CONTRACT, ())], 21000 + 2 * 2400 + 2 * 1900),
], ids=["none", "data", "address", "keys"])
def test_intrinsic_gas_eip2028_eip2930(data: bytes, access_list: list, intrinsic: int) -> None:
    st = funded()
    assert transact(st, to=TO, data=data, access_list=access_list).gas_used == intrinsic


def test_creation_intrinsic_gas_includes_initcode_words_eip3860() -> None:
    st = funded()
    result = transact(st, to=None, data=bytes(33))  # 33 STOPs: two words, deploys nothing
    assert result.gas_used == 53000 + 33 * 4 + 2 * 2
    assert result.contract_address == create_address(SENDER, 0)


def test_coinbase_without_reward_is_not_created_eip158() -> None:
    st = funded()
    transact(st, to=TO, max_fee_per_gas=7, max_priority_fee_per_gas=0)
    assert not st.exists(COINBASE)


def test_coinbase_receives_the_tip() -> None:
    st = funded()
    transact(st, to=TO, max_fee_per_gas=10, max_priority_fee_per_gas=3)
    assert st.get_balance(COINBASE) == 21000 * 3


def test_transactions_follow_each_other() -> None:
    st = funded()
    for nonce in range(3):
        assert transact(st, to=TO, value=1, nonce=nonce).success
    assert (st.get_nonce(SENDER), st.get_balance(TO)) == (3, 3)


# -- validity errors: raised before anything changes -------------------------------------------

def _apply(st: StateDB, block_fields: dict | None = None, block_gas_used: int = 0,
           **fields: Any):
    tx = sign(**{"to": TO, **fields})
    return apply_transaction(st, block_env(**(block_fields or {})), tx, tx.sender,
                             EthereumFees(), block_gas_used=block_gas_used)


INVALID = {
    "nonce too low": ({"nonce": 1}, dict(nonce=0), errors.NonceTooLow),
    "nonce too high": ({"nonce": 1}, dict(nonce=2), errors.NonceTooHigh),
    # gas_limit x maxFee + value = 1_000_001
    "insufficient funds": ({"balance": 1_000_000}, dict(gas_limit=100_000, value=1),
                           errors.InsufficientFunds),
    "intrinsic gas": ({}, dict(gas_limit=20_999), errors.IntrinsicGasTooLow),
    "intrinsic gas of data": ({}, dict(gas_limit=21_015, data=b"\x01"),
                              errors.IntrinsicGasTooLow),
    "above block gas limit": ({}, dict(gas_limit=30_000_001), errors.GasLimitExceeded),
    "sender with code eip3607": ({"code": b"\x00", "nonce": 0}, {}, errors.SenderNotEOA),
    "wrong chain id": ({}, dict(chain_id=CHAIN_ID + 1), errors.WrongChainId),
    "fee below base fee": ({}, dict(max_fee_per_gas=6, max_priority_fee_per_gas=0),
                           errors.FeeTooLow),
    "initcode too large eip3860": ({}, dict(to=None, data=bytes(49153), gas_limit=10_000_000),
                                   errors.InitcodeTooLarge),
    "blob fee below blob base fee": ({}, dict(blob_versioned_hashes=[b"\x01" * 32],
                                              max_fee_per_blob_gas=0), errors.BlobTxInvalid),
}


@pytest.mark.parametrize(("sender", "fields", "error"), INVALID.values(), ids=INVALID.keys())
def test_invalid_transaction_changes_nothing(sender: dict, fields: dict, error: type) -> None:
    st = new_state({SENDER: {"balance": FUNDS, **sender}})
    root = st.root()
    with pytest.raises(error):
        _apply(st, **fields)
    assert st.commit() == root
    assert st.journal == []


def test_balance_exactly_covering_gas_and_value_is_enough() -> None:
    st = new_state({SENDER: {"balance": 1_000_001}})
    assert _apply(st, gas_limit=100_000, value=1).success


def test_gas_limit_counts_the_gas_already_used_in_the_block() -> None:
    st = funded()
    with pytest.raises(errors.GasLimitExceeded):
        _apply(st, block_gas_used=29_990_000, gas_limit=21_000)
    assert _apply(st, block_gas_used=29_979_000, gas_limit=21_000).success


def test_unknown_sender_has_no_funds() -> None:
    st = new_state()
    with pytest.raises(errors.InsufficientFunds):
        apply_transaction(st, block_env(), sign(b"\x07" * 32, to=TO), SENDER, EthereumFees())


class _Recording(StateDB):
    """Records every warm_address call, as eth_createAccessList's state does."""

    def __init__(self) -> None:
        super().__init__(new_state({}).store)
        self.seen: list[bytes] = []

    def warm_address(self, addr: bytes) -> bool:
        self.seen.append(addr)
        return super().warm_address(addr)


@pytest.mark.parametrize("fork", ["cancun", "prague", "osaka"])
def test_eip2929_warm_up_sets_the_same_warm_addresses_either_way(fork: str) -> None:
    """warm_up's one-update path (a plain StateDB) and its per-address path (a state that
    overrides warm_address) leave the same warm sets: sender, coinbase, recipient, the fork's
    precompiles, the access list (EIP-2929/2930, EIP-3651)."""
    env = block_env(spec=spec_for(fork))
    other = address(0x71)
    tx = SimpleNamespace(to=TO, access_list=((other, (1, 2)), (TO, ())))
    plain, recording = new_state({}), _Recording()
    for st in (plain, recording):
        st.begin_tx()
        warm_up(st, env, tx, SENDER)
    expected = {SENDER, COINBASE, TO, other, *env.spec.precompiles}
    assert plain.warm_addresses == recording.warm_addresses == expected
    assert plain.warm_slots == recording.warm_slots == {(other, 1), (other, 2)}
    assert recording.seen == [SENDER, COINBASE, *env.spec.precompiles, TO, other, TO]
    assert len(env.spec.precompiles) == {"cancun": 10, "prague": 17, "osaka": 18}[fork]
