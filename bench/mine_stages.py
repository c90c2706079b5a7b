"""Where the time of an automined transfer goes without a profiler: bench/mine_loop.py's loop
with the main stages wrapped in timers of the VM worker thread's CPU time (time.thread_time: less
disturbed by a loaded machine than wall time; about a microsecond of overhead each).

    .venv/bin/python bench/mine_stages.py [--count 2000] [--store memory|leveldb]

Prints each stage's CPU time in us per transfer, nested stages indented under their parent.
"""
import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # bench/ itself must not shadow rpc/

from bench.mine_loop import one_run, signed_transfers  # noqa: E402
from pydevnet.node import devnet as devnet_mod  # noqa: E402
from pydevnet.node.chain import chain as chain_mod, db as db_mod, system  # noqa: E402
from pydevnet.state import statedb  # noqa: E402

# (label, owner object, attribute): each is replaced by a timed wrapper for the run
STAGES = (
    ("send_raw_transaction, all of it", devnet_mod.Devnet, "send_raw_transaction"),
    ("  decode", devnet_mod, "decode_pooled_transaction"),
    ("  admit (validation, ecrecover, pool)", devnet_mod.Devnet, "_admit"),
    ("  mine, all of it", devnet_mod.Devnet, "_mine"),
    ("    system calls before the transactions", system, "begin_block"),
    ("    execute the transfer", chain_mod, "apply_transaction"),
    ("    EIP-7685 requests (system calls after)", chain_mod.Chain, "_requests"),
    ("    commit the state trie", statedb.StateDB, "commit"),
    ("    transactions root", chain_mod, "transactions_root"),
    ("    receipts root", chain_mod, "receipts_root"),
    ("    encode block, receipts, lookups", db_mod.ChainDB, "block_batch"),
    ("    write the batch", db_mod.ChainDB, "write"),
)


def _timed(fn, label: str, totals: dict):
    def wrapper(*args, **kwargs):
        t0 = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[label] += time.thread_time() - t0
    return wrapper


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="bench/mine_stages.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=2000)
    p.add_argument("--store", choices=("memory", "leveldb"), default="memory")
    args = p.parse_args(argv)
    raws = signed_transfers(args.count)
    one_run(args.store, raws[:200], None)  # warm-up: imports, the JIT's first units
    totals: dict[str, float] = defaultdict(float)
    for label, owner, attr in STAGES:
        setattr(owner, attr, _timed(getattr(owner, attr), label, totals))
    ms, _, head = one_run(args.store, raws, None)
    print(f"{args.count} transfers ({args.store}): {ms:.3f} ms each (wall) with the timers, head {head}")
    for label, _, _ in STAGES:
        print(f"  {totals[label] / args.count * 1e6:8.1f} us  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
