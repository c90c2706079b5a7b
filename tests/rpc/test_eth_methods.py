"""Every eth_*/web3_*/net_* method answers, and its result validates against the execution-apis
result schema (src/eth/*.yaml with src/schemas/*.yaml): blocks, transactions of types 0, 1 and 2,
receipts, logs, fee history, proofs, access lists."""
import pytest

from pydevnet.rpc.registry import METHODS
from pydevnet.state.hashing import keccak256
from pydevnet.state.trie import SecureTrie
from tests.rpc.helpers import (EMIT_LOG2, READ_SLOT0, SLOT0, STORE_CTOR, TOPIC_A, UNIT, keys,
                               signed, validate_result, validate_schema)


@pytest.fixture
async def chain(rpc):
    """Blocks 1-5: a legacy, an access-list and a dynamic-fee transfer, a storage contract and a
    log emitter; block 6 calls the emitter."""
    a = rpc.accounts
    key0 = keys(rpc.server.devnet)[0]
    to = bytes.fromhex(a[1][2:])
    out = {"legacy": await rpc.call("eth_sendRawTransaction", signed(key0, 0, to, 5, tx_type=0)),
           "access": await rpc.call("eth_sendRawTransaction", signed(
               key0, 1, to, 6, gas=30000, tx_type=1, access_list=((to, (1, 2)),))),
           "dynamic": await rpc.call("eth_sendTransaction",
                                     {"from": a[0], "to": a[1], "value": "0x7"})}
    out["storage"] = await rpc.deploy(READ_SLOT0, STORE_CTOR)
    out["emitter"] = await rpc.deploy(EMIT_LOG2)
    topic1, data = "11" * 32, "22" * 32
    receipt = await rpc.send({"from": a[0], "to": out["emitter"], "input": "0x" + topic1 + data})
    out["log_tx"] = receipt["transactionHash"]
    return out


SERVED = """web3_clientVersion web3_sha3 net_version net_listening net_peerCount eth_chainId
eth_syncing eth_blockNumber eth_gasPrice eth_baseFee eth_maxPriorityFeePerGas eth_feeHistory
eth_blobBaseFee eth_accounts eth_coinbase eth_getBalance eth_getTransactionCount eth_getCode
eth_getStorageAt eth_getProof eth_call eth_estimateGas eth_createAccessList
eth_sendRawTransaction eth_sendTransaction eth_getTransactionByHash
eth_getTransactionByBlockHashAndIndex eth_getTransactionByBlockNumberAndIndex
eth_getRawTransactionByHash eth_getTransactionReceipt eth_getBlockReceipts eth_getBlockByNumber
eth_getBlockByHash eth_getBlockTransactionCountByHash eth_getBlockTransactionCountByNumber
eth_getUncleCountByBlockHash eth_getUncleCountByBlockNumber eth_getUncleByBlockHashAndIndex
eth_getUncleByBlockNumberAndIndex eth_getLogs eth_newFilter eth_newBlockFilter
eth_newPendingTransactionFilter eth_getFilterChanges eth_getFilterLogs eth_uninstallFilter
eth_subscribe eth_unsubscribe evm_mine evm_snapshot evm_revert evm_increaseTime
evm_setNextBlockTimestamp anvil_mine hardhat_mine klay_chainID kaia_chainID""".split()


def test_the_whole_surface_is_registered():
    assert not [name for name in SERVED if name not in METHODS]


async def test_client_and_network(rpc):
    assert (await rpc.call("web3_clientVersion")).startswith("anvil/v1.7.1 (compatible; pydevnet/")
    assert await rpc.call("web3_sha3", "0x68656c6c6f") == "0x" + keccak256(b"hello").hex()
    assert await rpc.call("net_version") == "31337"
    assert await rpc.call("net_listening") is True
    assert await rpc.call("net_peerCount") == "0x0"
    assert await rpc.call("eth_chainId") == "0x7a69"
    assert await rpc.call("eth_syncing") is False
    assert await rpc.call("eth_blockNumber") == "0x0"


