"""Restart persistence of the real process on the same --datadir (LevelDB): after SIGTERM the
restarted node has the same head number and hash, every block, transaction and receipt, the
balances, the token balances and the nonces, and new transactions continue the chain. After
SIGKILL in the middle of a stream of transactions nothing that was acknowledged is lost. With
--no-mining an acknowledged, pooled transaction survives a restart (clean or killed) and is
mined by evm_mine afterwards (or at once when the node comes back automining)."""
import signal
import threading

import pytest

from tests.integration.devnet_process import RPCFailure
from tests.integration.support import (GWEI, UNIT_PRICE, all_blocks, balance_of, calldata,
                                       dev_account, nonce_of, receipts_of, send_raw, sign,
                                       token_deploy_data)

DEPLOYER, ALICE, BOB = dev_account(0), dev_account(1), dev_account(2)
ACCOUNTS = [DEPLOYER.address, ALICE.address, BOB.address, dev_account(3).address]


def _build_chain(dev) -> str:
    """A Token deployment and transfers of every type; returns the token address."""
    r = send_raw(dev, sign(DEPLOYER, nonce=0, gas=2_000_000, gasPrice=UNIT_PRICE,
                           data=token_deploy_data()))
    token = r["contractAddress"]
    txs = [
        sign(DEPLOYER, nonce=1, to=token, gas=100_000, gasPrice=30 * GWEI,
             data=calldata("transfer(address,uint256)", ALICE.address, 5000)),
        sign(DEPLOYER, nonce=2, to=ALICE.address, value=10**18, gas=21_000, gasPrice=UNIT_PRICE,
             accessList=[]),
        sign(ALICE, nonce=0, to=token, gas=100_000, maxFeePerGas=50 * GWEI,
             maxPriorityFeePerGas=GWEI,
             data=calldata("transfer(address,uint256)", BOB.address, 1200)),
        sign(BOB, nonce=0, to=ACCOUNTS[3], value=7, gas=21_000, maxFeePerGas=UNIT_PRICE,
             maxPriorityFeePerGas=0),
    ]
    for raw in txs:
        assert send_raw(dev, raw)["status"] == "0x1"
    return token


def _state(dev, token: str | None) -> dict:
    """Everything a restart must keep, read through JSON-RPC."""
    blocks = all_blocks(dev, full=True)
    out = {
        "head": (dev.rpc("eth_blockNumber"), blocks[-1]["hash"]),
        "blocks": blocks,
        "receipts": [receipts_of(dev, b) for b in blocks],
        "raw": [dev.rpc("eth_getRawTransactionByHash", t["hash"])
                for b in blocks for t in b["transactions"]],
        "balances": [balance_of(dev, a) for a in ACCOUNTS],
        "nonces": [nonce_of(dev, a) for a in ACCOUNTS],
    }
    if token is not None:
        out["code"] = dev.rpc("eth_getCode", token, "latest")
        out["token balances"] = [
            dev.rpc("eth_call", {"to": token, "data": calldata("balanceOf(address)", a)},
                    "latest") for a in ACCOUNTS]
        out["total supply slot"] = dev.rpc("eth_getStorageAt", token, "0x2", "latest")
    return out


def _continues(dev, before: dict) -> None:
    """A new transaction uses the next nonce and extends the same head."""
    nonce = nonce_of(dev, BOB.address)
    assert nonce == before["nonces"][2]
    r = send_raw(dev, sign(BOB, nonce=nonce, to=ALICE.address, value=1, gas=21_000,
                           gasPrice=UNIT_PRICE))
    assert r["status"] == "0x1"
    block = dev.rpc("eth_getBlockByNumber", r["blockNumber"], False)
    assert int(block["number"], 16) == int(before["head"][0], 16) + 1
    assert block["parentHash"] == before["head"][1]
    # the clock carries on from the stored head, not from the restart's wall-clock time
    assert int(block["timestamp"], 16) == int(before["blocks"][-1]["timestamp"], 16) + 1


def test_sigterm_restart_keeps_everything(spawn):
    dev = spawn()
    token = _build_chain(dev)
    before = _state(dev, token)
    assert before["head"][0] == "0x5"
    assert dev.stop(signal.SIGTERM) == 0
    dev.start()
    assert _state(dev, token) == before
    _continues(dev, before)


