"""eth_simulateV1 against the real `devnet` process with web3.py: the execution-apis recorded
examples whose outcome does not depend on their chain's contents (their calls run on overridden
accounts; compared: each call's status, gasUsed, returnData, logs and error code, or the error
code), and the devnet's own rules: nothing reaches the chain, blocks chain on each other, the unit
price under validation, traceTransfers. Pinned to Prague, the recordings' fork (EIP-7623 floors
show in their gasUsed)."""
import json

import pytest
from web3 import Web3

from tests.fixtures import EXECUTION_APIS
from tests.integration.devnet_process import DevnetProcess, RPCFailure
from tests.integration.support import UNIT_PRICE, dev_account

RECORDINGS = EXECUTION_APIS / "tests" / "eth_simulateV1"
# chain-independent recordings (their blocks' numbers, timestamps, hashes and base fee are not
# compared); the others use their chain's block numbers, timestamps or base fee
CONFORMING = [
    "check-that-balance-is-there-after-new-block", "check-that-nonce-increases",
    "empty-calls-and-overrides-ethSimulate", "empty-validation",
    "empty", "eth-send-should-not-produce-logs-by-default", "eth-send-should-produce-logs",
    "eth-send-should-produce-more-logs-on-forward",
    "eth-send-should-produce-no-logs-on-forward-revert", "extcodehash-existing-contract",
    "extcodehash-override", "extcodehash-precompile", "logs",
    "make-call-with-future-block", "move-ecrecover-and-call", "move-ecrecover-twice-and-call",
    "move-to-address-itself-reference-38022", "move-two-accounts-to-same-38023",
    "move-two-non-precompiles-accounts-to-same", "no-fields-call",
    "only-from-to-transaction", "only-from-transaction", "overflow-nonce",
    "override-address-twice-in-separate-BlockStateCalls", "override-storage-slots",
    "precompile-is-sending-transaction", "run-gas-spending", "run-out-of-gas-in-block-38015",
    "send-eth-and-delegate-call-to-eoa", "send-eth-and-delegate-call-to-payble-contract",
    "send-eth-and-delegate-call", "set-read-storage", "simple-send-from-contract",
    "simple-state-diff", "simple-validation-fulltx", "simple-with-validation-no-funds",
    "simple", "transaction-too-high-nonce", "transaction-too-low-nonce-38010",
    "transfer-over-BlockStateCalls", "gas-fees-and-value-error-38014", "simple-no-funds",
    "instrict-gas-38013", "try-to-move-non-precompile", "overflow-nonce-validation",
    "simple-more-params-validate", "two-blocks-with-complete-eth-sends",
    "basefee-too-low-without-validation-38012",
]


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    proc = DevnetProcess(tmp_path_factory.mktemp("sim") / "data", "--quiet", "--hardfork",
                         "prague").start()
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def w3(node) -> Web3:
    return Web3(Web3.HTTPProvider(node.url))


def _summary(answer: dict):
    if "error" in answer:
        return ("error", answer["error"]["code"])
    return [[(c["status"], c["gasUsed"], c["returnData"], c.get("error", {}).get("code"),
              [(x["address"], x["topics"], x["data"]) for x in c["logs"]]) for c in b["calls"]]
            for b in answer["result"]]


@pytest.mark.parametrize("name", CONFORMING)
def test_recorded_example(node, name):
    text = (RECORDINGS / f"ethSimulate-{name}.io").read_text().splitlines()
    want = json.loads(next(x[3:] for x in text if x.startswith("<< ")))
    status, got = node.post(next(x[3:] for x in text if x.startswith(">> ")))
    assert status == 200 and _summary(got) == _summary(want)


def _simulate(w3: Web3, payload: dict, block="latest") -> list:
    answer = w3.provider.make_request("eth_simulateV1", [payload, block])
    if "error" in answer:
        raise RPCFailure(answer["error"])
    return answer["result"]


def test_chain_untouched_and_blocks_chained(w3):
    alice, bob = dev_account(0).address, dev_account(1).address
    head = w3.eth.get_block("latest")
    before = w3.eth.get_balance(bob)
    calls = [{"from": alice, "to": bob, "value": hex(10**18)}]
    out = _simulate(w3, {"blockStateCalls": [{"calls": calls}, {"calls": calls}]})
    assert [int(b["number"], 16) for b in out] == [head.number + 1, head.number + 2]
    assert int(out[0]["timestamp"], 16) == head.timestamp + 1  # the block period
    assert out[1]["parentHash"] == out[0]["hash"]
    assert [c["status"] for b in out for c in b["calls"]] == ["0x1", "0x1"]
    assert w3.eth.block_number == head.number and w3.eth.get_balance(bob) == before
    assert w3.eth.get_transaction_count(alice) == w3.eth.get_transaction_count(alice, "latest")