async def test_fees(rpc, chain):
    for method, want in (("eth_gasPrice", hex(UNIT)), ("eth_maxPriorityFeePerGas", "0x0"),
                         ("eth_blobBaseFee", "0x1"), ("eth_baseFee", hex(UNIT))):
        result = await rpc.call(method)
        assert result == want
        validate_result(method, result)
    history = await rpc.call("eth_feeHistory", "0x3", "latest", [25, 75])
    validate_result("eth_feeHistory", history)
    assert history["oldestBlock"] == "0x4" and len(history["baseFeePerGas"]) == 4
    assert history["reward"] == [["0x0", "0x0"]] * 3
    assert set(history["baseFeePerGas"]) == {hex(UNIT)}
    no_reward = await rpc.call("eth_feeHistory", 2, "0x2", [])
    assert "reward" not in no_reward and no_reward["oldestBlock"] == "0x1"
    err = await rpc.error("eth_feeHistory", "0x2", "latest", [50, 10])
    assert err["code"] == -32602 and "invalid reward percentile" in err["message"]


async def test_accounts_and_coinbase(rpc):
    accounts = await rpc.call("eth_accounts")
    validate_result("eth_accounts", accounts)
    assert len(accounts) == 20 and accounts[0] == "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
    coinbase = await rpc.call("eth_coinbase")
    validate_result("eth_coinbase", coinbase)
    assert coinbase == "0xc014ba5ec014ba5ec014ba5ec014ba5ec014ba5e"


async def test_blocks(rpc, chain):
    latest = await rpc.call("eth_getBlockByNumber", "latest", False)
    validate_result("eth_getBlockByNumber", latest)
    assert latest["number"] == "0x6" and latest["transactions"] == [chain["log_tx"]]
    for field in ("withdrawals", "uncles"):
        assert latest[field] == []
    for field in ("withdrawalsRoot", "blobGasUsed", "excessBlobGas", "parentBeaconBlockRoot",
                  "mixHash", "baseFeePerGas", "totalDifficulty", "size"):
        assert field in latest
    for number in range(0, 7):
        full = await rpc.call("eth_getBlockByNumber", hex(number), True)
        validate_result("eth_getBlockByNumber", full)
        by_hash = await rpc.call("eth_getBlockByHash", full["hash"], True)
        assert by_hash == full
        validate_result("eth_getBlockByHash", by_hash)
    genesis = await rpc.call("eth_getBlockByNumber", "earliest", False)
    assert genesis["number"] == "0x0" and genesis["parentHash"] == "0x" + "00" * 32
    assert await rpc.call("eth_getBlockByNumber", "safe", False) == latest
    assert await rpc.call("eth_getBlockByNumber", "finalized", False) == latest
    assert await rpc.call("eth_getBlockByNumber", "0x64", False) is None
    assert await rpc.call("eth_getBlockByHash", "0x" + "de" * 32, False) is None
    validate_result("eth_getBlockByNumber", None)


async def test_block_size_is_the_rlp_length(rpc, chain):
    block = await rpc.call("eth_getBlockByNumber", "0x1", False)
    d = rpc.server.devnet
    expected = d.worker.run(lambda: len(d.block(1).encode()))
    assert int(block["size"], 16) == expected


async def test_pending_block(manual_rpc):
    rpc = manual_rpc
    a = rpc.accounts
    tx = await rpc.call("eth_sendTransaction", {"from": a[0], "to": a[1], "value": "0x1"})
    pending = await rpc.call("eth_getBlockByNumber", "pending", False)
    assert pending["number"] == "0x1" and pending["transactions"] == [tx]
    assert pending["hash"] is None and pending["nonce"] is None and pending["miner"] is None
    latest = await rpc.call("eth_getBlockByNumber", "latest", False)
    assert pending["parentHash"] == latest["hash"]
    full = await rpc.call("eth_getBlockByNumber", "pending", True)
    assert full["transactions"][0]["hash"] == tx
    assert full["transactions"][0]["blockHash"] is None
    assert await rpc.call("eth_getBlockTransactionCountByNumber", "pending") == "0x1"
    by_index = await rpc.call("eth_getTransactionByBlockNumberAndIndex", "pending", "0x0")
    assert by_index["hash"] == tx


