"""The oracle's side of tests/oracle: run under the execution specs' venv (tests/oracle/.venv,
`make oracle`), never the project's. It imports nothing of pydevnet.

Reads a JSON list of cases on stdin, each {"id", "fork", "chainId", "env", "pre", "txbytes"},
runs each as a state test through the specs' t8n (`ethereum-spec-evm t8n --state-test`: one
transaction on the pre-state, no system calls, a rejected transaction leaves the state as it was)
in this one process, and prints a JSON list of {"id", "stateRoot", "logsHash", "gasUsed",
"rejected"} and the post state as t8n writes it ("alloc"), in the same order.
"""
import json
import sys
from io import StringIO

from ethereum_rlp import rlp
from ethereum_spec_tools.evm_tools import create_parser
from ethereum_spec_tools.evm_tools.t8n import T8N, ForkCache


def _tx_item(raw: bytes):
    """A transaction as t8n reads it from an RLP list: a typed one as its bytes, a legacy one as
    its field list."""
    return raw if raw[0] < 0x80 else rlp.decode(raw)


def run_case(case: dict, cache: ForkCache) -> dict:
    raw = bytes.fromhex(case["txbytes"][2:])
    env = dict(case["env"], blockHashes={}, withdrawals=[])
    stdin = StringIO(json.dumps({
        "env": env,
        "alloc": case["pre"],
        "txs": "0x" + rlp.encode([_tx_item(raw)]).hex(),
    }))
    options = create_parser().parse_args([
        "t8n", "--input.alloc", "stdin", "--input.env", "stdin", "--input.txs", "stdin",
        "--state.fork", case["fork"], "--state.chainid", str(case["chainId"]), "--state-test",
    ])
    t8n = T8N(options, StringIO(), stdin, cache)
    t8n.run_state_test()
    result = t8n.result
    rejected = result.rejected.get(0)
    return {
        "id": case["id"],
        "stateRoot": "0x" + bytes(result.state_root).hex(),
        "logsHash": "0x" + bytes(result.logs_hash).hex(),
        "gasUsed": int(result.gas_used),
        "rejected": str(rejected) if rejected is not None else None,
        "alloc": t8n.alloc.to_json(),
    }


def main() -> None:
    cases = json.load(sys.stdin)
    with ForkCache() as cache:
        out = [run_case(case, cache) for case in cases]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