def test_block_override_quantities_as_json_numbers(w3):
    """Hex or a JSON number, as in eth_call's objects (Anvil's quantities): the same blocks."""
    alice, bob = dev_account(0).address, dev_account(1).address
    head = w3.eth.get_block("latest")
    number, time, gas_limit = head.number + 5, head.timestamp + 100, 10_000_000

    def block(q):
        return {"blockStateCalls": [{
            "blockOverrides": {"number": q(number), "time": q(time), "gasLimit": q(gas_limit),
                               "baseFeePerGas": q(UNIT_PRICE),
                               "withdrawals": [{"index": q(1), "validatorIndex": q(2),
                                                "address": bob, "amount": q(3)}]},
            "calls": [{"from": alice, "to": bob, "value": q(10**18), "gas": q(21000)}]}]}
    as_hex, as_numbers = _simulate(w3, block(hex)), _simulate(w3, block(lambda n: n))
    assert as_numbers == as_hex
    assert (as_hex[-1]["number"], as_hex[-1]["timestamp"], as_hex[-1]["gasLimit"]) == \
        (hex(number), hex(time), hex(gas_limit))
    answer = w3.provider.make_request("eth_simulateV1", [{"blockStateCalls": [
        {"blockOverrides": {"time": -1}}]}, "latest"])
    assert answer["error"]["code"] == -32602 and "time" in answer["error"]["message"]


def test_validation_charges_the_unit_price(w3):
    alice, bob = dev_account(0).address, dev_account(1).address
    coinbase = "0x" + "c0" * 20
    low = {"from": alice, "to": bob, "maxFeePerGas": hex(UNIT_PRICE - 1)}
    with pytest.raises(RPCFailure) as e:
        _simulate(w3, {"blockStateCalls": [{"calls": [low]}], "validation": True})
    assert e.value.code == -38012
    ok = dict(low, maxFeePerGas=hex(UNIT_PRICE * 2))
    probe = {"from": bob, "to": bob}
    out = _simulate(w3, {"validation": True, "blockStateCalls": [
        {"blockOverrides": {"feeRecipient": coinbase}, "calls": [ok]}]})
    assert out[0]["baseFeePerGas"] == hex(UNIT_PRICE) and out[0]["miner"] == coinbase
    assert out[0]["calls"][0]["gasUsed"] == hex(21000)
    # the fee reached the coinbase: its balance, read by BALANCE in a later simulated call
    code = "0x73" + "c0" * 20 + "3160005260206000f3"  # PUSH20 coinbase BALANCE, return it
    out = _simulate(w3, {"validation": True, "blockStateCalls": [
        {"blockOverrides": {"feeRecipient": coinbase}, "calls": [ok]},
        {"stateOverrides": {bob: {"code": code}},
         "calls": [dict(probe, maxFeePerGas=hex(UNIT_PRICE))]}]})
    assert int(out[1]["calls"][0]["returnData"], 16) == 21000 * UNIT_PRICE


def test_trace_transfers_and_errors(w3):
    alice, bob = dev_account(0).address, dev_account(1).address
    out = _simulate(w3, {"traceTransfers": True, "blockStateCalls": [
        {"calls": [{"from": alice, "to": bob, "value": "0x3e8"}]}]})
    log = out[0]["calls"][0]["logs"][0]
    assert log["address"] == "0x" + "ee" * 20 and log["data"] == "0x" + "%064x" % 1000
    assert log["blockHash"] == out[0]["hash"]
    for payload, code in (
            ({"blockStateCalls": [{"blockOverrides": {"number": "0x0"}}]}, -38020),
            ({"blockStateCalls": [{"blockOverrides": {"number": hex(10**6)}}]}, -38026),
            ({"blockStateCalls": [{"calls": [{"from": alice, "gas": hex(10**9)}]}]}, -38015),
            ({"blockStateCalls": [{"blockOverrides": {"difficulty": "0x1"}}]}, -32602),
            ({"blockStateCalls": []}, -32602)):
        with pytest.raises(RPCFailure) as e:
            _simulate(w3, payload)
        assert e.value.code == code, payload


def test_revert_is_a_call_result(w3):
    alice = dev_account(0).address
    target = "0x" + "ab" * 20
    out = _simulate(w3, {"blockStateCalls": [{
        "stateOverrides": {target: {"code": "0x60006000fd"}},  # REVERT(0, 0)
        "calls": [{"from": alice, "to": target}, {"from": alice, "to": target, "gas": "0x5208"}]}]})
    reverted, oog = out[0]["calls"]
    assert reverted["status"] == "0x0" and reverted["error"]["code"] == 3
    assert oog["error"]["code"] == -32015 and oog["error"]["message"].startswith("vm execution")
