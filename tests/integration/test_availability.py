"""One request cannot hold the node: heavy read-only calls run on reader threads under a gas cap
and a wall-clock limit, cheap requests and transactions are answered meanwhile, and SIGINT or
SIGTERM stop the node within 2 s even mid-call or mid-block, losing nothing acknowledged.

The heavy call is a loop of BN254 ecMul precompile calls (several seconds per 30M gas). The checks
are about order, not speed: cheap answers arrive while a heavy call is still running.

The nodes run a Cancun chain: from Osaka EIP-7825 caps a call's gas at 2**24 (eth_call and
eth_estimateGas too), which this loop spends in ~0.2 s, so no call could outlast a deadline; the
deadlines, readers and shutdown checked here are the same on every fork.
"""
import json
import signal
import threading
import time

import pytest

from pydevnet.node.config import AllocAccount, Genesis, genesis_to_json
from tests.integration.devnet_process import DevnetProcess, RPCFailure
from tests.rpc.helpers import signed
from tests.vm.asm import asm

HEAVY = bytes.fromhex("ee" * 20)
GAS_PROBE = bytes.fromhex("ef" * 20)
# ecMul of a fixed point by a 256-bit scalar, again and again, until the gas runs out
HEAVY_CODE = asm(1, 0, "MSTORE", 2, 0x20, "MSTORE", "PUSH32", 2 ** 255 + 12345, 0x40, "MSTORE",
                 "loop:", "JUMPDEST", 0x40, 0x80, 0x60, 0, 7, "GAS", "STATICCALL", "POP",
                 "@loop", "JUMP")
GAS_PROBE_CODE = asm("GAS", 0, "MSTORE", 32, 0, "RETURN")  # returns the gas it was given
DEV0 = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
# far more gas than any timeout lets it spend (the genesis block gas limit allows it, and the
# nodes run without --rpc-gas-cap), so a heavy call ends by a deadline, never by running out of gas
HEAVY_GAS = 10 ** 11
HEAVY_CALL = {"from": DEV0, "to": "0x" + HEAVY.hex(), "gas": hex(HEAVY_GAS)}


def _genesis_file(tmp_path) -> str:
    g = Genesis(fork="cancun")  # no EIP-7825 cap: see the module's docstring
    g.gas_limit = HEAVY_GAS
    g.alloc[HEAVY] = AllocAccount(code=HEAVY_CODE)
    g.alloc[GAS_PROBE] = AllocAccount(code=GAS_PROBE_CODE)
    path = tmp_path / "genesis.json"
    path.write_text(json.dumps(genesis_to_json(g)))
    return str(path)


def _node(tmp_path, *flags: str) -> DevnetProcess:
    if "--rpc-gas-cap" not in flags:
        flags = ("--rpc-gas-cap", "0", *flags)
    return DevnetProcess(tmp_path / "data", "--quiet", "--genesis", _genesis_file(tmp_path),
                         *flags).start()


class HeavyCallers:
    """Threads looping heavy eth_calls against `node` until stopped."""

    def __init__(self, node: DevnetProcess, count: int) -> None:
        self.node = node
        self.in_flight = 0
        self.errors: list = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._started = threading.Semaphore(0)
        self._threads = [threading.Thread(target=self._loop, daemon=True) for _ in range(count)]

    def __enter__(self) -> "HeavyCallers":
        for t in self._threads:
            t.start()
        for _ in self._threads:
            self._started.acquire()
        return self

    def _loop(self) -> None:
        first = True
        while not self._stop.is_set():
            with self._lock:
                self.in_flight += 1
            if first:
                self._started.release()
                first = False
            try:  # a request of its own (DevnetProcess.rpc numbers requests per process)
                _, answer = self.node.post(json.dumps({"jsonrpc": "2.0", "id": 1,
                                                       "method": "eth_call",
                                                       "params": [HEAVY_CALL, "latest"]}))
                if "error" in answer:
                    self.errors.append(answer["error"]["message"])
            except OSError:
                pass
            finally:
                with self._lock:
                    self.in_flight -= 1

    def __exit__(self, *exc) -> None:
        self._stop.set()


def test_cheap_requests_and_transactions_are_served_beside_heavy_calls(tmp_path) -> None:
    node = _node(tmp_path, "--rpc-timeout", "120")
    try:
        balance = node.rpc("eth_getBalance", DEV0, "latest")
        latencies = []
        with HeavyCallers(node, 3) as heavy:
            time.sleep(0.2)  # let the heavy calls get going (the checks below do not need it)
            methods = [("eth_chainId",), ("eth_blockNumber",), ("eth_getBalance", DEV0, "latest")]
            for i in range(150):
                method, *params = methods[i % 3]
                t0 = time.perf_counter()
                node.rpc(method, *params)
                latencies.append(time.perf_counter() - t0)
            raw = signed(keys_of_dev0(), 0, to=bytes(20), value=1)
            tx_hash = node.rpc("eth_sendRawTransaction", raw)  # the writer is not held either
            receipt = node.rpc("eth_getTransactionReceipt", tx_hash)
            still_running = heavy.in_flight
        assert still_running > 0, "the heavy calls ended before the cheap requests"
        assert receipt["status"] == "0x1"
        assert node.rpc("eth_getBalance", DEV0, "latest") != balance
        latencies.sort()
        p99 = latencies[int(len(latencies) * 0.99) - 1]
        assert p99 < 0.25, f"cheap request p99 {p99 * 1000:.0f} ms beside 3 heavy callers"
    finally:
        node.stop()


