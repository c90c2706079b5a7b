"""eth_getLogs (geth's topic and range rules) and the polled filters: eth_newFilter,
eth_newBlockFilter, eth_newPendingTransactionFilter, eth_getFilterChanges, eth_getFilterLogs,
eth_uninstallFilter."""
import pytest

from tests.rpc.helpers import EMIT_LOG0, EMIT_LOG2, TOPIC_A, validate_result

X, Y = "0x" + "0a" * 32, "0x" + "0b" * 32


@pytest.fixture
async def logs_chain(rpc):
    """Block 1 deploys the LOG2 emitter, block 2 the LOG0 one; blocks 3 and 4 log
    [TOPIC_A, X] and [TOPIC_A, Y]; block 5 logs with no topic."""
    sender = rpc.accounts[0]
    emit2 = await rpc.deploy(EMIT_LOG2)
    emit0 = await rpc.deploy(EMIT_LOG0)
    txs = []
    for topic, data in ((X, "01"), (Y, "02")):
        r = await rpc.send({"from": sender, "to": emit2, "input": topic + data.rjust(64, "0")})
        txs.append(r["transactionHash"])
    r = await rpc.send({"from": sender, "to": emit0, "input": "0x" + "03".rjust(64, "0")})
    txs.append(r["transactionHash"])
    return {"emit2": emit2, "emit0": emit0, "txs": txs}


async def _logs(rpc, **flt) -> list:
    logs = await rpc.call("eth_getLogs", {"fromBlock": "0x0", **flt})
    if logs:  # FilterResults is a oneOf two array types, so the spec itself rejects []
        validate_result("eth_getLogs", logs)
    return logs


@pytest.mark.parametrize("topics, count", [
    ([], 3),
    ([TOPIC_A], 2),
    ([TOPIC_A, X], 1),
    ([None, X], 1),
    ([None, [X, Y]], 2),
    ([[TOPIC_A, X]], 2),
    ([None], 2),  # a null position still needs a topic there: the LOG0 log does not match
    ([None, None], 2),
    ([TOPIC_A, None, None], 0),  # more positions than the logs have topics
    ([X], 0),
    ([[]], 2),  # an empty alternative list is a wildcard too
])
async def test_topic_rules(rpc, logs_chain, topics, count):
    assert len(await _logs(rpc, topics=topics)) == count


async def test_log_fields(rpc, logs_chain):
    logs = await _logs(rpc)
    assert [log["transactionHash"] for log in logs] == logs_chain["txs"]
    first = logs[0]
    assert first["address"] == logs_chain["emit2"] and first["topics"] == [TOPIC_A, X]
    assert first["data"] == "0x" + "01".rjust(64, "0") and first["logIndex"] == "0x0"
    assert first["blockNumber"] == "0x3" and first["transactionIndex"] == "0x0"
    block = await rpc.call("eth_getBlockByNumber", "0x3", False)
    assert first["blockHash"] == block["hash"] and first["blockTimestamp"] == block["timestamp"]
    assert logs[2]["topics"] == [] and logs[2]["address"] == logs_chain["emit0"]


async def test_address_filter(rpc, logs_chain):
    assert len(await _logs(rpc, address=logs_chain["emit2"])) == 2
    assert len(await _logs(rpc, address=[logs_chain["emit0"], logs_chain["emit2"]])) == 3
    assert len(await _logs(rpc, address=["0x" + "11" * 20])) == 0


async def test_ranges(rpc, logs_chain):
    latest_only = await rpc.call("eth_getLogs", {})
    assert [log["blockNumber"] for log in latest_only] == ["0x5"]
    assert len(await rpc.call("eth_getLogs", {"fromBlock": "0x4", "toBlock": "0x4"})) == 1
    assert len(await rpc.call("eth_getLogs", {"fromBlock": "earliest", "toBlock": "latest"})) == 3
    err = await rpc.error("eth_getLogs", {"fromBlock": "0x4", "toBlock": "0x3"})
    assert err == {"code": -32602, "message": "invalid block range params"}
    err = await rpc.error("eth_getLogs", {"fromBlock": "0x4", "toBlock": "0x38"})
    assert err == {"code": -32602, "message": "block range extends beyond current head block"}
    err = await rpc.error("eth_getLogs", {"fromBlock": "0x32"})
    assert err == {"code": -32602, "message": "invalid block range params"}


async def test_block_hash(rpc, logs_chain):
    block = await rpc.call("eth_getBlockByNumber", "0x4", False)
    logs = await rpc.call("eth_getLogs", {"blockHash": block["hash"], "topics": [TOPIC_A]})
    assert [log["topics"][1] for log in logs] == [Y]
    err = await rpc.error("eth_getLogs", {"blockHash": block["hash"], "fromBlock": "0x3",
                                          "toBlock": "0x4"})
    assert err == {"code": -32602, "message": "invalid argument 0: cannot specify both "
                   "BlockHash and FromBlock/ToBlock, choose one or the other"}
    err = await rpc.error("eth_getLogs", {"blockHash": "0x" + "00" * 32})
    assert err["code"] == -32000 and err["message"] == "unknown block"


