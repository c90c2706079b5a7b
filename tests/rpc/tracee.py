"""The Tracee chain of the trace_* and ots_* tests: tests/contracts/Tracee.sol deployed, then
run(salt 7) with value 10 (a CREATE2 with value, a CALL with value, a reverting STATICCALL, a
SELFDESTRUCT, a CREATE, a STATICCALL of the identity precompile, a DELEGATECALL, logs) and boom()
(a reverted transaction), each in its own block; and Anvil 1.7.1's answers for the same chain
(tests/rpc/anvil_tracee_answers.json, recorded from the real binary), block and transaction
hashes left out."""
import json
from pathlib import Path

from pydevnet.state.hashing import keccak256

HERE = Path(__file__).parent
BUILD = HERE.parent / "contracts" / "build"
ARTIFACT = json.loads((BUILD / "Tracee.json").read_text())
ARTIFACT_CHILD = json.loads((BUILD / "Child.json").read_text())
ANVIL = json.loads((HERE / "anvil_tracee_answers.json").read_text())["answers"]
HASHES = {"blockHash", "transactionHash", "hash"}
GAS = hex(3_000_000)


def selector(signature: str) -> str:
    return "0x" + keccak256(signature.encode())[:4].hex()


RUN = selector("run(bytes32)") + (7).to_bytes(32, "big").hex()
BOOM = selector("boom()")


def without_hashes(x):
    """An answer without its block and transaction hashes (they differ from Anvil's)."""
    if isinstance(x, dict):
        return {k: without_hashes(v) for k, v in x.items() if k not in HASHES}
    if isinstance(x, list):
        return [without_hashes(v) for v in x]
    return x


async def tracee_chain(rpc) -> dict:
    """Deploy Tracee, run it, call boom: {tracee, run, boom} (the receipts)."""
    sender = rpc.accounts[0]
    deployed = await rpc.send({"from": sender, "gas": GAS, "input": ARTIFACT["bytecode"]})
    tracee = deployed["contractAddress"]
    run = await rpc.send({"from": sender, "to": tracee, "value": hex(10), "gas": GAS,
                          "input": RUN})
    boom = await rpc.send({"from": sender, "to": tracee, "gas": GAS, "input": BOOM})
    assert (deployed["status"], run["status"], boom["status"]) == ("0x1", "0x1", "0x0")
    return {"tracee": tracee, "deploy": deployed, "run": run, "boom": boom}
