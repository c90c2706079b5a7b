"""trace_*: Parity's (OpenEthereum's) trace module as Anvil answers it. trace_transaction,
trace_block, trace_filter and trace_replayBlockTransactions are checked field by field against
Anvil 1.7.1's answers for the same chain (tests/rpc/tracee.py); trace_replayTransaction and
trace_call (which Anvil lacks) against the same traces, with stateDiff and vmTrace; and the
errors, trace_filter's criteria and paging, and --trace-max-bytes."""
import aiohttp
import pytest

from pydevnet.node.devnet import Devnet
from pydevnet.node.config import Genesis
from pydevnet.state.store import MemoryStore
from tests.rpc.conftest import Client
from tests.rpc.helpers import ServerThread
from tests.rpc.tracee import (ANVIL, ARTIFACT, ARTIFACT_CHILD, GAS, selector, tracee_chain,
                              without_hashes)

UNKNOWN = "0x" + "11" * 32


def _localized(traces: list, receipt: dict) -> None:
    for t in traces:
        assert (t["blockHash"], t["transactionHash"]) == \
            (receipt["blockHash"], receipt["transactionHash"])


async def test_trace_transaction_as_anvil(rpc):
    chain = await tracee_chain(rpc)
    traces = await rpc.call("trace_transaction", chain["run"]["transactionHash"])
    assert without_hashes(traces) == ANVIL["trace_transaction"]
    _localized(traces, chain["run"])
    kinds = [(t["type"], t["traceAddress"]) for t in traces]
    assert kinds == [("call", []), ("create", [0]), ("call", [1]), ("call", [2]), ("call", [3]),
                     ("suicide", [3, 0]), ("create", [4]), ("call", [5]), ("call", [6])]
    reverted = await rpc.call("trace_transaction", chain["boom"]["transactionHash"])
    assert without_hashes(reverted) == ANVIL["trace_transaction_boom"]
    assert reverted[0]["error"] == "Reverted"


async def test_trace_block_as_anvil(rpc):
    chain = await tracee_chain(rpc)
    traces = await rpc.call("trace_block", chain["run"]["blockNumber"])
    assert without_hashes(traces) == ANVIL["trace_block"]
    _localized(traces, chain["run"])
    assert await rpc.call("trace_block", "0x0") == []
    assert await rpc.call("trace_block", "0x99") == []


async def test_trace_replay_block_transactions_as_anvil(rpc):
    chain = await tracee_chain(rpc)
    replays = await rpc.call("trace_replayBlockTransactions", chain["run"]["blockNumber"],
                             ["trace", "stateDiff"])
    expected = ANVIL["trace_replayBlockTransactions"]
    assert len(replays) == len(expected) == 1
    got, want = replays[0], expected[0]
    assert got["transactionHash"] == chain["run"]["transactionHash"]
    assert (got["output"], got["vmTrace"]) == (want["output"], None)
    assert got["trace"] == want["trace"]  # no call to the precompile: Anvil's replays omit it
    assert all(t["action"].get("to") != "0x" + "00" * 19 + "04" for t in got["trace"])
    sender, coinbase = rpc.accounts[0].lower(), "0x" + rpc.server.devnet.coinbase.hex()
    diff = {a: d for a, d in got["stateDiff"].items() if a not in (sender, coinbase)}
    assert diff == want["stateDiff"]
    assert int(got["stateDiff"][sender]["nonce"]["*"]["to"], 16) == 2
    assert await rpc.call("trace_replayBlockTransactions", "0x0", ["trace"]) == []


async def test_trace_replay_transaction_every_type(rpc):
    chain = await tracee_chain(rpc)
    h = chain["run"]["transactionHash"]
    r = await rpc.call("trace_replayTransaction", h, ["trace", "stateDiff", "vmTrace"])
    want = ANVIL["trace_replayBlockTransactions"][0]
    assert sorted(r) == ["output", "stateDiff", "trace", "vmTrace"]
    assert (r["output"], r["trace"]) == (want["output"], want["trace"])
    vm = r["vmTrace"]
    runtime = ARTIFACT["deployedBytecode"]
    assert vm["code"] == runtime
    first = vm["ops"][0]
    assert (first["pc"], first["op"], first["cost"]) == (0, "PUSH1", 3)
    assert first["ex"]["push"] == ["0x80"] and first["sub"] is None
    subs = [op for op in vm["ops"] if op["sub"] is not None]
    # a sub for each message that ran code (not the precompile's STATICCALL)
    assert [op["op"] for op in subs] == ["CREATE2", "CALL", "STATICCALL", "CALL", "CREATE",
                                         "DELEGATECALL"]
    child = ARTIFACT_CHILD["deployedBytecode"]
    assert [op["sub"]["code"] for op in subs[1:4]] == [child] * 3
    assert subs[0]["sub"]["code"] == ARTIFACT_CHILD["bytecode"]  # the initcode ran
    sstore = [op for op in vm["ops"] if op["op"] == "SSTORE"]
    assert sstore and sstore[0]["ex"]["store"] == {"key": "0x0", "val": "0x1"}
    only_trace = await rpc.call("trace_replayTransaction", h, ["trace"])
    assert (only_trace["stateDiff"], only_trace["vmTrace"]) == (None, None)
    assert only_trace["trace"] == r["trace"]
    nothing = await rpc.call("trace_replayTransaction", h, [])
    assert (nothing["trace"], nothing["stateDiff"], nothing["output"]) == ([], None, want["output"])


