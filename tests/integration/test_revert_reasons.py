"""Revert reasons through the real process, for eth_call and eth_estimateGas, as raw JSON-RPC
(geth's shape: code 3, "execution reverted[: reason]", data = the revert bytes) and as web3.py
raises them (ContractLogicError / ContractPanicError / ContractCustomError): Error(string),
Solidity Panic codes 0x01, 0x11, 0x12, 0x32, a custom error with arguments and a bare revert().
A reverted *transaction* with an explicit gas limit is mined with status 0 and pays
gasUsed x unit price."""
import pytest
from web3 import Web3
from web3.exceptions import ContractCustomError, ContractLogicError, ContractPanicError

from tests.integration.support import (UNIT_PRICE, artifact, balance_of, calldata, dev_account,
                                       selector, send_raw, sign, word)


def error_string(reason: str) -> str:
    """ABI encoding of Error(string)."""
    b = reason.encode()
    return "0x" + (selector("Error(string)") + word(32) + word(len(b))
                   + b.ljust((len(b) + 31) // 32 * 32, b"\0")).hex()


def panic(code: int) -> str:
    return "0x" + (selector("Panic(uint256)") + word(code)).hex()


CALLER = dev_account(3)
UNAUTHORIZED = "0x" + (selector("Unauthorized(address,uint256)") + word(CALLER.address)
                       + word(42)).hex()

# (function, args, web3 exception class, raw JSON-RPC message, revert data)
CASES = [
    ("failRequire", [], ContractLogicError, "execution reverted: require failed: boom",
     error_string("require failed: boom")),
    ("failRevertString", [], ContractLogicError, "execution reverted: plain revert",
     error_string("plain revert")),
    ("failAssert", [], ContractPanicError, "execution reverted: assert(false)", panic(0x01)),
    ("failOverflow", [1], ContractPanicError,
     "execution reverted: arithmetic underflow or overflow", panic(0x11)),
    ("failDivide", [0], ContractPanicError, "execution reverted: division or modulo by zero",
     panic(0x12)),
    ("failIndex", [], ContractPanicError,
     "execution reverted: out-of-bounds access of an array or bytesN", panic(0x32)),
    ("failCustom", [], ContractCustomError, "execution reverted", UNAUTHORIZED),
    ("failEmpty", [], ContractLogicError, "execution reverted", "0x"),
]
IDS = [c[0] for c in CASES]


@pytest.fixture(scope="module")
def w3(devnet) -> Web3:
    return Web3(Web3.HTTPProvider(devnet.url))


@pytest.fixture(scope="module")
def reverter(w3):
    build = artifact("Reverter")
    factory = w3.eth.contract(abi=build["abi"], bytecode=build["bytecode"])
    tx_hash = factory.constructor().transact({"from": dev_account(0).address})
    receipt = w3.eth.get_transaction_receipt(tx_hash)
    assert receipt.status == 1
    return w3.eth.contract(address=receipt.contractAddress, abi=build["abi"])


def _request(reverter, fn: str, args: list) -> dict:
    return {"from": CALLER.address, "to": reverter.address,
            "data": reverter.encode_abi(fn, args=args)}


@pytest.mark.parametrize("method", ["eth_call", "eth_estimateGas"])
@pytest.mark.parametrize("fn,args,exc,message,data", CASES, ids=IDS)
def test_raw_rpc_revert_error(devnet, reverter, method, fn, args, exc, message, data):
    err = devnet.error(method, _request(reverter, fn, args), "latest")
    assert (err.code, err.message, err.data) == (3, message, data)


@pytest.mark.parametrize("fn,args,exc,message,data", CASES, ids=IDS)
def test_web3_call_raises_with_reason_and_data(reverter, fn, args, exc, message, data):
    with pytest.raises(ContractLogicError) as info:
        reverter.functions[fn](*args).call({"from": CALLER.address})
    assert type(info.value) is exc
    assert info.value.data == data
    if exc is ContractLogicError:
        assert info.value.message == message


@pytest.mark.parametrize("fn,args,exc,message,data", CASES, ids=IDS)
def test_web3_estimate_gas_raises_with_reason_and_data(reverter, fn, args, exc, message, data):
    with pytest.raises(ContractLogicError) as info:
        reverter.functions[fn](*args).estimate_gas({"from": CALLER.address})
    assert type(info.value) is exc
    assert info.value.data == data
    if exc is ContractLogicError:
        assert info.value.message == message


def test_panic_messages_as_web3_words_them(reverter):
    with pytest.raises(ContractPanicError, match="Panic error 0x11: Arithmetic operation"):
        reverter.functions.failOverflow(1).call()
    with pytest.raises(ContractPanicError, match="Panic error 0x12: Division by zero"):
        reverter.functions.failDivide(0).call()


def test_successful_calls_around_the_failures(reverter):
    assert reverter.functions.failOverflow(0).call() == 2**256 - 1
    assert reverter.functions.failDivide(5).call() == 2


def test_reverted_transaction_with_explicit_gas_is_mined_with_status_0(devnet, w3, reverter):
    sender = dev_account(4)
    coinbase = w3.eth.get_block("latest").miner
    before, coinbase_before = balance_of(devnet, sender.address), balance_of(devnet, coinbase)
    nonce = w3.eth.get_transaction_count(sender.address)
    raw = sign(sender, nonce=nonce, to=reverter.address, gas=100_000,
               maxFeePerGas=100 * 10**9, maxPriorityFeePerGas=2 * 10**9,
               data=calldata("failRequire()"))
    receipt = send_raw(devnet, raw)
    assert receipt["status"] == "0x0"
    assert receipt["logs"] == []
    gas_used = int(receipt["gasUsed"], 16)
    assert 21_000 < gas_used < 100_000  # a revert returns the unused gas
    assert int(receipt["effectiveGasPrice"], 16) == UNIT_PRICE
    assert balance_of(devnet, sender.address) == before - gas_used * UNIT_PRICE
    assert balance_of(devnet, coinbase) == coinbase_before + gas_used * UNIT_PRICE
    assert w3.eth.get_transaction_count(sender.address) == nonce + 1


def test_reverted_eth_send_transaction_with_explicit_gas(w3, reverter):
    """web3's transact() with a gas limit skips estimation, so the revert is mined."""
    sender = dev_account(5).address
    counter = reverter.functions.counter().call()
    tx_hash = reverter.functions.failCustom().transact({"from": sender, "gas": 80_000})
    receipt = w3.eth.get_transaction_receipt(tx_hash)
    assert receipt.status == 0 and receipt.gasUsed < 80_000
    assert receipt.effectiveGasPrice == UNIT_PRICE
    ok = w3.eth.get_transaction_receipt(
        reverter.functions.increment().transact({"from": sender, "gas": 80_000}))
    assert ok.status == 1
    assert reverter.functions.counter().call() == counter + 1
