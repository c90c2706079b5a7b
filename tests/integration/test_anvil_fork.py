"""Anvil (pinned in tests/js, started from its own binary and stopped by PID) forking the real
`devnet` process with --fork-url: Anvil reads our chain id, blocks and historical state over
JSON-RPC and executes in revm, so the same call and the same transaction must give the same
results on the fork as on the devnet, at the head and at an older --fork-block-number."""
import subprocess
import time

import pytest

from tests.integration.devnet_process import REPO_ROOT, free_port
from tests.integration.support import dev_account, post, token_deploy_data

ANVIL = REPO_ROOT / "tests/js/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
A0, A1, A2 = (dev_account(i).address for i in range(3))
FRESH = "0x00000000000000000000000000000000000F0e5a"  # Anvil re-funds its dev accounts on a fork
BALANCE_OF = "0x70a08231"
TRANSFER = "0xa9059cbb"


def word(x) -> str:
    return (x[2:] if isinstance(x, str) else f"{x:x}").lower().rjust(64, "0")


def send(url: str, tx: dict) -> dict:
    """The receipt: at once from the devnet (mined before the send returns), after a few polls
    from Anvil (which mines in the background)."""
    tx_hash = post(url, "eth_sendTransaction", tx)
    for _ in range(200):
        receipt = post(url, "eth_getTransactionReceipt", tx_hash)
        if receipt is not None:
            return receipt
        time.sleep(0.02)
    raise AssertionError(f"no receipt for {tx_hash}")


@pytest.fixture
def fork(tmp_path):
    if not ANVIL.exists():
        pytest.fail(f"Anvil is missing at {ANVIL}: run `make install` (tests/js npm ci; the "
                    "pinned binary package is linux-x64)")
    started = []

    def start(url: str, *flags: str) -> str:
        port = free_port()
        log = open(tmp_path / f"anvil-{port}.log", "w")
        proc = subprocess.Popen([str(ANVIL), "--fork-url", url, "--port", str(port),
                                 "--no-storage-caching", *flags],
                                stdout=log, stderr=subprocess.STDOUT)
        started.append(proc)
        fork_url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                post(fork_url, "eth_chainId")
                return fork_url
            except OSError:
                assert proc.poll() is None, (tmp_path / f"anvil-{port}.log").read_text()
                time.sleep(0.05)
        raise AssertionError("anvil did not answer")
    yield start
    for proc in started:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_anvil_forks_the_devnet(devnet, fork):
    deployed = send(devnet.url, {"from": A0, "data": token_deploy_data(supply=10_000)})
    token = deployed["contractAddress"]
    moved = send(devnet.url, {"from": A0, "to": token, "data": TRANSFER + word(A1) + word(300)})
    assert moved["status"] == "0x1"
    older = int(moved["blockNumber"], 16)
    send(devnet.url, {"from": A0, "to": token, "data": TRANSFER + word(A1) + word(200)})
    send(devnet.url, {"from": A0, "to": FRESH, "value": hex(123_456_789)})
    head = devnet.rpc("eth_blockNumber")

    url = fork(devnet.url)
    assert post(url, "eth_chainId") == "0x7a69"
    assert post(url, "eth_blockNumber") == head
    block = post(url, "eth_getBlockByNumber", head, False)
    assert block["hash"] == devnet.rpc("eth_getBlockByNumber", head, False)["hash"]
    for addr in (FRESH, token):
        assert post(url, "eth_getBalance", addr, "latest") == devnet.rpc("eth_getBalance", addr)
    for addr in (A0, A1, token):
        assert post(url, "eth_getCode", addr, "latest") == devnet.rpc("eth_getCode", addr)
        assert (post(url, "eth_getTransactionCount", addr, "latest")
                == devnet.rpc("eth_getTransactionCount", addr))
    call = {"to": token, "data": BALANCE_OF + word(A1)}
    assert int(post(url, "eth_call", call, "latest"), 16) == 500
    assert post(url, "eth_getStorageAt", token, "0x2", "latest") == \
        devnet.rpc("eth_getStorageAt", token, "0x2", "latest")

    # the same transfer on both chains: same status, gas and logs, computed by two EVMs
    tx = {"from": A1, "to": token, "data": TRANSFER + word(A2) + word(42)}
    ours, theirs = send(devnet.url, tx), send(url, tx)
    assert (ours["status"], ours["gasUsed"]) == (theirs["status"], theirs["gasUsed"])
    assert [(log["topics"], log["data"]) for log in ours["logs"]] == \
        [(log["topics"], log["data"]) for log in theirs["logs"]]
    # a failing one too: A2 holds 42 tokens, not 43
    tx = {"from": A2, "to": token, "data": TRANSFER + word(A1) + word(43), "gas": "0x30000"}
    ours, theirs = send(devnet.url, tx), send(url, tx)
    assert ours["status"] == theirs["status"] == "0x0"
    assert ours["gasUsed"] == theirs["gasUsed"]

    # an older fork point reads the devnet's historical state
    url = fork(devnet.url, "--fork-block-number", str(older))
    assert int(post(url, "eth_call", call, "latest"), 16) == 300
