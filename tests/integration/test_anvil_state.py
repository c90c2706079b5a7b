"""anvil_dumpState / anvil_loadState and --dump-state / --load-state / --state in Anvil's own
format (node/dev/state_dump.py), checked against the real Anvil 1.7.1 binary (tests/js, started on a
free port and stopped by PID) in both directions: accounts, balances, code, storage and nonces
move from Anvil to the devnet and from the devnet to Anvil, by RPC (gzip hex) and by file (JSON)."""
import gzip
import json
import subprocess
import time

import pytest

from tests.integration.devnet_process import DEVNET, REPO_ROOT, free_port
from tests.integration.support import dev_account, post

ANVIL = REPO_ROOT / "tests/js/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
A0 = dev_account(0).address
# stores 42 at slot 5, then deploys the 2-byte runtime 0x60ff
INIT = "0x602a600555" + "6002601160003960026000f3" + "60ff"
SLOT5 = "0x" + "00" * 31 + "2a"


def receipt(url: str, tx_hash: str) -> dict:
    for _ in range(200):  # Anvil mines in the background
        r = post(url, "eth_getTransactionReceipt", tx_hash)
        if r is not None:
            return r
        time.sleep(0.02)
    raise AssertionError(f"no receipt for {tx_hash}")


def build_state(url: str) -> str:
    """A contract with storage, a nonce and a set balance; returns the contract's address."""
    contract = receipt(url, post(url, "eth_sendTransaction",
                                 {"from": A0, "data": INIT}))["contractAddress"]
    post(url, "anvil_setStorageAt", contract, "0x1234", "0x" + "00" * 31 + "07")
    post(url, "anvil_setNonce", "0x" + "ab" * 20, "0x9")
    post(url, "anvil_setBalance", "0x" + "ab" * 20, "0x1234")
    return contract


def check_state(url: str, contract: str) -> None:
    assert post(url, "eth_getCode", contract, "latest") == "0x60ff"
    assert post(url, "eth_getStorageAt", contract, "0x5", "latest") == SLOT5
    assert int(post(url, "eth_getStorageAt", contract, "0x1234", "latest"), 16) == 7
    assert post(url, "eth_getTransactionCount", contract, "latest") == "0x1"
    assert post(url, "eth_getTransactionCount", A0, "latest") == "0x1"
    assert post(url, "eth_getTransactionCount", "0x" + "ab" * 20, "latest") == "0x9"
    assert post(url, "eth_getBalance", "0x" + "ab" * 20, "latest") == "0x1234"


@pytest.fixture
def anvil(tmp_path):
    if not ANVIL.exists():
        pytest.fail(f"Anvil is missing at {ANVIL}: run `make install`")
    started = []

    def start(*flags: str) -> str:
        port = free_port()
        log = open(tmp_path / f"anvil-{port}.log", "w")
        proc = subprocess.Popen([str(ANVIL), "--port", str(port), "--hardfork", "cancun",
                                 *flags], stdout=log, stderr=subprocess.STDOUT)
        started.append(proc)
        url = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                post(url, "eth_chainId")
                return url
            except OSError:
                assert proc.poll() is None, (tmp_path / f"anvil-{port}.log").read_text()
                time.sleep(0.05)
        raise AssertionError("anvil did not answer")

    def stop_all() -> None:
        for proc in started:
            if proc.poll() is None:
                proc.terminate()  # by PID; Anvil writes --dump-state on SIGTERM
                proc.wait(15)
    start.stop_all = stop_all
    yield start
    stop_all()


def test_anvil_dump_loads_here_by_rpc_and_by_file(anvil, spawn, tmp_path):
    file = tmp_path / "anvil-state.json"
    url = anvil("--dump-state", str(file))
    contract = build_state(url)
    dump = post(url, "anvil_dumpState")
    anvil.stop_all()
    assert json.loads(file.read_text())["accounts"]  # Anvil's file is plain JSON
    node = spawn()
    assert node.rpc("anvil_loadState", dump) is True
    check_state(node.url, contract)
    check_state(spawn("--load-state", str(file)).url, contract)


def test_our_dump_loads_into_anvil_by_rpc_and_by_file(anvil, spawn, tmp_path):
    file = tmp_path / "devnet-state.json"
    node = spawn("--dump-state", str(file))
    contract = build_state(node.url)
    node.rpc("anvil_mine", "0x3")
    dump = node.rpc("anvil_dumpState")
    state = json.loads(gzip.decompress(bytes.fromhex(dump[2:])))
    assert state["best_block_number"] == 4 and state["accounts"][contract.lower()]["storage"]
    head = node.rpc("eth_getBlockByNumber", "latest", False)
    node.stop()  # SIGTERM: the dump at exit
    assert json.loads(file.read_text())["accounts"] == state["accounts"]
    url = anvil()
    assert post(url, "anvil_loadState", dump) is True
    check_state(url, contract)
    url = anvil("--load-state", str(file))
    check_state(url, contract)
    assert post(url, "eth_getBlockByNumber", "latest", False)["hash"] == head["hash"]


def test_load_merges_into_the_current_state(spawn):
    source = spawn()
    contract = build_state(source.url)
    dump = source.rpc("anvil_dumpState")
    node = spawn()
    other = receipt(node.url, node.rpc("eth_sendTransaction", {"from": A0, "data": INIT}))
    node.rpc("anvil_setStorageAt", contract, "0x99", "0x" + "00" * 31 + "01")
    node.rpc("anvil_setNonce", "0x" + "ab" * 20, "0x20")
    node.rpc("anvil_loadState", dump)
    assert node.rpc("eth_getTransactionCount", "0x" + "ab" * 20, "latest") == "0x20"  # the max
    assert int(node.rpc("eth_getStorageAt", contract, "0x99", "latest"), 16) == 1  # kept
    assert node.rpc("eth_getStorageAt", contract, "0x5", "latest") == SLOT5
    assert node.rpc("eth_getCode", other["contractAddress"], "latest") == "0x60ff"


def test_bad_dump_is_refused_and_changes_nothing(spawn):
    node = spawn()
    before = node.rpc("eth_getBalance", A0, "latest")
    bad = json.dumps({"accounts": {A0: {"nonce": 0, "balance": "0x1", "code": "0x",
                                        "storage": {"0x1": "nope"}}}}).encode()
    err = node.error("anvil_loadState", "0x" + gzip.compress(bad).hex())
    assert err.code == -32602 and "storage" in err.message
    assert node.error("anvil_loadState", "0x1234").code == -32602
    assert node.error("anvil_dumpState", True).code == -32602  # historical states: not kept
    assert node.rpc("eth_getBalance", A0, "latest") == before


def test_state_flag_round_trip_and_interval(spawn, tmp_path):
    file = tmp_path / "state.json"
    node = spawn("--state", str(file), "--state-interval", "1", "--memory")
    contract = build_state(node.url)
    deadline = time.monotonic() + 30
    while not (file.exists() and contract.lower() in json.loads(file.read_text())["accounts"]):
        assert time.monotonic() < deadline, "no interval dump"
        time.sleep(0.1)
    node.stop()
    again = spawn("--state", str(file), "--memory")
    check_state(again.url, contract)
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    r = subprocess.run([str(DEVNET), "--memory", "--port", "0", "--load-state", str(bad)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and str(bad) in r.stderr
