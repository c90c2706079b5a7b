"""Anvil's chain methods through web3.py against the real `devnet` process: anvil_/hardhat_reset
(forking without a URL refused on a local node: tests/integration/test_fork_reset.py resets
forks), anvil_nodeInfo, anvil_/hardhat_metadata, anvil_setChainId,
anvil_/hardhat_setCoinbase, anvil_setMinGasPrice and anvil_/hardhat_setNextBlockBaseFeePerGas
(the one unit price), evm_/anvil_setBlockGasLimit, anvil_rollback, anvil_reorg and debug_setHead,
the last three checked again after a SIGTERM restart on the same LevelDB data dir."""
import pytest
from web3 import Web3

from tests.integration.support import CHAIN_ID, UNIT_PRICE, dev_account

A0, A1, A2, A5 = (dev_account(i).address for i in (0, 1, 2, 5))


def call(w3: Web3, method: str, *params):
    answer = w3.provider.make_request(method, list(params))
    assert "error" not in answer, answer
    return answer["result"]


def error(w3: Web3, method: str, *params) -> dict:
    answer = w3.provider.make_request(method, list(params))
    assert "error" in answer, answer
    return answer["error"]


def send(w3: Web3, value: int = 1, sender: str = A0, to: str = A1) -> bytes:
    return w3.eth.send_transaction({"from": sender, "to": to, "value": value})


@pytest.fixture
def node(spawn, tmp_path):
    dev = spawn(datadir=tmp_path / "data")
    return dev, Web3(Web3.HTTPProvider(dev.url))


def test_node_info_and_metadata_shapes(node):
    dev, w3 = node
    send(w3)
    head = w3.eth.get_block("latest")
    info = call(w3, "anvil_nodeInfo")
    assert info["currentBlockNumber"] == "0x1"
    assert info["currentBlockTimestamp"] == head.timestamp
    assert info["currentBlockHash"] == head.hash.to_0x_hex()
    assert info["environment"] == {"baseFee": hex(UNIT_PRICE), "chainId": CHAIN_ID,
                                   "gasLimit": hex(head.gasLimit), "gasPrice": hex(UNIT_PRICE)}
    assert info["forkConfig"] == {"forkUrl": None, "forkBlockNumber": None,
                                  "forkRetryBackoff": None}
    sid = call(w3, "evm_snapshot")
    meta = call(w3, "anvil_metadata")
    assert meta["chainId"] == CHAIN_ID and meta["latestBlockNumber"] == 1
    assert meta["latestBlockHash"] == head.hash.to_0x_hex() and meta["forkedNetwork"] is None
    assert meta["snapshots"] == {sid: [1, head.hash.to_0x_hex()]}
    assert len(bytes.fromhex(meta["instanceId"][2:])) == 32
    assert meta["clientVersion"] == w3.client_version
    assert call(w3, "hardhat_metadata")["instanceId"] == meta["instanceId"]


def test_reset_back_to_genesis(node):
    dev, w3 = node
    genesis = w3.eth.get_block(0)
    before = call(w3, "anvil_metadata")["instanceId"]
    send(w3)
    call(w3, "anvil_setBalance", A5, hex(7))
    call(w3, "anvil_setChainId", 4242)
    call(w3, "evm_setAutomine", False)
    send(w3)
    assert call(w3, "hardhat_reset") is True
    assert w3.eth.block_number == 0 and w3.eth.chain_id == CHAIN_ID
    assert w3.eth.get_block("latest").hash == genesis.hash
    assert w3.eth.get_balance(A5) == 10**22 and call(w3, "eth_pendingTransactions") == []
    assert call(w3, "anvil_metadata")["instanceId"] != before
    assert call(w3, "anvil_metadata")["snapshots"] == {}
    err = error(w3, "anvil_reset", {"forking": {"blockNumber": 1}})  # no remote to fork
    assert err == {"code": -32602, "message": "Forking not enabled and RPC URL not provided "
                                              "to start forking"}
    assert call(w3, "anvil_reset") is None


def test_set_chain_id(node):
    dev, w3 = node
    assert call(w3, "anvil_setChainId", 1337) is None
    assert w3.eth.chain_id == 1337
    tx = w3.eth.get_transaction(send(w3))
    assert tx.chainId == 1337


