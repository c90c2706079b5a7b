"""eth_simulateV1 and eth_sendRawTransactionSync from JavaScript (tests/js/viem_simulate.mjs)
against the real `devnet` process: viem 2's simulateBlocks (state and block overrides, two
chained blocks, traceTransfers, a decoded revert) and simulateCalls, viem's
sendRawTransactionSync and a wallet client's sendTransactionSync, and ethers 6's
provider.send("eth_simulateV1", ...). Simulations leave the chain as it was."""
import pytest

from tests.integration.support import run_js_client

REVERT = "reverted with the following reason:\nrequire failed: boom"


@pytest.fixture(scope="module")
def result(devnet) -> dict:
    return run_js_client("viem_simulate.mjs", "viem", devnet)


def test_viem_simulate_blocks(result):
    first, second = result["blocks"]
    head = int(result["headBefore"])
    assert (int(first["number"]), int(second["number"])) == (head + 1, head + 2)
    assert second["timestamp"] == "4102444800"  # the block override
    # the whale's overridden balance pays both blocks' transfers; traceTransfers logs each
    assert first["calls"] == [{"status": "success", "gasUsed": "21000", "logs": 1, "error": None}]
    transfer, failed = second["calls"]
    assert transfer["status"] == "success" and transfer["logs"] == 1
    assert failed["status"] == "failure" and failed["error"].endswith(REVERT)


def test_viem_simulate_calls(result):
    ok, failed = result["simulateCalls"]
    assert ok == {"status": "success", "gasUsed": "21000", "error": None}
    assert failed["status"] == "failure" and failed["error"].endswith(REVERT)
    assert result["headAfterSimulations"] == result["headBefore"]  # nothing mined


def test_viem_send_raw_transaction_sync(result):
    head = int(result["headBefore"])
    assert result["rawSync"] == {"status": "success", "blockNumber": str(head + 1),
                                 "to": "0x70997970c51812dc3a010c7d01b50e0d17dc79c8"}
    assert result["walletSync"] == {"status": "success", "blockNumber": str(head + 2)}


def test_ethers_simulate_v1(result):
    head = int(result["headAtEnd"])
    assert result["ethers"] == {
        "number": hex(head + 1), "transactions": 1,
        "calls": [{"status": "0x1", "gasUsed": "0x5208",
                   "logAddresses": ["0xeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"]}]}
