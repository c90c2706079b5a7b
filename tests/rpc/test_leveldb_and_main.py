"""The server over a LevelDB store (the chain survives a restart), and the real `devnet` process
(pydevnet:main, as `python -m pydevnet`) started on a free port and driven over HTTP."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from web3 import Web3

from tests.fixtures import REPO_ROOT

DEVNET = [sys.executable, "-m", "pydevnet"]  # the same entry point as the `devnet` script
from tests.rpc.helpers import ServerThread, make_devnet


def test_chain_survives_a_restart_on_leveldb(tmp_path):
    path = tmp_path / "chaindata"
    s = ServerThread(make_devnet(path))
    try:
        w3 = Web3(Web3.HTTPProvider(s.url))
        a, b = w3.eth.accounts[:2]
        tx = w3.eth.send_transaction({"from": a, "to": b, "value": 12345})
        head = w3.eth.get_block("latest")
        balance = w3.eth.get_balance(b)
    finally:
        s.stop()
    s = ServerThread(make_devnet(path))
    try:
        w3 = Web3(Web3.HTTPProvider(s.url))
        assert w3.eth.get_block("latest") == head
        assert w3.eth.get_balance(b) == balance
        assert w3.eth.get_transaction_receipt(tx)["status"] == 1
        assert w3.eth.get_transaction_count(a) == 1
    finally:
        s.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _post(port: int, method: str, params=()) -> dict:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/", headers={"Content-Type": "application/json"},
        data=json.dumps({"jsonrpc": "2.0", "id": 1, "method": method,
                         "params": list(params)}).encode())
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def test_devnet_process_serves_and_stops_on_sigterm():
    port = _free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([*DEVNET, "--memory", "--port", str(port),
                             "--quiet"], cwd=REPO_ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, env=env)
    try:
        banner = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, "".join(banner)
            banner.append(line)
            if "Listening on" in line:
                break
        assert f"127.0.0.1:{port}" in banner[-1]
        assert _post(port, "eth_chainId")["result"] == "0x7a69"
        assert _post(port, "kaia_blockNumber")["result"] == "0x0"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_port_in_use_is_a_clear_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        out = subprocess.run([*DEVNET, "--memory", "--port", str(port),
                              "--quiet"], cwd=REPO_ROOT, capture_output=True, text=True,
                             timeout=30)
    assert out.returncode == 1
    assert f"devnet: cannot listen on 127.0.0.1:{port}" in out.stderr


def test_statetest_subcommand_is_delegated():
    out = subprocess.run([*DEVNET, "statetest", "--help"],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=30)
    assert out.returncode == 0 and "GeneralStateTests" in out.stdout