async def test_transactions_of_each_type(rpc, chain):
    for name, tx_type in (("legacy", "0x0"), ("access", "0x1"), ("dynamic", "0x2")):
        tx = await rpc.call("eth_getTransactionByHash", chain[name])
        validate_result("eth_getTransactionByHash", tx)
        assert tx["type"] == tx_type and tx["hash"] == chain[name]
        assert tx["gasPrice"] == hex(UNIT) and tx["from"] == rpc.accounts[0]
        if tx_type != "0x0":
            assert tx["yParity"] in ("0x0", "0x1") and tx["v"] == tx["yParity"]
            assert tx["chainId"] == "0x7a69"
        block = await rpc.call("eth_getBlockByHash", tx["blockHash"], False)
        assert block["timestamp"] == tx["blockTimestamp"]
        same = await rpc.call("eth_getTransactionByBlockHashAndIndex", tx["blockHash"],
                              tx["transactionIndex"])
        assert same == tx
        validate_result("eth_getTransactionByBlockHashAndIndex", same)
        same = await rpc.call("eth_getTransactionByBlockNumberAndIndex", tx["blockNumber"],
                              tx["transactionIndex"])
        assert same == tx
        validate_result("eth_getTransactionByBlockNumberAndIndex", same)
    access = await rpc.call("eth_getTransactionByHash", chain["access"])
    assert access["accessList"] == [{"address": rpc.accounts[1],
                                     "storageKeys": ["0x" + "00" * 31 + "01",
                                                     "0x" + "00" * 31 + "02"]}]
    raw = await rpc.call("eth_getRawTransactionByHash", chain["legacy"])
    assert "0x" + keccak256(bytes.fromhex(raw[2:])).hex() == chain["legacy"]
    assert await rpc.call("eth_getTransactionByHash", "0x" + "00" * 32) is None
    assert await rpc.call("eth_getRawTransactionByHash", "0x" + "00" * 32) is None
    assert await rpc.call("eth_getTransactionByBlockNumberAndIndex", "0x1", "0x5") is None
    assert await rpc.call("eth_getTransactionByBlockHashAndIndex", "0x" + "00" * 32,
                          "0x0") is None


async def test_pending_transaction_shows_max_fee_as_gas_price(manual_rpc):
    rpc = manual_rpc
    tx_hash = await rpc.call("eth_sendTransaction", {
        "from": rpc.accounts[0], "to": rpc.accounts[1], "maxFeePerGas": hex(3 * UNIT),
        "maxPriorityFeePerGas": "0x0"})
    tx = await rpc.call("eth_getTransactionByHash", tx_hash)
    assert tx["blockHash"] is None and tx["blockNumber"] is None
    assert tx["transactionIndex"] is None and tx["gasPrice"] == hex(3 * UNIT)
    assert await rpc.call("eth_getTransactionReceipt", tx_hash) is None
    await rpc.call("evm_mine")
    mined = await rpc.call("eth_getTransactionByHash", tx_hash)
    assert mined["gasPrice"] == hex(UNIT) and mined["blockNumber"] == "0x1"


async def test_block_transaction_counts(rpc, chain):
    block = await rpc.call("eth_getBlockByNumber", "0x1", False)
    for method, ref in (("eth_getBlockTransactionCountByNumber", "0x1"),
                        ("eth_getBlockTransactionCountByHash", block["hash"])):
        count = await rpc.call(method, ref)
        assert count == "0x1"
        validate_result(method, count)
    assert await rpc.call("eth_getBlockTransactionCountByNumber", "0x0") == "0x0"
    assert await rpc.call("eth_getBlockTransactionCountByNumber", "0x99") is None
    assert await rpc.call("eth_getBlockTransactionCountByHash", "0x" + "00" * 32) is None


async def test_uncles(rpc, chain):
    block = await rpc.call("eth_getBlockByNumber", "0x1", False)
    assert await rpc.call("eth_getUncleCountByBlockNumber", "0x1") == "0x0"
    assert await rpc.call("eth_getUncleCountByBlockHash", block["hash"]) == "0x0"
    assert await rpc.call("eth_getUncleCountByBlockNumber", "0x99") is None
    assert await rpc.call("eth_getUncleByBlockNumberAndIndex", "0x1", "0x0") is None
    assert await rpc.call("eth_getUncleByBlockHashAndIndex", block["hash"], "0x0") is None


async def test_receipts(rpc, chain):
    receipt = await rpc.call("eth_getTransactionReceipt", chain["log_tx"])
    validate_result("eth_getTransactionReceipt", receipt)
    assert receipt["status"] == "0x1" and receipt["to"] == chain["emitter"]
    assert receipt["effectiveGasPrice"] == hex(UNIT) and receipt["contractAddress"] is None
    log = receipt["logs"][0]
    assert log["topics"] == [TOPIC_A, "0x" + "11" * 32] and log["data"] == "0x" + "22" * 32
    assert log["transactionHash"] == chain["log_tx"] and log["removed"] is False
    deploy = await rpc.call("eth_getBlockReceipts", "0x5")
    validate_result("eth_getBlockReceipts", deploy)
    assert deploy[0]["contractAddress"] == chain["emitter"] and deploy[0]["to"] is None
    block = await rpc.call("eth_getBlockByNumber", "latest", False)
    for ref in ("latest", "0x6", block["hash"], {"blockHash": block["hash"]},
                {"blockNumber": "0x6"}):
        assert await rpc.call("eth_getBlockReceipts", ref) == [receipt]
    assert await rpc.call("eth_getBlockReceipts", "0x0") == []
    assert await rpc.call("eth_getBlockReceipts", "0x37") is None
    assert await rpc.call("eth_getBlockReceipts", "0x" + "00" * 32) is None
    assert await rpc.call("eth_getTransactionReceipt", "0x" + "00" * 32) is None
    legacy = await rpc.call("eth_getTransactionReceipt", chain["legacy"])
    assert legacy["type"] == "0x0" and legacy["gasUsed"] == "0x5208"


