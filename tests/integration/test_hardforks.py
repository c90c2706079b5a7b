"""The real `devnet` process with --hardfork prague and osaka: the genesis holds the system
contracts, every block makes their calls (the EIP-2935 history contract answers eth_call with
a recent block's hash, the EIP-4788 contract with the block's parentBeaconBlockRoot), headers
carry requestsHash and hash as keccak256(rlp) of their 21 fields recomputed with pyrlp from
JSON-RPC, two runs give the same hashes, and the data dir keeps its fork across a restart
(another --hardfork is refused, naming the fork)."""
import subprocess

import pytest
import rlp
from eth_hash.auto import keccak

from tests.integration.devnet_process import DEVNET, DevnetProcess
from tests.integration.support import GWEI, dev_account, send_raw, sign

HISTORY = "0x0000f90827f1c53a10cb7a02335b175320002935"
BEACON_ROOTS = "0x000f3df6d732807ef1319fb7b8bb8522d0beac02"
WITHDRAWALS = "0x00000961ef480eb55e80d19ad83579a64c007002"
EMPTY_REQUESTS_HASH = "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
A, B = dev_account(0), dev_account(1)
FIELDS = [("parentHash", "b"), ("sha3Uncles", "b"), ("miner", "b"), ("stateRoot", "b"),
          ("transactionsRoot", "b"), ("receiptsRoot", "b"), ("logsBloom", "b"),
          ("difficulty", "i"), ("number", "i"), ("gasLimit", "i"), ("gasUsed", "i"),
          ("timestamp", "i"), ("extraData", "b"), ("mixHash", "b"), ("nonce", "b"),
          ("baseFeePerGas", "i"), ("withdrawalsRoot", "b"), ("blobGasUsed", "i"),
          ("excessBlobGas", "i"), ("parentBeaconBlockRoot", "b"), ("requestsHash", "b")]


def word(n: int) -> str:
    return "0x" + n.to_bytes(32, "big").hex()


def header_hash(block: dict) -> str:
    items = [bytes.fromhex(block[k][2:]) if kind == "b" else int(block[k], 16)
             for k, kind in FIELDS]
    return "0x" + keccak(rlp.encode(items)).hex()


def drive(dev: DevnetProcess) -> list[dict]:
    """Three blocks: two transfers and a withdrawal request; every block afterwards."""
    send_raw(dev, sign(A, nonce=0, to=B.address, value=1, gas=21000, gasPrice=25 * GWEI))
    send_raw(dev, sign(B, nonce=0, to=A.address, value=1, gas=21000, gasPrice=25 * GWEI))
    send_raw(dev, sign(A, nonce=1, to=WITHDRAWALS, value=1, gas=200_000, gasPrice=25 * GWEI,
                       data="0x" + "11" * 48 + "00" * 7 + "01"))
    head = int(dev.rpc("eth_blockNumber"), 16)
    return [dev.rpc("eth_getBlockByNumber", hex(n), False) for n in range(head + 1)]


@pytest.mark.parametrize("fork", ["prague", "osaka"])
def test_blocks_carry_the_system_calls_effects(tmp_path, fork):
    with DevnetProcess(tmp_path / "data", "--quiet", "--hardfork", fork) as dev:
        blocks = drive(dev)
        for n, block in enumerate(blocks):
            assert header_hash(block) == block["hash"]
            if n:
                assert dev.rpc("eth_call", {"to": HISTORY, "data": word(n - 1)}, "latest") == \
                    blocks[n - 1]["hash"]
            assert block["parentBeaconBlockRoot"] == \
                ("0x" + keccak(bytes.fromhex(block["parentHash"][2:])).hex() if n else
                 "0x" + "00" * 32)
        head = blocks[-1]
        assert dev.rpc("eth_call", {"to": BEACON_ROOTS, "data": word(int(head["timestamp"], 16))},
                       "latest") == head["parentBeaconBlockRoot"]
        assert [b["requestsHash"] == EMPTY_REQUESTS_HASH for b in blocks] == \
            [True] * (len(blocks) - 1) + [False]  # the withdrawal request's block
        assert dev.rpc("eth_getCode", HISTORY, "0x0") != "0x"


def test_same_transactions_same_hashes_and_the_fork_stays(tmp_path):
    runs = []
    for i in range(2):
        with DevnetProcess(tmp_path / f"run{i}", "--quiet", "--hardfork", "osaka") as dev:
            runs.append([b["hash"] for b in drive(dev)])
    assert runs[0] == runs[1]
    with DevnetProcess(tmp_path / "run0", "--quiet") as dev:  # no --hardfork: the data dir's
        assert dev.rpc("eth_getBlockByNumber", "latest", False)["hash"] == runs[0][-1]
    proc = subprocess.run([str(DEVNET), "--datadir", str(tmp_path / "run0"), "--hardfork",
                           "prague"], capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0 and "Osaka chain" in proc.stderr and "Prague" in proc.stderr
