"""anvil_reset / hardhat_reset with `forking` and anvil_setRpcUrl (issue 12), through web3.py
against real processes: a source `devnet` with a Token and history, a second source that mined
the same transactions (the same chain, another URL), and the real Anvil 1.7.1 binary as another
remote. A forked node resets to another block of its remote, to another remote, and without
`forking` back to its fork block; a local node becomes a fork; a failed or refused reset or
anvil_setRpcUrl answers a JSON-RPC error and changes nothing.
"""
import pytest
from web3 import Web3
from web3.exceptions import BlockNotFound

from tests.integration.support import (UNIT_PRICE, calldata, dev_account, send_raw, sign,
                                       token_deploy_data)
from tests.integration.test_fork_remotes import anvil  # noqa: F401  (the Anvil fixture)

A0, A1, A2 = dev_account(0), dev_account(1), dev_account(2)
OUTSIDER = Web3.to_checksum_address("0x" + "ab" * 20)


def _tx(acct, nonce, **fields):
    fields.setdefault("gas", 200_000)
    return sign(acct, nonce=nonce, gasPrice=UNIT_PRICE, **fields)


def _history():
    """Block 1 deploys the Token, 2-4 move tokens and ether (the Token is A0's first creation)."""
    token = Web3.to_checksum_address(
        Web3.keccak(bytes.fromhex("d694") + bytes.fromhex(A0.address[2:]) + b"\x80")[12:])
    return token, [
        _tx(A0, 0, data=token_deploy_data(), gas=2_000_000),
        _tx(A0, 1, to=token, data=calldata("transfer(address,uint256)", A1.address, 10**20)),
        _tx(A0, 2, to=OUTSIDER, value=12345, gas=21_000),
        _tx(A1, 0, to=token, data=calldata("transfer(address,uint256)", A2.address, 4 * 10**19))]


def _w3(node) -> Web3:
    return Web3(Web3.HTTPProvider(node.url, request_kwargs={"timeout": 60}))


def _call(w3: Web3, method: str, *params):
    """A raw JSON-RPC call: ('ok', result) or ('error', code, message)."""
    answer = w3.provider.make_request(method, list(params))
    if "error" in answer:
        return "error", answer["error"]["code"], answer["error"]["message"]
    return "ok", answer["result"]


def _ok(w3: Web3, method: str, *params):
    answer = _call(w3, method, *params)
    assert answer[0] == "ok", answer
    return answer[1]


def _token_balance(w3: Web3, token: str, holder: str, block="latest") -> int:
    data = calldata("balanceOf(address)", holder)
    return int.from_bytes(w3.eth.call({"to": token, "data": data}, block), "big")


def _view(w3: Web3, token: str, block="latest") -> tuple:
    """What a chain says at `block`: balances (ether and token), the Token's code, a nonce."""
    return (w3.eth.get_balance(OUTSIDER, block),
            tuple(_token_balance(w3, token, a, block) for a in (A0.address, A1.address,
                                                                 A2.address)),
            bytes(w3.eth.get_code(token, block)),
            w3.eth.get_transaction_count(A1.address, block))


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """Two source devnets that mined the same four transactions: one chain at two URLs."""
    from tests.integration.devnet_process import DevnetProcess
    token, raws = _history()
    nodes = []
    for name in ("source", "mirror"):
        node = DevnetProcess(tmp_path_factory.mktemp(name) / "data", "--quiet").start()
        for raw in raws:
            send_raw(node, raw)
        nodes.append(node)
    assert nodes[0].rpc("eth_getBlockByNumber", "0x4", False)["hash"] == \
        nodes[1].rpc("eth_getBlockByNumber", "0x4", False)["hash"]
    yield nodes[0], nodes[1], token
    for node in nodes:
        node.stop()


def test_reset_to_other_blocks_and_back_to_the_fork_point(sources, spawn):
    src, _, token = sources
    s = _w3(src)
    fork = spawn("--fork-url", src.url, "--fork-block-number", "4")
    f = _w3(fork)
    start = f.eth.get_block("latest")
    assert start["hash"] == s.eth.get_block(4)["hash"]
    send_raw(fork, _tx(A0, 3, to=OUTSIDER, value=5, gas=21_000))
    assert f.eth.block_number == 5
    # no forking: back to the fork block, the dev accounts funded again, the fork's block gone
    assert _ok(f, "anvil_reset") is None
    assert f.eth.get_block("latest")["hash"] == start["hash"]
    with pytest.raises(BlockNotFound):
        f.eth.get_block(5)
    assert _view(f, token) == _view(s, token, 4)
    # another block of the same remote (Hardhat's shape, a JSON number)
    assert _ok(f, "hardhat_reset", {"forking": {"jsonRpcUrl": src.url, "blockNumber": 2}}) \
        is True
    assert f.eth.block_number == 2
    assert f.eth.get_block(2)["hash"] == s.eth.get_block(2)["hash"]
    assert _view(f, token) == _view(s, token, 2)
    assert _token_balance(f, token, A2.address) == 0  # moved only at block 4
    assert f.eth.get_block(1)["hash"] == s.eth.get_block(1)["hash"]  # the remote's history
    # no URL: the current remote; Anvil's flat shape; a hex quantity
    assert _ok(f, "anvil_reset", {"blockNumber": "0x3"}) is None
    assert f.eth.block_number == 3 and _view(f, token) == _view(s, token, 3)
    # mined on the new fork point: the next block builds on the remote's block 3
    send_raw(fork, _tx(A0, 3, to=OUTSIDER, value=6, gas=21_000))
    assert f.eth.get_block(4)["parentHash"] == s.eth.get_block(3)["hash"]
    assert f.eth.get_balance(OUTSIDER) == 12345 + 6
    # no forking again: the fork point is now block 3
    _ok(f, "anvil_reset", None)
    assert f.eth.block_number == 3 and f.eth.get_balance(OUTSIDER) == 12345
    assert s.eth.block_number == 4 and s.eth.get_balance(OUTSIDER) == 12345  # untouched


