"""Bounded tracing: time, peak RSS and response size of debug_traceTransaction on a 30M-gas
transaction whose contract loops over memory writes (the worst case for the opcode logger: every
step carries the stack, and with enableMemory the whole memory).

Each configuration runs in a fresh child process (peak RSS is per process):

    .venv/bin/python bench/trace_bounds.py                 # default config, then enableMemory
    .venv/bin/python bench/trace_bounds.py --config '{}'   # one configuration
    .venv/bin/python bench/trace_bounds.py --max-bytes 0   # no response cap, when supported

The transaction is mined in a fresh in-memory devnet and traced through the JSON-RPC dispatcher
(decoding, tracing, formatting and encoding the answer), without HTTP.

Measured 2026-12-05 with --gas 16000000 (under Osaka's EIP-7825 cap; 4,841,851 steps), 2 shared
cores: default config and 64 MiB cap: -32000 "trace result too large" after 10.1 s, peak RSS
332 MiB; enableMemory: the same error after 0.1 s, 76 MiB; limit 1000: 17.7 s (the whole
transaction still runs), 0.1 MiB answer, 75 MiB; no cap (--max-bytes 0): 212.8 s, 376.4 MiB
answer, 5,043 MiB peak; no cap with disableStack: 43.4 s, 269.2 MiB answer, 2,843 MiB peak.
The cap keeps peak memory near the answer's size; without it the answer is still built whole
(not streamed), about 13x its size in RSS.
"""
import argparse
import asyncio
import inspect
import json
import resource
import subprocess
import sys
import time

GAS = 30_000_000
# i = 0; loop: JUMPDEST; MSTORE(i, i); i = (i + 32) & 0x1fff; JUMP(loop): 8 KiB of memory
LOOP = bytes.fromhex("6000" "5b" "8080" "52" "6020" "01" "611fff" "16" "6002" "56")
CONFIGS = ['{}', '{"enableMemory": true}']


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(config: str, max_bytes: int | None, gas: int) -> dict:
    from pydevnet.node.config import Genesis
    from pydevnet.node.devnet import Devnet
    from pydevnet.rpc.dispatch import Dispatcher
    from pydevnet.state.store import MemoryStore
    from tests.rpc.helpers import initcode
    kwargs = {"rpc_timeout": 0}
    if max_bytes is not None and "trace_max_bytes" in inspect.signature(Devnet).parameters:
        kwargs["trace_max_bytes"] = max_bytes
    devnet = Devnet(MemoryStore(), Genesis(), **kwargs)
    dispatcher = Dispatcher(devnet, None)
    sender = "0x" + next(iter(devnet.accounts)).hex()

    def rpc(method: str, *params) -> tuple[dict, int]:
        text = asyncio.run(dispatcher.handle_text(json.dumps(
            {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)})))
        return json.loads(text), len(text)

    try:
        tx, _ = rpc("eth_sendTransaction", {"from": sender, "input": "0x" + initcode(LOOP).hex()})
        receipt, _ = rpc("eth_getTransactionReceipt", tx["result"])
        target = receipt["result"]["contractAddress"]
        tx, _ = rpc("eth_sendTransaction", {"from": sender, "to": target, "gas": hex(gas)})
        receipt, _ = rpc("eth_getTransactionReceipt", tx["result"])
        base = _rss_mib()
        start = time.perf_counter()
        answer, size = rpc("debug_traceTransaction", tx["result"], json.loads(config))
        elapsed = time.perf_counter() - start
        out = {"config": config, "gas_used": int(receipt["result"]["gasUsed"], 16),
               "seconds": round(elapsed, 1), "response_mib": round(size / 2**20, 1),
               "peak_rss_mib": round(_rss_mib()), "rss_before_mib": round(base)}
        if "error" in answer:
            out["error"] = answer["error"]
        else:
            out["steps"] = len(answer["result"]["structLogs"])
        return out
    finally:
        devnet.shutdown()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--config", help="one TraceConfig as JSON (default: each of %s)" % CONFIGS)
    p.add_argument("--max-bytes", type=int, help="the devnet's trace response cap")
    p.add_argument("--gas", type=int, default=GAS, help="the traced transaction's gas limit "
                   "(default %(default)s)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(run_one(args.config, args.max_bytes, args.gas)))
        return
    for config in [args.config] if args.config else CONFIGS:
        cmd = [sys.executable, __file__, "--child", "--config", config, "--gas", str(args.gas)]
        if args.max_bytes is not None:
            cmd += ["--max-bytes", str(args.max_bytes)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        print(done.stdout.strip() or done.stderr.strip()[-2000:])


if __name__ == "__main__":
    sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.dirname(
        __import__("os").path.abspath(__file__))))
    main()
