"""The start-up benchmark (issue 13): how soon a node answers, side by side with Anvil.

    make bench-startup                  (BENCH_ARGS=... passes options)
    .venv/bin/python bench/startup.py [--runs N] [--txs N] [--only devnet,anvil] [--json]

Every figure is the median of --runs (default 5) starts, each from `Popen` to the first
successful eth_chainId answer (polled every 2 ms, as bench/rpc_nodes.py does), the node then
stopped by its PID. Runs are interleaved (run 1 of every case, then run 2, ...).

* fresh: `devnet --datadir NEW` (a new LevelDB data dir: the genesis state is built and written)
  and `devnet --memory`, beside `anvil` with fresh state;
* populated: `devnet --datadir D` on a data dir holding a chain of --txs blocks (default 10,000),
  one transaction each: value transfers from 8 dev accounts to fresh addresses, and every
  LOG_EVERY-th block a call to one of 16 contracts that emit a log. It is built once in process
  (pydevnet.Devnet, automine) and cached under build/startup/; the first start after a build is
  not counted. Beside it, `anvil --state FILE` loading the same transactions' chain (built once
  by sending them to an Anvil that dumps its state on exit, cached beside it);
* help: `devnet --help` and `anvil --help` from spawn to exit; and `python -c pass` with the
  venv's interpreter, the floor any Python start-up pays.

Bytecode: an installed devnet runs from cached bytecode (pip compiles site-packages; a source
checkout writes __pycache__ on its first run). A shell with PYTHONDONTWRITEBYTECODE=1 (as this
workspace's) never caches the project's ~130 modules and compiles them at every start, ~0.17 s.
So the devnet runs with PYTHONPYCACHEPREFIX=build/startup/pycache (the cache kept out of the
source tree) and that variable unset, warmed by one untimed start; --no-bytecode-cache runs it
with the caller's environment as it is.

The machine is shared: figures move with its load, which is printed with them.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[0] = str(HERE.parent)  # bench/ itself must not be on the path: this file would shadow rpc/

from bench import rpc_nodes  # noqa: E402
from bench.scale_inputs import EMITTER_INIT, EMITTERS, emitter_address  # noqa: E402

from pydevnet.node.accounts import dev_accounts  # noqa: E402
from pydevnet.node.tx.signing import sign_transaction  # noqa: E402

CACHE = HERE.parent / "build" / "startup"
ANVIL_FALLBACK = HERE.parent / "tests/js/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
LOG_EVERY = 10
SENDERS = 8  # dev accounts 1..8 send the transfers; account 0 deploys and calls the emitters
FEE_CAP = 100 * 10 ** 9
CHAIN_ID = 31337
VERSION = 1


# -- the populated chain -------------------------------------------------------------------------
def plan(txs: int) -> list[bytes]:
    """The chain's transactions, signed, one a block: EMITTERS deployments by account 0, then
    value transfers from accounts 1..SENDERS to fresh addresses, every LOG_EVERY-th one a call
    from account 0 to emitter (i // LOG_EVERY) % EMITTERS with i as its topic."""
    keys = [a.private_key for a in dev_accounts(count=SENDERS + 1)]
    nonces = [0] * len(keys)
    emitters = [bytes.fromhex(emitter_address(i)[2:]) for i in range(EMITTERS)]
    raws = []
    for i in range(txs):
        if i < EMITTERS:
            sender, to, value, data = 0, None, 0, EMITTER_INIT
        elif i % LOG_EVERY == 0:
            sender, to, value, data = 0, emitters[i // LOG_EVERY % EMITTERS], 0, i.to_bytes(32, "big")
        else:
            sender, to, value, data = 1 + i % SENDERS, (i + 1).to_bytes(20, "big"), i, b""
        fields = dict(type=2, chain_id=CHAIN_ID, nonce=nonces[sender], gas_limit=100_000, to=to,
                      value=value, data=data, max_fee_per_gas=FEE_CAP, max_priority_fee_per_gas=0)
        raws.append("0x" + sign_transaction(fields, keys[sender]).raw.hex())
        nonces[sender] += 1
    return raws


def _cached(path: Path, txs: int, build) -> Path:
    """`path` as built by build(tmp_path, txs), kept while its manifest matches."""
    manifest = {"txs": txs, "log_every": LOG_EVERY, "senders": SENDERS, "version": VERSION}
    stamp = path.with_name(path.name + ".manifest.json")
    if path.exists() and stamp.exists() and json.loads(stamp.read_text()) == manifest:
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    building = path.with_name(path.name + ".building")
    for old in (path, building):
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    started = time.perf_counter()
    build(building, txs)
    building.replace(path)
    stamp.write_text(json.dumps(manifest))
    print(f"built {path} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path


def devnet_datadir(txs: int) -> Path:
    return _cached(CACHE / f"devnet-{txs}", txs, _build_devnet)


def _build_devnet(datadir: Path, txs: int) -> None:
    from pydevnet import Devnet
    with Devnet(datadir=datadir) as d:
        for raw in plan(txs):
            d.request("eth_sendRawTransaction", raw)
        assert int(d.request("eth_blockNumber"), 16) == txs


def anvil_state(txs: int) -> Path:
    return _cached(CACHE / f"anvil-{txs}.json", txs, _build_anvil)


def _build_anvil(state: Path, txs: int) -> None:
    """Send the plan to an Anvil started with --state (automine), which dumps its state on exit.
    Anvil answers a send once the transaction is pooled and may mine several in one block, so
    each receipt is awaited before the next send."""
    with tempfile.TemporaryDirectory() as scratch:
        node = Started(anvil_argv("--state", str(state)), Path(scratch))
        try:
            for raw in plan(txs):  # each mined before the next is sent: one a block
                tx_hash = node.client.call("eth_sendRawTransaction", raw)
                while node.client.call("eth_getTransactionReceipt", tx_hash) is None:
                    time.sleep(0.001)
            assert int(node.client.call("eth_blockNumber"), 16) == txs
        finally:
            node.stop()
    assert state.exists(), "anvil wrote no state file on exit"


# -- starting and timing -------------------------------------------------------------------------
def anvil_bin() -> Path | None:
    found = rpc_nodes._anvil_bin()
    return found or (ANVIL_FALLBACK if ANVIL_FALLBACK.exists() else None)


def anvil_argv(*extra: str) -> list[str]:
    return [str(anvil_bin()), "--host", "127.0.0.1", "--port", "{port}", "--chain-id",
            str(CHAIN_ID), "--accounts", "20", "--balance", "10000", "--quiet", *extra]


def devnet_argv(binary: str, *extra: str) -> list[str]:
    return [binary, "--port", "{port}", "--quiet", *extra]


def bytecode_cached_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(CACHE / "pycache")}


class Started:
    """A node from `argv` ({port} filled in) on a free port, up to its first eth_chainId answer;
    `seconds` from spawn to that answer."""

    def __init__(self, argv: list[str], scratch: Path, env: dict[str, str] | None = None) -> None:
        port = rpc_nodes.free_port()
        log_path = scratch / f"node-{port}.log"
        argv = [a.replace("{port}", str(port)) for a in argv]
        with open(log_path, "wb") as log:
            t0 = time.perf_counter()
            self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env=env)
        try:
            self.client = rpc_nodes._wait_ready(self.proc, port, log_path)
        except BaseException:
            rpc_nodes.stop_pid(self.proc)
            raise
        self.seconds = time.perf_counter() - t0

    def stop(self) -> None:
        self.client.close()
        rpc_nodes.stop_pid(self.proc)


def time_start(argv: list[str], expect_block: int | None = None,
               env: dict[str, str] | None = None) -> float:
    """Seconds from spawn to the first answer of one start; checks the head if asked."""
    with tempfile.TemporaryDirectory() as scratch:
        node = Started([a.replace("{scratch}", scratch) for a in argv], Path(scratch), env)
        try:
            if expect_block is not None:
                assert int(node.client.call("eth_blockNumber"), 16) == expect_block
        finally:
            node.stop()
        return node.seconds


def time_exit(argv: list[str], env: dict[str, str] | None = None) -> float:
    """Seconds from spawn to exit (status 0) of a command that prints and exits."""
    t0 = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True,
                   env=env)
    return time.perf_counter() - t0