def test_reset_onto_another_remote_and_a_local_node_becomes_a_fork(sources, anvil, spawn):
    src, _, token = sources
    s = _w3(src)
    a = _w3(anvil)
    _ok(a, "anvil_mine", 3)
    fork = spawn("--fork-url", src.url, "--fork-chain-id", "777")
    f = _w3(fork)
    assert f.eth.chain_id == 777
    _ok(f, "anvil_reset", {"forking": {"jsonRpcUrl": anvil.url}})  # no block: Anvil's latest
    assert f.eth.block_number == a.eth.block_number == 3
    assert f.eth.get_block("latest")["hash"] == a.eth.get_block(3)["hash"]
    assert f.eth.chain_id == a.eth.chain_id  # the new remote's chain id
    assert f.eth.get_code(token) == b""  # Anvil has no Token
    assert f.eth.get_balance(OUTSIDER) == 0
    send_raw(fork, _tx(A0, 0, to=OUTSIDER, value=9, gas=21_000))
    assert f.eth.get_block(4)["parentHash"] == a.eth.get_block(3)["hash"]
    assert a.eth.block_number == 3 and a.eth.get_balance(OUTSIDER) == 0  # Anvil untouched
    # a local node forks the source at block 2, then resets to that fork point
    local = spawn()
    lw = _w3(local)
    send_raw(local, _tx(A0, 0, to=OUTSIDER, value=1, gas=21_000))
    assert _ok(lw, "hardhat_reset", {"forking": {"jsonRpcUrl": src.url,
                                                 "blockNumber": "0x2"}}) is True
    assert lw.eth.get_block("latest")["hash"] == s.eth.get_block(2)["hash"]
    assert _view(lw, token) == _view(s, token, 2)
    send_raw(local, _tx(A0, 2, to=OUTSIDER, value=2, gas=21_000))  # A0's nonce at block 2
    assert lw.eth.get_balance(OUTSIDER) == 2
    _ok(lw, "anvil_reset")
    assert lw.eth.block_number == 2 and lw.eth.get_balance(OUTSIDER) == 0


def test_bad_resets_answer_an_error_and_change_nothing(sources, spawn):
    src, _, token = sources
    fork = spawn("--fork-url", src.url, "--fork-block-number", "3", "--fork-retries", "0")
    f = _w3(fork)
    send_raw(fork, _tx(A0, 3, to=OUTSIDER, value=5, gas=21_000))
    before = (f.eth.get_block("latest"), _view(f, token))
    bad = [({"forking": {"jsonRpcUrl": src.url, "blockNumber": 99}}, -32000, "no block 99"),
           ({"forking": {"jsonRpcUrl": "http://127.0.0.1:1"}}, -32000, "127.0.0.1:1"),
           ({"forking": {"jsonRpcUrl": "ftp://x"}}, -32602, "http://"),
           ({"forking": {"blockNumber": "zz"}}, -32602, ""),
           ({"forking": 5}, -32602, "forking"),
           ("reset", -32602, "")]
    for options, code, text in bad:
        answer = _call(f, "anvil_reset", options)
        assert answer[0] == "error" and answer[1] == code and text in answer[2], answer
        assert (f.eth.get_block("latest"), _view(f, token)) == before
    # a local node: no remote to reset to without a URL, no remote to swap
    local = spawn()
    lw = _w3(local)
    head = lw.eth.get_block("latest")
    assert _call(lw, "anvil_reset", {"forking": {"blockNumber": 1}}) == (
        "error", -32602, "Forking not enabled and RPC URL not provided to start forking")
    answer = _call(lw, "anvil_setRpcUrl", src.url)
    assert answer[:2] == ("error", -32602) and "not forked" in answer[2]
    assert lw.eth.get_block("latest") == head


def test_set_rpc_url_swaps_the_remote_of_the_same_chain(sources, anvil, spawn, tmp_path_factory):
    src, mirror, token = sources
    fork = spawn("--fork-url", src.url, "--fork-block-number", "4", "--fork-retries", "0")
    f = _w3(fork)
    supply = _token_balance(f, token, A0.address)
    # Anvil's chain has no such block 4 hash: refused, the remote stays the source
    _ok(_w3(anvil), "anvil_mine", 5)
    answer = _call(f, "anvil_setRpcUrl", anvil.url)
    assert answer[:2] == ("error", -32000) and "does not serve the fork block 4" in answer[2]
    assert _call(f, "anvil_setRpcUrl", 7)[:2] == ("error", -32602)
    assert _ok(f, "anvil_setRpcUrl", mirror.url) is None
    # what no read fetched yet now comes from the mirror (the source could be gone)
    assert _token_balance(f, token, A2.address) == 4 * 10**19
    assert _token_balance(f, token, A0.address) == supply
    assert _ok(f, "anvil_nodeInfo")["forkConfig"] == {"forkUrl": mirror.url, "forkBlockNumber": 4,
                                                      "forkRetryBackoff": None}
    # a reset without a URL now uses the mirror
    _ok(f, "anvil_reset", {"forking": {"blockNumber": 1}})
    assert f.eth.get_block(1)["hash"] == _w3(mirror).eth.get_block(1)["hash"]
