"""EIP-7825 (Osaka): no transaction may have more than 2**24 gas, as geth says it ("transaction
gas limit too high"): in validation, in the state transition and at the pool, whose block gas
limit check stays. Prague and Cancun have no such cap; eth_call and eth_estimateGas keep within
it."""
import pytest

from pydevnet.node.calls import CallRequest, estimate_gas, execute_call
from pydevnet.node.config import Genesis
from pydevnet.node.tx import errors
from pydevnet.node.tx.validation import validate_stateless
from pydevnet.vm.forks import OSAKA, PRAGUE
from pydevnet.vm.gas import MAX_TX_GAS
from pydevnet.vm.table import CANCUN
from tests.node.helpers import accounts, make_devnet, transfer
from tests.vm.asm import (CHAIN_ID, CONTRACT, SENDER, address, asm, block_env, new_state, sign,
                          transact)

CAP = 2**24
TO = address(0x7825)


def test_the_cap_is_2_to_the_24() -> None:
    assert MAX_TX_GAS == CAP == 16_777_216


def test_osaka_rejects_a_gas_limit_above_the_cap() -> None:
    with pytest.raises(errors.TxGasLimitTooHigh, match="transaction gas limit too high"):
        validate_stateless(sign(to=TO, gas_limit=CAP + 1), CHAIN_ID, OSAKA)
    validate_stateless(sign(to=TO, gas_limit=CAP), CHAIN_ID, OSAKA)


@pytest.mark.parametrize("spec", [CANCUN, PRAGUE], ids=["cancun", "prague"])
def test_earlier_forks_have_no_cap(spec) -> None:
    validate_stateless(sign(to=TO, gas_limit=CAP + 1), CHAIN_ID, spec)


def test_the_transition_rejects_it_before_touching_the_state() -> None:
    st = new_state({SENDER: {"balance": 10**18}})
    root = st.commit()
    with pytest.raises(errors.TxGasLimitTooHigh):
        transact(st, block=block_env(spec=OSAKA), to=TO, gas_limit=CAP + 1)
    assert st.commit() == root
    assert transact(st, block=block_env(spec=OSAKA), to=TO, gas_limit=CAP).success


def test_calls_keep_within_the_cap() -> None:
    st = new_state({CONTRACT: {"code": asm("GAS") + asm("PUSH0 MSTORE PUSH1 32 PUSH0 RETURN")}})
    req = CallRequest(to=CONTRACT)
    left = int.from_bytes(execute_call(st, block_env(spec=OSAKA), req, 50_000_000).output, "big")
    assert left == CAP - 21000 - 2  # GAS reports what is left after its own 2
    st = new_state({CONTRACT: {"code": asm("GAS") + asm("PUSH0 MSTORE PUSH1 32 PUSH0 RETURN")}})
    left = int.from_bytes(execute_call(st, block_env(spec=PRAGUE), req, 50_000_000).output, "big")
    assert left > CAP


def test_estimates_search_below_the_cap() -> None:
    code = {CONTRACT: {"code": asm("PUSH0 PUSH0 SSTORE")}}
    estimate = estimate_gas(lambda: new_state(code), block_env(spec=OSAKA),
                            CallRequest(to=CONTRACT), 50_000_000)
    assert 21000 < estimate < CAP


@pytest.mark.parametrize(("fork", "block_limit"), [("osaka", 10_000_000), ("prague", 60_000_000)])
def test_the_pool_applies_the_cap_and_keeps_the_block_limit_check(fork: str,
                                                                  block_limit: int) -> None:
    d = make_devnet(genesis=Genesis(fork=fork, gas_limit=block_limit))
    key = accounts(d)[0].private_key
    nonce = 0
    if fork == "osaka":
        with pytest.raises(errors.TxGasLimitTooHigh):
            d.submit(transfer(key, 0, TO, gas=CAP + 1))
    else:
        d.submit(transfer(key, 0, TO, gas=CAP + 1))
        nonce = 1
    with pytest.raises(errors.GasLimitExceeded):
        d.submit(transfer(key, nonce, TO, gas=block_limit + 1))