def cases(args: argparse.Namespace) -> dict[str, callable]:
    families = set(args.only.split(","))
    out: dict[str, callable] = {}
    if "devnet" in families:
        devnets = [("devnet", str(rpc_nodes.DEVNET_BIN))] + [
            tuple(c.split("=", 1)) for c in args.compare]
        for label, binary in devnets:
            out.update(devnet_cases(label, binary, args))
        out["python -c pass (floor)"] = lambda: time_exit([sys.executable, "-c", "pass"])
    if "anvil" in families and anvil_bin() is not None:
        state = anvil_state(args.txs)
        out["anvil fresh"] = lambda: time_start(anvil_argv(), 0)
        out[f"anvil --state ({args.txs:,} blocks)"] = lambda: time_start(
            anvil_argv("--load-state", str(state)), args.txs)
        out["anvil --help"] = lambda: time_exit([str(anvil_bin()), "--help"])
    return out


def devnet_cases(label: str, binary: str, args: argparse.Namespace) -> dict[str, callable]:
    datadir = devnet_datadir(args.txs)
    env = None if args.no_bytecode_cache else bytecode_cached_env()
    # untimed: a first open may migrate the data dir, and the bytecode cache is written
    time_start(devnet_argv(binary, "--datadir", str(datadir)), args.txs, env)
    time_exit([binary, "--help"], env)
    return {
        f"{label} fresh datadir": lambda: time_start(
            devnet_argv(binary, "--datadir", "{scratch}/datadir"), 0, env),
        f"{label} --memory": lambda: time_start(devnet_argv(binary, "--memory"), 0, env),
        f"{label} populated ({args.txs:,} blocks)": lambda: time_start(
            devnet_argv(binary, "--datadir", str(datadir)), args.txs, env),
        f"{label} --help": lambda: time_exit([binary, "--help"], env),
    }


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--txs", type=int, default=10_000, help="blocks of the populated chain")
    p.add_argument("--only", default="devnet,anvil")
    p.add_argument("--json", action="store_true")
    p.add_argument("--compare", action="append", default=[], metavar="LABEL=PATH",
                   help="also time another devnet executable (an older checkout's), interleaved")
    p.add_argument("--no-bytecode-cache", action="store_true",
                   help="run devnet in this environment as it is (see the module docstring)")
    args = p.parse_args(argv)
    todo = cases(args)
    samples: dict[str, list[float]] = {name: [] for name in todo}
    for _ in range(args.runs):
        for name, run in todo.items():
            samples[name].append(run())
    result = {"load": os.getloadavg(), "runs": args.runs, "txs": args.txs,
              "bytecode_cache": not args.no_bytecode_cache,
              "median_s": {n: statistics.median(s) for n, s in samples.items()},
              "samples_s": samples}
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print(f"start-up to first answer, median of {args.runs} (load average "
          f"{' '.join(f'{x:.1f}' for x in result['load'])}; devnet "
          f"{'with' if result['bytecode_cache'] else 'as the environment has it, maybe without'}"
          " cached bytecode)")
    for name, s in samples.items():
        print(f"  {name:40} {statistics.median(s):6.3f} s   (min {min(s):.3f}, max {max(s):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