def keys_of_dev0() -> bytes:
    from pydevnet.node.accounts import dev_accounts
    from pydevnet.node.config import DEFAULT_MNEMONIC
    return dev_accounts(DEFAULT_MNEMONIC, 1)[0].private_key


def test_timeouts(tmp_path) -> None:
    node = _node(tmp_path, "--rpc-timeout", "0.5")
    try:
        err = node.error("eth_call", HEAVY_CALL, "latest")
        assert err.code == -32000 and err.message == "execution aborted (timeout = 500ms)"
        err = node.error("eth_estimateGas", {"from": DEV0, "to": "0x" + HEAVY.hex()})
        assert err.message == "execution aborted (timeout = 500ms)"
        err = node.error("debug_traceCall", HEAVY_CALL, "latest",
                         {"tracer": "callTracer", "timeout": "300ms"})
        assert err.code == -32000 and err.message == "execution timeout"
        assert node.rpc("eth_chainId") == "0x7a69"  # and the node is fine afterwards
    finally:
        node.stop()


def test_gas_cap(tmp_path) -> None:
    node = _node(tmp_path, "--rpc-gas-cap", "100000")
    try:
        # asked for a billion gas, the probe runs with 100,000 less the intrinsic 21,000 and
        # GAS's own 2
        probe = {"to": "0x" + GAS_PROBE.hex(), "gas": hex(10 ** 9)}
        assert int(node.rpc("eth_call", probe, "latest"), 16) == 100_000 - 21_000 - 2
        probe = {"to": "0x" + GAS_PROBE.hex()}  # the default gas is the cap, as geth's
        assert int(node.rpc("eth_call", probe, "latest"), 16) == 100_000 - 21_000 - 2
        err = node.error("eth_call", HEAVY_CALL, "latest")
        assert err.message == "out of gas"
    finally:
        node.stop()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_stop_mid_call_within_two_seconds(tmp_path, sig) -> None:
    node = _node(tmp_path, "--rpc-timeout", "120")
    raw = signed(keys_of_dev0(), 0, to=bytes(20), value=1)
    tx_hash = node.rpc("eth_sendRawTransaction", raw)
    with HeavyCallers(node, 2):
        time.sleep(0.3)
        t0 = time.monotonic()
        code = node.stop(sig)
        elapsed = time.monotonic() - t0
    assert code == 0 and elapsed < 2.0, (code, elapsed, node.log()[-2000:])
    node.start()
    try:
        assert node.rpc("eth_getTransactionReceipt", tx_hash)["status"] == "0x1"
        assert node.rpc("eth_blockNumber") == "0x1"
    finally:
        node.stop()


def test_stop_mid_block_discards_it_cleanly(tmp_path) -> None:
    """--no-mining: a pooled (acknowledged) heavy transaction, a block being mined with it, a
    SIGTERM: the node stops within 2 s, and after a restart the transaction is pending or mined,
    never lost, and the chain reads whole."""
    node = _node(tmp_path, "--no-mining")
    heavy_tx = signed(keys_of_dev0(), 0, to=HEAVY, gas=2 ** 24)  # EIP-7825's most
    tx_hash = node.rpc("eth_sendRawTransaction", heavy_tx)
    mine = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "evm_mine", "params": []})
    miner = threading.Thread(target=lambda: _ignore_errors(node.post, mine), daemon=True)
    miner.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    code = node.stop(signal.SIGTERM)
    assert code == 0 and time.monotonic() - t0 < 2.0
    node.start()
    try:
        pending = node.rpc("eth_getTransactionByHash", tx_hash)
        assert pending is not None
        if pending["blockNumber"] is None:  # discarded mid-block: still waiting, and minable
            assert node.rpc("txpool_status")["pending"] == "0x1"
        else:
            assert node.rpc("eth_getTransactionReceipt", tx_hash)["blockNumber"] == "0x1"
        assert node.rpc("eth_getBalance", DEV0, "latest")
    finally:
        node.stop()


def _ignore_errors(fn, *args) -> None:
    try:
        fn(*args)
    except (OSError, RPCFailure):
        pass


def test_interval_miner_stops_at_once(tmp_path) -> None:
    """evm_setIntervalMining(0) returns only when no block of the interval miner can follow."""
    node = _node(tmp_path, "--block-time", "0.05")
    try:
        for _ in range(5):
            node.rpc("evm_setIntervalMining", 1)  # 1 ms: the miner runs flat out
            time.sleep(0.05)
            node.rpc("evm_setIntervalMining", 0)
            head = node.rpc("eth_blockNumber")
            for _ in range(3):
                assert node.rpc("eth_blockNumber") == head
    finally:
        node.stop()

