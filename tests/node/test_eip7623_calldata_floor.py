"""EIP-7623 (Prague): a transaction's calldata floor, 21000 + 10 per token (a zero byte one token,
another byte four). The gas limit must cover the floor as well as the intrinsic gas, and the gas
used (what the sender pays and the block counts) is at least the floor, after refunds."""
import pytest

from pydevnet.node.tx import errors
from pydevnet.node.tx.validation import floor_gas, validate_stateless
from pydevnet.vm.forks import OSAKA, PRAGUE
from pydevnet.vm.table import CANCUN
from tests.vm.asm import CHAIN_ID, CONTRACT, SENDER, address, asm, block_env, new_state, sign, \
    transact

FUNDS = 10**18
TO = address(0x7623)


def _state(accounts: dict | None = None):
    return new_state({SENDER: {"balance": FUNDS}, **(accounts or {})})


@pytest.mark.parametrize(("data", "floor"), [
    (b"", 21000), (b"\x00", 21010), (b"\x01", 21040), (b"\x00\x01" * 50, 21000 + 10 * 250),
])
def test_floor_is_21000_plus_10_per_token(data: bytes, floor: int) -> None:
    assert floor_gas(data, PRAGUE) == floor == floor_gas(data, OSAKA)


def test_no_floor_before_prague() -> None:
    assert floor_gas(b"\x01" * 100, CANCUN) == 0


def test_gas_limit_must_cover_the_floor() -> None:
    data = b"\x01" * 100  # intrinsic 22600, floor 25000
    tx = sign(to=TO, data=data, gas_limit=24999)
    validate_stateless(tx, CHAIN_ID, CANCUN)
    with pytest.raises(errors.FloorDataGasTooLow, match="floor data gas"):
        validate_stateless(tx, CHAIN_ID, PRAGUE)
    validate_stateless(sign(to=TO, data=data, gas_limit=25000), CHAIN_ID, PRAGUE)


def test_intrinsic_gas_is_still_checked_first() -> None:
    tx = sign(to=None, data=b"\x00" * 10, gas_limit=50000)  # create: 53000 + 40 + 2 > floor
    with pytest.raises(errors.IntrinsicGasTooLow):
        validate_stateless(tx, CHAIN_ID, PRAGUE)


def test_a_data_heavy_transfer_pays_the_floor() -> None:
    data = b"\x01" * 100
    cancun = transact(_state(), to=TO, data=data)
    prague = transact(_state(), block=block_env(spec=PRAGUE), to=TO, data=data)
    assert cancun.gas_used == 21000 + 1600
    assert prague.gas_used == 25000
    st = _state()
    transact(st, block=block_env(spec=PRAGUE), to=TO, data=data)
    assert st.get_balance(SENDER) == FUNDS - 25000 * 8  # base fee 7 + tip 1


def test_execution_above_the_floor_is_paid_as_it_is() -> None:
    loop = asm("PUSH1 200 loop: JUMPDEST PUSH1 1 SWAP1 SUB DUP1 @loop JUMPI")
    st = _state({CONTRACT: {"code": loop}})
    result = transact(st, block=block_env(spec=PRAGUE), to=CONTRACT, data=b"\x01")
    assert result.gas_used > floor_gas(b"\x01", PRAGUE)
    cancun = transact(_state({CONTRACT: {"code": loop}}), to=CONTRACT, data=b"\x01")
    assert result.gas_used == cancun.gas_used


def test_the_floor_applies_after_the_refund() -> None:
    """A storage clear refunds 4800 of 5000 + 2100; the floor then lifts what is left."""
    clear = asm("PUSH0 PUSH0 SSTORE")
    data = bytes(range(1, 101))  # floor 25000; intrinsic 22600
    accounts = {CONTRACT: {"code": clear, "storage": {0: 1}}}
    cancun = transact(_state(accounts), to=CONTRACT, data=data)
    executed = 22600 + 2 + 2 + 5000  # PUSH0 PUSH0 SSTORE (a cold reset: 2900 + 2100)
    assert cancun.gas_used == executed - min(executed // 5, 4800)
    assert cancun.gas_used < 25000
    prague = transact(_state(accounts), block=block_env(spec=PRAGUE), to=CONTRACT, data=data)
    assert prague.gas_used == 25000


def test_a_reverted_transaction_pays_at_least_the_floor() -> None:
    st = _state({CONTRACT: {"code": asm("PUSH0 PUSH0 REVERT")}})
    result = transact(st, block=block_env(spec=PRAGUE), to=CONTRACT, data=b"\x01" * 100)
    assert not result.success and result.gas_used == 25000