async def test_bad_filter_objects(rpc):
    for flt in ({"topics": ["0x12"]}, {"address": "0x12"}, {"fromBlock": "0x01"},
                {"topics": [None, None, None, None, None]}, {"topics": "0x" + "00" * 32}):
        err = await rpc.error("eth_getLogs", flt)
        assert err["code"] == -32602 and err["message"].startswith("invalid argument 0: ")


async def test_log_filter_polling(rpc, logs_chain):
    fid = await rpc.call("eth_newFilter", {"topics": [TOPIC_A]})
    validate_result("eth_newFilter", fid)
    assert await rpc.call("eth_getFilterChanges", fid) == []
    r = await rpc.send({"from": rpc.accounts[0], "to": logs_chain["emit2"],
                        "input": X + "09".rjust(64, "0")})
    await rpc.send({"from": rpc.accounts[0], "to": logs_chain["emit0"], "input": X})
    changes = await rpc.call("eth_getFilterChanges", fid)
    validate_result("eth_getFilterChanges", changes)
    assert [log["transactionHash"] for log in changes] == [r["transactionHash"]]
    assert await rpc.call("eth_getFilterChanges", fid) == []
    ranged = await rpc.call("eth_newFilter", {"fromBlock": "0x0", "topics": [TOPIC_A]})
    all_logs = await rpc.call("eth_getFilterLogs", ranged)
    validate_result("eth_getFilterLogs", all_logs)
    assert len(all_logs) == 3
    assert await rpc.call("eth_uninstallFilter", fid) is True
    assert await rpc.call("eth_uninstallFilter", fid) is False
    err = await rpc.error("eth_getFilterChanges", fid)
    assert err == {"code": -32000, "message": "filter not found"}
    assert (await rpc.error("eth_getFilterLogs", "0xdead"))["message"] == "filter not found"
    assert (await rpc.error("eth_getFilterChanges", "not-an-id"))["code"] == -32000


async def test_block_filter(rpc):
    fid = await rpc.call("eth_newBlockFilter")
    validate_result("eth_newBlockFilter", fid)
    await rpc.call("evm_mine")
    await rpc.call("evm_mine")
    hashes = await rpc.call("eth_getFilterChanges", fid)
    validate_result("eth_getFilterChanges", hashes)
    blocks = [await rpc.call("eth_getBlockByNumber", n, False) for n in ("0x1", "0x2")]
    assert hashes == [b["hash"] for b in blocks]
    assert await rpc.call("eth_getFilterChanges", fid) == []
    err = await rpc.error("eth_getFilterLogs", fid)
    assert err["message"] == "filter not found"


async def test_pending_transaction_filter(manual_rpc):
    rpc = manual_rpc
    fid = await rpc.call("eth_newPendingTransactionFilter")
    validate_result("eth_newPendingTransactionFilter", fid)
    sent = [await rpc.call("eth_sendTransaction", {"from": rpc.accounts[0],
                                                   "to": rpc.accounts[1], "value": hex(v)})
            for v in (1, 2)]
    assert await rpc.call("eth_getFilterChanges", fid) == sent
    assert await rpc.call("eth_getFilterChanges", fid) == []
    assert await rpc.call("eth_uninstallFilter", fid) is True


async def test_evm_revert_delivers_removed_logs_to_filters(rpc):
    emitter = await rpc.deploy(EMIT_LOG2)
    early = await rpc.call("eth_newFilter", {"topics": [TOPIC_A, X]})
    blocks = await rpc.call("eth_newBlockFilter")
    snap = await rpc.call("evm_snapshot")
    r = await rpc.send({"from": rpc.accounts[0], "to": emitter, "input": X + "01".rjust(64, "0")})
    await rpc.send({"from": rpc.accounts[0], "to": emitter, "input": Y + "02".rjust(64, "0")})
    head = int(await rpc.call("eth_blockNumber"), 16)
    late = await rpc.call("eth_newFilter", {"topics": [TOPIC_A]})  # installed after both blocks
    [seen] = await rpc.call("eth_getFilterChanges", early)
    assert seen["removed"] is False
    await rpc.call("eth_getFilterChanges", blocks)
    assert await rpc.call("evm_revert", snap) is True
    [removed] = await rpc.call("eth_getFilterChanges", early)
    assert removed == dict(seen, removed=True)
    assert removed["transactionHash"] == r["transactionHash"]
    assert await rpc.call("eth_getFilterChanges", late) == []  # it never saw those blocks
    assert await rpc.call("eth_getFilterChanges", blocks) == []
    assert int(await rpc.call("eth_blockNumber"), 16) == head - 2
    await rpc.call("evm_revert", hex(99))  # an unknown snapshot changes nothing
    assert await rpc.call("eth_getFilterChanges", early) == []