def test_set_coinbase(node):
    dev, w3 = node
    assert call(w3, "hardhat_setCoinbase", A5) is True
    before = w3.eth.get_balance(A5)
    receipt = w3.eth.get_transaction_receipt(send(w3))
    block = w3.eth.get_block(receipt.blockNumber)
    assert block.miner == A5
    assert w3.eth.get_balance(A5) == before + receipt.gasUsed * UNIT_PRICE
    assert call(w3, "anvil_setCoinbase", A1) is None


@pytest.mark.parametrize("method, answer", [("anvil_setMinGasPrice", None),
                                            ("anvil_setNextBlockBaseFeePerGas", None),
                                            ("hardhat_setNextBlockBaseFeePerGas", True)])
def test_unit_price_setters(node, method, answer):
    dev, w3 = node
    price = 3 * 10**9
    assert call(w3, method, hex(price)) is answer
    assert w3.eth.gas_price == price
    receipt = w3.eth.get_transaction_receipt(send(w3))
    assert receipt.effectiveGasPrice == price
    assert w3.eth.get_block(receipt.blockNumber).baseFeePerGas == price
    assert w3.eth.get_block(receipt.blockNumber - 1).baseFeePerGas == UNIT_PRICE
    assert error(w3, method, "0x0")["code"] == -32602


def test_set_block_gas_limit(node):
    dev, w3 = node
    assert call(w3, "evm_setBlockGasLimit", hex(20_000_000)) is True
    call(w3, "evm_mine")
    assert w3.eth.get_block("latest").gasLimit == 20_000_000
    assert call(w3, "anvil_setBlockGasLimit", 25_000_000) is True
    call(w3, "evm_mine")
    assert w3.eth.get_block("latest").gasLimit == 25_000_000


def test_rollback_set_head_and_reorg_survive_a_restart(spawn, tmp_path):
    dev = spawn(datadir=tmp_path / "data")
    w3 = Web3(Web3.HTTPProvider(dev.url))
    hashes = [send(w3, value=i + 1) for i in range(5)]
    block2 = w3.eth.get_block(2)
    assert call(w3, "anvil_rollback") is None  # depth 1
    assert w3.eth.block_number == 4
    assert w3.provider.make_request("eth_getTransactionByHash", [hashes[4].to_0x_hex()])[
        "result"] is None
    assert call(w3, "anvil_rollback", 1) is None and w3.eth.block_number == 3
    err = error(w3, "anvil_rollback", 9)
    assert err["code"] == -32602 and "current height 3, depth 9" in err["message"]
    assert call(w3, "debug_setHead", "0x2") is None
    assert w3.eth.get_block("latest") == block2
    assert error(w3, "debug_setHead", "0x9")["code"] == -32602
    call(w3, "anvil_reorg", {"depth": 1, "tx_block_pairs": [
        [{"from": A2, "to": A1, "value": "0x7"}, 0]]})
    head = w3.eth.get_block("latest", True)
    assert head.number == 2 and head.hash != block2.hash
    # the replaced block is gone by hash too, as in Anvil, for blocks and for logs
    assert w3.provider.make_request("eth_getBlockByHash", [block2.hash.to_0x_hex(), False])[
        "result"] is None
    assert "error" in w3.provider.make_request("eth_getLogs", [{"blockHash":
                                                                block2.hash.to_0x_hex()}])
    assert [t["from"] for t in head.transactions] == [A2]
    assert w3.eth.get_transaction_receipt(hashes[0]).blockNumber == 1  # kept
    err = error(w3, "anvil_reorg", {"depth": 2, "tx_block_pairs": [[{"from": A0}, 2]]})
    assert err["code"] == -32602 and "must not exceed (depth-1) 1" in err["message"]
    balances = {a: w3.eth.get_balance(a) for a in (A0, A1, A2)}

    dev.stop()
    dev = spawn(datadir=tmp_path / "data")
    w3 = Web3(Web3.HTTPProvider(dev.url))
    assert w3.eth.get_block("latest", True) == head
    assert {a: w3.eth.get_balance(a) for a in (A0, A1, A2)} == balances
    assert w3.eth.block_number == 2
    for h in hashes[1:]:
        assert w3.provider.make_request("eth_getTransactionReceipt", [h.to_0x_hex()])[
            "result"] is None
    receipt = w3.eth.get_transaction_receipt(send(w3, value=9))
    assert receipt.blockNumber == 3 and receipt.status == 1
