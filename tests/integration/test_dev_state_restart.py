"""The real `devnet` process on a --datadir: anvil_setBalance and hardhat_setCode on top of the
head, an impersonated contract address sending through eth_sendTransaction (EIP-3607 waived), a
--no-mining restart in between, and after a SIGTERM restart the changed state, the head block and
the impersonated transaction (hash, sender, receipt) all as they were."""
from tests.integration.devnet_process import RPCFailure

CONTRACT = "0x" + "c0" * 20
RICH = "0x" + "ab" * 20
ETHER = 10**18
RUNTIME = "0x60005460005260206000f3"  # returns storage slot 0


def test_set_balance_and_impersonation_survive_restarts(spawn, tmp_path):
    dev = spawn(datadir=tmp_path / "data")
    head0 = dev.rpc("eth_getBlockByNumber", "latest", False)
    assert dev.rpc("anvil_setBalance", RICH, hex(3 * ETHER)) is None
    assert dev.rpc("hardhat_setCode", CONTRACT, RUNTIME) is True
    assert dev.rpc("hardhat_setBalance", CONTRACT, hex(ETHER)) is True
    assert dev.rpc("eth_getBalance", RICH, "latest") == hex(3 * ETHER)
    assert dev.rpc("eth_getBlockByNumber", "latest", False) == head0

    try:
        dev.rpc("eth_sendTransaction", {"from": CONTRACT, "to": RICH, "value": "0x1"})
        raise AssertionError("a contract's address sent without impersonation")
    except RPCFailure as e:
        assert e.code == -32000 and "unknown account" in e.message
    assert dev.rpc("anvil_impersonateAccount", CONTRACT) is None
    tx_hash = dev.rpc("eth_sendTransaction", {"from": CONTRACT, "to": RICH, "value": "0x10"})
    receipt = dev.rpc("eth_getTransactionReceipt", tx_hash)
    assert receipt["status"] == "0x1" and receipt["from"] == CONTRACT
    tx = dev.rpc("eth_getTransactionByHash", tx_hash)
    block1 = dev.rpc("eth_getBlockByNumber", "0x1", False)
    assert block1["transactions"] == [tx_hash] and block1["stateRoot"] != head0["stateRoot"]
    dev.rpc("anvil_setBalance", RICH, hex(4 * ETHER))  # on top of block 1, not mined yet

    dev.stop()
    dev = spawn("--no-mining", datadir=tmp_path / "data")
    assert dev.rpc("eth_getBlockByNumber", "latest", False) == block1
    assert dev.rpc("eth_getBalance", RICH, "latest") == hex(4 * ETHER)
    dev.rpc("anvil_impersonateAccount", CONTRACT)  # impersonation itself is not persisted
    pooled = dev.rpc("eth_sendTransaction", {"from": CONTRACT, "to": RICH, "value": "0x20"})

    dev.stop()
    dev = spawn(datadir=tmp_path / "data")  # automining again: mines the pooled tx at start
    assert dev.rpc("eth_getTransactionByHash", tx_hash) == tx
    assert dev.rpc("eth_getTransactionReceipt", tx_hash) == receipt
    assert dev.rpc("eth_getBlockByNumber", "0x1", False) == block1
    pooled_receipt = dev.rpc("eth_getTransactionReceipt", pooled)
    assert pooled_receipt["status"] == "0x1" and pooled_receipt["from"] == CONTRACT
    assert pooled_receipt["blockNumber"] == "0x2"
    assert dev.rpc("eth_getBalance", RICH, "latest") == hex(4 * ETHER + 0x20)
    assert dev.rpc("eth_getCode", CONTRACT, "latest") == RUNTIME
    assert dev.rpc("eth_getTransactionByHash", pooled)["from"] == CONTRACT
