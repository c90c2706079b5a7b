"""The chain's own cost of an automined transfer, without RPC: N signed value transfers handed to
devnet.send_raw_transaction in one job on the VM worker (decode, validation, execution, trie
commit, block assembly and the store write: all that eth_sendRawTransaction does below rpc/), on
a fresh in-process Devnet with a memory store and with a fresh LevelDB data dir.

    .venv/bin/python bench/mine_loop.py [--count 2000] [--runs 5] [--profile]

Runs are interleaved (memory, LevelDB, memory, ...); the figures are medians over the runs, in
ms per transfer: wall time, and the VM worker thread's CPU time (time.thread_time), which the
other processes on a shared machine disturb far less. The transfers are signed beforehand (account 0 to account 1, EIP-1559, the
default genesis, so the chain is deterministic) and every run must end on the same head block
hash, which is printed: two builds mining the same blocks print the same hash. --profile runs the
loop once more per store under cProfile and prints the functions with the most own time.
"""
import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parent.parent)  # bench/ itself must not shadow rpc/

from pydevnet.node.config import Genesis  # noqa: E402
from pydevnet.node.devnet import Devnet  # noqa: E402
from pydevnet.node.tx.signing import sign_transaction  # noqa: E402
from pydevnet.state.store import LevelDBStore, MemoryStore  # noqa: E402

STORES = ("memory", "leveldb")


def signed_transfers(count: int) -> list[bytes]:
    genesis = Genesis()
    d = Devnet(MemoryStore(), genesis)
    try:
        sender, recipient = list(d.accounts.values())[:2]
        fields = dict(type=2, chain_id=genesis.chain_id, gas_limit=21000, to=recipient.address,
                      value=10**9, data=b"", max_fee_per_gas=100 * 10**9,
                      max_priority_fee_per_gas=10**9)
        return [sign_transaction(dict(fields, nonce=n), sender.private_key).raw
                for n in range(count)]
    finally:
        d.shutdown()


def one_run(store: str, raws: list[bytes],
            prof: cProfile.Profile | None) -> tuple[float, float, str]:
    """(wall ms per transfer, CPU ms per transfer, head block hash) on a fresh Devnet."""
    with tempfile.TemporaryDirectory() as tmp:
        kv = MemoryStore() if store == "memory" else LevelDBStore(str(Path(tmp) / "data"))
        d = Devnet(kv, Genesis())

        def job() -> tuple[float, float]:
            send = d.send_raw_transaction
            if prof is not None:
                prof.enable()
            t0, c0 = time.perf_counter(), time.thread_time()
            for raw in raws:
                send(raw)
            wall, cpu = time.perf_counter() - t0, time.thread_time() - c0
            if prof is not None:
                prof.disable()
            return wall, cpu
        try:
            wall, cpu = d.worker.run(job)
            head = d.worker.run(lambda: d.chain.head.hash)
        finally:
            d.shutdown()
    return wall / len(raws) * 1e3, cpu / len(raws) * 1e3, "0x" + head.hex()


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="bench/mine_loop.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=2000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--profile", action="store_true")
    args = p.parse_args(argv)
    raws = signed_transfers(args.count)
    walls: dict[str, list[float]] = {s: [] for s in STORES}
    cpus: dict[str, list[float]] = {s: [] for s in STORES}
    heads = set()
    for _ in range(args.runs):
        for store in STORES:
            wall, cpu, head = one_run(store, raws, None)
            walls[store].append(wall)
            cpus[store].append(cpu)
            heads.add(head)
    if len(heads) != 1:
        print(f"runs ended on different heads: {sorted(heads)}")
        return 1
    print(f"{args.count} automined transfers, {args.runs} runs, head {heads.pop()}")
    for store in STORES:
        runs = " ".join(f"{t:.3f}" for t in walls[store])
        print(f"  {store:8} wall median {statistics.median(walls[store]):.3f} ms/transfer  "
              f"({runs}); CPU median {statistics.median(cpus[store]):.3f}")
    if args.profile:
        for store in STORES:
            prof = cProfile.Profile()
            one_run(store, raws, prof)
            print(f"\n-- {store}, cProfile, own time --")
            pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
