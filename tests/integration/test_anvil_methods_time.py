"""Anvil's time and mining methods through web3.py against the real `devnet` process:
evm_/anvil_setTime, anvil_setBlockTimestampInterval, anvil_removeBlockTimestampInterval,
anvil_increaseTime, anvil_snapshot/anvil_revert (ids: hex numbers that only increase),
evm_/anvil_mine_detailed, anvil_setNextBlockPrevRandao / hardhat_setPrevRandao (one block only),
and --mixed-mining (automine plus interval blocks)."""
import time

import pytest
from eth_hash.auto import keccak
from web3 import Web3

from tests.integration.support import dev_account

A0, A1 = dev_account(0).address, dev_account(1).address
PERIOD = 1  # the default genesis block period


def call(w3: Web3, method: str, *params):
    answer = w3.provider.make_request(method, list(params))
    assert "error" not in answer, answer
    return answer["result"]


@pytest.fixture
def w3(spawn):
    return Web3(Web3.HTTPProvider(spawn().url))


def latest(w3: Web3):
    return w3.eth.get_block("latest")


def test_set_time_moves_the_next_block_only(w3):
    head = latest(w3).timestamp
    target = head + 1000
    assert call(w3, "evm_setTime", target) == target - (head + PERIOD)
    call(w3, "evm_mine")
    assert latest(w3).timestamp == target
    call(w3, "evm_mine")
    assert latest(w3).timestamp == target + PERIOD
    due = target + 2 * PERIOD  # the head is at target + PERIOD
    assert call(w3, "anvil_setTime", hex((target + 5000) * 1000)) == target + 5000 - due  # ms
    call(w3, "evm_mine")
    assert latest(w3).timestamp == target + 5000


def test_block_timestamp_interval(w3):
    assert call(w3, "anvil_setBlockTimestampInterval", 60) is None
    t0 = latest(w3).timestamp
    w3.eth.send_transaction({"from": A0, "to": A1, "value": 1})
    call(w3, "evm_mine")
    assert latest(w3).timestamp == t0 + 120
    assert call(w3, "anvil_removeBlockTimestampInterval") is True
    assert call(w3, "anvil_removeBlockTimestampInterval") is False
    call(w3, "evm_mine")
    assert latest(w3).timestamp == t0 + 120 + PERIOD


def test_increase_time_alias(w3):
    t0 = latest(w3).timestamp
    assert call(w3, "anvil_increaseTime", 100) == 100
    call(w3, "evm_mine")
    assert latest(w3).timestamp == t0 + PERIOD + 100


def test_snapshot_revert_aliases_and_increasing_ids(w3):
    first = call(w3, "anvil_snapshot")
    call(w3, "evm_mine")
    second = call(w3, "evm_snapshot")
    assert int(second, 16) > int(first, 16) and second.startswith("0x")
    call(w3, "evm_mine")
    assert call(w3, "anvil_revert", first) is True
    assert w3.eth.block_number == 0
    assert call(w3, "anvil_revert", second) is False
    assert int(call(w3, "anvil_snapshot"), 16) > int(second, 16)


def test_mine_detailed(w3):
    call(w3, "evm_setAutomine", False)
    tx_hash = w3.eth.send_transaction({"from": A0, "to": A1, "value": 5})
    blocks = call(w3, "evm_mine_detailed")
    assert len(blocks) == 1 and blocks[0]["number"] == "0x1"
    assert [t["hash"] for t in blocks[0]["transactions"]] == [tx_hash.to_0x_hex()]
    assert blocks[0]["hash"] == latest(w3).hash.to_0x_hex()
    two = call(w3, "anvil_mine_detailed", {"blocks": 2})
    assert [b["number"] for b in two] == ["0x2", "0x3"]


@pytest.mark.parametrize("method, answer", [("anvil_setNextBlockPrevRandao", None),
                                            ("hardhat_setPrevRandao", True)])
def test_prevrandao_for_one_block(w3, method, answer):
    value = "0x" + "42" * 32
    assert call(w3, method, value) is answer
    call(w3, "evm_mine")
    block = latest(w3)
    assert block.mixHash.to_0x_hex() == value
    call(w3, "evm_mine")
    after = latest(w3)
    assert after.mixHash == keccak(bytes(block.hash))  # derived again from the parent


def test_mixed_mining(spawn):
    dev = spawn("--block-time", "0.5", "--mixed-mining")
    w3 = Web3(Web3.HTTPProvider(dev.url))
    tx_hash = w3.eth.send_transaction({"from": A0, "to": A1, "value": 1})
    receipt = w3.eth.get_transaction_receipt(tx_hash)  # automined: there at once
    assert receipt.status == 1
    seen = receipt.blockNumber
    deadline = time.monotonic() + 30
    while w3.eth.block_number < seen + 2 and time.monotonic() < deadline:
        time.sleep(0.1)  # the interval blocks come on their own
    assert w3.eth.block_number >= seen + 2
    assert call(w3, "anvil_getAutomine") is True
