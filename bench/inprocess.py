"""The in-process path against HTTP, side by side in one run: the same 1,000 transfers
(eth_sendTransaction, automined) and 1,000 eth_calls through web3.py, once with
pydevnet's InProcessProvider on an in-process Devnet and once with web3's HTTPProvider on a
`devnet` process (how a Python test suite uses Anvil or Hardhat's node). Medians of --runs
runs, each on a fresh node, interleaved. Also the pytest plugin's per-test overhead: one
snapshot and one revert (what the `devnet` and `w3` fixtures add to a test), with one
transaction in between.

    .venv/bin/python bench/inprocess.py [--runs 3] [--count 1000]
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from web3 import Web3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.report import cpu_name  # noqa: E402
from pydevnet import Devnet  # noqa: E402

# returns calldata word 0 plus one
RUNTIME = bytes.fromhex("600035600101" "60005260206000f3")


def _initcode(runtime: bytes) -> bytes:
    n = len(runtime)
    return bytes([0x60, n, 0x60, 0x0C, 0x60, 0, 0x39, 0x60, n, 0x60, 0, 0xF3]) + runtime


def _workload(w3: Web3, sender: str, to: str, count: int) -> tuple[float, float]:
    """(seconds for `count` transfers, seconds for `count` calls)."""
    h = w3.eth.send_transaction({"from": sender, "data": _initcode(RUNTIME)})
    contract = w3.eth.get_transaction_receipt(h).contractAddress
    nonce = w3.eth.get_transaction_count(sender)
    fees = {"gas": 21000, "maxFeePerGas": 25 * 10 ** 9, "maxPriorityFeePerGas": 0}
    t0 = time.perf_counter()
    for i in range(count):
        w3.eth.send_transaction({"from": sender, "to": to, "value": 1, "nonce": nonce + i,
                                 **fees})
    t1 = time.perf_counter()
    for i in range(count):
        out = w3.eth.call({"to": contract, "data": i.to_bytes(32, "big")})
        assert int.from_bytes(out, "big") == i + 1
    return t1 - t0, time.perf_counter() - t1


def _in_process(count: int) -> tuple[float, float]:
    with Devnet() as d:
        return _workload(d.web3, d.accounts[0].address, d.accounts[1].address, count)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _over_http(count: int) -> tuple[float, float]:
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen([str(Path(sys.executable).parent / "devnet"), "--memory",
                                 "--quiet", "--port", str(port)], cwd=tmp,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            w3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{port}"))
            deadline = time.monotonic() + 30
            while not w3.is_connected():
                if time.monotonic() > deadline:
                    raise RuntimeError("devnet did not start")
                time.sleep(0.05)
            accounts = w3.eth.accounts
            return _workload(w3, accounts[0], accounts[1], count)
        finally:
            proc.terminate()
            proc.wait(15)


def _overhead(samples: int) -> float:
    """Median milliseconds of a snapshot, one transfer and a revert, less the transfer alone."""
    with Devnet() as d:
        w3, a, b = d.web3, d.accounts[0].address, d.accounts[1].address
        tx = {"from": a, "to": b, "value": 1, "gas": 21000, "maxFeePerGas": 25 * 10 ** 9,
              "maxPriorityFeePerGas": 0}
        with_iso, without = [], []
        for _ in range(samples):
            t0 = time.perf_counter()
            sid = d.snapshot()
            w3.eth.send_transaction(tx)
            d.revert(sid)
            t1 = time.perf_counter()
            w3.eth.send_transaction(tx)
            t2 = time.perf_counter()
            with_iso.append(t1 - t0)
            without.append(t2 - t1)
        return (statistics.median(with_iso) - statistics.median(without)) * 1000


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--count", type=int, default=1000)
    args = p.parse_args()
    inproc, http = [], []
    for _ in range(args.runs):
        inproc.append(_in_process(args.count))
        http.append(_over_http(args.count))
    print(f"in-process vs HTTP, web3.py {__import__('web3').__version__}, {cpu_name()}, "
          f"Python {sys.version.split()[0]}, median of {args.runs} runs, {os.cpu_count()} CPUs")
    print(f"{'workload':32} {'in-process':>12} {'HTTP':>12} {'ratio':>8}")
    for i, name in enumerate(("transfers (eth_sendTransaction)", "eth_call")):
        a = statistics.median(r[i] for r in inproc)
        b = statistics.median(r[i] for r in http)
        print(f"{name:32} {args.count / a:9,.0f}/s {args.count / b:9,.0f}/s {b / a:7.2f}x")
    print(f"pytest plugin overhead per test (snapshot + revert): {_overhead(200):.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
