"""Runs benchmark workload specs on py-evm's Cancun VM, the comparison peer of bench/vm.py.

It runs under the interpreter of a separate virtualenv (bench/.peers/pyevm, made by `make
bench`) because py-evm pins eth-* versions the project venv does not share; it imports nothing
from this project. Protocol: a JSON request on stdin ({"runs": n, "workloads": [spec, ...]}),
a JSON answer on stdout, the same as bench/kvm_runner.py.

Each run mirrors the KVM runner: a fresh pre-state (accounts, then deployments run as create
messages), persisted and reopened on its root, the sender, target and precompiles warm; only
`apply_message` of the call is inside time.perf_counter().
"""
import gc
import hashlib
import json
import sys
import time
from importlib.metadata import version

from eth.constants import BLANK_ROOT_HASH, CREATE_CONTRACT_ADDRESS
from eth.db.atomic import AtomicDB
from eth.vm.execution_context import ExecutionContext
from eth.vm.forks.cancun import CancunVM
from eth.vm.forks.cancun.constants import BEACON_ROOTS_ADDRESS
from eth.vm.message import Message

SENDER_BALANCE = 10**30
GAS_PRICE = 7
STATE_CLASS = CancunVM.get_state_class()


def _b(x: str) -> bytes:
    return bytes.fromhex(x[2:])


def _context() -> ExecutionContext:
    return ExecutionContext(coinbase=bytes(20), timestamp=1, block_number=1, difficulty=0,
                            mix_hash=bytes(32), gas_limit=30_000_000, prev_hashes=[],
                            chain_id=1, base_fee_per_gas=GAS_PRICE, excess_blob_gas=0)


def _tx_context(state, sender: bytes):
    return state.get_transaction_context_class()(gas_price=GAS_PRICE, origin=sender,
                                                 blob_versioned_hashes=[])


def _without_system_contract(state) -> None:
    """The Cancun state starts with the EIP-4788 beacon-roots contract; the KVM's bare StateDB
    does not, so it is left out of both the pre-state and the compared post-state root."""
    state.delete_account(BEACON_ROOTS_ADDRESS)


def _prestate(spec: dict):
    """The persisted pre-state, reopened; and the gas each deployment used."""
    db = AtomicDB()
    state = STATE_CLASS(db, _context(), BLANK_ROOT_HASH)
    _without_system_contract(state)
    sender = _b(spec["sender"])
    state.set_balance(sender, SENDER_BALANCE)
    for acc in spec["accounts"]:
        addr = _b(acc["address"])
        state.set_code(addr, _b(acc["code"]))
        state.set_nonce(addr, 1)
        for k, v in acc["storage"].items():
            state.set_storage(addr, int(k), int(v))
    state.lock_changes()
    deploy_gas = []
    for d in spec["deploy"]:
        addr = _b(d["address"])
        state.mark_address_warm(sender)
        state.mark_address_warm(addr)
        msg = Message(gas=spec["call"]["gas"], to=CREATE_CONTRACT_ADDRESS, sender=sender,
                      value=0, data=b"", code=_b(d["initcode"]), create_address=addr)
        comp = state.computation_class.apply_create_message(state, msg,
                                                            _tx_context(state, sender))
        if comp.is_error:
            raise RuntimeError(f"{spec['name']}: deploying {d['address']} failed: {comp.error!r}")
        deploy_gas.append(comp.get_gas_used())
        state.lock_changes()
    state.persist()
    return STATE_CLASS(db, _context(), state.state_root), deploy_gas


def _logs_digest(logs) -> str:
    h = hashlib.sha256()
    for addr, topics, data in logs:
        h.update(bytes(addr) + b"".join(t.to_bytes(32, "big") for t in topics) + bytes(data))
    return f"{len(logs)}:{h.hexdigest()[:16]}"


def run_once(spec: dict) -> tuple[float, dict]:
    state, deploy_gas = _prestate(spec)
    sender = _b(spec["sender"])
    call = spec["call"]
    to, data, gas = _b(call["to"]), _b(call["data"]), call["gas"]
    state.mark_address_warm(sender)
    state.mark_address_warm(to)
    msg = Message(gas=gas, to=to, sender=sender, value=0, data=data, code=state.get_code(to))
    tx_context = _tx_context(state, sender)
    apply_message = state.computation_class.apply_message
    gc.collect()
    t0 = time.perf_counter()
    comp = apply_message(state, msg, tx_context)
    elapsed = time.perf_counter() - t0
    _without_system_contract(state)
    outcome = {
        "success": not comp.is_error,
        "error": None if not comp.is_error else type(comp.error).__name__,
        "gas_used": comp.get_gas_used(), "refund": comp.get_gas_refund(),
        "output": "0x" + bytes(comp.output).hex(), "logs": _logs_digest(comp.get_log_entries()),
        "state_root": "0x" + bytes(state.make_state_root()).hex(), "deploy_gas": deploy_gas,
    }
    return elapsed, outcome


def run_workload(spec: dict, runs: int) -> dict:
    times, outcome = [], None
    for _ in range(runs):
        t, o = run_once(spec)
        if outcome is not None and o != outcome:
            raise RuntimeError(f"{spec['name']}: py-evm runs disagree: {outcome} vs {o}")
        times.append(t)
        outcome = o
    return {"name": spec["name"], "times": times, **outcome}


def main() -> int:
    req = json.load(sys.stdin)
    results = [run_workload(spec, req["runs"]) for spec in req["workloads"]]
    json.dump({"vm": f"py-evm {version('py-evm')} (CancunVM)",
               "python": sys.version.split()[0], "results": results}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
