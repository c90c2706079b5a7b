"""Instructions per automined transfer, counted by valgrind (callgrind): a figure the load of a
shared machine does not move, for changes too small to see in bench/mine_loop.py's times.

    .venv/bin/python bench/mine_instructions.py [--count 300] [--store memory|leveldb]

Runs bench/mine_loop.py's transfers (signed beforehand, one block each, on the VM worker of an
in-process Devnet) twice under callgrind: 100 warm-up transfers alone, then the same 100 and
`--count` more; the difference over `--count` is the instructions of one transfer (its signing,
decode, validation, ecrecover, mining and store write, every thread counted: LevelDB's
compaction too). Both runs print the head hash, so two builds can be checked to mine the same
blocks. About a minute a run; needs valgrind.
"""
import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 100


def child(count: int, store: str) -> None:
    """The counted run: WARM_UP + count transfers; prints the head hash."""
    import tempfile
    sys.path[0] = str(ROOT)
    from bench.mine_loop import signed_transfers
    from pydevnet.node.config import Genesis
    from pydevnet.node.devnet import Devnet
    from pydevnet.state.store import LevelDBStore, MemoryStore
    raws = signed_transfers(WARM_UP + count)
    with tempfile.TemporaryDirectory() as tmp:
        kv = MemoryStore() if store == "memory" else LevelDBStore(str(Path(tmp) / "data"))
        d = Devnet(kv, Genesis())

        def job() -> bytes:
            for raw in raws:
                d.send_raw_transaction(raw)
            return d.chain.head.hash
        try:
            print("0x" + d.worker.run(job).hex())
        finally:
            d.shutdown()


def counted(count: int, store: str) -> tuple[int, str]:
    """(instructions, head hash) of one child run under callgrind."""
    out = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
         __file__, "--child", str(count), "--store", store],
        capture_output=True, text=True, check=True, env=dict(os.environ))
    refs = re.search(r"refs:\s+([\d,]+)", out.stderr)
    if refs is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{out.stderr[-2000:]}")
    return int(refs.group(1).replace(",", "")), out.stdout.strip()


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="bench/mine_instructions.py",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("--count", type=int, default=300)
    p.add_argument("--store", choices=("memory", "leveldb"), default="memory")
    p.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child is not None:
        child(args.child, args.store)
        return 0
    base, _ = counted(0, args.store)
    total, head = counted(args.count, args.store)
    print(f"{args.count} automined transfers ({args.store}) after {WARM_UP}, head {head}: "
          f"{(total - base) // args.count:,} instructions a transfer")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
