"""ethers.js v6 (tests/js/ethers_client.mjs, run with node) against the real `devnet` process:
getNetwork, a Wallet from dev key 0, ContractFactory deployment of the Token, transfer + wait(),
balances, queryFilter, reverts decoded by ethers (require reason, custom errors through the
interface, a panic, a bare revert; from eth_call and from eth_estimateGas), estimateGas against
gasUsed, getFeeData (gasPrice 25 gwei), an EIP-1559 sendTransaction with every fee field left to
ethers, and a WebSocketProvider "block" event. The script prints JSON; this module asserts it."""
import pytest

from tests.integration.support import UNIT_PRICE, dev_account, run_js_client, selector, word

OWNER, ALICE = dev_account(0).address, dev_account(1).address
SUPPLY = 10**24




@pytest.fixture(scope="module")
def result(devnet) -> dict:
    return run_js_client("ethers_client.mjs", "ethers", devnet, devnet.ws_url)


def test_network_and_fee_data(result):
    assert result["chainId"] == "31337"
    assert result["wsChainId"] == "31337"
    assert result["feeData"] == {"gasPrice": str(UNIT_PRICE),
                                 "maxFeePerGas": str(2 * UNIT_PRICE),  # ethers: 2 x base + tip
                                 "maxPriorityFeePerGas": "0"}


def test_contract_factory_deployment(result):
    d = result["deploy"]
    assert d["status"] == 1 and d["code"] is True
    assert d["address"] == d["contractAddress"] == "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    assert d["type"] == 2 and d["gasPrice"] == str(UNIT_PRICE)


def test_transfer_wait_balances_and_estimate(result):
    t = result["transfer"]
    assert t["status"] == 1 and t["logs"] == 1 and t["blockNumber"] == 2
    assert t["estimate"] == t["gasUsed"]  # a plain SSTORE path: no refund, no sentry slack
    assert result["balances"] == {"owner": str(SUPPLY - 1000), "alice": "1000"}


def test_query_filter(result):
    assert [(e["from"], e["to"], e["value"], e["blockNumber"]) for e in result["transfers"]] == [
        ("0x" + "00" * 20, OWNER, str(SUPPLY), 1), (OWNER, ALICE, "1000", 2)]
    assert result["transfers"][1]["tx"] == result["transfer"]["hash"]
    assert result["transfersToAlice"] == 1


def test_require_reason_decoded(result):
    for key, reason, action in [("require", "require failed: boom", "call"),
                                ("allowance", "Token: allowance too low", "estimateGas")]:
        e = result["reverts"][key]
        assert e["code"] == "CALL_EXCEPTION" and e["action"] == action
        assert e["reason"] == reason
        assert e["shortMessage"] == f'execution reverted: "{reason}"'
        assert e["revert"] == {"name": "Error", "signature": "Error(string)", "args": [reason]}


def test_custom_errors_decoded(result):
    e = result["reverts"]["custom"]
    assert e["code"] == "CALL_EXCEPTION"
    assert e["revert"] == {"name": "Unauthorized", "signature": "Unauthorized(address,uint256)",
                           "args": [OWNER, "42"]}
    assert e["data"] == "0x" + (selector("Unauthorized(address,uint256)") + word(OWNER)
                                + word(42)).hex()
    assert result["parsedCustom"] == {"name": "Unauthorized", "args": [OWNER, "42"]}
    e = result["reverts"]["balance"]  # InsufficientBalance(1000, 10**30) from estimateGas
    assert e["code"] == "CALL_EXCEPTION" and e["action"] == "estimateGas"
    assert result["parsedBalance"] == {"name": "InsufficientBalance",
                                       "args": ["1000", str(10**30)]}


def test_panic_and_bare_revert(result):
    e = result["reverts"]["panic"]
    assert e["revert"] == {"name": "Panic", "signature": "Panic(uint256)", "args": [0x11]}
    assert e["reason"] == "Panic due to OVERFLOW(17)"
    e = result["reverts"]["empty"]
    assert e["code"] == "CALL_EXCEPTION" and e["data"] == "0x" and e["revert"] is None


def test_eip1559_send_transaction_with_default_fields(result):
    t = result["eip1559"]
    assert t["type"] == 2 and t["status"] == 1
    assert t["maxFeePerGas"] == str(2 * UNIT_PRICE) and t["maxPriorityFeePerGas"] == "0"
    assert t["gasUsed"] == "21000"
    assert t["gasPrice"] == str(UNIT_PRICE) == t["baseFeePerGas"]
    assert t["spent"] == str(21000 * UNIT_PRICE + 12345)


def test_websocket_block_event(result):
    ws = result["wsBlock"]
    assert ws["mined"] is not None and ws["mined"] in ws["seen"]
