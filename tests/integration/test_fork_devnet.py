"""--fork-url against a real source `devnet` on loopback (issue 12): a Token deployed and moved
there, then forked at an older block and at the head. Balances, code, storage, nonces and
eth_call agree with the source at the fork block; transactions on the fork leave the source
untouched; the same signed transaction mined on both gives the same block hash (the lazily
fetched trie yields the source's MPT roots, a slot deleted included); a restart with the source
stopped reads what was cached; the remote's blocks, transactions, receipts and logs before the
fork point come from it, and eth_getLogs spans the fork point.
"""
import pytest

from tests.integration.devnet_process import DevnetProcess, RPCFailure
from tests.integration.support import (UNIT_PRICE, balance_of, balance_slot, calldata,
                                       dev_account, send_raw, sign, token_deploy_data)

A0, A1, A2 = dev_account(0), dev_account(1), dev_account(2)
OUTSIDER = "0x" + "ab" * 20
TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"


def _tx(acct, nonce, **fields):
    fields.setdefault("gas", 200_000)
    return sign(acct, nonce=nonce, gasPrice=UNIT_PRICE, **fields)


def _balance_of_call(node, token, holder, block="latest"):
    data = calldata("balanceOf(address)", holder)
    return int(node.rpc("eth_call", {"to": token, "data": data}, block), 16)


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A devnet with history: block 1 deploys the Token, 2-4 move tokens and ether."""
    src = DevnetProcess(tmp_path_factory.mktemp("source") / "data", "--quiet").start()
    token = send_raw(src, _tx(A0, 0, data=token_deploy_data(), gas=2_000_000))["contractAddress"]
    send_raw(src, _tx(A0, 1, to=token, data=calldata("transfer(address,uint256)", A1.address,
                                                        10**20)))
    send_raw(src, _tx(A0, 2, to=OUTSIDER, value=12345, gas=21_000))
    send_raw(src, _tx(A1, 0, to=token, data=calldata("transfer(address,uint256)", A2.address,
                                                        4 * 10**19)))
    yield src, token
    src.stop()


def _fork(spawn, src, *flags, datadir=None):
    return spawn("--fork-url", src.url, *flags, datadir=datadir)


def _same_as_source(fork, src, token, block):
    tag = hex(block)
    for who in (A0.address, A1.address, A2.address, OUTSIDER):
        assert _balance_of_call(fork, token, who) == _balance_of_call(src, token, who, tag)
    assert fork.rpc("eth_getCode", token, "latest") == src.rpc("eth_getCode", token, tag)
    assert fork.rpc("eth_getBalance", OUTSIDER, "latest") == src.rpc("eth_getBalance",
                                                                      OUTSIDER, tag)
    for slot in (0, 1, 2, "0x" + balance_slot(A1.address).hex()):
        key = slot if isinstance(slot, str) else hex(slot)
        assert fork.rpc("eth_getStorageAt", token, key, "latest") == \
            src.rpc("eth_getStorageAt", token, key, tag)
    assert fork.rpc("eth_getTransactionCount", A1.address, "latest") == \
        src.rpc("eth_getTransactionCount", A1.address, tag)


def test_fork_at_head_and_older_block_match_the_source(source, spawn):
    src, token = source
    head = int(src.rpc("eth_blockNumber"), 16)
    at_head = _fork(spawn, src)
    assert int(at_head.rpc("eth_blockNumber"), 16) == head
    assert at_head.rpc("eth_chainId") == src.rpc("eth_chainId")
    _same_as_source(at_head, src, token, head)
    older = _fork(spawn, src, "--fork-block-number", "2", "--fork-chain-id", "777")
    assert int(older.rpc("eth_blockNumber"), 16) == 2
    assert older.rpc("eth_chainId") == hex(777)
    _same_as_source(older, src, token, 2)
    assert _balance_of_call(older, token, A2.address) == 0  # moved only at block 4
    # the remote's blocks, transactions and receipts before and at the fork point
    for n in (1, 2):
        assert older.rpc("eth_getBlockByNumber", hex(n), True) == \
            src.rpc("eth_getBlockByNumber", hex(n), True)
    assert older.rpc("eth_getBlockByNumber", "0x3", False) is None or \
        older.rpc("eth_getBlockByNumber", "0x3", False)["parentHash"] == \
        src.rpc("eth_getBlockByNumber", "0x2", False)["hash"]
    deploy = src.rpc("eth_getBlockByNumber", "0x1", False)["transactions"][0]
    assert older.rpc("eth_getTransactionReceipt", deploy) == \
        src.rpc("eth_getTransactionReceipt", deploy)
    later = src.rpc("eth_getBlockByNumber", "0x4", False)["transactions"][0]
    assert older.rpc("eth_getTransactionByHash", later) is None  # after the fork point
    # state at a remote block before the fork point
    assert older.rpc("eth_getCode", token, "0x1") == src.rpc("eth_getCode", token, "0x1")
    assert balance_of(older, OUTSIDER, 1) == 0


def test_transactions_on_the_fork_leave_the_source_untouched(source, spawn):
    src, token = source
    head = int(src.rpc("eth_blockNumber"), 16)
    fork = _fork(spawn, src)
    before = src.rpc("eth_getBlockByNumber", "latest", False)
    # A0's nonce on the fork is the remote's; the dev accounts are funded as Anvil funds them
    nonce = int(fork.rpc("eth_getTransactionCount", A0.address, "latest"), 16)
    assert nonce == 3
    receipt = send_raw(fork, _tx(A0, nonce, to=token, chainId=31337,
                                 data=calldata("transfer(address,uint256)", OUTSIDER, 7)))
    assert receipt["status"] == "0x1" and int(receipt["blockNumber"], 16) == head + 1
    block = fork.rpc("eth_getBlockByNumber", hex(head + 1), False)
    assert block["parentHash"] == before["hash"]
    assert int(block["timestamp"], 16) == int(before["timestamp"], 16) + 1
    assert _balance_of_call(fork, token, OUTSIDER) == 7
    assert _balance_of_call(src, token, OUTSIDER) == 0
    assert src.rpc("eth_getBlockByNumber", "latest", False) == before
    # logs spanning the fork point: the remote's Transfer events, then the fork's
    logs = fork.rpc("eth_getLogs", {"fromBlock": "0x0", "toBlock": "latest", "address": token,
                                    "topics": [TRANSFER_TOPIC]})
    src_logs = src.rpc("eth_getLogs", {"fromBlock": "0x0", "toBlock": "latest",
                                       "address": token, "topics": [TRANSFER_TOPIC]})
    assert logs[:len(src_logs)] == src_logs
    assert len(logs) == len(src_logs) + 1 and logs[-1]["transactionHash"] == \
        receipt["transactionHash"]
    # impersonation, setters and snapshots on forked state
    snap = fork.rpc("evm_snapshot")
    fork.rpc("anvil_setStorageAt", token, "0x2", "0x" + "00" * 31 + "05")
    assert fork.rpc("eth_getStorageAt", token, "0x2", "latest") == "0x" + "00" * 31 + "05"
    fork.rpc("anvil_impersonateAccount", A2.address)
    fork.rpc("eth_sendTransaction", {"from": A2.address, "to": token, "gas": "0x30000",
                                     "data": calldata("transfer(address,uint256)", OUTSIDER, 9)})
    assert _balance_of_call(fork, token, OUTSIDER) == 16
    assert fork.rpc("evm_revert", snap) is True
    assert _balance_of_call(fork, token, OUTSIDER) == 7
    assert fork.rpc("eth_getStorageAt", token, "0x2", "latest") == \
        src.rpc("eth_getStorageAt", token, "0x2", "latest")


def test_same_transaction_same_block_hash_as_the_source(tmp_path_factory, spawn):
    """The fork's roots are the source's: one signed transaction, mined by the source and by a
    fork of it (no dev accounts funded), gives one block. It empties A1's token balance, so the
    Token's storage trie deletes a slot (a branch collapse)."""
    src = spawn()
    token = send_raw(src, _tx(A0, 0, data=token_deploy_data(), gas=2_000_000))["contractAddress"]
    for i, who in enumerate((A1, A2, dev_account(3), dev_account(4), dev_account(5))):
        send_raw(src, _tx(A0, 1 + i, to=token, data=calldata("transfer(address,uint256)",
                                                               who.address, 1000 + i)))
    fork = _fork(spawn, src, "--accounts", "0")
    raw = _tx(A1, 0, to=token, data=calldata("transfer(address,uint256)", A2.address, 1000))
    mined = [send_raw(node, raw)["blockHash"] for node in (src, fork)]
    assert mined[0] == mined[1]
    assert fork.rpc("eth_getStorageAt", token, "0x" + balance_slot(A1.address).hex(),
                    "latest") == "0x" + "00" * 32


def test_restart_with_the_remote_stopped_reads_the_cache(tmp_path_factory, spawn):
    src = spawn()
    token = send_raw(src, _tx(A0, 0, data=token_deploy_data(), gas=2_000_000))["contractAddress"]
    datadir = tmp_path_factory.mktemp("fork") / "data"
    fork = _fork(spawn, src, datadir=datadir)
    supply = _balance_of_call(fork, token, A0.address)
    code = fork.rpc("eth_getCode", token, "latest")
    send_raw(fork, _tx(A0, 1, to=OUTSIDER, value=5, gas=21_000))
    head = fork.rpc("eth_getBlockByNumber", "latest", False)
    src.stop()
    fork.restart()
    assert fork.rpc("eth_getBlockByNumber", "latest", False) == head
    assert _balance_of_call(fork, token, A0.address) == supply
    assert fork.rpc("eth_getCode", token, "latest") == code
    assert balance_of(fork, OUTSIDER) == 5
    # a slot never read needs the stopped remote: a clear error naming the remote call
    with pytest.raises(RPCFailure) as e:
        fork.rpc("eth_getStorageAt", token, "0x" + "11" * 32, "latest")
    assert "eth_getProof" in e.value.message and src.url in e.value.message
