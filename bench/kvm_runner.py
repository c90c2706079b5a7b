"""Runs benchmark workload specs (bench/workloads.py) on our VM, the KVM.

Imported by bench/vm.py for the in-process timings; also a script speaking the same JSON
protocol as bench/pyevm_runner.py (a request on stdin, results on stdout), which the
whole-process measurement starts as a fresh interpreter.

Every run builds its pre-state from scratch (accounts, then deployments by running initcode),
commits it to a memory store and reopens a StateDB on the committed root, so slot and code
reads in the timed call come from the trie as in a real block. Only the message call itself
(snapshot, frame, interpreter) is inside time.perf_counter().
"""
import gc
import hashlib
import json
import sys
import time
from pathlib import Path

if __name__ == "__main__":  # bench/ is sys.path[0], where bench/vm.py would shadow the vm package
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from pydevnet.node.workers import run_in_vm_thread  # noqa: E402
from pydevnet.state.statedb import StateDB  # noqa: E402
from pydevnet.state.store import MemoryStore  # noqa: E402
from pydevnet.vm import message  # noqa: E402
from pydevnet.vm.frame import BlockEnv, TxEnv  # noqa: E402
from pydevnet.vm.table import CANCUN
from pydevnet.vm.gas import GAS_INITCODE_WORD  # noqa: E402
from pydevnet.vm.tracing import Tracer  # noqa: E402

SENDER_BALANCE = 10**30
GAS_PRICE = 7
PRECOMPILES = [i.to_bytes(20, "big") for i in range(1, 0x0B)]  # warm from the start (EIP-2929)
COINBASE = bytes(20)  # warm from the start too (EIP-3651)


def _b(x: str) -> bytes:
    return bytes.fromhex(x[2:])


def _block() -> BlockEnv:
    return BlockEnv(spec=CANCUN, coinbase=COINBASE, number=1, timestamp=1, gas_limit=30_000_000,
                    prevrandao=0, base_fee=GAS_PRICE, chain_id=1)


def _begin(st: StateDB, sender: bytes, target: bytes) -> None:
    st.begin_tx()
    for addr in (sender, target, COINBASE, *PRECOMPILES):
        st.warm_address(addr)


def _prestate(spec: dict, block: BlockEnv) -> tuple[StateDB, list[int]]:
    """The committed pre-state, reopened; and the gas each deployment used."""
    store = MemoryStore()
    st = StateDB(store)
    sender = _b(spec["sender"])
    tx = TxEnv(origin=sender, gas_price=GAS_PRICE)
    st.set_balance(sender, SENDER_BALANCE)
    for acc in spec["accounts"]:
        addr = _b(acc["address"])
        st.set_code(addr, _b(acc["code"]))
        st.set_nonce(addr, 1)
        for k, v in acc["storage"].items():
            st.set_storage(addr, int(k), int(v))
    st.finalize_tx()
    deploy_gas = []
    for d in spec["deploy"]:
        addr = _b(d["address"])
        _begin(st, sender, addr)
        gas = spec["call"]["gas"]
        initcode = _b(d["initcode"])
        ok, left, _, err = message.create(st, block, tx, sender, addr, 0, initcode, gas, 0)
        if not ok:
            raise RuntimeError(f"{spec['name']}: deploying {d['address']} failed: {err!r}")
        # EIP-3860's initcode word cost: our transition charges it with the intrinsic gas,
        # py-evm inside its top-level create message; count it here so the two compare.
        deploy_gas.append(gas - left + GAS_INITCODE_WORD * ((len(initcode) + 31) // 32))
        st.finalize_tx()
    root = st.commit()
    return StateDB(store, root), deploy_gas


def _logs_digest(logs: list) -> str:
    h = hashlib.sha256()
    for addr, topics, data in logs:
        h.update(addr + b"".join(t.to_bytes(32, "big") for t in topics) + data)
    return f"{len(logs)}:{h.hexdigest()[:16]}"


class _OpCounter(Tracer):
    """A tracer that only counts executed instructions (all depths)."""

    def __init__(self) -> None:
        self.ops = 0

    def step(self, f, pc: int, op: int) -> None:
        self.ops += 1


def run_once(spec: dict, tracer: object = None, profiler: object = None) -> tuple[float, dict]:
    """Set up, time the call, and describe its outcome (outside the timing). A cProfile
    `profiler` is switched on for the call only."""
    block = _block()
    sender = _b(spec["sender"])
    tx = TxEnv(origin=sender, gas_price=GAS_PRICE, tracer=tracer)
    st, deploy_gas = _prestate(spec, block)
    call = spec["call"]
    to, data, gas = _b(call["to"]), _b(call["data"]), call["gas"]
    _begin(st, sender, to)
    gc.collect()
    if profiler is not None:
        profiler.enable()
    t0 = time.perf_counter()
    ok, left, out, err = message.call(st, block, tx, sender, to, to, 0, data, gas, 0, False)
    elapsed = time.perf_counter() - t0
    if profiler is not None:
        profiler.disable()
    refund = st.refund
    logs = _logs_digest(st.logs)
    st.finalize_tx()
    outcome = {
        "success": ok, "error": None if err is None else type(err).__name__,
        "gas_used": gas - left, "refund": refund, "output": "0x" + out.hex(), "logs": logs,
        "state_root": "0x" + st.commit().hex(), "deploy_gas": deploy_gas,
    }
    return elapsed, outcome


def run_workload(spec: dict, runs: int) -> dict:
    """`runs` timed runs; every run must end the same way."""
    times, outcome = [], None
    for _ in range(runs):
        t, o = run_once(spec)
        if outcome is not None and o != outcome:
            raise RuntimeError(f"{spec['name']}: KVM runs disagree: {outcome} vs {o}")
        times.append(t)
        outcome = o
    return {"name": spec["name"], "times": times, **outcome}


def count_ops(spec: dict) -> int:
    """Instructions executed by the call (one extra, untimed, traced run)."""
    counter = _OpCounter()
    run_once(spec, tracer=counter)
    return counter.ops


def run_request(req: dict) -> dict:
    results = [run_workload(spec, req["runs"]) for spec in req["workloads"]]
    return {"vm": "pydevnet KVM", "python": sys.version.split()[0], "results": results}


def main() -> int:
    req = json.load(sys.stdin)
    json.dump(run_in_vm_thread(run_request, req), sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