async def test_account_state(rpc, chain):
    a = rpc.accounts
    balance = await rpc.call("eth_getBalance", a[1])
    validate_result("eth_getBalance", balance)
    assert int(balance, 16) == 10_000 * 10 ** 18 + 18
    assert await rpc.call("eth_getBalance", a[1], "0x0") == hex(10_000 * 10 ** 18)
    assert await rpc.call("eth_getBalance", a[1], "0x2") == hex(10_000 * 10 ** 18 + 11)
    genesis = await rpc.call("eth_getBlockByNumber", "0x0", False)
    for ref in ({"blockHash": genesis["hash"]}, {"blockHash": genesis["hash"],
                                                 "requireCanonical": True},
                genesis["hash"], {"blockNumber": "0x0"}, "earliest"):
        assert await rpc.call("eth_getBalance", a[1], ref) == hex(10_000 * 10 ** 18)
    err = await rpc.error("eth_getBalance", a[1], "0x99")
    assert err == {"code": -32000, "message": "header not found"}
    err = await rpc.error("eth_getBalance", a[1], {"blockHash": "0x" + "ab" * 32})
    assert err["code"] == -32000
    count = await rpc.call("eth_getTransactionCount", a[0])
    validate_result("eth_getTransactionCount", count)
    assert count == "0x6" and await rpc.call("eth_getTransactionCount", a[0], "0x1") == "0x1"
    code = await rpc.call("eth_getCode", chain["storage"])
    validate_result("eth_getCode", code)
    assert code == "0x" + READ_SLOT0.hex()
    assert await rpc.call("eth_getCode", a[0]) == "0x"
    slot = await rpc.call("eth_getStorageAt", chain["storage"], "0x0", "latest")
    validate_result("eth_getStorageAt", slot)
    assert slot == "0x" + f"{SLOT0:064x}"
    assert await rpc.call("eth_getStorageAt", chain["storage"], "0x" + "00" * 32) == slot
    assert await rpc.call("eth_getStorageAt", chain["storage"], "0x1") == "0x" + "00" * 32


async def test_proofs(rpc, chain):
    block = await rpc.call("eth_getBlockByNumber", "latest", False)
    root = bytes.fromhex(block["stateRoot"][2:])
    proof = await rpc.call("eth_getProof", chain["storage"], ["0x0", "0x" + "00" * 31 + "01"])
    validate_result("eth_getProof", proof)
    assert proof["storageProof"][0]["key"] == "0x0"
    assert proof["storageProof"][0]["value"] == hex(SLOT0)
    assert proof["storageProof"][1]["key"] == "0x" + "00" * 31 + "01"
    assert proof["storageProof"][1]["value"] == "0x0"
    address = bytes.fromhex(chain["storage"][2:])
    leaf = SecureTrie.verify_proof(root, address, [bytes.fromhex(n[2:])
                                                   for n in proof["accountProof"]])
    assert leaf is not None
    storage_root = bytes.fromhex(proof["storageHash"][2:])
    value = SecureTrie.verify_proof(storage_root, bytes(32), [
        bytes.fromhex(n[2:]) for n in proof["storageProof"][0]["proof"]])
    assert value is not None
    absent = await rpc.call("eth_getProof", "0x" + "99" * 20, [], "latest")
    validate_result("eth_getProof", absent)
    assert absent["balance"] == "0x0" and absent["codeHash"] == "0x" + keccak256(b"").hex()
    at_genesis = await rpc.call("eth_getProof", rpc.accounts[0], [], "0x0")
    assert at_genesis["nonce"] == "0x0" and at_genesis["balance"] == hex(10_000 * 10 ** 18)