async def test_trace_call_changes_nothing(rpc):
    chain = await tracee_chain(rpc)
    tracee, sender = chain["tracee"], rpc.accounts[0]
    call = {"from": sender, "to": tracee, "value": hex(10), "gas": GAS,
            "data": selector("run(bytes32)") + (8).to_bytes(32, "big").hex()}
    before = await rpc.call("eth_getStorageAt", tracee, "0x0", "latest")
    r = await rpc.call("trace_call", call, ["trace", "stateDiff"], "latest")
    assert r["output"] == "0x" + (42).to_bytes(32, "big").hex() and r["vmTrace"] is None
    top = r["trace"][0]
    assert (top["type"], top["action"]["from"], top["action"]["to"], top["action"]["value"]) == \
        ("call", sender.lower(), tracee, "0xa")
    assert [t["type"] for t in r["trace"]] == ["call", "create", "call", "call", "call",
                                               "suicide", "create", "call"]
    slot = r["stateDiff"][tracee]["storage"]["0x" + "00" * 32]
    assert slot == {"*": {"from": "0x" + "00" * 31 + "01", "to": "0x" + "00" * 31 + "02"}}
    assert await rpc.call("eth_getStorageAt", tracee, "0x0", "latest") == before
    reverted = await rpc.call("trace_call", {"from": sender, "to": tracee,
                                             "data": selector("boom()")}, ["trace"])
    assert reverted["trace"][0]["error"] == "Reverted"


async def test_trace_filter_criteria_and_paging(rpc):
    chain = await tracee_chain(rpc)
    tracee, sender = chain["tracee"], rpc.accounts[0].lower()
    every = await rpc.call("trace_filter", {"fromBlock": "0x1"})
    # the deployment, the run's 9 traces and boom's
    assert len(every) == 11
    assert [t["blockNumber"] for t in every] == [1] + [2] * 9 + [3]
    to_tracee = await rpc.call("trace_filter", {"fromBlock": "0x1", "toAddress": [tracee]})
    assert [(t["blockNumber"], t["traceAddress"]) for t in to_tracee] == [(1, []), (2, []), (3, [])]
    from_tracee = await rpc.call("trace_filter", {"fromAddress": [tracee]})
    assert len(from_tracee) == 7 and all(t["action"]["from"] == tracee for t in from_tracee)
    both = await rpc.call("trace_filter", {"fromAddress": [sender], "toAddress": [tracee],
                                           "mode": "intersection"})
    assert [t["blockNumber"] for t in both] == [1, 2, 3]  # a creation's recipient: the contract
    union = await rpc.call("trace_filter", {"fromAddress": [tracee], "toAddress": [sender]})
    # the run's calls and creations by Tracee, and the SELFDESTRUCT's beneficiary
    assert [t["traceAddress"] for t in union] == [[0], [1], [2], [3], [3, 0], [4], [5], [6]]
    page = await rpc.call("trace_filter", {"fromBlock": "0x2", "toBlock": "0x2", "after": 2,
                                           "count": 3})
    assert without_hashes(page) == without_hashes(every[3:6])
    assert await rpc.call("trace_filter", {"fromBlock": "0x1", "count": 0}) == []
    assert await rpc.call("trace_filter", {"fromBlock": "0x9", "toBlock": "0x10"}) == []  # past the head


@pytest.mark.parametrize("params, message", [
    ([{"fromBlock": "0x3", "toBlock": "0x1"}], "invalid block range"),
    ([{"fromBlock": "0x1", "bogus": 1}], "unknown trace filter field 'bogus'"),
    ([{"mode": "both"}], "mode: want union or intersection"),
    ([{"fromAddress": "0x" + "00" * 20}], "fromAddress: cannot unmarshal"),
    (["latest"], "cannot unmarshal string into trace filter"),
])
async def test_trace_filter_bad_params(rpc, params, message):
    err = await rpc.error("trace_filter", *params)
    assert message in err["message"]


async def test_unknown_and_bad_requests(rpc):
    chain = await tracee_chain(rpc)
    assert await rpc.call("trace_transaction", UNKNOWN) == ANVIL["trace_transaction_unknown"]
    err = await rpc.error("trace_replayTransaction", UNKNOWN, ["trace"])
    assert (err["code"], err["message"]) == (-32000, "transaction not found")
    h = chain["run"]["transactionHash"]
    err = await rpc.error("trace_replayTransaction", h, ["trace", "logs"])
    assert err["code"] == -32602 and "unsupported trace type 'logs'" in err["message"]
    err = await rpc.error("trace_replayTransaction", h, "trace")
    assert err["code"] == -32602
    err = await rpc.error("trace_call", {"to": chain["tracee"]}, ["vmTrace", 1])
    assert err["code"] == -32602
    err = await rpc.error("trace_replayBlockTransactions", "0x99", ["trace"])
    assert err["code"] == -32000


async def test_trace_max_bytes_bounds_vm_trace():
    """A vmTrace whose answer would pass --trace-max-bytes stops with a clear -32000; a smaller
    answer of the same transaction still comes."""
    server = ServerThread(Devnet(MemoryStore(), Genesis(), trace_max_bytes=20_000))
    try:
        async with aiohttp.ClientSession() as session:
            rpc = Client(session, server)
            chain = await tracee_chain(rpc)
            h = chain["run"]["transactionHash"]
            err = await rpc.error("trace_replayTransaction", h, ["vmTrace"])
            assert err["code"] == -32000
            assert err["message"].startswith("trace result too large: the answer exceeds 20000 "
                                             "bytes (--trace-max-bytes)")
            assert len(await rpc.call("trace_transaction", h)) == 9
            err = await rpc.error("debug_traceTransaction", h, {"enableMemory": True})
            assert "--trace-max-bytes" in err["message"]
    finally:
        server.stop()