def test_sigkill_loses_nothing_acknowledged(spawn):
    dev = spawn()
    token = _build_chain(dev)
    start_nonce = nonce_of(dev, DEPLOYER.address)
    stream = [sign(DEPLOYER, nonce=start_nonce + i, to=token, gas=100_000, gasPrice=UNIT_PRICE,
                   data=calldata("transfer(address,uint256)", BOB.address, i + 1))
              for i in range(200)]
    acked: list[str] = []
    enough = threading.Event()

    def sender() -> None:
        for raw in stream:
            try:
                acked.append(dev.rpc("eth_sendRawTransaction", raw))
            except (OSError, RPCFailure, AssertionError):
                return  # the process is gone
            if len(acked) >= 8:
                enough.set()
        enough.set()

    thread = threading.Thread(target=sender, daemon=True)
    thread.start()
    assert enough.wait(60)
    dev.stop(signal.SIGKILL)  # mid-stream: no clean shutdown
    thread.join(30)
    assert 8 <= len(acked) < len(stream), "the kill should land in the middle of the stream"
    dev.start()
    for tx_hash in acked:
        receipt = dev.rpc("eth_getTransactionReceipt", tx_hash)
        assert receipt is not None and receipt["status"] == "0x1", tx_hash
    mined = nonce_of(dev, DEPLOYER.address) - start_nonce
    assert mined in (len(acked), len(acked) + 1)  # the one in flight may have made it
    head = int(dev.rpc("eth_blockNumber"), 16)
    assert head == 5 + mined
    blocks = all_blocks(dev)
    assert all(b["parentHash"] == a["hash"] for a, b in zip(blocks, blocks[1:]))
    expected_bob = 1200 + sum(range(1, mined + 1))
    assert int(dev.rpc("eth_call", {"to": token, "data": calldata(
        "balanceOf(address)", BOB.address)}, "latest"), 16) == expected_bob
    # the next nonce is accepted and mined on top
    r = send_raw(dev, stream[mined])
    assert r["status"] == "0x1" and int(r["blockNumber"], 16) == head + 1


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_pooled_transactions_survive_a_restart_with_no_mining(spawn, sig):
    dev = spawn("--no-mining")
    raws = [sign(ALICE, nonce=i, to=BOB.address, value=100 + i, gas=21_000, gasPrice=UNIT_PRICE)
            for i in range(2)]
    hashes = [dev.rpc("eth_sendRawTransaction", raw) for raw in raws]
    assert nonce_of(dev, ALICE.address, "pending") == 2
    dev.stop(sig)
    dev.start()
    assert dev.rpc("eth_blockNumber") == "0x0"
    for h in hashes:
        tx = dev.rpc("eth_getTransactionByHash", h)
        assert tx is not None and tx["blockNumber"] is None
    assert nonce_of(dev, ALICE.address, "pending") == 2
    assert dev.error("eth_sendRawTransaction", raws[0]).message == "already known"
    bob_before = balance_of(dev, BOB.address)
    dev.rpc("evm_mine")
    block = dev.rpc("eth_getBlockByNumber", "latest", False)
    assert block["number"] == "0x1" and block["transactions"] == hashes
    assert balance_of(dev, BOB.address) == bob_before + 201
    # mined, they are gone from the pool for good: another restart does not bring them back
    dev.restart()
    assert dev.rpc("eth_blockNumber") == "0x1"
    assert nonce_of(dev, ALICE.address, "pending") == 2


def test_pooled_transaction_is_mined_when_the_node_comes_back_automining(spawn, tmp_path):
    datadir = tmp_path / "data"
    dev = spawn("--no-mining", datadir=datadir)
    tx_hash = dev.rpc("eth_sendRawTransaction", sign(
        ALICE, nonce=0, to=BOB.address, value=1, gas=21_000, gasPrice=UNIT_PRICE))
    dev.stop()
    dev = spawn(datadir=datadir)
    receipt = dev.rpc("eth_getTransactionReceipt", tx_hash)
    assert receipt is not None and receipt["blockNumber"] == "0x1"
