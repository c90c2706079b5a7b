"""The command line as users run it: --block-time (interval mining with deterministic timestamp
steps), --wallclock, --cors, --help, and the refusals (bad genesis, conflicting flags, a port
already in use) that must exit with a message instead of a traceback."""
import json
import socket
import subprocess
import time
import urllib.error
import urllib.request

from tests.integration.devnet_process import DEVNET
from tests.integration.support import UNIT_PRICE, dev_account, sign


def _wait_for(pred, timeout: float = 10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = pred()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def test_block_time_batches_pending_transactions(spawn):
    node = spawn("--block-time", "1")
    acct = dev_account(0)
    start = int(node.rpc("eth_blockNumber"), 16)
    hashes = [node.rpc("eth_sendRawTransaction", sign(acct, nonce=n, to=dev_account(1).address,
                                                      value=1, gas=21000, gasPrice=UNIT_PRICE))
              for n in range(3)]
    assert node.rpc("eth_getTransactionReceipt", hashes[0]) is None  # pending until the tick
    receipts = _wait_for(lambda: all(node.rpc("eth_getTransactionReceipt", h) for h in hashes)
                         and [node.rpc("eth_getTransactionReceipt", h) for h in hashes], 6)
    assert len({r["blockNumber"] for r in receipts}) <= 2  # one tick, or a tick boundary
    # empty blocks keep coming, one second of chain time apart
    head = _wait_for(lambda: (n := int(node.rpc("eth_blockNumber"), 16)) >= start + 3 and n, 6)
    stamps = [int(node.rpc("eth_getBlockByNumber", hex(n), False)["timestamp"], 16)
              for n in range(head - 2, head + 1)]
    assert stamps[1] - stamps[0] == stamps[2] - stamps[1] == 1


def test_wallclock_timestamps_follow_the_clock(spawn):
    node = spawn("--wallclock")
    node.rpc("eth_sendRawTransaction", sign(dev_account(0), nonce=0, to=dev_account(1).address,
                                            gas=21000, gasPrice=UNIT_PRICE))
    stamp = int(node.rpc("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    assert abs(stamp - time.time()) < 5


def test_cors_origins_flag(spawn):
    node = spawn("--cors", "http://good.example")
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"}).encode()

    def allowed(origin: str) -> str | None:
        req = urllib.request.Request(node.url, body, {"Content-Type": "application/json",
                                                      "Origin": origin})
        try:
            with urllib.request.urlopen(req) as r:
                return r.headers.get("Access-Control-Allow-Origin")
        except urllib.error.HTTPError as e:
            assert e.code == 403 and "Access-Control-Allow-Origin" not in e.headers
            return None
    assert allowed("http://good.example") == "http://good.example"
    assert allowed("http://evil.example") is None  # refused, not merely left unlabelled


def _run(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([str(DEVNET), *args], capture_output=True, text=True, timeout=timeout)


def test_help_lists_every_flag():
    out = _run("--help").stdout
    for flag in ("--host", "--port", "--datadir", "--memory", "--genesis", "--block-time",
                 "--no-mining", "--wallclock", "--cors", "--allow-remote-dev",
                 "--allowed-hosts"):
        assert flag in out
    assert "statetest" in out and "--trace" in _run("statetest", "--help").stdout


def test_refusals_exit_with_a_message(tmp_path):
    bad = tmp_path / "genesis.json"
    bad.write_text(json.dumps({"config": {"unitPrice": "lots"}}))
    proc = _run("--memory", "--genesis", str(bad))
    assert proc.returncode != 0 and "config.unitPrice" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = _run("--memory", "--block-time", "1", "--no-mining")
    assert proc.returncode != 0 and "exclude each other" in proc.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        proc = _run("--memory", "--port", str(taken.getsockname()[1]))
    assert proc.returncode != 0 and "cannot listen" in proc.stderr
    assert "Traceback" not in proc.stderr