async def test_call_and_estimate(rpc, chain):
    out = await rpc.call("eth_call", {"to": chain["storage"]}, "latest")
    validate_result("eth_call", out)
    assert out == "0x" + f"{SLOT0:064x}"
    assert await rpc.call("eth_call", {"to": chain["storage"]}, "0x3") == "0x"  # not yet deployed
    assert await rpc.call("eth_call", {"to": chain["storage"]}) == out
    assert await rpc.call("eth_call", {"to": chain["storage"]}, "pending") == out
    block = await rpc.call("eth_getBlockByNumber", "0x4", False)
    assert await rpc.call("eth_call", {"to": chain["storage"]}, {"blockHash": block["hash"]}) \
        == out
    gas = await rpc.call("eth_estimateGas", {"from": rpc.accounts[0], "to": rpc.accounts[1],
                                            "value": "0x1"})
    validate_result("eth_estimateGas", gas)
    assert gas == "0x5208"


async def test_call_with_state_overrides(rpc, chain):
    storage = chain["storage"]
    overridden = await rpc.call("eth_call", {"to": storage}, "latest",
                                {storage: {"stateDiff": {"0x0": "0x" + "00" * 31 + "07"}}})
    assert overridden == "0x" + f"{7:064x}"
    replaced = await rpc.call("eth_call", {"to": storage}, "latest",
                              {storage: {"state": {"0x1": "0x05"}}})
    assert replaced == "0x" + "00" * 32  # state replaces the whole storage
    other = "0x" + "42" * 20
    code = await rpc.call("eth_call", {"to": other}, "latest",
                          {other: {"code": "0x" + READ_SLOT0.hex(),
                                   "stateDiff": {"0x0": "0x09"}}})
    assert code == "0x" + f"{9:064x}"
    rich = "0x" + "43" * 20
    balance_check = await rpc.call("eth_estimateGas", {"from": rich, "to": other, "value":
                                                      hex(10 ** 30)}, "latest",
                                   {rich: {"balance": hex(10 ** 31)}})
    assert balance_check == "0x5208"
    # an override's quantities may be JSON numbers, as Anvil takes them (rpc/params.py)
    assert await rpc.call("eth_estimateGas", {"from": rich, "to": other, "value": 10 ** 30},
                          "latest", {rich: {"balance": 10 ** 31, "nonce": 3}}) == "0x5208"
    err = await rpc.error("eth_estimateGas", {"from": rich, "to": other, "value": 10 ** 30},
                          "latest", {rich: {"balance": 10 ** 29}})
    assert err["code"] != -32602  # decoded: too little balance, not a parameter error
    for bad in (-1, 2 ** 256, 1.5, True):
        err = await rpc.error("eth_call", {"to": other}, "latest", {rich: {"balance": bad}})
        assert err["code"] == -32602 and "balance" in err["message"], bad
    err = await rpc.error("eth_call", {"to": other}, "latest", {rich: {"nonce": 2 ** 64}})
    assert err["code"] == -32602 and "nonce" in err["message"]
    assert await rpc.call("eth_getStorageAt", storage, "0x0") == "0x" + f"{SLOT0:064x}"
    err = await rpc.error("eth_call", {"to": storage}, "latest",
                          {storage: {"state": {}, "stateDiff": {}}})
    assert err["code"] == -32602 and "both 'state' and 'stateDiff'" in err["message"]


async def test_create_access_list(rpc, chain):
    result = await rpc.call("eth_createAccessList", {"from": rpc.accounts[0], "to": "0x" +
                                                     "44" * 20, "input": "0x"}, "latest")
    validate_result("eth_createAccessList", result)
    assert result == {"accessList": [], "gasUsed": "0x5208"}
    reader = "0x" + "45" * 20
    result = await rpc.call("eth_createAccessList", {"to": chain["storage"]})
    validate_result("eth_createAccessList", result)
    assert result["accessList"] == [] and "error" not in result  # the recipient is excluded
    proxy_code = ("0x" + "60206000600060007f" + chain["storage"][2:].rjust(64, "0")
                  + "5afa50" + "00")  # STATICCALL(gas, storage, 0, 0, 0, 32), POP
    result = await rpc.call("eth_createAccessList", {"to": reader}, "latest",
                            {reader: {"code": proxy_code}})
    validate_result("eth_createAccessList", result)
    assert result["accessList"] == [{"address": chain["storage"],
                                     "storageKeys": ["0x" + "00" * 32]}]


async def test_logs_schema(rpc, chain):
    logs = await rpc.call("eth_getLogs", {"fromBlock": "0x0"})
    validate_result("eth_getLogs", logs)
    for log in logs:
        validate_schema(log, "Log")
    assert [log["transactionHash"] for log in logs] == [chain["log_tx"]]
