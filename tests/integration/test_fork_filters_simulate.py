"""A fork of a real source `devnet` through web3.py (issue 12): polled log filters whose range
spans the fork point (eth_getFilterLogs joins the remote's logs up to the fork block and the
local ones, as eth_getLogs; eth_getFilterChanges delivers only blocks mined after the filter, as
on a local node), eth_simulateV1 on cold forked state (the simulation's overlay store reads the
remote through the fork's state source) and eth_getProof on forked state (the proof's path
fetched first: with no dev accounts funded the fork's proof is the source's, node for node).
"""
import pytest
from web3 import Web3

from tests.integration.support import (UNIT_PRICE, calldata, dev_account, send_raw, sign,
                                       token_deploy_data)

A0, A1, A2 = dev_account(0), dev_account(1), dev_account(2)
TRANSFER = Web3.keccak(text="Transfer(address,address,uint256)").to_0x_hex()


def _tx(acct, nonce, **fields):
    fields.setdefault("gas", 200_000)
    return sign(acct, nonce=nonce, gasPrice=UNIT_PRICE, **fields)


def _transfer(token, to, amount):
    return calldata("transfer(address,uint256)", to, amount)


def _w3(node) -> Web3:
    return Web3(Web3.HTTPProvider(node.url, request_kwargs={"timeout": 60}))


def _rpc(w3: Web3, method: str, *params):
    answer = w3.provider.make_request(method, list(params))
    assert "error" not in answer, answer
    return answer["result"]


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """Block 1 deploys the Token (a Transfer log), 2 and 3 transfer (A0 -> A1, A1 -> A2)."""
    from tests.integration.devnet_process import DevnetProcess
    src = DevnetProcess(tmp_path_factory.mktemp("source") / "data", "--quiet").start()
    token = send_raw(src, _tx(A0, 0, data=token_deploy_data(), gas=2_000_000))["contractAddress"]
    send_raw(src, _tx(A0, 1, to=token, data=_transfer(token, A1.address, 500)))
    send_raw(src, _tx(A1, 0, to=token, data=_transfer(token, A2.address, 200)))
    yield src, token
    src.stop()


def test_filter_logs_span_the_fork_point(source, spawn):
    src, token = source
    fork = spawn("--fork-url", src.url, "--fork-block-number", "2")
    f, s = _w3(fork), _w3(src)
    remote = _rpc(s, "eth_getLogs", {"fromBlock": "0x0", "toBlock": "0x2", "address": token})
    assert len(remote) == 2  # the deployment's mint and block 2's transfer
    everything = _rpc(f, "eth_newFilter", {"fromBlock": "earliest", "address": token})
    from_a0 = _rpc(f, "eth_newFilter", {"fromBlock": "0x1", "address": [token],
                                        "topics": [TRANSFER, "0x" + "00" * 12 + A0.address[2:]]})
    local = send_raw(fork, _tx(A0, 2, to=token, data=_transfer(token, A2.address, 7)))
    assert local["blockNumber"] == "0x3"
    logs = _rpc(f, "eth_getFilterLogs", everything)
    assert logs[:2] == remote
    assert [(x["blockNumber"], x["transactionHash"]) for x in logs[2:]] == \
        [("0x3", local["transactionHash"])]
    assert logs == _rpc(f, "eth_getLogs", {"fromBlock": "earliest", "address": token})
    assert [x["blockNumber"] for x in _rpc(f, "eth_getFilterLogs", from_a0)] == ["0x2", "0x3"]
    # changes: only the block mined after the filter was made (the remote's past is history)
    assert [x["blockNumber"] for x in _rpc(f, "eth_getFilterChanges", everything)] == ["0x3"]
    assert _rpc(f, "eth_getFilterChanges", everything) == []
    # a filter entirely before the fork point: the remote's logs only
    old = _rpc(f, "eth_newFilter", {"fromBlock": "0x1", "toBlock": "0x1", "address": token})
    assert _rpc(f, "eth_getFilterLogs", old) == remote[:1]


def test_simulate_and_get_proof_on_forked_state(source, spawn):
    src, token = source
    fork = spawn("--fork-url", src.url, "--accounts", "0")
    f, s = _w3(fork), _w3(src)
    balance_of = calldata("balanceOf(address)", A2.address)
    sim = _rpc(f, "eth_simulateV1", {"blockStateCalls": [{"calls": [
        {"from": A1.address, "to": token, "data": _transfer(token, A2.address, 50)},
        {"to": token, "data": balance_of}]}]}, "latest")
    calls = sim[0]["calls"]
    assert [c["status"] for c in calls] == ["0x1", "0x1"]
    assert int(calls[1]["returnData"], 16) == 250  # 200 at the fork block, 50 simulated
    assert f.eth.block_number == s.eth.block_number == 3  # nothing mined
    assert int(_rpc(f, "eth_call", {"to": token, "data": balance_of}, "latest"), 16) == 200
    # eth_getProof of keys no read fetched: the fork's state root is the source's (no funding)
    slots = ["0x0", "0x2", "0x" + "77" * 32]
    for who, keys in ((token, slots), (A2.address, []), ("0x" + "5a" * 20, ["0x1"])):
        assert _rpc(f, "eth_getProof", who, keys, "latest") == \
            _rpc(s, "eth_getProof", who, keys, "latest")
