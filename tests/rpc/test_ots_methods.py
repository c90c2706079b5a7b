"""ots_*: Otterscan's API at level 8 as Anvil answers it. ots_getInternalOperations,
ots_traceTransaction, ots_getTransactionError and the address searches' pages are checked against
Anvil 1.7.1's answers for the same chain (tests/rpc/tracee.py); block details and paged block
transactions, contract creators, transactions by sender and nonce, ots_hasCode and the errors
against the chain itself."""
from tests.rpc.tracee import ANVIL, tracee_chain

UNKNOWN = "0x" + "11" * 32


async def test_api_level_and_transaction_answers_as_anvil(rpc):
    assert await rpc.call("ots_getApiLevel") == 8
    chain = await tracee_chain(rpc)
    run, boom = chain["run"]["transactionHash"], chain["boom"]["transactionHash"]
    ops = await rpc.call("ots_getInternalOperations", run)
    assert ops == ANVIL["ots_getInternalOperations"]
    assert [op["type"] for op in ops] == [0, 3, 0, 1, 2]  # transfer, create2, transfer, ...
    entries = await rpc.call("ots_traceTransaction", run)
    assert entries == ANVIL["ots_traceTransaction"]
    assert [(e["type"], e["depth"]) for e in entries] == [
        ("CALL", 0), ("CALL", 1), ("STATICCALL", 1), ("CALL", 1), ("STATICCALL", 1),
        ("DELEGATECALL", 1)]
    assert await rpc.call("ots_getTransactionError", boom) == ANVIL["ots_getTransactionError"]
    assert await rpc.call("ots_getTransactionError", run) == "0x"
    assert await rpc.call("ots_getTransactionError", UNKNOWN) == "0x"
    assert await rpc.call("ots_traceTransaction", UNKNOWN) == []
    err = await rpc.error("ots_getInternalOperations", UNKNOWN)
    assert (err["code"], err["message"]) == (-32000, "transaction not found")
    deploy_ops = await rpc.call("ots_getInternalOperations", chain["deploy"]["transactionHash"])
    assert deploy_ops == [{"type": 2, "from": rpc.accounts[0].lower(), "to": chain["tracee"],
                           "value": "0x0"}]


async def test_block_details_and_transactions(rpc):
    chain = await tracee_chain(rpc)
    receipt = chain["run"]
    block = await rpc.call("eth_getBlockByNumber", receipt["blockNumber"], False)
    details = await rpc.call("ots_getBlockDetails", int(receipt["blockNumber"], 16))
    assert details == await rpc.call("ots_getBlockDetailsByHash", receipt["blockHash"])
    expected = {k: v for k, v in block.items() if k != "transactions"}
    expected["transactionCount"] = 1
    assert details["block"] == expected  # logsBloom kept, as Anvil
    assert details["issuance"] == {"blockReward": "0x0", "uncleReward": "0x0", "issuance": "0x0"}
    fees = int(receipt["gasUsed"], 16) * int(receipt["effectiveGasPrice"], 16)
    assert details["totalFees"] == hex(fees)
    for method, param in (("ots_getBlockDetails", 99), ("ots_getBlockDetailsByHash", UNKNOWN),
                          ("ots_getBlockTransactions", 99)):
        args = (param, 0, 10) if method == "ots_getBlockTransactions" else (param,)
        err = await rpc.error(method, *args)
        assert (err["code"], err["message"]) == (-32001, "Resource not found")


async def test_block_transactions_pages_from_the_start(manual_rpc):
    rpc = manual_rpc
    sender = rpc.accounts[0]
    hashes = [await rpc.call("eth_sendTransaction", {"from": sender, "to": rpc.accounts[1],
                                                     "value": hex(i + 1), "input": "0xdeadbeef01"})
              for i in range(5)]
    await rpc.call("evm_mine")
    page0 = await rpc.call("ots_getBlockTransactions", 1, 0, 2)
    page2 = await rpc.call("ots_getBlockTransactions", 1, 2, 2)
    assert [t["hash"] for t in page0["fullblock"]["transactions"]] == hashes[:2]
    assert [t["hash"] for t in page2["fullblock"]["transactions"]] == hashes[4:]
    assert page0["fullblock"]["transactionCount"] == 5
    assert page0["fullblock"]["transactions"][0]["input"] == "0xdeadbeef"  # the selector only
    r = page0["receipts"][0]
    block = await rpc.call("eth_getBlockByNumber", "0x1", False)
    full = await rpc.call("eth_getTransactionReceipt", hashes[0])
    assert r == {**full, "timestamp": block["timestamp"]}
    assert (await rpc.call("ots_getBlockTransactions", 1, 3, 2))["receipts"] == []


async def test_search_transactions_as_anvil(rpc):
    chain = await tracee_chain(rpc)
    sender = rpc.accounts[0]
    for method in ("ots_searchTransactionsBefore", "ots_searchTransactionsAfter"):
        page = await rpc.call(method, sender, 0, 2)
        want = ANVIL[method]
        assert [t["nonce"] for t in page["txs"]] == [t["nonce"] for t in want["txs"]]
        assert (page["firstPage"], page["lastPage"]) == (want["firstPage"], want["lastPage"])
        assert [r["transactionHash"] for r in page["receipts"]] == \
            [t["hash"] for t in page["txs"]]
        assert sorted(page["receipts"][0]) == sorted(k for k in want["receipts"][0]
                                                     if k != "blobGasPrice")
    older = await rpc.call("ots_searchTransactionsBefore", sender, 2, 2)
    assert [t["nonce"] for t in older["txs"]] == ["0x0"]
    assert (older["firstPage"], older["lastPage"]) == (False, True)
    # the child contract appears only inside the run transaction's calls
    child = (await rpc.call("trace_transaction", chain["run"]["transactionHash"]))[1]
    touched = await rpc.call("ots_searchTransactionsBefore", child["result"]["address"], 0, 5)
    assert [t["hash"] for t in touched["txs"]] == [chain["run"]["transactionHash"]]
    err = await rpc.error("ots_searchTransactionsAfter", sender, 0, 101)
    assert (err["code"], err["message"]) == (-32602, "max allowed page size: 100")


async def test_creator_nonce_and_code(rpc):
    chain = await tracee_chain(rpc)
    sender, tracee = rpc.accounts[0].lower(), chain["tracee"]
    assert await rpc.call("ots_getContractCreator", tracee) == {
        "hash": chain["deploy"]["transactionHash"], "creator": sender}
    created = (await rpc.call("trace_transaction", chain["run"]["transactionHash"]))[6]
    assert await rpc.call("ots_getContractCreator", created["result"]["address"]) == {
        "hash": chain["run"]["transactionHash"], "creator": tracee}
    assert await rpc.call("ots_getContractCreator", sender) is None
    assert await rpc.call("ots_getTransactionBySenderAndNonce", sender, 1) == \
        chain["run"]["transactionHash"]
    assert await rpc.call("ots_getTransactionBySenderAndNonce", sender, "0x2") == \
        chain["boom"]["transactionHash"]
    assert await rpc.call("ots_getTransactionBySenderAndNonce", sender, 3) is None
    assert await rpc.call("ots_hasCode", tracee, "latest") is True
    assert await rpc.call("ots_hasCode", tracee, "0x0") is False
    err = await rpc.error("ots_hasCode", "0x1234", "latest")
    assert err["code"] == -32602
