"""Determinism of the real process: one scripted sequence of locally signed transactions (all
three types, two deployments, logs, a storage write, a revert) sent to two fresh processes with
different data dirs, started at different wall-clock times, gives the same chain block for block
(hash, state root, receipts root, transactions root, bloom, timestamp, mixHash) and the same
receipts. Reverter.now_() reads block.number, block.timestamp = genesis timestamp + n and
block.prevrandao = keccak256(parent hash) at every block and for the pending block."""
import time

import pytest
from eth_hash.auto import keccak

from tests.integration.devnet_process import DevnetProcess
from tests.integration.support import (GWEI, UNIT_PRICE, all_blocks, artifact, calldata,
                                       dev_account, receipts_of, send_raw, sign,
                                       token_deploy_data)

A, B, C = dev_account(0), dev_account(1), dev_account(2)
TOKEN = "0x5fbdb2315678afecb367f032d93f642f64180aa3"  # CREATE(A, nonce 0)
REVERTER = "0xe7f1725e7734ce288f8367e1bb143e90bb3f0512"  # CREATE(A, nonce 1)
HEADER_FIELDS = ["hash", "parentHash", "stateRoot", "receiptsRoot", "transactionsRoot",
                 "logsBloom", "timestamp", "mixHash", "gasUsed", "miner", "baseFeePerGas"]


def script() -> list[str]:
    return [
        sign(A, nonce=0, gas=2_000_000, gasPrice=UNIT_PRICE, data=token_deploy_data()),
        sign(A, nonce=1, gas=1_000_000, maxFeePerGas=40 * GWEI, maxPriorityFeePerGas=GWEI,
             data=artifact("Reverter")["bytecode"]),
        sign(A, nonce=2, to=TOKEN, gas=100_000, gasPrice=30 * GWEI,
             data=calldata("transfer(address,uint256)", B.address, 10**20)),
        sign(B, nonce=0, to=TOKEN, gas=100_000, gasPrice=UNIT_PRICE,
             accessList=[{"address": TOKEN, "storageKeys": []}],
             data=calldata("approve(address,uint256)", C.address, 10**19)),
        sign(C, nonce=0, to=TOKEN, gas=100_000, maxFeePerGas=UNIT_PRICE, maxPriorityFeePerGas=0,
             data=calldata("transferFrom(address,address,uint256)", B.address, C.address, 5)),
        sign(C, nonce=1, to=REVERTER, gas=100_000, maxFeePerGas=UNIT_PRICE,
             maxPriorityFeePerGas=0, data=calldata("increment()")),
        sign(B, nonce=1, to=REVERTER, gas=60_000, gasPrice=UNIT_PRICE,
             data=calldata("failRequire()")),  # mined with status 0
        sign(A, nonce=3, to=C.address, value=123456789, gas=21_000, gasPrice=UNIT_PRICE),
    ]


def _run(dev) -> tuple[list[dict], list[list[dict]]]:
    for raw in script():
        send_raw(dev, raw)
    blocks = all_blocks(dev)
    return blocks, [receipts_of(dev, b) for b in blocks]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    out = []
    for i in range(2):
        if i:
            time.sleep(1.1)  # a different wall-clock second: it must not matter
        with DevnetProcess(tmp_path_factory.mktemp(f"run{i}") / "data", "--quiet") as dev:
            out.append(_run(dev))
    return out


def test_two_fresh_processes_build_the_same_chain(runs):
    (blocks1, receipts1), (blocks2, receipts2) = runs
    assert len(blocks1) == len(blocks2) == 1 + len(script())
    for b1, b2 in zip(blocks1, blocks2):
        assert [b1[f] for f in HEADER_FIELDS] == [b2[f] for f in HEADER_FIELDS], b1["number"]
    assert receipts1 == receipts2
    statuses = [r["status"] for rs in receipts1 for r in rs]
    assert statuses == ["0x1"] * 6 + ["0x0", "0x1"]
    assert receipts1[1][0]["contractAddress"] == TOKEN
    assert receipts1[2][0]["contractAddress"] == REVERTER


def test_timestamps_and_mix_hashes_follow_the_rules(runs):
    blocks, _ = runs[0]
    genesis_ts = int(blocks[0]["timestamp"], 16)
    assert genesis_ts == 0x6553F100  # genesis.json
    for n, (parent, block) in enumerate(zip(blocks, blocks[1:]), 1):
        assert int(block["timestamp"], 16) == genesis_ts + n
        assert block["mixHash"] == "0x" + keccak(bytes.fromhex(parent["hash"][2:])).hex()
        assert block["parentHash"] == parent["hash"]


def _now(dev, block: str) -> tuple[int, int, int]:
    out = bytes.fromhex(dev.rpc("eth_call", {"to": REVERTER, "data": calldata("now_()")},
                                block)[2:])
    return tuple(int.from_bytes(out[i:i + 32], "big") for i in (0, 32, 64))


def test_reverter_now_reads_the_deterministic_block_values(spawn):
    dev = spawn()
    blocks, _ = _run(dev)
    genesis_ts = int(blocks[0]["timestamp"], 16)
    for n in range(2, len(blocks)):  # the Reverter exists from block 2 on
        parent_hash = bytes.fromhex(blocks[n - 1]["hash"][2:])
        assert _now(dev, hex(n)) == (n, genesis_ts + n, int.from_bytes(keccak(parent_hash), "big"))
    head = len(blocks) - 1
    head_hash = bytes.fromhex(blocks[-1]["hash"][2:])
    assert _now(dev, "pending") == (head + 1, genesis_ts + head + 1,
                                    int.from_bytes(keccak(head_hash), "big"))
    # once that pending block is mined, "latest" reads exactly what "pending" predicted
    r = send_raw(dev, sign(C, nonce=2, to=REVERTER, gas=100_000, gasPrice=UNIT_PRICE,
                           data=calldata("increment()")))
    n = int(r["blockNumber"], 16)
    assert n == head + 1
    assert _now(dev, "latest") == (n, genesis_ts + n, int.from_bytes(keccak(head_hash), "big"))
