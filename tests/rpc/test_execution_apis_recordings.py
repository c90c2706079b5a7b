"""Replays the execution-apis recorded exchanges (tests/<method>/*.io) of every method we serve.

Their chain is not ours, so values differ; what must hold: a recorded parameter error is our
error with the same code (and, where the request does not depend on the chain, the same message);
a recorded result is our result of the same schema, or null, or an error our chain's different
contents explain (an execution error -32000/3, a log range past our shorter chain) -- never
another transport or parameter error. Recorded reverts need contracts our chain does not have.
"""
import json

import pytest

from pydevnet.rpc.registry import METHODS
from tests.fixtures import EXECUTION_APIS
from tests.rpc.helpers import validate_result

RECORDINGS = EXECUTION_APIS / "tests"
# recordings whose answer does not depend on the chain's contents: compared exactly
EXACT = {
    "eth_getLogs/filter-error-future-block-range.io",
    "eth_getLogs/filter-error-invalid-blockHash-and-range.io",
    "eth_getLogs/filter-error-reversed-block-range.io",
    "eth_getStorageAt/get-storage-invalid-key-too-large.io",
    "eth_getStorageAt/get-storage-invalid-key.io",
    "eth_getBlockByNumber/get-block-notfound.io",
    "eth_getBlockReceipts/get-block-receipts-future.io",
    "eth_getBlockReceipts/get-block-receipts-not-found.io",
    "eth_getBlockReceipts/get-block-receipts-empty.io",
    "eth_getTransactionByHash/get-notfound-tx.io",
    "eth_getTransactionReceipt/get-notfound-tx.io",
    "eth_syncing/check-syncing.io",
    "eth_blobBaseFee/get-current-blobfee.io",
}


KNOWN_GAPS = {"eth_estimateGas/estimate-with-eip4844.io"}  # no blob transactions here
# eth_simulateV1: timestamps absolute on their chain (ours is later: -38021), and validation
# under our unit price, which a call offering 16 wei does not meet (-38012)
KNOWN_GAPS |= {f"eth_simulateV1/ethSimulate-{n}.io" for n in (
    "block-timestamps-incrementing", "blocknumber-increment", "use-as-many-features-as-possible",
    "blobs")}
BEYOND_HEAD = "block range extends beyond current head block"


def _explained_by_our_chain(err: dict) -> bool:
    return err["code"] in (-32000, 3) or err["message"] == BEYOND_HEAD


def _exchanges(path):
    lines = [line[3:] for line in path.read_text().splitlines() if line.startswith((">> ", "<< "))]
    return list(zip(lines[0::2], lines[1::2]))


def _recordings():
    for d in sorted(RECORDINGS.iterdir()):
        if d.is_dir() and d.name in METHODS:
            for f in sorted(d.glob("*.io")):
                yield pytest.param(f, id=f"{d.name}/{f.name}")


@pytest.mark.parametrize("path", list(_recordings()))
async def test_recorded_exchange(rpc, path):
    for request, response in _exchanges(path):
        want = json.loads(response)
        status, _, text = await rpc.post(request)
        assert status == 200
        got = json.loads(text)
        assert got["id"] == want["id"] and got["jsonrpc"] == "2.0"
        name = f"{path.parent.name}/{path.name}"
        if name in EXACT:
            assert got == want
        elif "error" in want and not _explained_by_our_chain(want["error"]):
            assert got.get("error", {}).get("code") == want["error"]["code"], got
        elif "error" in got:
            assert name in KNOWN_GAPS or _explained_by_our_chain(got["error"]), got
        elif got["result"] is not None:
            validate_result(json.loads(request)["method"], got["result"])
