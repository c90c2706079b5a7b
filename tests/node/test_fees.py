"""The fee policies of node/chain/fees.py, alone and through the state transition. EthereumFees is
EIP-1559: the price is min(maxFee, baseFee + tip), the base fee is burned and the tip goes to the
coinbase. UnitPriceFees is the devnet's fixed price: legacy, EIP-2930 and EIP-1559 transactions
all pay exactly gasUsed x unitPrice, whatever they offer, all of it to the coinbase; an offer
below the unit price is FeeTooLow."""
import pytest

from pydevnet.node.tx.errors import FeeTooLow, TipAboveFeeCap
from pydevnet.node.chain.fees import EthereumFees, UnitPriceFees
from pydevnet.node.tx.validation import validate_stateless
from pydevnet.state.statedb import StateDB
from tests.vm.asm import (COINBASE, CONTRACT, SENDER, address, asm, block_env, new_state, sign,
                          transact)

TO = address(0x70)
UNIT = 25


def legacy(price: int, **kw):
    return sign(type=0, gas_price=price, **kw)


def access_list_tx(price: int, **kw):
    return sign(type=1, gas_price=price, access_list=[(TO, (1,))], **kw)


def dynamic(max_fee: int, tip: int, **kw):
    return sign(type=2, max_fee_per_gas=max_fee, max_priority_fee_per_gas=tip, **kw)


# -- the policies alone ----------------------------------------------------------------------

@pytest.mark.parametrize(("tx", "price"), [
    (dynamic(10, 1), 8),      # base 7 + tip 1
    (dynamic(9, 5), 9),       # capped by maxFee: the tip shrinks to 2
    (dynamic(7, 0), 7),
    (legacy(10), 10),
    (access_list_tx(12), 12),
], ids=["tip", "capped", "no-tip", "legacy", "2930"])
def test_ethereum_effective_price(tx, price: int) -> None:
    assert EthereumFees().effective_gas_price(tx, 7) == price


def test_ethereum_reward_is_the_tip_only() -> None:
    assert EthereumFees().coinbase_reward(21000, 8, 7) == 21000


@pytest.mark.parametrize("tx", [dynamic(6, 1), legacy(6), access_list_tx(6)],
                         ids=["1559", "legacy", "2930"])
def test_ethereum_offer_below_base_fee_is_fee_too_low(tx) -> None:
    with pytest.raises(FeeTooLow):
        EthereumFees().effective_gas_price(tx, 7)


@pytest.mark.parametrize("tx", [legacy(UNIT), legacy(10**12), access_list_tx(UNIT + 1),
                                dynamic(UNIT, 0), dynamic(10**12, 10**12), dynamic(100, 3)],
                         ids=["legacy-exact", "legacy-high", "2930", "1559-exact",
                              "1559-all-tip", "1559-small-tip"])
def test_unit_price_ignores_the_offer(tx) -> None:
    assert UnitPriceFees(UNIT).effective_gas_price(tx, UNIT) == UNIT


@pytest.mark.parametrize("tx", [legacy(UNIT - 1), access_list_tx(0), dynamic(UNIT - 1, 0)],
                         ids=["legacy", "2930", "1559"])
def test_unit_price_offer_below_the_unit_is_fee_too_low(tx) -> None:
    with pytest.raises(FeeTooLow):
        UnitPriceFees(UNIT).effective_gas_price(tx, UNIT)


def test_tip_above_fee_cap_is_a_stateless_rule() -> None:
    """EIP-1559's tip <= fee cap is validate_stateless's, which every path runs before a fee
    policy prices the transaction (the policies do not check it again)."""
    tx = sign(max_fee_per_gas=100, max_priority_fee_per_gas=101)
    with pytest.raises(TipAboveFeeCap):
        validate_stateless(tx, tx.chain_id)


def test_unit_price_reward_is_everything() -> None:
    assert UnitPriceFees(UNIT).coinbase_reward(21000, UNIT, UNIT) == 21000 * UNIT


# -- through apply_transaction ---------------------------------------------------------------

FUNDS = 10**18


def funded() -> StateDB:
    # the contract clears a slot: 4800 refunded, so gasUsed is after the refund
    return new_state({SENDER: {"balance": FUNDS},
                      CONTRACT: {"code": asm("PUSH0 PUSH0 SSTORE"), "storage": {0: 1}}})


def balances(st: StateDB) -> tuple[int, int, int]:
    return st.get_balance(SENDER), st.get_balance(COINBASE), st.get_balance(CONTRACT)


def test_ethereum_fees_burn_the_base_fee_and_pay_the_tip() -> None:
    st = funded()
    result = transact(st, block=block_env(base_fee=7), policy=EthereumFees(), value=1000,
                      max_fee_per_gas=10, max_priority_fee_per_gas=2)
    used = 21000 + 2 + 2 + 2100 + 2900 - 4800
    assert result.gas_used == used
    assert result.gas_price == 9
    assert balances(st) == (FUNDS - used * 9 - 1000, used * 2, 1000)


@pytest.mark.parametrize("tx_fields", [
    dict(type=0, gas_price=UNIT),
    dict(type=0, gas_price=10**9),
    dict(type=1, gas_price=UNIT * 3, access_list=[(TO, ())]),
    dict(type=2, max_fee_per_gas=10**9, max_priority_fee_per_gas=10**9),
    dict(type=2, max_fee_per_gas=UNIT, max_priority_fee_per_gas=0),
], ids=["legacy-exact", "legacy-high", "2930", "1559-high", "1559-no-tip"])
def test_unit_price_charges_gas_used_times_unit_and_pays_it_all(tx_fields: dict) -> None:
    st = funded()
    result = transact(st, block=block_env(base_fee=UNIT), policy=UnitPriceFees(UNIT),
                      value=1000, **tx_fields)
    used = 21000 + 2 + 2 + 2100 + 2900 - 4800
    if tx_fields["type"] == 1:
        used += 2400
    assert result.success
    assert (result.gas_used, result.gas_price) == (used, UNIT)
    assert balances(st) == (FUNDS - used * UNIT - 1000, used * UNIT, 1000)
    assert sum(balances(st)) == FUNDS  # nothing burned


@pytest.mark.parametrize("tx_fields", [
    dict(type=0, gas_price=UNIT - 1),
    dict(type=1, gas_price=1, access_list=[(TO, ())]),
    dict(type=2, max_fee_per_gas=UNIT - 1, max_priority_fee_per_gas=0),
], ids=["legacy", "2930", "1559"])
def test_unit_price_rejects_a_lower_offer_without_touching_the_state(tx_fields: dict) -> None:
    st = funded()
    root = st.root()
    with pytest.raises(FeeTooLow):
        transact(st, block=block_env(base_fee=UNIT), policy=UnitPriceFees(UNIT), **tx_fields)
    assert st.commit() == root
